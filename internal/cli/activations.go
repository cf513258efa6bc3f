package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/convscope/convscope/internal/colormap"
	"github.com/convscope/convscope/internal/model"
	"github.com/convscope/convscope/internal/npy"
	"github.com/convscope/convscope/internal/render"
	"github.com/convscope/convscope/nn"
)

const activationsHelp = `Runs IMAGE through the model and writes what every convolution and
pooling layer outputs into DIR, as the app's grid shows it:

  LAYER.png  every channel as a tile, 16 per row, each channel standardised
             ((x - mean) / std * 64 + 128) and drawn with viridis by default
  LAYER.npy  the layer's output as float32, shape (1, H, W, C) (NHWC),
             for numpy.load

DIR is created if needed; existing files of the same name are replaced.
Without --model, the embedded default model.
`

// runActivations exports channel maps.
func runActivations(e *env, args []string) error {
	fs := newFlagSet("activations",
		"convscope activations [--model FILE] --image IMAGE --out DIR [--layers NAMES] [--format png|npy|both] [--colormap NAME] [--scale MODE] [--tile PIXELS]",
		activationsHelp)
	model := fs.String("model", "", modelFlagHelp)
	preset := fs.String("preprocess", "", preprocessUsage)
	image := fs.String("image", "", "input `IMAGE` (PNG, JPEG, GIF, BMP, TIFF or WebP)")
	out := fs.String("out", "", "output folder `DIR` (created if needed)")
	var layers listFlag
	fs.Var(&layers, "layers", "comma-separated layer `NAMES` (default: every conv and pooling layer, every spatial node of a graph; all = every layer, written as NAME.npy)")
	format := fs.String("format", "both", "`FORMAT` to write: png, npy or both")
	cmap := fs.String("colormap", colormap.Default, "colormap `NAME`: "+strings.Join(colormap.Names(), ", "))
	scale := fs.String("scale", render.Standardize.String(), "value scaling `MODE`: "+strings.Join(render.ScaleModeNames(), ", "))
	tile := fs.Int("tile", render.DefaultTile, "tile edge in `PIXELS`, maps scaled by whole factors; 0 keeps each map's own size")
	err := fs.parseNoArgs(e.stdout, args)
	if err != nil {
		return err
	}
	if err := fs.require("image", "out"); err != nil {
		return err
	}
	switch {
	case *format != "png" && *format != "npy" && *format != "both":
		return fs.bad("--format must be png, npy or both, received %q", *format)
	case *tile < 0 || *tile > maxTileFlag:
		return fs.bad("--tile must be 0..%d, received %d", maxTileFlag, *tile)
	}
	view := render.DefaultView()
	view.Tile = *tile
	if _, err := colormap.ByName(*cmap); err != nil {
		return fs.bad("--colormap: unknown colormap %q (valid: %s)", *cmap, strings.Join(colormap.Names(), ", "))
	}
	view.Colormap = *cmap
	if view.Scale, err = render.ParseScaleMode(*scale); err != nil {
		return fs.bad("--scale: unknown mode %q (valid: %s)", *scale, strings.Join(render.ScaleModeNames(), ", "))
	}
	if err := checkPreprocess(fs, *model, *preset); err != nil {
		return err
	}
	draw := func(act *nn.Tensor) *render.Sheet {
		return view.Render(nil, act.Data, act.Shape[1], act.Shape[2], act.Shape[3])
	}
	if isONNX(*model) {
		return activationsONNX(e, *model, *preset, *image, *out, layers, *format, view, draw)
	}

	m, err := loadModel(*model, "", e.stderr)
	if err != nil {
		return err
	}
	picked, err := pickLayers(m, layers, *format != "npy")
	if err != nil {
		return err
	}
	for _, i := range picked {
		if err := sheetFits(view, *format, m.Nodes()[i].Name, m.Nodes()[i].Shape); err != nil {
			return err
		}
	}
	x := nn.NewTensor(append([]int{1}, m.InputShape()...)...)
	if err := loadInput(x.Data, *image, m.Prep()); err != nil {
		return err
	}
	normalize(m, x.Data)
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	outs := m.Activations(x)
	nodes := m.Nodes()
	used := map[string]bool{}
	for _, i := range picked {
		name := nodes[i].Name
		act := outs[i]
		written, err := writeLayer(filepath.Join(*out, uniqueFileName(name, used)), *format, act, draw)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%-16s %-20s %s\n", name, shapeString(act.Shape), strings.Join(written, " "))
	}
	return nil
}

// maxTileFlag bounds --tile: a tile edge of 4096 pixels is already a
// 16-megapixel tile per channel.
const maxTileFlag = 4096

