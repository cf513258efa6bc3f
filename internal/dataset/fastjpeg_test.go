package dataset

import (
	"bytes"
	"fmt"
	"image"
	"testing"
)

// uprightRGB returns every pixel of the fully decoded, upright image as
// LoadImage gives it, through the resizer's own pixel reader.
func uprightRGB(tb testing.TB, data []byte) ([]uint8, int, int) {
	tb.Helper()
	img, err := LoadImage(bytes.NewReader(data), -1)
	if err != nil {
		tb.Fatal(err)
	}
	var u upright
	u.reset(img, 1)
	xs := make([]int32, u.w)
	for i := range xs {
		xs[i] = int32(i)
	}
	out := make([]uint8, 3*u.w*u.h)
	for y := range u.h {
		u.row(out[3*y*u.w:], y, xs)
	}
	return out, u.w, u.h
}

// fastRGB decodes every pixel through the fast path.
func fastRGB(tb testing.TB, data []byte) ([]uint8, int, int, error) {
	tb.Helper()
	f, err := parseFastJPEG(data)
	if err != nil {
		return nil, 0, 0, err
	}
	p := openPhoto(data, f)
	xs, ys := make([]int32, p.w), make([]int32, p.h)
	for i := range xs {
		xs[i] = int32(i)
	}
	for i := range ys {
		ys[i] = int32(i)
	}
	out := make([]uint8, 3*p.w*p.h)
	return out, p.w, p.h, p.nearest(out, xs, ys)
}

// TestFastJPEGMatchesImageJPEG decodes generated baseline JPEGs of many
// sizes, samplings, restart intervals, qualities and EXIF orientations
// through the fast path, every pixel, and requires image/jpeg's values
// byte for byte.
func TestFastJPEGMatchesImageJPEG(t *testing.T) {
	sizes := [][2]int{{1, 1}, {8, 8}, {7, 9}, {16, 16}, {17, 33}, {33, 17}, {64, 48}, {100, 75}, {129, 31}}
	samplings := []struct {
		name   string
		hy, vy int
		gray   bool
	}{{"444", 1, 1, false}, {"422", 2, 1, false}, {"440", 1, 2, false}, {"420", 2, 2, false}, {"gray", 1, 1, true}}
	seed := uint64(0)
	for _, s := range samplings {
		for _, sz := range sizes {
			for _, ri := range []int{0, 1, 3} {
				seed++
				tj := testJPEG{w: sz[0], h: sz[1], hy: s.hy, vy: s.vy, gray: s.gray, ri: ri,
					quality: []int{50, 90, 100}[seed%3], noise: []int{0, 3, 400}[(seed/3)%3], jfif: seed%2 == 0, seed: seed}
				data := encodeTestJPEG(t, tj)
				for _, o := range []int{1, 3, 6, 8} {
					name := fmt.Sprintf("%s/%dx%d/ri%d/q%d/noise%d/o%d", s.name, sz[0], sz[1], ri, tj.quality, tj.noise, o)
					d := data
					if o != 1 {
						d = withOrientation(data, o, o == 8)
					}
					want, ww, wh := uprightRGB(t, d)
					got, gw, gh, err := fastRGB(t, d)
					if err != nil {
						t.Fatalf("%s: fast path refused a baseline file: %v", name, err)
					}
					if gw != ww || gh != wh {
						t.Fatalf("%s: size %d×%d, image/jpeg %d×%d", name, gw, gh, ww, wh)
					}
					if i := firstDiff(got, want); i >= 0 {
						p := i / 3
						t.Fatalf("%s: pixel (%d, %d) = %v, image/jpeg %v", name, p%ww, p/ww, got[3*p:3*p+3], want[3*p:3*p+3])
					}
				}
			}
		}
	}
}

// firstDiff returns the first index where a and b differ, or -1.
func firstDiff(a, b []uint8) int {
	for i := range a {
		if a[i] != b[i] {
			return i
		}
	}
	if len(a) != len(b) {
		return min(len(a), len(b))
	}
	return -1
}

// TestPhotoMatchesFullDecode: the network's input from a Photo (nearest,
// RGB and grayscale, several target sizes) equals the one from the fully
// decoded image, and bilinear falls back to the full decode.
func TestPhotoMatchesFullDecode(t *testing.T) {
	data := encodeTestJPEG(t, testJPEG{w: 300, h: 200, hy: 2, vy: 2, quality: 90, noise: 2, seed: 42})
	for _, o := range []int{1, 6} {
		d := withOrientation(data, o, false)
		full, err := LoadImage(bytes.NewReader(d), -1)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parseFastJPEG(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, opts := range []Options{
			{Height: 150, Width: 150},
			{Height: 224, Width: 224},
			{Height: 28, Width: 28, ColorMode: Grayscale},
			{Height: 400, Width: 301},
			{Height: 150, Width: 150, Interpolation: Bilinear},
		} {
			p := openPhoto(d, f)
			want, wantSeen, err := PreprocessImage(nil, full, opts)
			if err != nil {
				t.Fatal(err)
			}
			got, gotSeen, err := PreprocessImage(nil, p, opts)
			if err != nil {
				t.Fatal(err)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("o%d %+v: value %d = %v, full decode %v", o, opts, i, got[i], want[i])
				}
			}
			if !bytes.Equal(gotSeen.Pix, wantSeen.Pix) {
				t.Fatalf("o%d %+v: seen image differs", o, opts)
			}
			if pv := p.Preview(); pv == nil || pv.Bounds() != image.Rect(0, 0, (p.w+7)/8, (p.h+7)/8) {
				t.Fatalf("o%d: preview %v for a %d×%d photo", o, pv, p.w, p.h)
			}
		}
	}
}

