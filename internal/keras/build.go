package keras

import (
	"fmt"
	"slices"

	"github.com/convscope/convscope/nn"
)

// Model is what the loaders return: *nn.Sequential for a Sequential Keras
// model made only of the classic layers (nn.ClassNames), *nn.Graph for
// anything else (functional models, and Sequential models using
// BatchNormalization, ZeroPadding2D, … built as a chain).
type Model interface {
	Name() string
	InputShape() []int
	OutputShape() []int
	Params() []*nn.Param
}

// entry is a Keras layer and the nn layer built for it (nil when the layer
// was folded into the input or the preprocessing).
type entry struct {
	k          kLayer
	ls         []nn.LayerBase // usually one layer; the last has the Keras name
	k3Path     string         // Keras 3 weights path, "layers/conv2d_1"
	fromConfig bool           // its weights came from the config (Normalization(mean=…))
}

// wantsWeights reports whether the file must hold weights for the entry.
func (e *entry) wantsWeights() bool { return !e.fromConfig && len(e.weights()) > 0 }

// weights lists the entry's weights in Keras' order: each layer's trainable
// weights then its non-trainable ones, layer after layer.
func (e *entry) weights() []*nn.Param {
	var ps []*nn.Param
	for _, l := range e.ls {
		ps = append(ps, weightParams(l)...)
	}
	return ps
}

// built is a model with the Keras layers it came from, in model.layers order.
type built struct {
	model   Model
	meta    nn.Metadata
	entries []entry
}

// build turns a parsed configuration into an nn model with Keras' default
// weights still in place (the caller loads the saved ones). maxParams bounds
// the weight values the config may declare (what the file's weights justify).
func build(km *kModel, maxParams int64) (*built, error) {
	if km.Input == nil && km.Unsized != "" {
		return nil, fmt.Errorf("keras: the model's input shape %s has unknown (None) dimensions; Convscope needs a fixed image size", km.Unsized)
	}
	if km.Input == nil {
		return nil, fmt.Errorf("keras: the model config does not give the input shape (expected an InputLayer or batch_input_shape)")
	}
	b := &built{meta: nn.Metadata{Rescale: nn.DefaultRescale}}
	for _, l := range km.Layers {
		b.entries = append(b.entries, entry{k: l, k3Path: l.K3Path})
	}
	input := slices.Clone(km.Input)
	// inputName is what layers call the model's input; alias maps folded
	// layers to what replaced them.
	alias := map[string]string{}
	var inputName string
	if km.Functional {
		if len(km.Inputs) != 1 {
			return nil, fmt.Errorf("keras: the model has %d inputs; expected one image input", len(km.Inputs))
		}
		inputName = km.Inputs[0]
	}
	alias[inputName] = nn.GraphInput
	// Fold what the input goes through first: a Reshape (the input takes its
	// shape) and a Rescaling without offset (the preprocessing).
	rescaled := false
	for i := range b.entries {
		e := &b.entries[i]
		if e.k.Class == "InputLayer" {
			alias[e.k.Name] = nn.GraphInput
			continue
		}
		reads := func() bool {
			if !km.Functional {
				return true
			}
			return len(e.k.Inputs) == 1 && alias[e.k.Inputs[0]] == nn.GraphInput && readersOf(km, e.k.Inputs[0]) == 1
		}
		if !reads() {
			break
		}
		c := &cfg{l: e.k}
		switch e.k.Class {
		case "Reshape":
			t := c.ints("target_shape")
			if c.err != nil {
				return nil, c.err
			}
			t, err := resolveShape(t, input)
			if err != nil {
				return nil, fmt.Errorf("keras: layer %q (Reshape): %v", e.k.Name, err)
			}
			input = t
		case "Rescaling":
			scale, offset := c.float("scale", 1), c.float("offset", 0)
			if c.err != nil {
				return nil, c.err
			}
			if rescaled {
				goto done // a second Rescaling stays a layer
			}
			rescaled = true
			if offset != 0 {
				b.meta.Rescale = 1 // the layer stays and sees raw 0..255 pixels
				goto done
			}
			b.meta.Rescale = scale
		default:
			goto done
		}
		alias[e.k.Name] = nn.GraphInput
		e.k.Class = "folded:" + e.k.Class
	}
done:
	if len(input) == 3 {
		switch input[2] {
		case 1:
			b.meta.ColorMode = "grayscale"
		case 3:
			b.meta.ColorMode = "rgb"
		case 4:
			b.meta.ColorMode = "rgba"
		}
	}
	params, err := sizeCheck(km, b.entries, input)
	if err != nil {
		return nil, err
	}
	if params > maxParams {
		return nil, fmt.Errorf("keras: the config declares %d weight values; expected at most %d", params, maxParams)
	}
	cins := map[string]int{}
	for pass := 0; pass < 2; pass++ {
		probes, err := b.assemble(km, input, alias, cins)
		if err != nil {
			return nil, err
		}
		if len(probes) == 0 {
			for i := range b.entries {
				if err := b.entries[i].configWeights(); err != nil {
					return nil, err
				}
			}
			return b, nil
		}
		for _, p := range probes {
			cins[p.name] = p.cin
		}
	}
	return nil, fmt.Errorf("keras: could not resolve DepthwiseConv2D input channels")
}

