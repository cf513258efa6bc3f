package dataset

import (
	"fmt"
	"image"
)

// Iterator returns a batch stream of generated images, with targets in the
// dataset's class mode and pixels rescaled by 1/255, drawn on worker
// goroutines like a Folder's. With n > 0 it cycles over the n images first,
// first+1, …, first+n-1 (reshuffled each pass when shuffle is true), like a
// fixed training set; with n = 0 it draws a fresh image for every sample,
// first, first+1, … without end. Use disjoint index ranges (or another
// seed) for training and validation. Call Close when done.
func (g *Generated) Iterator(first, n, batchSize int, shuffle bool, seed int64) *Iterator {
	if first < 0 || n < 0 {
		panic(fmt.Sprintf("dataset: Generated.Iterator: first and n must not be negative, received %d and %d", first, n))
	}
	o := Options{Height: g.opts.Size, Width: g.opts.Size, ClassMode: g.opts.ClassMode, CacheBytes: -1}
	o, _ = o.withDefaults()
	return newIterator(&genLoader{g: g, first: first, n: n}, o, len(g.classes), batchSize, shuffle, seed)
}

// genLoader draws generated images for an Iterator.
type genLoader struct {
	g        *Generated
	first, n int
}

func (l *genLoader) count() int        { return l.n }
func (l *genLoader) class(i int) int   { return l.g.Class(l.first + i) }
func (l *genLoader) name(i int) string { return fmt.Sprintf("generated image %d", l.first+i) }

func (l *genLoader) load(ws *workspace, i int, dst []uint8) error {
	size := l.g.opts.Size
	if ws.canvas == nil {
		ws.canvas = image.NewRGBA(image.Rect(0, 0, size, size))
	}
	l.g.Draw(ws.canvas, l.first+i)
	for p := range size * size {
		copy(dst[3*p:3*p+3], ws.canvas.Pix[4*p:4*p+3])
	}
	return nil
}
