package dataset

import (
	"bytes"
	"image/jpeg"
	"testing"
)

// FuzzFastJPEG: the fast JPEG path never panics on any bytes, allocates in
// proportion to the file (a frame needs at least two bits of data per
// block, checked before anything frame-sized is allocated), and whenever
// it decodes a file, image/jpeg decodes it too and every pixel is the
// same, on one goroutine or two (fastjpeg_split.go). Seeds: generated baseline files (every sampling, restart
// intervals, an orientation) and image/jpeg's own output.
func FuzzFastJPEG(f *testing.F) {
	for i, tj := range []testJPEG{
		{w: 17, h: 9, hy: 2, vy: 2, quality: 75, seed: 1},
		{w: 9, h: 17, hy: 2, vy: 1, quality: 90, ri: 1, seed: 2},
		{w: 16, h: 16, hy: 1, vy: 2, quality: 50, ri: 2, noise: 50, seed: 3},
		{w: 8, h: 8, hy: 1, vy: 1, quality: 100, jfif: true, seed: 4},
		{w: 12, h: 5, gray: true, quality: 80, ri: 1, seed: 5},
	} {
		data := encodeTestJPEG(f, tj)
		if i == 0 {
			data = withOrientation(data, 6, false)
		}
		f.Add(data)
	}
	f.Add(encodeJPEG(f, quadImage(6, 4), 80))
	// Inputs of 64 bytes and more take the two-goroutine path.
	old := fjSplitMin
	fjSplitMin = 64
	f.Cleanup(func() { fjSplitMin = old })
	f.Fuzz(func(t *testing.T, in []byte) {
		fr, err := parseFastJPEG(in)
		if err != nil {
			return
		}
		blocks := 0
		for c := range fr.ncomp {
			blocks += fr.comp[c].bw * fr.comp[c].bh
		}
		if blocks > 4*len(in) {
			t.Fatalf("%d blocks accepted from %d bytes", blocks, len(in))
		}
		got, w, h, err := fastRGB(t, in)
		if err != nil {
			return
		}
		if _, err := jpeg.Decode(bytes.NewReader(in)); err != nil {
			t.Fatalf("the fast path decoded a file image/jpeg refuses: %v", err)
		}
		want, ww, wh := uprightRGB(t, in)
		if w != ww || h != wh {
			t.Fatalf("size %d×%d, image/jpeg %d×%d", w, h, ww, wh)
		}
		if i := firstDiff(got, want); i >= 0 {
			t.Fatalf("pixel %d: %v, image/jpeg %v", i/3, got[i/3*3:i/3*3+3], want[i/3*3:i/3*3+3])
		}
	})
}
