package dataset

import (
	"image"
	"image/color"
)

// applyFast turns the concrete image types decoders return upright without
// going through image.Image's At and color.Model's Convert per pixel
// (boxed colours, dynamic calls): a quarter-turned 12-megapixel phone photo
// took 2.7 s that way, most of the cost of opening it. Each pixel gets the
// exact value the generic path gives, color.NRGBAModel's conversion of the
// pixel's own RGBA(). It returns nil for other types.
func applyFast(img image.Image, dst *image.NRGBA, ax, bx, cx, ay, by, cy int) *image.NRGBA {
	switch img.(type) {
	case *image.YCbCr, *image.Gray, *image.NRGBA, *image.RGBA:
	default:
		return nil
	}
	// Tiles keep both the source and the destination in cache when the
	// turn walks the source by columns (orientations 5 to 8).
	const tile = 32
	ow, oh := dst.Rect.Dx(), dst.Rect.Dy()
	b := img.Bounds()
	for ty := 0; ty < oh; ty += tile {
		for tx := 0; tx < ow; tx += tile {
			applyTile(img, dst, tx, ty, min(tx+tile, ow), min(ty+tile, oh), b.Min, ax, bx, cx, ay, by, cy)
		}
	}
	return dst
}

// applyTile fills dst's pixels [x0, x1)×[y0, y1) from img; source pixel
// of (x, y) is min + (ax·x + bx·y + cx, ay·x + by·y + cy).
func applyTile(img image.Image, dst *image.NRGBA, x0, y0, x1, y1 int, min image.Point, ax, bx, cx, ay, by, cy int) {
	for y := y0; y < y1; y++ {
		p := dst.Pix[y*dst.Stride+4*x0 : y*dst.Stride+4*x1]
		sx, sy := min.X+ax*x0+bx*y+cx, min.Y+ay*x0+by*y+cy
		switch m := img.(type) {
		case *image.YCbCr:
			hs, vs := chromaShifts(m.SubsampleRatio)
			mx, my := m.Rect.Min.X, m.Rect.Min.Y
			for i := 0; i < len(p); i, sx, sy = i+4, sx+ax, sy+ay {
				var yi, ci int
				if mx >= 0 && my >= 0 { // COffset's arithmetic, without its switch
					yi = (sy-my)*m.YStride + (sx - mx)
					ci = (sy>>vs-my>>vs)*m.CStride + (sx>>hs - mx>>hs)
				} else {
					yi, ci = m.YOffset(sx, sy), m.COffset(sx, sy)
				}
				// YCbCrToRGB equals YCbCr.RGBA()>>8 for all 2²⁴ inputs
				// (checked exhaustively), in 8-bit arithmetic.
				p[i], p[i+1], p[i+2] = color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
				p[i+3] = 0xff
			}
		case *image.Gray:
			for i := 0; i < len(p); i, sx, sy = i+4, sx+ax, sy+ay {
				v := m.Pix[m.PixOffset(sx, sy)]
				p[i], p[i+1], p[i+2], p[i+3] = v, v, v, 0xff
			}
		case *image.NRGBA:
			for i := 0; i < len(p); i, sx, sy = i+4, sx+ax, sy+ay {
				j := m.PixOffset(sx, sy)
				copy(p[i:i+4], m.Pix[j:j+4])
			}
		case *image.RGBA:
			for i := 0; i < len(p); i, sx, sy = i+4, sx+ax, sy+ay {
				j := m.PixOffset(sx, sy)
				c := nrgbaOf(uint32(m.Pix[j])*0x101, uint32(m.Pix[j+1])*0x101, uint32(m.Pix[j+2])*0x101, uint32(m.Pix[j+3])*0x101)
				p[i], p[i+1], p[i+2], p[i+3] = c.R, c.G, c.B, c.A
			}
		}
	}
}

// chromaShifts returns the horizontal and vertical chroma subsampling of
// r as shifts (4:2:0: 1, 1).
func chromaShifts(r image.YCbCrSubsampleRatio) (hs, vs uint) {
	switch r {
	case image.YCbCrSubsampleRatio422:
		return 1, 0
	case image.YCbCrSubsampleRatio420:
		return 1, 1
	case image.YCbCrSubsampleRatio440:
		return 0, 1
	case image.YCbCrSubsampleRatio411:
		return 2, 0
	case image.YCbCrSubsampleRatio410:
		return 2, 1
	}
	return 0, 0
}

// nrgbaOf is color.NRGBAModel's conversion of 16-bit premultiplied r, g, b,
// a (image/color's nrgbaModel, written out to avoid boxing the colour).
func nrgbaOf(r, g, b, a uint32) color.NRGBA {
	switch a {
	case 0xffff:
		return color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 0xff}
	case 0:
		return color.NRGBA{}
	}
	r, g, b = (r*0xffff)/a, (g*0xffff)/a, (b*0xffff)/a
	return color.NRGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), uint8(a >> 8)}
}
