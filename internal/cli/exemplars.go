package cli

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/convscope/convscope/internal/atomicfile"
	"github.com/convscope/convscope/internal/dataset"
	"github.com/convscope/convscope/internal/exemplars"
	"github.com/convscope/convscope/internal/render"
)

const exemplarsHelp = `Finds, for every channel of --layer, the --top images of the folder --data
(subfolders included) with the highest maximum activation (at most one
entry per image; DeepVis' top 9), and the receptive-field patch around that
maximum: the input pixels the channel saw there.

Writes one contact sheet per channel (DIR/LAYER_cNNN.png: the images as the
network sees them, best first, the patch boxed in orange) and
DIR/LAYER.csv with channel, rank, image, value, y, x and the patch box
(patch_y0, patch_x0, patch_y1, patch_x1: half-open, in network-input
pixels). Without --model, the embedded default model.
`

// runExemplars scans a folder for each channel's top images.
func runExemplars(e *env, args []string) error {
	fs := newFlagSet("exemplars",
		"convscope exemplars [--model FILE] --data DIR --layer NAME --out DIR [--top 9] [--batch N]",
		exemplarsHelp)
	modelPath := fs.String("model", "", "a model `FILE` (.safetensors, .onnx, .h5, .keras; Sequential or graph)")
	preset := fs.String("preprocess", "", preprocessUsage)
	data := fs.String("data", "", "folder `DIR` of images (subfolders included)")
	layer := fs.String("layer", "", "map layer `NAME` (a convolution or pooling)")
	out := fs.String("out", "", "output folder `DIR` (created if needed)")
	top := fs.Int("top", exemplars.DefaultTop, "exemplars per channel `N`")
	batch := fs.Int("batch", 16, "images per forward pass `N`")
	if err := fs.parseNoArgs(e.stdout, args); err != nil {
		return err
	}
	if err := fs.require("data", "layer", "out"); err != nil {
		return err
	}
	if *top < 1 || *batch < 1 {
		return fs.bad("--top and --batch must be 1 or more, received %d and %d", *top, *batch)
	}
	if err := checkPreprocess(fs, *modelPath, *preset); err != nil {
		return err
	}
	m, err := loadModelPreset(*modelPath, *preset, e.stderr)
	if err != nil {
		return err
	}
	var net exemplars.Network = m.Net
	if m.Graph != nil {
		net = m.Graph
	}
	c, err := exemplars.NewCollector(net, []string{*layer}, *top)
	if err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), "exemplars: "))
	}
	files, skippedDirs, err := exemplars.ListImagesSkipping(*data)
	if err != nil {
		return err
	}
	for _, s := range skippedDirs {
		fmt.Fprintf(e.stderr, "convscope: skipped folder %s\n", s)
	}
	bar := NewProgbar(e.stderr, len(files), isTerminal(e.stderr))
	start := time.Now()
	skipped, err := exemplars.ScanFiles(e.ctx, m, files, c, *batch, func(done, total int) {
		bar.Update(done, nil, time.Since(start))
	})
	if errors.Is(err, context.Canceled) {
		return &interruptedError{msg: "interrupted"}
	}
	if err != nil {
		return err
	}
	bar.Finish(len(files), nil, time.Since(start))
	for _, s := range skipped {
		fmt.Fprintf(e.stderr, "convscope: skipped %s\n", s)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	ly := c.Layer(*layer)
	cache := map[string]*image.RGBA{}
	seen := func(name string) *image.RGBA {
		if img, ok := cache[name]; ok {
			return img
		}
		var s *image.RGBA
		if img, err := dataset.LoadImageFile(name, dataset.DefaultMaxPixels); err == nil {
			if _, s, err = dataset.PreprocessImage(nil, img, m.Prep()); err != nil {
				s = nil
			}
		}
		cache[name] = s
		return s
	}
	in := m.InputShape()
	base := filepath.Join(*out, fileName(*layer))
	for ch, entries := range ly.Top {
		p := fmt.Sprintf("%s_c%03d.png", base, ch)
		if err := render.WritePNG(p, exemplars.ContactSheet(entries, seen, in[0], in[1], 4)); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
	}
	csvPath := base + ".csv"
	if err := atomicfile.Write(csvPath, func(w io.Writer) error { return exemplars.WriteCSV(w, ly) }); err != nil {
		return fmt.Errorf("%s: %w", csvPath, err)
	}
	fmt.Fprintf(e.stdout, "%s: %d channels × top %d over %d images → %s_c*.png, %s\n", *layer, ly.C, *top, len(files)-len(skipped), base, csvPath)
	return nil
}
