package dataset

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// quadrants returns the RGB values Preprocess gives at the centres of the
// four quadrants of a 32×24 picture (a 2×2 nearest resize reads exactly
// those pixels).
func quadrants(t *testing.T, img image.Image) [4][3]uint8 {
	t.Helper()
	v, err := Preprocess(nil, img, Options{Height: 2, Width: 2, Rescale: 1})
	if err != nil {
		t.Fatal(err)
	}
	var q [4][3]uint8
	for i := range 4 {
		for c := range 3 {
			q[i][c] = uint8(v[3*i+c])
		}
	}
	return q
}

func TestFormats(t *testing.T) {
	quad := quadImage(32, 24)
	want := [4][3]uint8{quadTL, quadTR, quadBL, quadBR}

	// Variants of the picture in every pixel layout decoders produce.
	rgb16 := image.NewNRGBA64(quad.Bounds())
	gray := image.NewGray(quad.Bounds())
	gray16 := image.NewGray16(quad.Bounds())
	pal := image.NewPaletted(quad.Bounds(), color.Palette{
		color.NRGBA{quadTL[0], quadTL[1], quadTL[2], 255}, color.NRGBA{quadTR[0], quadTR[1], quadTR[2], 255},
		color.NRGBA{quadBL[0], quadBL[1], quadBL[2], 255}, color.NRGBA{quadBR[0], quadBR[1], quadBR[2], 0},
	})
	alpha := image.NewNRGBA(quad.Bounds())
	premul := image.NewRGBA(quad.Bounds())
	for y := range 24 {
		for x := range 32 {
			c := quad.NRGBAAt(x, y)
			rgb16.SetNRGBA64(x, y, color.NRGBA64{uint16(c.R)<<8 | 0x77, uint16(c.G)<<8 | 0x77, uint16(c.B)<<8 | 0x77, 0xFFFF})
			l := luma(c.R, c.G, c.B)
			gray.SetGray(x, y, color.Gray{l})
			gray16.SetGray16(x, y, color.Gray16{uint16(l)<<8 | 0x80})
			pal.SetColorIndex(x, y, uint8(2*(y/12)+x/16))
			a := c
			if x >= 16 && y >= 12 {
				a.A = 0 // transparent, colour kept: PIL keeps it when dropping alpha
			}
			alpha.SetNRGBA(x, y, a)
			premul.Set(x, y, color.NRGBA{c.R, c.G, c.B, 255})
		}
	}
	grayWant := [4][3]uint8{}
	for i, c := range want {
		l := luma(c[0], c[1], c[2])
		grayWant[i] = [3]uint8{l, l, l}
	}
	var firstFrame bytes.Buffer
	other := image.NewPaletted(quad.Bounds(), color.Palette{color.Black, color.White})
	if err := gif.EncodeAll(&firstFrame, &gif.GIF{Image: []*image.Paletted{pal, other}, Delay: []int{10, 10}}); err != nil {
		t.Fatal(err)
	}
	// Go's GIF encoder stores transparent entries as black; store the
	// colour, as other encoders do, to check that it is shown as PIL does.
	gifData := encodeGIF(t, pal)
	for _, g := range [][]byte{gifData, firstFrame.Bytes()} {
		table, trans := gifFirstFrameTable(g)
		if trans != 3 {
			t.Fatalf("GIF transparent index %d, want 3", trans)
		}
		copy(table[9:12], quadBR[:])
	}
	fixture := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", "formats", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	for _, tc := range []struct {
		name string
		data []byte
		want [4][3]uint8
		tol  int // lossy formats
	}{
		{"png 8-bit RGB", encodePNG(t, quad), want, 0},
		{"png 16-bit RGB keeps the high byte", encodePNG(t, rgb16), want, 0},
		{"png palette with a transparent entry", encodePNG(t, pal), want, 0},
		{"png gray", encodePNG(t, gray), grayWant, 0},
		{"png 16-bit gray keeps the high byte", encodePNG(t, gray16), grayWant, 0},
		{"png alpha dropped, colour kept", encodePNG(t, alpha), want, 0},
		{"png gray+alpha", fixture("quad.gray-alpha.png"), grayWant, 0},
		{"jpeg baseline", encodeJPEG(t, quad, 95), want, 12},
		{"jpeg gray", encodeJPEG(t, gray, 95), grayWant, 6},
		{"jpeg progressive", fixture("quad.progressive.jpg"), want, 12},
		{"jpeg gray progressive", fixture("quad.gray.progressive.jpg"), grayWant, 6},
		{"jpeg CMYK", fixture("quad.cmyk.jpg"), want, 12},
		{"gif, transparent entry's colour kept", gifData, want, 0},
		{"gif first frame of two", firstFrame.Bytes(), want, 0},
		{"bmp", encodeBMP(t, premul), want, 0},
		{"tiff", encodeTIFF(t, quad), want, 0},
		{"tiff 16-bit", encodeTIFF(t, rgb16), want, 0},
		{"webp lossy", fixture("quad.lossy.webp"), want, 12},
		{"webp lossless, alpha dropped", fixture("quad.lossless-alpha.webp"), want, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img, err := LoadImage(bytes.NewReader(tc.data), 0)
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != 32 || b.Dy() != 24 {
				t.Fatalf("size %v, want 32×24", b)
			}
			got := quadrants(t, img)
			for i := range got {
				for c := range 3 {
					if d := int(got[i][c]) - int(tc.want[i][c]); d > tc.tol || -d > tc.tol {
						t.Fatalf("quadrant %d = %v, want %v ± %d", i, got[i], tc.want[i], tc.tol)
					}
				}
			}
		})
	}
}