// maxSheetPixels bounds one layer's PNG sheet: 100 megapixels are 400 MB
// of RGBA before the PNG encoder's own buffers.
const maxSheetPixels = 100_000_000

// sheetFits reports, before anything is written, a layer whose PNG sheet
// (an hwc map drawn in view) would exceed maxSheetPixels; --format npy
// draws no sheet. Without it a large --tile ran the process out of memory.
func sheetFits(view render.View, format, name string, hwc []int) error {
	if format == "npy" || len(hwc) != 3 {
		return nil
	}
	h, w, c := hwc[0], hwc[1], hwc[2]
	l := render.NewSheetLayout(h, w, c, view.SheetOptions(h, w, c))
	if px := int64(l.Width) * int64(l.Height); px > maxSheetPixels {
		return fmt.Errorf("--tile %d makes the sheet of %s %d×%d pixels (%.0f megapixels), more than the %d-megapixel limit: use a smaller --tile, or --format npy",
			view.Tile, name, l.Width, l.Height, float64(px)/1e6, maxSheetPixels/1_000_000)
	}
	return nil
}

// writeLayer writes one layer's output act as base.png (drawn by draw;
// maps only, unless format is npy) and base.npy (unless format is png; any
// output that is not a map) and returns the paths written.
func writeLayer(base, format string, act *nn.Tensor, draw func(*nn.Tensor) *render.Sheet) ([]string, error) {
	var written []string
	if format != "npy" && len(act.Shape) == 4 {
		p := base + ".png"
		if err := render.WriteLayerPNG(p, draw(act)); err != nil {
			return written, fmt.Errorf("%s: %w", p, err)
		}
		written = append(written, p)
	}
	if format != "png" || len(act.Shape) != 4 {
		p := base + ".npy"
		if err := npy.WriteFile(p, act.Shape, act.Data); err != nil {
			return written, fmt.Errorf("%s: %w", p, err)
		}
		written = append(written, p)
	}
	return written, nil
}

// normalize applies the model's per-channel mean/std (if any) to a
// preprocessed sample.
func normalize(m *model.Model, x []float32) {
	in := m.InputShape()
	if c := in[len(in)-1]; len(m.Meta.Mean) == c {
		for i := range x {
			x[i] = m.Meta.Normalize(x[i], i%c)
		}
	}
}

// pickLayers returns the indices (model.Model.Nodes order) of the named
// layers, in model order; of every map layer (model.Model.MapLayers) when
// names is empty; of every node for "all". maps requires each named layer
// to have channel maps (a PNG needs them; a .npy does not).
func pickLayers(m *model.Model, names []string, maps bool) ([]int, error) {
	nodes := m.Nodes()
	if len(names) == 1 && names[0] == "all" {
		picked := make([]int, len(nodes))
		for i := range nodes {
			picked[i] = i
		}
		return picked, nil
	}
	var mapNames []string
	isMap := make([]bool, len(nodes))
	for _, l := range m.MapLayers() {
		isMap[l.Index] = true
		mapNames = append(mapNames, l.Name)
	}
	index := map[string]int{}
	for i, n := range nodes {
		index[n.Name] = i
	}
	var picked []int
	if len(names) == 0 {
		for i, ok := range isMap {
			if ok {
				picked = append(picked, i)
			}
		}
		if len(picked) == 0 {
			return nil, fmt.Errorf("the model has no convolution or pooling layers to show")
		}
		return picked, nil
	}
	seen := map[int]bool{}
	for _, n := range names {
		i, ok := index[n]
		switch {
		case !ok:
			return nil, fmt.Errorf("--layers: the model has no layer %q (conv and pooling layers: %s)", n, strings.Join(mapNames, ", "))
		case maps && len(nodes[i].Shape) != 3:
			return nil, fmt.Errorf("--layers: layer %s (%s) has no channel maps to draw, its output is %s (use --format npy, or one of: %s)",
				n, nodes[i].Kind, shapeString(append([]int{1}, nodes[i].Shape...)), strings.Join(mapNames, ", "))
		case !seen[i]:
			seen[i] = true
			picked = append(picked, i)
		}
	}
	slices.Sort(picked) // model order
	return picked, nil
}

// fileName makes a layer name safe as a file name.
func fileName(layer string) string {
	return strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' || r < ' ' {
			return '_'
		}
		return r
	}, layer)
}

// shapeString formats a shape as Python prints a tuple: (1, 148, 148, 32).
func shapeString(shape []int) string {
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = fmt.Sprint(d)
	}
	if len(parts) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
