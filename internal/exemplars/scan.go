package exemplars

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"

	"github.com/convscope/convscope/internal/dataset"
	"github.com/convscope/convscope/internal/model"
	"github.com/convscope/convscope/nn"
)

// ListImages returns the image files under dir (subfolders included),
// sorted by path.
func ListImages(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != dir && len(d.Name()) > 0 && d.Name()[0] == '.' {
				return filepath.SkipDir
			}
			return nil
		}
		if model.IsImageName(p) {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: expected image files (%v), received none", dir, model.ImageExtensions())
	}
	sort.Strings(out)
	return out, nil
}

// Progress reports a scan's progress: done of total images.
type Progress func(done, total int)

// ScanFiles runs every image file through m, Sequential or graph
// (preprocessed as m.Prepare does, batch images at a time) and shows the outputs to c. Files that do
// not decode are skipped and returned in skipped. progress, if non-nil, is
// called after every batch. It stops with ctx's error when ctx is done.
func ScanFiles(ctx context.Context, m *model.Model, files []string, c *Collector, batch int, progress Progress) (skipped []string, err error) {
	batch = max(batch, 1)
	in := m.InputShape()
	per := in[0] * in[1] * in[2]
	x := nn.NewTensor(append([]int{batch}, in...)...)
	names := make([]string, batch)
	for start := 0; start < len(files); start += batch {
		if err := ctx.Err(); err != nil {
			return skipped, err
		}
		clear(names)
		for i, p := range files[start:min(start+batch, len(files))] {
			img, err := dataset.LoadImageFile(p, dataset.DefaultMaxPixels)
			if err == nil {
				_, _, err = dataset.PreprocessImage(x.Data[i*per:(i+1)*per], img, m.Prep())
			}
			if c := in[2]; err == nil && len(m.Meta.Mean) == c { // as Model.Prepare
				for j := i * per; j < (i+1)*per; j++ {
					x.Data[j] = m.Meta.Normalize(x.Data[j], j%c)
				}
			}
			if err != nil {
				skipped = append(skipped, fmt.Sprintf("%s: %v", p, err))
				continue
			}
			names[i] = p
		}
		c.Observe(m.Activations(x), names)
		if progress != nil {
			progress(min(start+batch, len(files)), len(files))
		}
	}
	return skipped, nil
}
