package onnx

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/convscope/convscope/nn"
)

// Preprocessing presets: an ONNX file does not say how pixels become its
// input, so the user picks one.
const (
	// PresetTutorial: RGB pixels × 1/255 (Keras' ImageDataGenerator(rescale=1./255), the default).
	PresetTutorial = "tutorial"
	// PresetImageNet: × 1/255, then torchvision's ImageNet mean and std per channel.
	PresetImageNet = "imagenet"
	// PresetRaw: pixel values 0–255 as they are.
	PresetRaw = "raw"
)

// Presets lists the preprocessing presets, default first.
var Presets = []string{PresetTutorial, PresetImageNet, PresetRaw}

// Options are the choices Load cannot read from an ONNX file.
type Options struct {
	// Preprocess is a preset name. "" means the preprocessing the file
	// records if Convscope exported it (metadata_props "rescale", "mean",
	// "std", "interpolation"), else PresetTutorial.
	Preprocess string
	ImportOptions
}

// Load reads the ONNX model at path and converts it to an engine graph
// with its metadata: class names from the file's metadata_props
// ("class_names", "classes", "labels" or "names"), else from a labels.txt
// beside the file (one name a line), else "class 0" … "class N-1"; the
// preprocessing of opts.
func Load(path string, opts Options) (*nn.Graph, nn.Metadata, error) {
	m, err := ReadModelFile(path)
	if err != nil {
		return nil, nn.Metadata{}, err
	}
	g, meta, err := convert(m, opts)
	if err != nil {
		return nil, meta, err
	}
	if meta.ClassNames == nil {
		labels := filepath.Join(filepath.Dir(path), "labels.txt")
		names, err := readLabels(labels)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return nil, meta, fmt.Errorf("onnx: %s: %w", labels, err)
		default:
			if err := checkNames(g, names); err != nil {
				return nil, meta, fmt.Errorf("onnx: %s: %w", labels, err)
			}
			meta.ClassNames = names
		}
	}
	if meta.ClassNames == nil {
		meta.ClassNames = genericNames(g)
	}
	return g, meta, nil
}

// Read converts the ONNX model read from r (class names from its metadata,
// else "class i").
func Read(r io.Reader, opts Options) (*nn.Graph, nn.Metadata, error) {
	m, err := ReadModel(r)
	if err != nil {
		return nil, nn.Metadata{}, err
	}
	g, meta, err := convert(m, opts)
	if err == nil && meta.ClassNames == nil {
		meta.ClassNames = genericNames(g)
	}
	return g, meta, err
}

// PresetMetadata fills meta's preprocessing for a preset and an input of c
// channels.
func PresetMetadata(meta *nn.Metadata, preset string, c int) error {
	switch preset {
	case "", PresetTutorial:
		meta.Rescale, meta.Interpolation = nn.DefaultRescale, "nearest"
	case PresetImageNet:
		if c != 3 {
			return fmt.Errorf("onnx: preprocessing %q: expected a model with 3 input channels, received %d", preset, c)
		}
		meta.Rescale, meta.Interpolation = nn.DefaultRescale, "bilinear"
		meta.Mean, meta.Std = nn.ImageNetMean(), nn.ImageNetStd()
	case PresetRaw:
		meta.Rescale, meta.Interpolation = 1, "nearest"
	default:
		return fmt.Errorf("onnx: preprocessing: expected %s, received %q", strings.Join(Presets, ", "), preset)
	}
	switch c {
	case 1:
		meta.ColorMode = "grayscale"
	case 3:
		meta.ColorMode = "rgb"
	case 4:
		meta.ColorMode = "rgba"
	}
	return nil
}

func convert(m *Model, opts Options) (*nn.Graph, nn.Metadata, error) {
	var meta nn.Metadata
	g, err := ImportWith(m, opts.ImportOptions)
	if err != nil {
		return nil, meta, err
	}
	in := g.InputShape()
	if err := PresetMetadata(&meta, opts.Preprocess, in[len(in)-1]); err != nil {
		return nil, meta, err
	}
	if opts.Preprocess == "" && m.ProducerName == exportProducer {
		if err := recordedPreprocessing(m, &meta, in[len(in)-1]); err != nil {
			return nil, meta, err
		}
	}
	meta.Logits = logits(g)
	meta.Extra = map[string]string{"source_format": "onnx", "onnx_opset": strconv.FormatInt(m.Opset(), 10)}
	if p := strings.TrimSpace(m.ProducerName + " " + m.ProducerVersion); p != "" {
		meta.Extra["onnx_producer"] = p
	}
	for _, k := range []string{"class_names", "classes", "labels", "names"} {
		if v, ok := m.Meta(k); ok {
			names := parseNames(v)
			if err := checkNames(g, names); err != nil {
				return nil, meta, fmt.Errorf("onnx: metadata_props %q: %w", k, err)
			}
			meta.ClassNames = names
			break
		}
	}
	return g, meta, nil
}

