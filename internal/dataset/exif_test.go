package dataset

import (
	"bytes"
	"fmt"
	"image"
	"testing"
)

func TestJPEGOrientation(t *testing.T) {
	jpg := encodeJPEG(t, quadImage(16, 8), 90)
	// A JFIF APP0 segment before the Exif one.
	app0 := []byte{0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0}
	withApp0 := func(b []byte) []byte {
		return append(append(append([]byte{}, b[:2]...), app0...), b[2:]...)
	}
	corrupt := func(b []byte, at int, v byte) []byte {
		c := append([]byte(nil), b...)
		c[at] = v
		return c
	}
	tests := []struct {
		name string
		data []byte
		want orientation
	}{
		{"no exif", jpg, 1},
		{"not a jpeg", []byte("GIF89a"), 1},
		{"after JFIF APP0", withApp0(withOrientation(jpg, 6, false)), 6},
		// Byte 2 is 0xFF of APP1; 4,5 its length; 10,11 the byte order.
		{"bad byte order", corrupt(withOrientation(jpg, 6, false), 10, 'X'), 1},
		{"segment longer than the file", withOrientation(jpg, 6, false)[:20], 1},
		{"value out of range", withOrientation(jpg, 9, true), 1},
	}
	for o := 1; o <= 8; o++ {
		tests = append(tests,
			struct {
				name string
				data []byte
				want orientation
			}{fmt.Sprintf("%d little-endian", o), withOrientation(jpg, o, false), orientation(o)},
			struct {
				name string
				data []byte
				want orientation
			}{fmt.Sprintf("%d big-endian", o), withOrientation(jpg, o, true), orientation(o)})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := jpegOrientation(tc.data); got != tc.want {
				t.Errorf("orientation %d, want %d", got, tc.want)
			}
		})
	}
}

// Reference transforms, written independently of orientation.affine.
func flipH(m *image.NRGBA) *image.NRGBA {
	b := m.Bounds()
	d := image.NewNRGBA(b)
	for y := range b.Dy() {
		for x := range b.Dx() {
			d.SetNRGBA(x, y, m.NRGBAAt(b.Dx()-1-x, y))
		}
	}
	return d
}

// rotCW turns m a quarter turn clockwise: the bottom-left corner goes to the
// top-left.
func rotCW(m *image.NRGBA) *image.NRGBA {
	w, h := m.Bounds().Dx(), m.Bounds().Dy()
	d := image.NewNRGBA(image.Rect(0, 0, h, w))
	for y := range w {
		for x := range h {
			d.SetNRGBA(x, y, m.NRGBAAt(y, h-1-x))
		}
	}
	return d
}

// upright is what the EXIF specification says each orientation means
// ("mirror horizontal and rotate 270 CW" for 5, and so on).
func uprightRef(m *image.NRGBA, o int) *image.NRGBA {
	rot := func(m *image.NRGBA, n int) *image.NRGBA {
		for range n {
			m = rotCW(m)
		}
		return m
	}
	switch o {
	case 2:
		return flipH(m)
	case 3:
		return rot(m, 2)
	case 4:
		return rot(flipH(m), 2)
	case 5:
		return rot(flipH(m), 3)
	case 6:
		return rot(m, 1)
	case 7:
		return rot(flipH(m), 1)
	case 8:
		return rot(m, 3)
	}
	return m
}

func TestOrientationApply(t *testing.T) {
	src := noise(7, 4, 3)
	for o := orientation(1); o <= 8; o++ {
		got := o.apply(src)
		want := uprightRef(src, int(o))
		if got.Bounds() != want.Bounds() {
			t.Fatalf("orientation %d: bounds %v, want %v", o, got.Bounds(), want.Bounds())
		}
		g := got.(*image.NRGBA)
		if !bytes.Equal(g.Pix, want.Pix) {
			t.Errorf("orientation %d: pixels differ from the EXIF definition", o)
		}
	}
}

// TestResizeOrientedMatchesApplied checks that reading pixels through the
// orientation mapping (no copy) equals turning the image first.
func TestResizeOrientedMatchesApplied(t *testing.T) {
	src := noise(37, 23, 4)
	for o := orientation(1); o <= 8; o++ {
		for _, interp := range []Interpolation{Nearest, Bilinear} {
			for _, mode := range []ColorMode{RGB, Grayscale} {
				var r1, r2 resizer
				n := 11 * 13 * mode.Channels()
				a, b := make([]uint8, n), make([]uint8, n)
				r1.resize(a, src, o, 11, 13, mode, interp)
				r2.resize(b, o.apply(src), 1, 11, 13, mode, interp)
				if !bytes.Equal(a, b) {
					t.Errorf("orientation %d, %s, %s: oriented read differs from turned image", o, interp, mode)
				}
			}
		}
	}
}

func TestPhonePhotoComesOutUpright(t *testing.T) {
	// Stored landscape, 32×24; the phone was held so that the picture must
	// be turned a quarter clockwise (orientation 6), giving portrait 24×32.
	jpg := withOrientation(encodeJPEG(t, quadImage(32, 24), 100), 6, false)
	img, err := LoadImage(bytes.NewReader(jpg), 0)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 24 || b.Dy() != 32 {
		t.Fatalf("size %d×%d, want 24×32 (portrait)", b.Dx(), b.Dy())
	}
	// Turning clockwise brings the bottom-left quadrant to the top-left.
	got := quadrants(t, img)
	want := [4][3]uint8{quadBL, quadTL, quadBR, quadTR}
	for i := range got {
		for c := range 3 {
			if d := int(got[i][c]) - int(want[i][c]); d > 8 || d < -8 {
				t.Fatalf("quadrant %d = %v, want %v", i, got[i], want[i])
			}
		}
	}
}
