package dataset

import (
	"fmt"
	"image"
	"image/color"
	"math/rand/v2"
	"testing"
)

// pixelsOf returns m's pixels as an NRGBA image at the origin, each read
// through the standard library (At, then NRGBAModel): the reference
// upright.row is checked against, independent of its fast paths.
func pixelsOf(m image.Image) *image.NRGBA {
	b := m.Bounds()
	out := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := range b.Dy() {
		for x := range b.Dx() {
			out.SetNRGBA(x, y, color.NRGBAModel.Convert(m.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA))
		}
	}
	return out
}

// fill sets every byte of each slice to a seeded random value.
func fill(seed uint64, bufs ...[]uint8) {
	rng := rand.New(rand.NewPCG(seed, 1))
	for _, b := range bufs {
		for i := range b {
			b[i] = uint8(rng.IntN(256))
		}
	}
}

// opaque sets every step-th byte from off on to 0xFF (an alpha channel).
func opaque(pix []uint8, off, step int) {
	for i := off; i < len(pix); i += step {
		pix[i] = 0xFF
	}
}

// pixelImages are pictures of every type upright.row has a case for (and
// one for its default), 7×5 with a bounds origin that is not (0, 0), opaque
// where the type has alpha (straight and premultiplied colours agree).
func pixelImages() map[string]image.Image {
	const w, h = 7, 5
	r := image.Rect(3, -2, 3+w, -2+h)
	ims := map[string]image.Image{}
	for _, ss := range []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422,
		image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio440, image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410} {
		for _, rect := range []image.Rectangle{image.Rect(0, 0, w, h), image.Rect(5, 3, 5+w, 3+h), image.Rect(-5, -3, -5+w, -3+h), image.Rect(3, -3, 3+w, -3+h), image.Rect(-5, 3, -5+w, 3+h), image.Rect(-3, -1, -3+w, -1+h)} {
			m := image.NewYCbCr(rect, ss)
			fill(uint64(ss)+7, m.Y, m.Cb, m.Cr)
			ims[fmt.Sprintf("YCbCr %v at %v", ss, rect.Min)] = m
		}
		a := image.NewNYCbCrA(image.Rect(1, 2, 1+w, 2+h), ss)
		fill(uint64(ss)+11, a.Y, a.Cb, a.Cr)
		opaque(a.A, 0, 1)
		ims[fmt.Sprintf("NYCbCrA %v", ss)] = a
	}
	g := image.NewGray(r)
	fill(1, g.Pix)
	ims["Gray"] = g
	g16 := image.NewGray16(r)
	fill(2, g16.Pix)
	ims["Gray16"] = g16
	n := image.NewNRGBA(r)
	fill(3, n.Pix)
	opaque(n.Pix, 3, 4)
	ims["NRGBA"] = n
	n64 := image.NewNRGBA64(r)
	fill(4, n64.Pix)
	opaque(n64.Pix, 6, 8)
	opaque(n64.Pix, 7, 8)
	ims["NRGBA64"] = n64
	rgba := image.NewRGBA(r)
	fill(5, rgba.Pix)
	opaque(rgba.Pix, 3, 4)
	ims["RGBA"] = rgba
	pal := color.Palette{}
	for i := range 200 { // shorter than 256: the rest of the table is black
		pal = append(pal, color.NRGBA{uint8(i * 3), uint8(255 - i), uint8(i * 7), 255})
	}
	p := image.NewPaletted(r, pal)
	fill(6, p.Pix)
	for i := range p.Pix {
		p.Pix[i] %= 200
	}
	ims["Paletted"] = p
	cmyk := image.NewCMYK(r)
	fill(7, cmyk.Pix)
	ims["CMYK"] = cmyk
	r64 := image.NewRGBA64(r) // no case of its own: At
	fill(8, r64.Pix)
	opaque(r64.Pix, 6, 8)
	opaque(r64.Pix, 7, 8)
	ims["RGBA64 (default case)"] = r64
	// A sub-image: the stride is wider than a row.
	big := image.NewNRGBA(image.Rect(0, 0, 20, 15))
	fill(9, big.Pix)
	opaque(big.Pix, 3, 4)
	ims["NRGBA sub-image"] = big.SubImage(image.Rect(4, 6, 4+w, 6+h))
	return ims
}

