package dataset

import (
	"image"
	"image/color"
	"slices"
	"testing"
)

func TestUnfamiliar(t *testing.T) {
	gray := image.NewGray(image.Rect(0, 0, 28, 28))
	grayRGBA := image.NewNRGBA(image.Rect(0, 0, 28, 28))
	for i := range grayRGBA.Pix {
		grayRGBA.Pix[i] = 200
	}
	tinted := image.NewNRGBA(image.Rect(0, 0, 28, 28))
	copy(tinted.Pix, grayRGBA.Pix)
	tinted.SetNRGBA(3, 4, color.NRGBA{200, 194, 204, 255}) // within the JPEG tolerance
	colour := image.NewNRGBA(image.Rect(0, 0, 28, 28))
	copy(colour.Pix, grayRGBA.Pix)
	colour.SetNRGBA(0, 0, color.NRGBA{255, 0, 0, 255})
	photo := noise(300, 200, 1)
	for _, tt := range []struct {
		name  string
		img   image.Image
		input []int
		want  []string
	}{
		{"gray on gray", gray, []int{28, 28, 1}, nil},
		{"gray RGBA on gray", grayRGBA, []int{28, 28, 1}, nil},
		{"JPEG tint", tinted, []int{28, 28, 1}, nil},
		{"colour on gray", colour, []int{28, 28, 1}, []string{"a colour image; the model was trained on grayscale images"}},
		{"colour on rgb", colour, []int{28, 28, 3}, nil},
		{"photo on gray", photo, []int{28, 28, 1}, []string{"a colour image; the model was trained on grayscale images", "300×200 pixels, resized to the 28×28 the model was trained on"}},
		{"photo on rgb", photo, []int{150, 150, 3}, []string{"300×200 pixels, resized to the 150×150 the model was trained on"}},
		{"not an image model", photo, []int{10}, nil},
	} {
		if got := Unfamiliar(tt.img, tt.input); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
