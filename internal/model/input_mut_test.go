package model

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/convscope/convscope/internal/dataset"
)

// Prepare applies the model's per-channel normalisation, (x/255 − mean) /
// std, when there is one value per input channel, and none otherwise.
// Pinned values for the colour (51, 102, 204): rescaled 0.2, 0.4, 0.8.
func TestPrepareNormalizes(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	for i := 0; i < len(img.Pix); i += 4 {
		copy(img.Pix[i:], []uint8{51, 102, 204, 255})
	}
	for _, c := range []struct {
		name      string
		mean, std []float64
		want      [3]float32
	}{
		{"none", nil, nil, [3]float32{0.2, 0.4, 0.8}},
		{"per channel", []float64{0.5, 0.5, 0.5}, []float64{0.25, 0.5, 0.1}, [3]float32{-1.2, -0.2, 3}},
		{"one value for three channels", []float64{0.5}, []float64{0.25}, [3]float32{0.2, 0.4, 0.8}},
	} {
		m := tinyModel(t, 16)
		m.Meta.Mean, m.Meta.Std = c.mean, c.std
		in, err := m.Prepare("x", "", img)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range in.Tensor.Data {
			if want := c.want[i%3]; math.Abs(float64(v-want)) > 1e-6 {
				t.Fatalf("%s: value %d (channel %d) = %v, want %v", c.name, i, i%3, v, want)
			}
		}
	}
}

// The preview of a photo whose entropy-coded data the fast path cannot
// read (no 1/8 preview from the DC planes) comes from the full decode:
// scaled to PreviewSize wide, no panic.
func TestPreviewOfDamagedPhoto(t *testing.T) {
	w, h := dataset.PhotoMinEdge, 64
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range img.Pix {
		img.Pix[i] = uint8(rng.IntN(256))
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	var damaged *dataset.Photo
	for at := len(data) / 2; damaged == nil && at < len(data)-8; at += 97 {
		d := append([]byte(nil), data...)
		copy(d[at:], []byte{0x13, 0x57, 0x9B, 0xDF, 0x00, 0x00})
		p, err := dataset.LoadPhoto(bytes.NewReader(d), 0)
		if photo, ok := p.(*dataset.Photo); err == nil && ok && photo.Preview() == nil {
			damaged = photo
		}
	}
	if damaged == nil {
		t.Fatal("no damaged photo without a preview")
	}
	pv := preview(damaged)
	if b := pv.Bounds(); b.Dx() != PreviewSize || b.Dy() != 16 {
		t.Fatalf("preview %v, want %d×16", b, PreviewSize)
	}
	if c := color.RGBAModel.Convert(pv.At(100, 8)).(color.RGBA); c.A != 255 {
		t.Errorf("preview pixel %v, want opaque", c)
	}
}