// upright.row gives, for every image type, every orientation and any list
// of columns (in order, reversed, repeated), the pixels the standard
// library reads at the place the EXIF definition (uprightRef) puts them.
func TestUprightRowEveryType(t *testing.T) {
	for name, m := range pixelImages() {
		ref := pixelsOf(m)
		for o := orientation(1); o <= 8; o++ {
			want := uprightRef(ref, int(o))
			w, h := want.Rect.Dx(), want.Rect.Dy()
			var u upright
			u.reset(m, o)
			if u.w != w || u.h != h {
				t.Fatalf("%s, orientation %d: upright %d×%d, want %d×%d", name, o, u.w, u.h, w, h)
			}
			cols := [][]int32{make([]int32, w), make([]int32, w), {int32(w - 1), 0, int32(w / 2), int32(w / 2)}}
			for i := range w {
				cols[0][i], cols[1][i] = int32(i), int32(w-1-i)
			}
			for _, xs := range cols {
				dst := make([]uint8, 3*len(xs)+3)
				dst[len(dst)-1] = 0xAB // row writes 3·len(xs) values, no more
				for y := range h {
					u.row(dst, y, xs)
					for i, x := range xs {
						c := want.NRGBAAt(int(x), y)
						if got := [3]uint8(dst[3*i : 3*i+3]); got != [3]uint8{c.R, c.G, c.B} {
							t.Fatalf("%s, orientation %d: pixel (%d, %d) = %v, want %v", name, o, x, y, got, [3]uint8{c.R, c.G, c.B})
						}
					}
					if dst[len(dst)-1] != 0xAB {
						t.Fatalf("%s: row wrote past 3·len(xs)", name)
					}
				}
			}
		}
	}
}

// Premultiplied colours are divided by alpha with rounding, as PIL's
// RGBa → RGB conversion does: c·255/a rounded half up, saturated at 255;
// alpha 0 gives black. Pinned values, worked by hand.
func TestUnpremul(t *testing.T) {
	for _, c := range []struct{ c, a, want uint8 }{
		{0, 0, 0}, {7, 0, 0}, // alpha 0: black, whatever is stored
		{0, 255, 0}, {10, 255, 10}, {255, 255, 255},
		{100, 128, 199}, // (25500 + 64) / 128 = 199.7 → 199
		{64, 128, 128},  // (16320 + 64) / 128 = 128
		{128, 128, 255}, // (32640 + 64) / 128 = 255.5 → 255
		{129, 128, 255}, // 257.5: saturates
		{1, 2, 128},     // (255 + 1) / 2
		{1, 3, 85},      // (255 + 1) / 3 = 85.3
		{2, 3, 170},     // (510 + 1) / 3 = 170.3
		{1, 254, 1},     // (255 + 127) / 254 = 1.5 → 1
		{127, 254, 128}, // (32385 + 127) / 254 = 128
	} {
		if got := unpremul(c.c, c.a); got != c.want {
			t.Errorf("unpremul(%d, %d) = %d, want %d", c.c, c.a, got, c.want)
		}
	}
	// Through row: a premultiplied RGBA pixel and a translucent palette
	// entry (straight colour kept, alpha dropped).
	m := image.NewRGBA(image.Rect(0, 0, 2, 1))
	copy(m.Pix, []uint8{100, 64, 1, 128, 5, 6, 7, 0})
	var u upright
	u.reset(m, 1)
	dst := make([]uint8, 6)
	u.row(dst, 0, []int32{0, 1})
	if want := [6]uint8{199, 128, 2, 0, 0, 0}; [6]uint8(dst) != want {
		t.Errorf("RGBA row %v, want %v", dst, want)
	}
	p := image.NewPaletted(image.Rect(0, 0, 2, 1), color.Palette{color.NRGBA{10, 20, 30, 40}, color.NRGBA64{0x1234, 0x5678, 0x9ABC, 0x8000}})
	p.Pix[1] = 1
	u.reset(p, 1)
	u.row(dst, 0, []int32{1, 0})
	if want := [6]uint8{0x12, 0x56, 0x9A, 10, 20, 30}; [6]uint8(dst) != want {
		t.Errorf("paletted row %v, want %v", dst, want)
	}
}

// luma pinned: PIL's L for a few colours, worked by hand from
// (19595·R + 38470·G + 7471·B + 32768) >> 16.
func TestLumaPinned(t *testing.T) {
	for _, c := range []struct{ r, g, b, want uint8 }{
		{0, 0, 0, 0}, {255, 255, 255, 255},
		{255, 0, 0, 76},  // 4996725 + 32768 = 5029493 >> 16 = 76.7 → 76
		{0, 255, 0, 150}, // 9809850 + 32768 >> 16 = 150.2
		{0, 0, 255, 29},  // 1905105 + 32768 >> 16 = 29.6 → 29
		{1, 1, 1, 1},     // 65536 + 32768 >> 16 = 1
		{100, 150, 200, 141},
	} {
		if got := luma(c.r, c.g, c.b); got != c.want {
			t.Errorf("luma(%d, %d, %d) = %d, want %d", c.r, c.g, c.b, got, c.want)
		}
	}
}
