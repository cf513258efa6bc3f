package nn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// FormatVersion is the version of Convscope's safetensors metadata written
// in "format_version"; files with a larger version are refused.
const FormatVersion = 1

// DefaultRescale is Keras' ImageDataGenerator(rescale=1./255).
const DefaultRescale = 1.0 / 255

// Metadata is what a Convscope model file records besides the weights and
// the architecture: how to turn an image into the model's input and how to
// name its outputs.
type Metadata struct {
	// ClassNames names the classes, in class-index order (the sorted
	// subfolder names of flow_from_directory). A model with one sigmoid
	// output has two; empty if unknown.
	ClassNames []string
	// Rescale multiplies pixel values 0..255; 0 means DefaultRescale.
	Rescale float64
	// ColorMode is Keras' color_mode: "grayscale", "rgb" or "rgba". Empty
	// means the one matching the input's channels (1, 3 or 4).
	ColorMode string
	// Interpolation is the resampling used to resize images to the input
	// size (Keras' interpolation); empty means "nearest", Keras' default.
	Interpolation string
	// Mean and Std, when set (one value per input channel), normalise the
	// rescaled pixels (see Normalize); Logits marks a model whose outputs
	// are unnormalised scores (see metadata_norm.go).
	Mean, Std []float64
	Logits    bool
	// History is the training history, if any.
	History *History
	// Card is the model card (see ModelCard), if any.
	Card *ModelCard
	// Extra holds any other __metadata__ entries: written as given, and
	// filled with the unknown entries on load.
	Extra map[string]string
}

// reservedMeta are the __metadata__ keys Convscope writes itself.
// A checkpoint's keys (checkpoint.go) are reserved too.
var reservedMeta = []string{"format", "format_version", "arch", "input_shape", "class_names", "rescale", "color_mode", "interpolation", "history",
	"model_card", metaOptimizer, metaProgress, metaRNG, metaConfig}

// colorModes maps Keras' color modes to their channel counts.
var colorModes = map[string]int{"grayscale": 1, "rgb": 3, "rgba": 4}

// encodeMeta builds the __metadata__ map for m, validating meta against it.
func encodeMeta(m model, meta Metadata) (map[string]string, error) {
	meta, err := completeMeta(m, meta)
	if err != nil {
		return nil, err
	}
	arch, err := m.archJSON()
	if err != nil {
		return nil, fmt.Errorf("nn: save: architecture: %w", err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, arch); err != nil {
		return nil, fmt.Errorf("nn: save: architecture: %w", err)
	}
	kv := map[string]string{}
	for k, v := range meta.Extra {
		for _, r := range reservedMeta {
			if k == r {
				return nil, fmt.Errorf("nn: save: metadata key %q is reserved; set the Metadata field instead", k)
			}
		}
		kv[k] = v
	}
	names := meta.ClassNames
	if names == nil {
		names = []string{}
	}
	cn, _ := json.Marshal(names)
	in, _ := json.Marshal(m.InputShape())
	kv["format"] = "convscope"
	kv["format_version"] = strconv.Itoa(FormatVersion)
	kv["arch"] = compact.String()
	kv["input_shape"] = string(in)
	kv["class_names"] = string(cn)
	kv["rescale"] = strconv.FormatFloat(meta.Rescale, 'g', -1, 64)
	kv["color_mode"] = meta.ColorMode
	kv["interpolation"] = meta.Interpolation
	if err := encodeNorm(kv, meta, m.InputShape()); err != nil {
		return nil, err
	}
	if meta.History != nil {
		hj, err := meta.History.MarshalJSON()
		if err != nil {
			return nil, err
		}
		kv["history"] = string(hj)
	}
	if meta.Card != nil {
		cj, err := encodeCard(meta.Card)
		if err != nil {
			return nil, err
		}
		kv["model_card"] = cj
	}
	return kv, nil
}

// completeMeta fills meta's defaults for m and checks it fits m.
func completeMeta(m model, meta Metadata) (Metadata, error) {
	in := m.InputShape()
	channels := in[len(in)-1]
	if meta.Rescale == 0 {
		meta.Rescale = DefaultRescale
	}
	if meta.Interpolation == "" {
		meta.Interpolation = "nearest"
	}
	if meta.ColorMode == "" && len(in) == 3 {
		for mode, c := range colorModes {
			if c == channels {
				meta.ColorMode = mode
			}
		}
	}
	if meta.ColorMode != "" {
		c, ok := colorModes[meta.ColorMode]
		if !ok {
			return meta, fmt.Errorf("nn: metadata: color_mode: expected grayscale, rgb or rgba, received %q", meta.ColorMode)
		}
		if len(in) != 3 || c != channels {
			return meta, fmt.Errorf("nn: metadata: color_mode %q needs an input of shape (height, width, %d), the model's is %s", meta.ColorMode, c, shapeString(in))
		}
	}
	if math64IsBad(meta.Rescale) {
		return meta, fmt.Errorf("nn: metadata: rescale must be finite, received %v", meta.Rescale)
	}
	if n := len(meta.ClassNames); n > 0 {
		out := shapeSize(m.OutputShape())
		want := out
		if out == 1 {
			want = 2 // one sigmoid output: classes 0 and 1
		}
		if n != want {
			return meta, fmt.Errorf("nn: metadata: class_names: expected %d names for a model with %d output(s), received %d", want, out, n)
		}
	}
	return meta, nil
}

func math64IsBad(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }

// stExcerpt shortens s for an error message.
func stExcerpt(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// decodeMeta reads Convscope's entries of a __metadata__ map.
func decodeMeta(kv map[string]string) (Metadata, error) {
	var meta Metadata
	for k, v := range kv {
		switch k {
		case "format", "format_version", "arch", "input_shape", metaOptimizer, metaProgress, metaRNG, metaConfig:
		case "class_names":
			if err := json.Unmarshal([]byte(v), &meta.ClassNames); err != nil {
				return meta, fmt.Errorf("nn: metadata: class_names: expected a JSON list of strings, received %q", stExcerpt((v)))
			}
		case "rescale":
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || math64IsBad(f) {
				return meta, fmt.Errorf("nn: metadata: rescale: expected a number, received %q", stExcerpt((v)))
			}
			meta.Rescale = f
		case "color_mode":
			meta.ColorMode = v
		case "mean", "std", "logits":
			if err := decodeNorm(&meta, k, v); err != nil {
				return meta, err
			}
		case "interpolation":
			meta.Interpolation = v
		case "history":
			meta.History = &History{}
			if err := meta.History.UnmarshalJSON([]byte(v)); err != nil {
				return meta, fmt.Errorf("nn: metadata: %w", err)
			}
		case "model_card":
			card, err := decodeCard(v)
			if err != nil {
				return meta, err
			}
			meta.Card = card
		default:
			if meta.Extra == nil {
				meta.Extra = map[string]string{}
			}
			meta.Extra[k] = v
		}
	}
	return meta, nil
}
