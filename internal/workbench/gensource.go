package workbench

import (
	"math/rand"

	"github.com/convscope/convscope/nn"
)

// GeneratedClasses are the classes of GeneratedSource: index 0 circles,
// index 1 squares.
var GeneratedClasses = []string{"circle", "square"}

// GeneratedSource is an endless binary dataset of shapes drawn on the fly
// (circle 0, square 1, as generatedImage draws them), resized to the
// model's input by nearest-neighbour sampling and rescaled by 1/255. It
// implements nn.BatchSource.
type GeneratedSource struct {
	rng *rand.Rand
}

// NewGeneratedSource returns a source whose images depend only on seed.
func NewGeneratedSource(seed int64) *GeneratedSource {
	return &GeneratedSource{rng: rand.New(rand.NewSource(seed))}
}

// Next fills x (n, H, W, 3) and y (n, 1) with random shapes.
func (g *GeneratedSource) Next(x, y *nn.Tensor) error {
	n, h, w := x.Shape[0], x.Shape[1], x.Shape[2]
	c := x.Shape[3]
	for i := range n {
		k := g.rng.Intn(1 << 30)
		img := generatedImage(k)
		y.Data[i] = float32(k % 2)
		s := x.Sample(i)
		b := img.Bounds()
		for r := range h {
			sy := (2*r + 1) * b.Dy() / (2 * h)
			for col := range w {
				sx := (2*col + 1) * b.Dx() / (2 * w)
				p := img.Pix[img.PixOffset(sx, sy):]
				o := (r*w + col) * c
				if c == 1 {
					s[o] = (0.299*float32(p[0]) + 0.587*float32(p[1]) + 0.114*float32(p[2])) / 255
					continue
				}
				for ch := range min(c, 3) {
					s[o+ch] = float32(p[ch]) / 255
				}
			}
		}
	}
	return nil
}
