package model

import (
	"fmt"
	"image"
	"io/fs"
	"path"
	"sort"
	"sync"

	"github.com/convscope/convscope/assets"
	"github.com/convscope/convscope/internal/dataset"
)

// Sample is an image offered with one click.
type Sample struct {
	Name string
	// Thumb is a small preview.
	Thumb image.Image
	Load  Loader
}

// BuiltinSamples returns the embedded sample images or, should there be
// none, n images drawn by the built-in generator.
func BuiltinSamples(n int) []Sample {
	if s := SamplesFromFS(assets.Samples); len(s) > 0 {
		return s
	}
	return GeneratedSamples(n)
}

// SamplesFromFS lists the images in fsys (the embedded samples), sorted by
// name, each with a thumbnail. The images are decoded side by side, one
// goroutine each (the app's start waits for them: on 2 cores this halves
// the wait).
func SamplesFromFS(fsys fs.FS) []Sample {
	var names []string
	fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && IsImageName(p) {
			names = append(names, p)
		}
		return nil
	})
	imgs := make([]image.Image, len(names))
	var wg sync.WaitGroup
	for i, p := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f, err := fsys.Open(p)
			if err != nil {
				return
			}
			defer f.Close()
			if img, err := dataset.LoadImage(f, 0); err == nil {
				imgs[i] = img
			}
		}()
	}
	wg.Wait()
	var out []Sample
	for i, img := range imgs {
		if img != nil {
			out = append(out, Sample{Name: path.Base(names[i]), Thumb: img, Load: func() (image.Image, error) { return img, nil }})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// GeneratedSamples returns n images of the built-in generated dataset
// (dataset.BinaryShapes, seed 0), taken from the validation range that
// training on the built-in data never uses.
func GeneratedSamples(n int) []Sample {
	g, err := dataset.NewGenerated(dataset.GenOptions{Classes: dataset.BinaryShapes})
	if err != nil {
		return nil
	}
	classes := g.Classes()
	out := make([]Sample, n)
	for i := range out {
		img, c := g.Sample(ValidationStart + i)
		out[i] = Sample{Name: fmt.Sprintf("sample %d (%s)", i+1, classes[c]), Thumb: img, Load: func() (image.Image, error) { return img, nil }}
	}
	return out
}
