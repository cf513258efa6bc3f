package dataset

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// flatTilesImage is a w×h picture of flat 16×16 tiles, each its own
// colour (gray levels for a Gray image): every 8×8 block of its JPEG, luma
// and 4:2:0 chroma alike, is flat, so it has only a DC coefficient.
func flatTilesImage(w, h int, gray bool) image.Image {
	col := func(tx, ty, k int) uint8 { return uint8(40 + (tx*53+ty*97+k*71)%170) }
	if gray {
		m := image.NewGray(image.Rect(0, 0, w, h))
		for y := range h {
			for x := range w {
				m.Pix[y*w+x] = col(x/16, y/16, 0)
			}
		}
		return m
	}
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			o := m.PixOffset(x, y)
			m.Pix[o], m.Pix[o+1], m.Pix[o+2], m.Pix[o+3] = col(x/16, y/16, 0), col(x/16, y/16, 1), col(x/16, y/16, 2), 255
		}
	}
	return m
}

// A photo's preview has one pixel per 8×8 block, from the block's DC
// level: for a picture of flat blocks that is exactly the block's decoded
// colour, upright in all eight orientations, colour (4:2:0) and gray.
func TestPhotoPreviewFlatBlocks(t *testing.T) {
	for _, gray := range []bool{false, true} {
		data := encodeJPEG(t, flatTilesImage(64, 48, gray), 90)
		for o := 1; o <= 8; o++ {
			d := withOrientation(data, o, false)
			full, w, h := uprightRGB(t, d)
			f, err := parseFastJPEG(d)
			if err != nil {
				t.Fatal(err)
			}
			pv := openPhoto(d, f).Preview()
			if pv == nil || pv.Bounds() != image.Rect(0, 0, w/8, h/8) {
				t.Fatalf("gray %v, orientation %d: preview %v, want %d×%d", gray, o, pv, w/8, h/8)
			}
			for y := range h / 8 {
				for x := range w / 8 {
					got := pv.Pix[pv.PixOffset(x, y):][:3]
					i := 3 * ((8*y+3)*w + 8*x + 3)
					if want := full[i : i+3]; !bytes.Equal(got, want) {
						t.Fatalf("gray %v, orientation %d: preview (%d, %d) = %v, the block decodes to %v", gray, o, x, y, got, want)
					}
				}
			}
		}
	}
}

// LoadPhoto and LoadPhotoFile: the pixel limit (exactly at it a photo
// opens, one pixel over it is refused, as LoadImage refuses it), data that
// is no image, a missing file, and a photo whose entropy-coded data is
// damaged — it opens, but its full decode fails, naming the file, and its
// colour model falls back to RGBA.
func TestLoadPhotoLimitAndErrors(t *testing.T) {
	const w, h = PhotoMinEdge, 16
	data := encodeJPEG(t, flatTilesImage(w, h, false), 75)
	dir := t.TempDir()
	path := filepath.Join(dir, "big.jpg")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		maxPixels int
		photo     bool // else an error
	}{{0, true}, {-1, true}, {w * h, true}, {w*h - 1, false}, {w * h / 2, false}} {
		img, err := LoadPhoto(bytes.NewReader(data), c.maxPixels)
		_, isPhoto := img.(*Photo)
		if c.photo != (err == nil && isPhoto) {
			t.Errorf("LoadPhoto(%d×%d, maxPixels %d) = %T, %v; want a *Photo: %v", w, h, c.maxPixels, img, err, c.photo)
		}
		img, err = LoadPhotoFile(path, c.maxPixels)
		_, isPhoto = img.(*Photo)
		if c.photo != (err == nil && isPhoto) || err != nil && !strings.Contains(err.Error(), path) {
			t.Errorf("LoadPhotoFile(maxPixels %d) = %T, %v; want a *Photo: %v, errors naming the file", c.maxPixels, img, err, c.photo)
		}
	}
	if img, err := LoadPhoto(bytes.NewReader([]byte("\xFF\xD8 not a JPEG at all")), 0); err == nil {
		t.Errorf("LoadPhoto(junk) = %T, no error", img)
	}
	missing := filepath.Join(dir, "missing.jpg")
	if _, err := LoadPhotoFile(missing, 0); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadPhotoFile(missing) error %v, want one for a missing file", err)
	}

	good, err := LoadPhotoFile(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	if m := good.ColorModel(); m != color.YCbCrModel {
		t.Errorf("a whole photo's colour model is %v, want Y'CbCr", m)
	}
	// Damage that the parser accepts (the headers are whole) and image/jpeg
	// refuses: bytes overwritten in the entropy-coded data.
	var damaged []byte
	for at := bytes.Index(data, []byte{0xFF, 0xDA}) + 40; damaged == nil && at < len(data)-8; at += 97 {
		for _, junk := range [][]byte{{0xFF, 0xD3}, {0xFF, 0xD9}, {0x13, 0x57, 0x9B, 0xDF}} {
			d := append([]byte(nil), data...)
			copy(d[at:], junk)
			if _, err := parseFastJPEG(d); err != nil {
				continue
			}
			if _, err := LoadImage(bytes.NewReader(d), -1); err != nil {
				damaged = d
				break
			}
		}
	}
	if damaged == nil {
		t.Fatal("no damage found that image/jpeg refuses and the parser accepts")
	}
	cut := filepath.Join(dir, "damaged.jpg")
	if err := os.WriteFile(cut, damaged, 0o644); err != nil {
		t.Fatal(err)
	}
	img, err := LoadPhotoFile(cut, 0)
	p, ok := img.(*Photo)
	if err != nil || !ok {
		t.Fatalf("LoadPhotoFile(damaged) = %T, %v; want a *Photo (the damage is found when decoding)", img, err)
	}
	if _, err := p.Image(); err == nil || !strings.Contains(err.Error(), cut) {
		t.Errorf("a damaged photo's Image() error %v, want one naming %s", err, cut)
	}
	if m := p.ColorModel(); m != color.RGBAModel {
		t.Errorf("a damaged photo's colour model is %v, want RGBA", m)
	}
}
