package cli

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/convscope/convscope/internal/dataset"
	"github.com/convscope/convscope/internal/onnx"
	"github.com/convscope/convscope/internal/render"
	"github.com/convscope/convscope/nn"
)

// The ONNX paths of summary, predict and activations. They run an
// nn.Graph; when internal/model opens .onnx files these can go through it.

// preprocessUsage documents --preprocess.
const preprocessUsage = "`PRESET` for an .onnx model: tutorial (×1/255), imagenet (×1/255, then ImageNet mean/std) or raw (0–255); default: what the file records (convscope export writes it), else tutorial"

// isONNX reports whether path names an ONNX model.
func isONNX(path string) bool { return strings.EqualFold(filepath.Ext(path), ".onnx") }

// checkPreprocess refuses --preprocess for models that record their own.
func checkPreprocess(fs *flagSet, model, preset string) error {
	if preset != "" && !isONNX(model) {
		return fs.bad("--preprocess applies to .onnx models (a .safetensors model records its preprocessing)")
	}
	return nil
}

// onnxModel is an imported ONNX model and its metadata.
type onnxModel struct {
	g    *nn.Graph
	meta nn.Metadata
}

// loadONNX opens an ONNX model; fuse folds each Conv's BatchNormalization and Relu/Clip(0, 6)
// into it (faster, for commands that need only the outputs).
func loadONNX(path, preset string, fuse bool) (*onnxModel, error) {
	g, meta, err := onnx.Load(path, onnx.Options{Preprocess: preset, ImportOptions: onnx.ImportOptions{FuseActivations: fuse, FoldBatchNorm: fuse}})
	if err != nil {
		return nil, err
	}
	return &onnxModel{g, meta}, nil
}

// prep returns the dataset options for the model's input.
func (m *onnxModel) prep() dataset.Options {
	in := m.g.InputShape()
	o := dataset.Options{Height: in[0], Width: in[1], ColorMode: dataset.RGB, Rescale: float32(m.meta.Rescale)}
	if in[2] == 1 {
		o.ColorMode = dataset.Grayscale
	}
	if m.meta.Interpolation == string(dataset.Bilinear) {
		o.Interpolation = dataset.Bilinear
	}
	return o
}

// input preprocesses the image at path into dst (one sample, HWC):
// resized, rescaled, then normalised per channel (Metadata.Normalize).
func (m *onnxModel) input(dst []float32, path string) error {
	in := m.g.InputShape()
	if len(in) != 3 || (in[2] != 1 && in[2] != 3) {
		return fmt.Errorf("the model's input %v is not an image of 1 or 3 channels", in)
	}
	if err := loadInput(dst, path, m.prep()); err != nil {
		return err
	}
	c := in[2]
	for i := range dst {
		dst[i] = m.meta.Normalize(dst[i], i%c)
	}
	return nil
}

// summaryONNX prints the graph's functional summary (with "Connected to").
func summaryONNX(w io.Writer, path, preset string) error {
	m, err := loadONNX(path, preset, false)
	if err != nil {
		return err
	}
	return m.g.Summary(w)
}

// predictONNX classifies images with an ONNX model.
func predictONNX(e *env, path, preset string, images []string, asJSON bool) error {
	m, err := loadONNX(path, preset, true)
	if err != nil {
		return err
	}
	if m.meta.Logits {
		fmt.Fprintln(e.stderr, "convscope: the model outputs logits (no softmax): probabilities are their softmax")
	}
	in := m.g.InputShape()
	results := make([]prediction, len(images))
	x := nn.NewTensor(append([]int{1}, in...)...)
	for i, p := range images {
		if err := e.ctx.Err(); err != nil {
			return &interruptedError{msg: "interrupted"}
		}
		results[i] = prediction{Image: p}
		if err := m.input(x.Data, p); err != nil {
			results[i].Error = oneLine(err.Error())
			continue
		}
		y := m.g.Predict(x)
		probs := probabilities(y.Data, m.meta.Logits)
		results[i].Probabilities = map[string]float32{}
		best := 0
		for j, pr := range probs {
			results[i].Probabilities[m.meta.ClassNames[j]] = float32(pr)
			if pr > probs[best] {
				best = j
			}
		}
		results[i].Index, results[i].Class, results[i].Probability = best, m.meta.ClassNames[best], float32(probs[best])
	}
	return reportPredictions(e, results, asJSON)
}

// probabilities interprets one output: a single sigmoid unit p is the
// pair (1-p, p); logits go through a softmax; anything else is taken as
// probabilities already.
func probabilities(out []float32, logits bool) []float64 {
	if len(out) == 1 {
		p := float64(out[0])
		return []float64{1 - p, p}
	}
	probs := make([]float64, len(out))
	if !logits {
		for i, v := range out {
			probs[i] = float64(v)
		}
		return probs
	}
	top := math.Inf(-1)
	for _, v := range out {
		top = math.Max(top, float64(v))
	}
	var sum float64
	for i, v := range out {
		probs[i] = math.Exp(float64(v) - top)
		sum += probs[i]
	}
	for i := range probs {
		probs[i] /= sum
	}
	return probs
}

// activationsONNX writes node outputs of an ONNX model: by default every
// node with a spatial (H, W, C) output; "all" every node; or the named
// nodes. draw renders one (1, H, W, C) output for a PNG.
func activationsONNX(e *env, path, preset, image, out string, layers []string, format string, view render.View, draw func(*nn.Tensor) *render.Sheet) error {
	m, err := loadONNX(path, preset, false)
	if err != nil {
		return err
	}
	x := nn.NewTensor(append([]int{1}, m.g.InputShape()...)...)
	if err := m.input(x.Data, image); err != nil {
		return err
	}
	nodes := m.g.Nodes()
	all := len(layers) == 1 && layers[0] == "all"
	var picked []nn.NodeInfo
	byName := map[string]nn.NodeInfo{}
	for _, n := range nodes {
		byName[n.Name] = n
		if all || (len(layers) == 0 && len(n.OutputShape) == 3) {
			picked = append(picked, n)
		}
	}
	if !all {
		for _, name := range layers {
			n, ok := byName[name]
			if !ok {
				return fmt.Errorf("--layers: the model has no node %q (see convscope summary --model %s)", name, path)
			}
			picked = append(picked, n)
		}
	}
	if len(picked) == 0 {
		return fmt.Errorf("the model has no node with a spatial output (use --layers all)")
	}
	for _, n := range picked {
		if err := sheetFits(view, format, n.Name, n.OutputShape); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	m.g.Forward(x, false)
	used := map[string]bool{}
	for _, n := range picked {
		act := m.g.Output(n.Name)
		written, err := writeLayer(filepath.Join(out, uniqueFileName(n.Name, used)), format, act, draw)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%-24s %-20s %s\n", n.Name, shapeString(act.Shape), strings.Join(written, " "))
	}
	return nil
}

// uniqueFileName makes a node name safe as a file name: only letters,
// digits, '.', '-' and '_' (anything else becomes '_'), no leading dot,
// and distinct from the names already used (suffix _2, _3, …).
func uniqueFileName(name string, used map[string]bool) string {
	s := []rune(name)
	for i, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			s[i] = '_'
		}
	}
	base := strings.TrimLeft(string(s), ".")
	if base == "" {
		base = "node"
	}
	if len(base) > 120 {
		base = base[:120]
	}
	out := base
	for i := 2; used[strings.ToLower(out)]; i++ {
		out = fmt.Sprintf("%s_%d", base, i)
	}
	used[strings.ToLower(out)] = true
	return out
}
