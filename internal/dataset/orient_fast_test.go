package dataset

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"math/rand/v2"
	"testing"
)

// The fast orientation paths give exactly the generic path's pixels, for
// every orientation, every YCbCr subsampling, sub-images with a non-zero
// origin and premultiplied RGBA with partial alpha.
func TestApplyFastMatchesGeneric(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	fill := func(p []uint8) {
		for i := range p {
			p[i] = uint8(rng.IntN(256))
		}
	}
	r := image.Rect(0, 0, 13, 7)
	var imgs []image.Image
	for _, ss := range []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422,
		image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio440, image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410} {
		m := image.NewYCbCr(r, ss)
		fill(m.Y)
		fill(m.Cb)
		fill(m.Cr)
		imgs = append(imgs, m, m.SubImage(image.Rect(3, 1, 12, 6)))
	}
	g := image.NewGray(r)
	fill(g.Pix)
	n := image.NewNRGBA(r)
	fill(n.Pix)
	rgba := image.NewRGBA(r)
	for i := 0; i < len(rgba.Pix); i += 4 { // valid premultiplied colours
		a := uint8(rng.IntN(256))
		rgba.Pix[i+3] = a
		for k := range 3 {
			rgba.Pix[i+k] = uint8(rng.IntN(int(a) + 1))
		}
	}
	imgs = append(imgs, g, g.SubImage(image.Rect(2, 2, 9, 7)), n, n.SubImage(image.Rect(1, 0, 5, 7)), rgba, rgba.SubImage(image.Rect(4, 3, 13, 7)))
	for i, img := range imgs {
		for o := orientation(2); o <= 8; o++ {
			b := img.Bounds()
			w, h := b.Dx(), b.Dy()
			ow, oh := w, h
			if o.swapsAxes() {
				ow, oh = h, w
			}
			ax, bx, cx, ay, by, cy := o.affine(w, h)
			want := applyGeneric(img, image.NewNRGBA(image.Rect(0, 0, ow, oh)), ax, bx, cx, ay, by, cy)
			got := applyFast(img, image.NewNRGBA(image.Rect(0, 0, ow, oh)), ax, bx, cx, ay, by, cy)
			name := fmt.Sprintf("image %d (%T %v), orientation %d", i, img, b, o)
			if got == nil {
				t.Fatalf("%s: no fast path", name)
			}
			if !bytes.Equal(got.Pix, want.Pix) {
				t.Errorf("%s: fast path differs from the generic one", name)
			}
		}
	}
	if applyFast(image.NewCMYK(r), image.NewNRGBA(r), 1, 0, 0, 0, 1, 0) != nil {
		t.Error("CMYK should take the generic path")
	}
}

// The YCbCr fast path converts with color.YCbCrToRGB, as the training
// loader does (pixels.go); the generic path's YCbCr.RGBA()>>8 is the same
// function of (Y, Cb, Cr) in 8 bits.
func TestYCbCrToRGBEqualsRGBAHighByte(t *testing.T) {
	for y := 0; y < 256; y++ {
		for cb := 0; cb < 256; cb++ {
			for cr := 0; cr < 256; cr += 1 + y%3 { // a third of the cube, every (Y, Cb) pair
				r8, g8, b8 := color.YCbCrToRGB(uint8(y), uint8(cb), uint8(cr))
				r, g, b, _ := color.YCbCr{Y: uint8(y), Cb: uint8(cb), Cr: uint8(cr)}.RGBA()
				if uint8(r>>8) != r8 || uint8(g>>8) != g8 || uint8(b>>8) != b8 {
					t.Fatalf("Y'CbCr (%d, %d, %d): YCbCrToRGB %d %d %d, RGBA()>>8 %d %d %d", y, cb, cr, r8, g8, b8, r>>8, g>>8, b>>8)
				}
			}
		}
	}
}