// logits reports whether the first output is a vector of scores that no
// softmax or sigmoid normalises: class probabilities are then its softmax.
func logits(g *nn.Graph) bool {
	out, ok := g.Node(g.OutputNames()[0])
	if !ok || len(out.OutputShape) != 1 || out.OutputShape[0] < 2 {
		return false
	}
	if out.Kind == "Softmax" {
		return false
	}
	a := out.Layer.Config().Activation
	return a != "softmax" && a != "sigmoid"
}

// outputs is the number of values of the first output.
func outputs(g *nn.Graph) int {
	n := 1
	for _, d := range g.OutputShape() {
		n *= d
	}
	return n
}

// checkNames checks a class-name list against the model's outputs (two
// names for a single sigmoid output).
func checkNames(g *nn.Graph, names []string) error {
	want := max(outputs(g), 2)
	if len(names) != want {
		return fmt.Errorf("expected %d class names (one per output), received %d", want, len(names))
	}
	return nil
}

func genericNames(g *nn.Graph) []string {
	names := make([]string, max(outputs(g), 2))
	for i := range names {
		names[i] = fmt.Sprintf("class %d", i)
	}
	return names
}

// pyDictItem matches one item of a Python dict literal {0: 'cat', 1: "dog"}
// (how Ultralytics and others store "names").
var pyDictItem = regexp.MustCompile(`(\d+)\s*:\s*(?:'([^']*)'|"([^"]*)")`)

// parseNames reads a list of class names: a JSON list, a Python-style
// {index: 'name'} dict, or names separated by newlines or commas.
func parseNames(v string) []string {
	var list []string
	if json.Unmarshal([]byte(v), &list) == nil {
		return list
	}
	if items := pyDictItem.FindAllStringSubmatch(v, -1); len(items) > 0 {
		names := make([]string, len(items))
		for _, it := range items {
			i, err := strconv.Atoi(it[1])
			if err != nil || i < 0 || i >= len(items) {
				return nil
			}
			names[i] = it[2] + it[3]
		}
		return names
	}
	sep := ","
	if strings.Contains(v, "\n") {
		sep = "\n"
	}
	for _, s := range strings.Split(strings.TrimSpace(v), sep) {
		list = append(list, strings.TrimSpace(s))
	}
	return list
}

// readLabels reads one class name per line (trailing empty lines ignored).
func readLabels(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var names []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		names = append(names, strings.TrimSpace(sc.Text()))
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for len(names) > 0 && names[len(names)-1] == "" {
		names = names[:len(names)-1]
	}
	return names, nil
}

// recordedPreprocessing reads the preprocessing a file Convscope exported
// records in its metadata_props (exportMeta writes it) over the tutorial
// preset's; other producers' keys of these names are not ours to read. A
// model exported with ImageNet's mean and std and opened again without
// --preprocess ran on 0–1 pixels and predicted another class, although
// the export's help promised the same outputs. Without "interpolation"
// (files exported before it was written) a mean and std mean bilinear,
// as the imagenet preset.
func recordedPreprocessing(m *Model, meta *nn.Metadata, c int) error {
	if v, ok := m.Meta("rescale"); ok {
		r, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || !(r > 0) || math.IsInf(r, 1) {
			return fmt.Errorf("onnx: metadata_props \"rescale\": expected a positive number, received %q", v)
		}
		meta.Rescale = r
	}
	mv, hasMean := m.Meta("mean")
	sv, hasStd := m.Meta("std")
	if hasMean || hasStd {
		var mean, std []float64
		if json.Unmarshal([]byte(mv), &mean) != nil || json.Unmarshal([]byte(sv), &std) != nil || len(mean) != c || len(std) != c {
			return fmt.Errorf("onnx: metadata_props \"mean\" and \"std\": expected %d numbers each, received %q and %q", c, mv, sv)
		}
		for i := range std {
			if !(std[i] > 0) || math.IsInf(std[i], 1) || math.IsNaN(mean[i]) || math.IsInf(mean[i], 0) {
				return fmt.Errorf("onnx: metadata_props \"mean\" and \"std\": expected finite means and positive stds, received %q and %q", mv, sv)
			}
		}
		meta.Mean, meta.Std, meta.Interpolation = mean, std, "bilinear"
	}
	if v, ok := m.Meta("interpolation"); ok {
		if v != "nearest" && v != "bilinear" {
			return fmt.Errorf("onnx: metadata_props \"interpolation\": expected nearest or bilinear, received %q", v)
		}
		meta.Interpolation = v
	}
	return nil
}
