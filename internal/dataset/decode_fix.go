package dataset

import (
	"image"
	"image/color"
)

// fixDecoded corrects the two places where Go's decoders give other colours
// than the C libraries PIL (and so Keras) uses:
//
//   - Lossy WebP stores limited-range ("studio swing", BT.601) Y'CbCr, but
//     golang.org/x/image/webp returns it as an *image.YCbCr, which Go reads
//     as full range: white comes out as 231. It is converted here with
//     libwebp's own fixed-point equations into an *image.NRGBA.
//   - image/gif replaces the transparent palette entry by transparent black,
//     while PIL's convert("RGB") shows the colour stored for it. The stored
//     colour is put back, with alpha 0.
func fixDecoded(img image.Image, format string, data []byte) image.Image {
	switch format {
	case "webp":
		switch m := img.(type) {
		case *image.YCbCr:
			return webpToNRGBA(m, nil)
		case *image.NYCbCrA:
			return webpToNRGBA(&m.YCbCr, m.A)
		}
	case "gif":
		if p, ok := img.(*image.Paletted); ok {
			restoreGIFTransparent(p, data)
		}
	}
	return img
}

// webpToNRGBA converts VP8's limited-range Y'CbCr (and optional alpha
// plane, same layout as Y) with libwebp's VP8YUVToR/G/B (14-bit fixed point).
func webpToNRGBA(m *image.YCbCr, alpha []uint8) *image.NRGBA {
	b := m.Rect
	dst := image.NewNRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			yy := int(m.Y[m.YOffset(x, y)])
			ci := m.COffset(x, y)
			u, v := int(m.Cb[ci]), int(m.Cr[ci])
			yv := yy * 19077 >> 8
			p := dst.Pix[dst.PixOffset(x, y):]
			p[0] = clipVP8(yv + v*26149>>8 - 14234)
			p[1] = clipVP8(yv - u*6419>>8 - v*13320>>8 + 8708)
			p[2] = clipVP8(yv + u*33050>>8 - 17685)
			p[3] = 255
			if alpha != nil {
				p[3] = alpha[m.YOffset(x, y)]
			}
		}
	}
	return dst
}

// clipVP8 is libwebp's VP8Clip8: a 6-bit fixed-point value to 0..255.
func clipVP8(v int) uint8 {
	if v < 0 {
		return 0
	}
	if v >= 256<<6 {
		return 255
	}
	return uint8(v >> 6)
}

// restoreGIFTransparent puts back the stored colour of the first frame's
// transparent palette entry, which image/gif sets to transparent black.
func restoreGIFTransparent(p *image.Paletted, data []byte) {
	table, trans := gifFirstFrameTable(data)
	if trans < 0 || trans >= len(p.Palette) || 3*trans+2 >= len(table) {
		return
	}
	if p.Palette[trans] != (color.RGBA{}) {
		return
	}
	pal := append(color.Palette(nil), p.Palette...)
	pal[trans] = color.NRGBA{table[3*trans], table[3*trans+1], table[3*trans+2], 0}
	p.Palette = pal
}

// gifFirstFrameTable walks a GIF's blocks up to its first image and returns
// that image's colour table (local, else global) and the transparent index
// from the graphic control extension before it (-1 if none or malformed).
func gifFirstFrameTable(d []byte) (table []byte, trans int) {
	trans = -1
	if len(d) < 13 || string(d[:3]) != "GIF" {
		return nil, -1
	}
	p := 13
	if d[10]&0x80 != 0 {
		n := 3 << (d[10]&7 + 1)
		if p+n > len(d) {
			return nil, -1
		}
		table = d[p : p+n]
		p += n
	}
	for p < len(d) {
		switch d[p] {
		case 0x21: // extension: label, then sub-blocks
			if p+2 > len(d) {
				return nil, -1
			}
			label := d[p+1]
			p += 2
			for p < len(d) && d[p] != 0 {
				n := int(d[p])
				if label == 0xF9 && n >= 4 && p+4 < len(d) && d[p+1]&1 != 0 {
					trans = int(d[p+4])
				}
				p += 1 + n
			}
			p++
		case 0x2C: // image descriptor
			if p+10 > len(d) {
				return nil, -1
			}
			if f := d[p+9]; f&0x80 != 0 {
				n := 3 << (f&7 + 1)
				if p+10+n > len(d) {
					return nil, -1
				}
				table = d[p+10 : p+10+n]
			}
			return table, trans
		default:
			return nil, -1
		}
	}
	return nil, -1
}
