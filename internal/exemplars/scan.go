package exemplars

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/convscope/convscope/internal/dataset"
	"github.com/convscope/convscope/internal/model"
	"github.com/convscope/convscope/nn"
)

// ListImages returns the image files under dir (subfolders included),
// sorted by path. Subfolders that cannot be read are left out
// (ListImagesSkipping says which).
func ListImages(dir string) ([]string, error) {
	files, _, err := ListImagesSkipping(dir)
	return files, err
}

// ListImagesSkipping is ListImages that also returns the subfolders it
// could not read, each with its error ("/data/lost+found: permission
// denied"). One unreadable subfolder used to fail the whole scan. dir
// itself must be readable.
func ListImagesSkipping(dir string) (files, skipped []string, err error) {
	st, err := os.Stat(dir)
	switch {
	case err != nil:
		return nil, nil, err
	case !st.IsDir() && model.IsImageName(dir): // one image
		return []string{dir}, nil, nil
	case !st.IsDir():
		return nil, nil, fmt.Errorf("%s: expected a folder of image files (%v), received a file", dir, model.ImageExtensions())
	}
	return listImages(os.DirFS(dir), dir)
}

// listImages walks fsys (dir's contents; dir names them in the results).
// Folders whose names start with a dot are not entered.
func listImages(fsys fs.FS, dir string) (out, skipped []string, err error) {
	err = fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." {
				return err
			}
			skipped = append(skipped, fmt.Sprintf("%s: %v", filepath.Join(dir, filepath.FromSlash(p)), unwrapPath(err)))
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if p != "." && len(d.Name()) > 0 && d.Name()[0] == '.' {
				return fs.SkipDir
			}
			return nil
		}
		if model.IsImageName(p) {
			out = append(out, filepath.Join(dir, filepath.FromSlash(p)))
		}
		return nil
	})
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = fmt.Errorf("%s: %w", dir, pe.Err)
		}
		return nil, nil, err
	}
	if len(out) == 0 {
		return nil, skipped, fmt.Errorf("%s: expected image files (%v), received none", dir, model.ImageExtensions())
	}
	sort.Strings(out)
	return out, skipped, nil
}

// unwrapPath drops a PathError's operation and path (the caller names the
// folder): "permission denied".
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Progress reports a scan's progress: done of total images.
type Progress func(done, total int)

// ScanFiles runs every image file through m, Sequential or graph
// (preprocessed as m.Prepare does, batch images at a time) and shows the outputs to c. Files that do
// not decode are skipped and returned in skipped; when none decodes, that
// is an error (a scan of nothing wrote empty contact sheets and said it
// was done). progress, if non-nil, is called after every batch. It stops
// with ctx's error when ctx is done. batch is at most len(files): the
// input tensor is batch images, and a --batch of 10⁸ ran out of memory.
func ScanFiles(ctx context.Context, m *model.Model, files []string, c *Collector, batch int, progress Progress) (skipped []string, err error) {
	batch = max(min(batch, len(files)), 1)
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
	if len(files) > 0 && len(skipped) == len(files) {
		return skipped, fmt.Errorf("none of the %d image files could be read (%s)", len(files), skipped[0])
	}
	return skipped, nil
}