// assemble converts every layer and builds the model. It returns the
// DepthwiseConv2D probes whose channels it learnt, if any.
func (b *built) assemble(km *kModel, input []int, alias map[string]string, cins map[string]int) ([]*channelProbe, error) {
	var probes []*channelProbe
	classic := !km.Functional
	for i := range b.entries {
		e := &b.entries[i]
		e.ls = nil
		if e.k.Class == "InputLayer" || len(e.k.Class) > 7 && e.k.Class[:7] == "folded:" {
			continue
		}
		ls, err := convert(e.k, cins[e.k.Name])
		if err != nil {
			return nil, err
		}
		for _, l := range ls {
			if p, ok := l.(*channelProbe); ok {
				probes = append(probes, p)
			}
			if !slices.Contains(nn.ClassNames(), l.Kind()) {
				classic = false
			}
		}
		e.ls = ls
	}
	if classic && len(probes) == 0 {
		var layers []nn.Layer
		for _, e := range b.entries {
			for _, l := range e.ls {
				l, ok := l.(nn.Layer)
				if !ok {
					return nil, fmt.Errorf("keras: layer %q (%s) takes several inputs, which a Sequential model cannot give it", e.k.Name, e.k.Class)
				}
				layers = append(layers, l)
			}
		}
		if len(layers) == 0 {
			return nil, fmt.Errorf("keras: the model has no layers besides its input")
		}
		m, err := nn.NewSequential(input, layers...)
		if err != nil {
			return nil, fmt.Errorf("keras: %v", trimNN(err))
		}
		b.model = m
		return nil, nil
	}
	g := nn.NewGraph(input)
	if km.Name != "" {
		g.SetName(km.Name)
	}
	prev := nn.GraphInput
	for _, e := range b.entries {
		if len(e.ls) == 0 {
			continue
		}
		inputs := []string{prev}
		if km.Functional {
			inputs = inputs[:0]
			for _, in := range e.k.Inputs {
				if a, ok := alias[in]; ok {
					in = a
				}
				inputs = append(inputs, in)
			}
		}
		for _, l := range e.ls {
			if _, err := g.Add(l, inputs...); err != nil {
				return nil, fmt.Errorf("keras: layer %q (%s): %v", e.k.Name, e.k.Class, trimNN(err))
			}
			prev = l.Name()
			inputs = []string{prev}
		}
	}
	if km.Functional {
		outs := make([]string, len(km.Outputs))
		for i, o := range km.Outputs {
			if a, ok := alias[o]; ok {
				o = a
			}
			outs[i] = o
		}
		g.SetOutputs(outs...)
	}
	if err := g.Build(); err != nil {
		return probes, fmt.Errorf("keras: %v", trimNN(err))
	}
	b.model = g
	return probes, nil
}

// trimNN drops nn's "nn: " prefix under ours.
func trimNN(err error) string {
	s := err.Error()
	if len(s) > 4 && s[:4] == "nn: " {
		return s[4:]
	}
	return s
}
