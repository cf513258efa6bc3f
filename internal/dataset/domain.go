package dataset

import (
	"fmt"
	"image"
	"image/color"
)

// Unfamiliar lists the ways img differs from the images a model with the
// given per-sample input (height, width, channels) was trained on, as short
// phrases for a person: a colour image for a grayscale model, a size other
// than the input's (it is resized, which the model never saw in training).
// It returns nil when nothing stands out — which does not mean the model
// knows what the image shows: show the model card's "knows only" line
// beside every prediction, and these reasons with it.
func Unfamiliar(img image.Image, input []int) []string {
	if len(input) != 3 {
		return nil
	}
	var why []string
	b := img.Bounds()
	if input[2] == 1 && hasColour(img) {
		why = append(why, "a colour image; the model was trained on grayscale images")
	}
	if b.Dx() != input[1] || b.Dy() != input[0] {
		why = append(why, fmt.Sprintf("%d×%d pixels, resized to the %d×%d the model was trained on", b.Dx(), b.Dy(), input[1], input[0]))
	}
	return why
}

// colourTolerance is the largest channel difference (of 255) still counted
// as gray: JPEG compression tints gray pixels by a few levels.
const colourTolerance = 12

// hasColour reports whether any pixel's channels differ by more than
// colourTolerance. It samples at most about 64×64 pixels.
func hasColour(img image.Image) bool {
	switch m := img.(type) {
	case *image.Gray, *image.Gray16:
		return false
	case *Photo:
		// Block means (the 1/8 preview) instead of decoding the photo:
		// a gray photo's blocks are gray too.
		if m.f.ncomp == 1 {
			return false
		}
		if pv := m.Preview(); pv != nil {
			img = pv
		}
	}
	b := img.Bounds()
	step := max(1, max(b.Dx(), b.Dy())/64)
	for y := b.Min.Y; y < b.Max.Y; y += step {
		for x := b.Min.X; x < b.Max.X; x += step {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			lo := min(c.R, c.G, c.B)
			hi := max(c.R, c.G, c.B)
			if c.A > 0 && int(hi)-int(lo) > colourTolerance {
				return true
			}
		}
	}
	return false
}