func TestGrayscaleIsPILLuma(t *testing.T) {
	v, err := Preprocess(nil, quadImage(32, 24), Options{Height: 2, Width: 2, ColorMode: Grayscale, Rescale: 1})
	if err != nil {
		t.Fatal(err)
	}
	// PIL: L = (19595 R + 38470 G + 7471 B + 32768) >> 16.
	for i, c := range [][3]uint8{quadTL, quadTR, quadBL, quadBR} {
		want := (19595*int(c[0]) + 38470*int(c[1]) + 7471*int(c[2]) + 32768) >> 16
		if int(v[i]) != want {
			t.Errorf("quadrant %d: L = %v, want %d", i, v[i], want)
		}
	}
	if len(v) != 4 {
		t.Errorf("len %d, want 4 (one channel)", len(v))
	}
}

func TestBadImages(t *testing.T) {
	quad := quadImage(32, 24)
	pngData := encodePNG(t, quad)
	jpgData := encodeJPEG(t, noise(320, 240, 1), 90) // big enough to cut inside the scan
	gifData := encodeGIF(t, image.NewPaletted(quad.Bounds(), color.Palette{color.Black}))
	for _, tc := range []struct {
		name      string
		data      []byte
		maxPixels int
		is        error  // errors.Is target, or nil
		contains  string // substring of the message
	}{
		{"zero bytes", nil, 0, ErrEmpty, "empty file"},
		{"text named .jpg", []byte("hello, this is not a photo\n"), 0, ErrUnknownFormat, "not a PNG, JPEG"},
		{"HEIC named .jpg", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), 0, ErrUnknownFormat, "not a PNG, JPEG"},
		{"truncated png", pngData[:len(pngData)/2], 0, nil, "corrupt or truncated png"},
		{"truncated jpeg", jpgData[:len(jpgData)/2], 0, nil, "corrupt or truncated jpeg"},
		{"truncated gif", gifData[:len(gifData)-6], 0, nil, "corrupt or truncated gif"},
		{"png header only", pngData[:33], 0, nil, "corrupt or truncated png"},
		{"decompression bomb refused from its header", pngHeaderOnly(20000, 20000), 0, nil, "20000×20000 (400.0 megapixels), more than the 50.0-megapixel limit"},
		{"adjustable limit", encodePNG(t, quad), 500, nil, "32×24"},
		{"within the limit, so decoding is attempted", pngHeaderOnly(2000, 2000), 0, nil, "corrupt or truncated png"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadImage(bytes.NewReader(tc.data), tc.maxPixels)
			if err == nil {
				t.Fatal("no error")
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %q is not %q", err, tc.is)
			}
			if !strings.Contains(err.Error(), tc.contains) {
				t.Errorf("error %q does not contain %q", err, tc.contains)
			}
		})
	}
	var pl *PixelLimitError
	if _, err := LoadImage(bytes.NewReader(pngHeaderOnly(9000, 9000)), 0); !errors.As(err, &pl) || pl.Width != 9000 || pl.Limit != DefaultMaxPixels {
		t.Errorf("9000×9000: %v, want a *PixelLimitError with the default limit", err)
	}
	if _, err := LoadImage(bytes.NewReader(pngHeaderOnly(9000, 9000)), -1); errors.As(err, &pl) {
		t.Errorf("negative limit should disable the check, got %v", err)
	}
}

func TestLoadImageFileNamesTheFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mes photos", "chats été")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "chat n°1 🐱.png")
	bad := filepath.Join(dir, "vide.jpg")
	if err := os.WriteFile(good, encodePNG(t, quadImage(32, 24)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	img, err := LoadImageFile(good, 0)
	if err != nil || img.Bounds().Dx() != 32 {
		t.Fatalf("LoadImageFile(%q) = %v, %v", good, img, err)
	}
	_, err = LoadImageFile(bad, 0)
	if err == nil || !strings.Contains(err.Error(), bad) || !errors.Is(err, ErrEmpty) {
		t.Errorf("error %v should name %s and be ErrEmpty", err, bad)
	}
}
