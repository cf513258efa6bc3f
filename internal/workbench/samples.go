package workbench

import (
	"fmt"
	"image"
	"io/fs"
	"math"
	"math/rand"
	"path"
	"sort"
	"strings"

	"github.com/convscope/convscope/internal/dataset"
)

// Sample is an image the app offers with one click.
type Sample struct {
	Name string
	// Thumb is a small preview (nil: use Load).
	Thumb image.Image
	Load  Loader
}

// SamplesFromFS lists the images in fsys (the embedded samples), sorted by
// name, each with a thumbnail.
func SamplesFromFS(fsys fs.FS) []Sample {
	var out []Sample
	fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !isImageName(p) {
			return nil
		}
		f, err := fsys.Open(p)
		if err != nil {
			return nil
		}
		img, err := dataset.LoadImage(f, 0)
		f.Close()
		if err != nil {
			return nil
		}
		out = append(out, Sample{Name: path.Base(p), Thumb: img, Load: func() (image.Image, error) { return img, nil }})
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// IsImageName reports whether a file name has an image extension the app
// opens (dataset.Extensions).
func IsImageName(name string) bool { return isImageName(name) }

func isImageName(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	for _, e := range dataset.Extensions {
		if e == ext {
			return true
		}
	}
	return false
}

// GeneratedSamples returns n images drawn on the fly: the built-in
// dataset's shapes (used when no sample images are embedded).
func GeneratedSamples(n int) []Sample {
	out := make([]Sample, n)
	for i := range out {
		img := generatedImage(i)
		kind := []string{"circle", "square"}[i%2]
		out[i] = Sample{Name: fmt.Sprintf("sample %d (%s)", i+1, kind), Thumb: img, Load: func() (image.Image, error) { return img, nil }}
	}
	return out
}

// generatedImage draws a bright circle (even i) or square (odd i) of
// varying size, place and colour on a dark noisy background, 150×150.
func generatedImage(i int) *image.RGBA {
	const s = 150
	rng := rand.New(rand.NewSource(int64(i) + 1))
	m := image.NewRGBA(image.Rect(0, 0, s, s))
	bg := [3]float64{20 + 40*rng.Float64(), 20 + 40*rng.Float64(), 30 + 50*rng.Float64()}
	fg := [3]float64{150 + 100*rng.Float64(), 120 + 130*rng.Float64(), 80 + 170*rng.Float64()}
	r := 25 + 25*rng.Float64()
	cx, cy := r+rng.Float64()*(s-2*r), r+rng.Float64()*(s-2*r)
	for y := range s {
		for x := range s {
			dx, dy := float64(x)+0.5-cx, float64(y)+0.5-cy
			in := dx*dx+dy*dy <= r*r
			if i%2 == 1 {
				in = math.Abs(dx) <= r*0.9 && math.Abs(dy) <= r*0.9
			}
			c := bg
			if in {
				c = fg
			}
			o := m.PixOffset(x, y)
			for k := range 3 {
				v := c[k] + 18*rng.NormFloat64()
				m.Pix[o+k] = uint8(max(0, min(255, v)))
			}
			m.Pix[o+3] = 255
		}
	}
	return m
}
