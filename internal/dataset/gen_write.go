package dataset

import (
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/convscope/convscope/internal/atomicfile"
)

// WriteTree writes generated images first … first+n-1 as PNG files in a
// class-folder tree, the layout Scan and Keras' flow_from_directory read:
// dir/<class>/<class>.<index>.png (for example dir/squares/squares.000042.png).
// Folders are created as needed. Each file is written under a hidden
// temporary name in its folder and then renamed, so an interrupted run
// leaves only whole images (and perhaps hidden temporary files, which Scan
// skips). Images are encoded on GOMAXPROCS goroutines. The first error
// stops the work and names the file.
func (g *Generated) WriteTree(dir string, first, n int) error {
	if first < 0 || n < 0 {
		return fmt.Errorf("dataset: WriteTree: first and n must not be negative, received %d and %d", first, n)
	}
	for _, c := range g.classes {
		if err := os.MkdirAll(filepath.Join(dir, c), 0o755); err != nil {
			return fmt.Errorf("dataset: cannot create class folder: %w", err)
		}
	}
	width := max(6, len(strconv.Itoa(first+n-1)))
	return writePNGs(n, func() func(int) (string, image.Image) {
		img := image.NewRGBA(image.Rect(0, 0, g.opts.Size, g.opts.Size))
		return func(i int) (string, image.Image) {
			i += first
			class := g.classes[g.Draw(img, i)]
			return filepath.Join(dir, class, fmt.Sprintf("%s.%0*d.png", class, width, i)), img
		}
	})
}

// writePNGs writes n images as PNG files (written atomically, see
// writeAtomic) on GOMAXPROCS goroutines. Each goroutine calls newWorker once
// and then, for each index i in [0, n) it takes, the function returned,
// which gives the file's name and its image (valid until the next call).
// The first error stops the work and is returned.
func writePNGs(n int, newWorker func() func(i int) (string, image.Image)) error {
	var (
		next    atomic.Int64
		failed  atomic.Bool
		errOnce sync.Once
		err     error
		wg      sync.WaitGroup
	)
	for range min(runtime.GOMAXPROCS(0), max(n, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work := newWorker()
			enc := png.Encoder{CompressionLevel: png.BestSpeed}
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				name, img := work(i)
				if e := writeAtomic(name, img, &enc); e != nil {
					failed.Store(true)
					errOnce.Do(func() { err = e })
				}
			}
		}()
	}
	wg.Wait()
	return err
}

// WriteTutorialTree writes the tutorial's layout under dir: train/,
// validation/ and test/, each a class-folder tree, holding train,
// validation and test images: disjoint index ranges, in that order.
func (g *Generated) WriteTutorialTree(dir string, train, validation, test int) error {
	first := 0
	for _, part := range []struct {
		name string
		n    int
	}{{"train", train}, {"validation", validation}, {"test", test}} {
		if part.n == 0 {
			continue
		}
		if err := g.WriteTree(filepath.Join(dir, part.name), first, part.n); err != nil {
			return err
		}
		first += part.n
	}
	return nil
}

// writeAtomic encodes img as PNG into a hidden temporary file beside name
// and renames it to name.
func writeAtomic(name string, img image.Image, enc *png.Encoder) error {
	if err := atomicfile.Write(name, func(w io.Writer) error { return enc.Encode(w, img) }); err != nil {
		return fmt.Errorf("dataset: cannot write %s: %w", name, err)
	}
	return nil
}