// TestFastJPEGSplit decodes files without restart markers on two
// goroutines (the second starting mid-stream and falling into step,
// fastjpeg_split.go) and requires image/jpeg's pixels, every one, for
// every sampling; the split must actually meet in most of them.
func TestFastJPEGSplit(t *testing.T) {
	old := fjSplitMin
	fjSplitMin = 64
	defer func() { fjSplitMin = old }()
	synced0 := fjSplitStats.synced.Load()
	cases := 0
	for i, s := range []struct{ hy, vy int }{{1, 1}, {2, 1}, {1, 2}, {2, 2}} {
		for _, gray := range []bool{false, true} {
			for _, sz := range [][2]int{{64, 64}, {200, 120}, {121, 203}} {
				for _, noise := range []int{0, 20} {
					cases++
					data := encodeTestJPEG(t, testJPEG{w: sz[0], h: sz[1], hy: s.hy, vy: s.vy, gray: gray, quality: 85, noise: noise, seed: uint64(100 + i)})
					name := fmt.Sprintf("%dx%d/%dx%d/gray%v/noise%d", s.hy, s.vy, sz[0], sz[1], gray, noise)
					want, _, _ := uprightRGB(t, data)
					got, _, _, err := fastRGB(t, data)
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					if i := firstDiff(got, want); i >= 0 {
						t.Fatalf("%s: pixel %d = %v, image/jpeg %v", name, i/3, got[i/3*3:i/3*3+3], want[i/3*3:i/3*3+3])
					}
					// Sampled, as the network's input is.
					f, _ := parseFastJPEG(data)
					full, _ := LoadImage(bytes.NewReader(data), -1)
					wantIn, _, _ := PreprocessImage(nil, full, Options{Height: 40, Width: 30})
					gotIn, _, err := PreprocessImage(nil, openPhoto(data, f), Options{Height: 40, Width: 30})
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					for j := range wantIn {
						if gotIn[j] != wantIn[j] {
							t.Fatalf("%s: sampled value %d differs", name, j)
						}
					}
				}
			}
		}
	}
	synced := fjSplitStats.synced.Load() - synced0
	t.Logf("the decoders met in %d of %d split decodes", synced, 2*cases)
	if synced < int64(cases) {
		t.Errorf("the two decoders met in %d of %d decodes", synced, 2*cases)
	}
}

// TestPhotoCorruptFallsBack: a Photo whose entropy-coded data is damaged
// (bytes overwritten mid-scan, a restart marker out of place) gives what
// the full decode gives: the same network input, or an error where
// image/jpeg fails. Nothing panics, on one goroutine or two.
func TestPhotoCorruptFallsBack(t *testing.T) {
	old := fjSplitMin
	fjSplitMin = 64
	defer func() { fjSplitMin = old }()
	compared, refused := 0, 0
	for _, ri := range []int{0, 2} {
		data := encodeTestJPEG(t, testJPEG{w: 160, h: 96, hy: 2, vy: 2, quality: 85, noise: 5, ri: ri, seed: 9})
		sos := bytes.Index(data, []byte{0xFF, 0xDA})
		for i, at := range []int{sos + 40, sos + 200, len(data) / 2, len(data) - 12} {
			for _, junk := range [][]byte{{0x13, 0x57, 0x9B, 0xDF}, {0x00, 0x00, 0x00}, {0xFF, 0xD3}} {
				d := append([]byte(nil), data...)
				copy(d[at:], junk)
				name := fmt.Sprintf("ri%d/%d/% x", ri, i, junk)
				f, err := parseFastJPEG(d)
				if err != nil {
					refused++
					continue // LoadPhoto decodes it with image/jpeg
				}
				compared++
				opts := Options{Height: 50, Width: 40}
				got, _, gotErr := PreprocessImage(nil, openPhoto(d, f), opts)
				full, fullErr := LoadImage(bytes.NewReader(d), -1)
				if fullErr != nil {
					if gotErr == nil {
						t.Errorf("%s: image/jpeg fails (%v), the photo path gave an input", name, fullErr)
					}
					continue
				}
				want, _, _ := PreprocessImage(nil, full, opts)
				if gotErr != nil {
					t.Fatalf("%s: %v, image/jpeg decodes it", name, gotErr)
				}
				for j := range want {
					if got[j] != want[j] {
						t.Fatalf("%s: value %d = %v, full decode %v", name, j, got[j], want[j])
					}
				}
			}
		}
	}
	t.Logf("%d damaged files compared, %d refused by the parser", compared, refused)
	if compared < 8 {
		t.Errorf("only %d damaged files reached the decoder", compared)
	}
}
