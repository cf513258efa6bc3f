package dataset

import (
	"bytes"
	"fmt"
	"image"
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
