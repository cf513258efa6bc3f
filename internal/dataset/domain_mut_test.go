package dataset

import (
	"bytes"
	"image"
	"image/color"
	"slices"
	"testing"
)

// hasColour's edges: the tolerance (a channel spread of 12 is gray, 13 is
// colour), transparent pixels (never colour), bounds that do not start at
// (0, 0), a large image sampled on a grid (a colour block as big as the
// grid's step is always seen), and photos judged from their preview.
func TestHasColourEdges(t *testing.T) {
	with := func(w, h int, min image.Point, at image.Rectangle, c color.NRGBA) *image.NRGBA {
		m := image.NewNRGBA(image.Rectangle{min, min.Add(image.Pt(w, h))})
		for y := m.Rect.Min.Y; y < m.Rect.Max.Y; y++ {
			for x := m.Rect.Min.X; x < m.Rect.Max.X; x++ {
				m.SetNRGBA(x, y, color.NRGBA{90, 90, 90, 255})
				if (image.Point{x, y}).In(at) {
					m.SetNRGBA(x, y, c)
				}
			}
		}
		return m
	}
	px := image.Rect(3, 4, 4, 5)
	grayPhoto := image.NewGray(image.Rect(0, 0, PhotoMinEdge, 16))
	for i := range grayPhoto.Pix {
		grayPhoto.Pix[i] = uint8(i * 7)
	}
	colourPhoto := noise(PhotoMinEdge, 16, 5)
	grayish := with(PhotoMinEdge, 16, image.Point{}, image.Rect(0, 0, 0, 0), color.NRGBA{})
	photo := func(m image.Image) image.Image {
		p, err := LoadPhoto(bytes.NewReader(encodeJPEG(t, m, 90)), 0)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := p.(*Photo); !ok {
			t.Fatalf("%T, want a *Photo", p)
		}
		return p
	}
	// A photo whose entropy-coded data the fast path cannot read has no
	// preview: its pixels come from the full decode (image/jpeg reads
	// this damage), which is colour.
	data := encodeJPEG(t, colourPhoto, 90)
	var corrupt *Photo
	for at := len(data) / 2; corrupt == nil && at < len(data)-8; at += 97 {
		d := append([]byte(nil), data...)
		copy(d[at:], []byte{0x13, 0x57, 0x9B, 0xDF, 0x00, 0x00})
		if f, err := parseFastJPEG(d); err == nil {
			if p := openPhoto(d, f); p.Preview() == nil {
				corrupt = openPhoto(d, f)
			}
		}
	}
	if corrupt == nil {
		t.Fatal("no damaged photo without a preview")
	}
	// Gray Y'CbCr pixels (a small JPEG, not a Photo): only what lies inside
	// the bounds is read; outside, At gives Y'CbCr (0, 0, 0), which is green.
	ycc := image.NewYCbCr(image.Rect(2, 3, 9, 8), image.YCbCrSubsampleRatio444)
	for i := range ycc.Y {
		ycc.Y[i], ycc.Cb[i], ycc.Cr[i] = 128, 128, 128
	}
	for _, c := range []struct {
		name string
		img  image.Image
		want bool
	}{
		{"damaged colour photo", corrupt, true},
		{"gray Y'CbCr", ycc, false},
		{"spread 12", with(8, 8, image.Point{}, px, color.NRGBA{100, 112, 106, 255}), false},
		{"spread 13", with(8, 8, image.Point{}, px, color.NRGBA{100, 113, 106, 255}), true},
		{"spread 13 downwards", with(8, 8, image.Point{}, px, color.NRGBA{113, 100, 106, 255}), true},
		{"red, transparent", with(8, 8, image.Point{}, px, color.NRGBA{255, 0, 0, 0}), false},
		{"red, alpha 1", with(8, 8, image.Point{}, px, color.NRGBA{255, 0, 0, 1}), true},
		{"red at the bounds' last pixel", with(8, 8, image.Pt(-20, 30), image.Rect(-13, 37, -12, 38), color.NRGBA{255, 0, 0, 255}), true},
		{"red at the bounds' first pixel", with(8, 8, image.Pt(-20, 30), image.Rect(-20, 30, -19, 31), color.NRGBA{255, 0, 0, 255}), true},
		{"a red block, sampled", with(1280, 640, image.Pt(7, 9), image.Rect(1227, 589, 1287, 649), color.NRGBA{255, 0, 0, 255}), true},
		{"gray JPEG photo", photo(grayPhoto), false},
		{"colour JPEG photo", photo(colourPhoto), true},
		{"gray photo in three channels", photo(grayish), false},
	} {
		if got := hasColour(c.img); got != c.want {
			t.Errorf("%s: hasColour %v, want %v", c.name, got, c.want)
		}
	}
}

// Unfamiliar names a size that differs in width only or in height only
// (height and width in the model's order: input is (H, W, C)).
func TestUnfamiliarSize(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 30, 20))
	for _, c := range []struct {
		input []int
		want  []string
	}{
		{[]int{20, 30, 1}, nil},
		{[]int{20, 31, 1}, []string{"30×20 pixels, resized to the 31×20 the model was trained on"}},
		{[]int{21, 30, 1}, []string{"30×20 pixels, resized to the 30×21 the model was trained on"}},
		{[]int{30, 20, 1}, []string{"30×20 pixels, resized to the 20×30 the model was trained on"}},
	} {
		if got := Unfamiliar(img, c.input); !slices.Equal(got, c.want) {
			t.Errorf("input %v: %q, want %q", c.input, got, c.want)
		}
	}
}
