package dataset

import (
	"image"
	"image/color"
)

// upright reads 8-bit RGB pixels of a decoded image as they appear after
// its EXIF orientation is applied, without copying the image. Alpha is
// dropped as PIL's convert("RGB") drops it: the colour channels are kept as
// stored (not premultiplied, not composited on any background). 16-bit
// samples keep their high 8 bits.
type upright struct {
	img  image.Image
	min  image.Point
	w, h int // upright size

	ax, bx, cx, ay, by, cy int // upright → stored, see orientation.affine

	pal [256][3]uint8 // RGB of each palette entry, for *image.Paletted
}

// reset points u at img with orientation o.
func (u *upright) reset(img image.Image, o orientation) {
	b := img.Bounds()
	u.img, u.min = img, b.Min
	u.w, u.h = b.Dx(), b.Dy()
	if o.swapsAxes() {
		u.w, u.h = u.h, u.w
	}
	u.ax, u.bx, u.cx, u.ay, u.by, u.cy = o.affine(b.Dx(), b.Dy())
	if p, ok := img.(*image.Paletted); ok {
		for i := range u.pal {
			u.pal[i] = [3]uint8{}
			if i < len(p.Palette) {
				u.pal[i] = nrgb(p.Palette[i])
			}
		}
	}
}

// nrgb returns the non-premultiplied 8-bit colour of c, alpha dropped.
func nrgb(c color.Color) [3]uint8 {
	switch c := c.(type) {
	case color.NRGBA:
		return [3]uint8{c.R, c.G, c.B}
	case color.NRGBA64:
		return [3]uint8{uint8(c.R >> 8), uint8(c.G >> 8), uint8(c.B >> 8)}
	}
	n := color.NRGBA64Model.Convert(c).(color.NRGBA64)
	return [3]uint8{uint8(n.R >> 8), uint8(n.G >> 8), uint8(n.B >> 8)}
}

// row writes the RGB values of upright pixels (xs[i], y) to dst[3i:3i+3].
// The type switch runs once per call; each case is a tight loop.
func (u *upright) row(dst []uint8, y int, xs []int32) {
	dst = dst[:3*len(xs)]
	// Stored coordinates relative to the bounds' origin of pixel (x, y):
	// (sx0 + ax·x, sy0 + ay·x).
	sx0, sy0 := u.bx*y+u.cx, u.by*y+u.cy
	ax, ay := u.ax, u.ay
	switch m := u.img.(type) {
	case *image.YCbCr:
		u.rowYCbCr(dst, m, sx0, sy0, ax, ay, xs)
	case *image.NYCbCrA:
		u.rowYCbCr(dst, &m.YCbCr, sx0, sy0, ax, ay, xs)
	case *image.Gray:
		for i, x := range xs {
			sx, sy := sx0+ax*int(x), sy0+ay*int(x)
			v := m.Pix[sy*m.Stride+sx]
			dst[3*i], dst[3*i+1], dst[3*i+2] = v, v, v
		}
	case *image.Gray16:
		for i, x := range xs {
			sx, sy := sx0+ax*int(x), sy0+ay*int(x)
			v := m.Pix[sy*m.Stride+2*sx]
			dst[3*i], dst[3*i+1], dst[3*i+2] = v, v, v
		}
	case *image.NRGBA:
		for i, x := range xs {
			sx, sy := sx0+ax*int(x), sy0+ay*int(x)
			p := m.Pix[sy*m.Stride+4*sx:]
			dst[3*i], dst[3*i+1], dst[3*i+2] = p[0], p[1], p[2]
		}
	case *image.NRGBA64:
		for i, x := range xs {
			sx, sy := sx0+ax*int(x), sy0+ay*int(x)
			p := m.Pix[sy*m.Stride+8*sx:]
			dst[3*i], dst[3*i+1], dst[3*i+2] = p[0], p[2], p[4]
		}
	case *image.RGBA:
		for i, x := range xs {
			sx, sy := sx0+ax*int(x), sy0+ay*int(x)
			p := m.Pix[sy*m.Stride+4*sx:]
			dst[3*i], dst[3*i+1], dst[3*i+2] = unpremul(p[0], p[3]), unpremul(p[1], p[3]), unpremul(p[2], p[3])
		}
	case *image.Paletted:
		for i, x := range xs {
			sx, sy := sx0+ax*int(x), sy0+ay*int(x)
			c := &u.pal[m.Pix[sy*m.Stride+sx]]
			dst[3*i], dst[3*i+1], dst[3*i+2] = c[0], c[1], c[2]
		}
	case *image.CMYK:
		for i, x := range xs {
			sx, sy := sx0+ax*int(x), sy0+ay*int(x)
			p := m.Pix[sy*m.Stride+4*sx:]
			dst[3*i], dst[3*i+1], dst[3*i+2] = color.CMYKToRGB(p[0], p[1], p[2], p[3])
		}
	default:
		for i, x := range xs {
			sx, sy := sx0+ax*int(x), sy0+ay*int(x)
			c := nrgb(m.At(u.min.X+sx, u.min.Y+sy))
			dst[3*i], dst[3*i+1], dst[3*i+2] = c[0], c[1], c[2]
		}
	}
}

// rowYCbCr is row for Y'CbCr images (JPEG, lossy WebP), any subsampling.
func (u *upright) rowYCbCr(dst []uint8, m *image.YCbCr, sx0, sy0, ax, ay int, xs []int32) {
	var hs, vs uint // chroma subsampling shifts
	switch m.SubsampleRatio {
	case image.YCbCrSubsampleRatio422:
		hs = 1
	case image.YCbCrSubsampleRatio420:
		hs, vs = 1, 1
	case image.YCbCrSubsampleRatio440:
		vs = 1
	case image.YCbCrSubsampleRatio411:
		hs = 2
	case image.YCbCrSubsampleRatio410:
		hs, vs = 2, 1
	}
	mx, my := u.min.X, u.min.Y
	if mx < 0 || my < 0 { // rare: shifts and COffset's division would differ
		for i, x := range xs {
			sx, sy := mx+sx0+ax*int(x), my+sy0+ay*int(x)
			yy, ci := m.Y[m.YOffset(sx, sy)], m.COffset(sx, sy)
			dst[3*i], dst[3*i+1], dst[3*i+2] = color.YCbCrToRGB(yy, m.Cb[ci], m.Cr[ci])
		}
		return
	}
	// Chroma offsets as image.YCbCr.COffset computes them.
	c0x, c0y := mx>>hs, my>>vs
	for i, x := range xs {
		sx, sy := mx+sx0+ax*int(x), my+sy0+ay*int(x)
		yy := m.Y[(sy-my)*m.YStride+(sx-mx)]
		ci := (sy>>vs-c0y)*m.CStride + (sx>>hs - c0x)
		dst[3*i], dst[3*i+1], dst[3*i+2] = color.YCbCrToRGB(yy, m.Cb[ci], m.Cr[ci])
	}
}

// unpremul returns the straight colour value of premultiplied c at alpha a.
func unpremul(c, a uint8) uint8 {
	switch a {
	case 255:
		return c
	case 0:
		return 0
	}
	v := (int(c)*255 + int(a)/2) / int(a)
	if v > 255 {
		v = 255
	}
	return uint8(v)
}

// luma is PIL's L = (19595·R + 38470·G + 7471·B + 2¹⁵) >> 16, the ITU-R
// 601-2 weights 0.299, 0.587, 0.114 in 16-bit fixed point.
func luma(r, g, b uint8) uint8 {
	return uint8((19595*uint32(r) + 38470*uint32(g) + 7471*uint32(b) + 1<<15) >> 16)
}
