package keras

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/convscope/convscope/internal/hdf5"
	"github.com/convscope/convscope/nn"
)

// array is one saved weight tensor, read when its destination is known.
type array struct {
	name  string
	shape []int
	ds    *hdf5.Dataset
}

// readArray opens the dataset at path under g.
func readArray(g *hdf5.Group, path string) (array, error) {
	ds, err := g.Dataset(path)
	if err != nil {
		return array{}, err
	}
	return array{name: path, shape: ds.Shape(), ds: ds}, nil
}

// stringsAttr reads a list-of-strings attribute as Keras'
// load_attributes_from_hdf5_group does (legacy_h5_format.py 615-645): name,
// or name0, name1, … when it was split; nil if absent.
func stringsAttr(o *hdf5.Object, name string) ([]string, error) {
	a, err := o.Attr(name)
	if err != nil {
		return nil, err
	}
	if a != nil {
		return a.Strings()
	}
	var out []string
	for i := 0; ; i++ {
		a, err := o.Attr(name + strconv.Itoa(i))
		if err != nil {
			return nil, err
		}
		if a == nil {
			return out, nil
		}
		s, err := a.Strings()
		if err != nil {
			return nil, err
		}
		out = append(out, s...)
	}
}

// savedLayer is one layer's weights in a Keras 2 HDF5 file.
type savedLayer struct {
	name   string
	arrays []array
}

// readH5Weights reads the weights under g (the "model_weights" group of a
// model.save file, or the root of a save_weights file) in layer_names order,
// keeping only layers that have weights (load_weights_from_hdf5_group,
// legacy_h5_format.py 332-380).
func readH5Weights(g *hdf5.Group) ([]savedLayer, error) {
	names, err := stringsAttr(&g.Object, "layer_names")
	if err != nil {
		return nil, fmt.Errorf("keras: %v", err)
	}
	if names == nil {
		return nil, fmt.Errorf("keras: %s has no layer_names attribute: not a Keras weights group", g.Path())
	}
	var out []savedLayer
	for _, name := range names {
		lg, err := g.Group(name)
		if err != nil {
			return nil, fmt.Errorf("keras: layer %q: %v", name, err)
		}
		wn, err := stringsAttr(&lg.Object, "weight_names")
		if err != nil {
			return nil, fmt.Errorf("keras: layer %q: %v", name, err)
		}
		if len(wn) == 0 {
			continue
		}
		s := savedLayer{name: name}
		for _, w := range wn {
			a, err := readArray(lg, w)
			if err != nil {
				return nil, fmt.Errorf("keras: layer %q: %v", name, err)
			}
			s.arrays = append(s.arrays, a)
		}
		out = append(out, s)
	}
	return out, nil
}

// readK3Weights reads a Keras 3 weights file's variables for each entry:
// <path>/vars/0, 1, … (saving_lib.py H5IOStore.get, 1384-1421, and its
// fallback to "_layer_checkpoint_dependencies" for files from Keras 2.13).
func readK3Weights(root *hdf5.Group, entries []entry) (map[string][]array, error) {
	out := map[string][]array{}
	for _, e := range entries {
		if len(e.ls) == 0 {
			continue
		}
		g, err := root.Group(e.k3Path + "/vars")
		if err != nil {
			alt := "_layer_checkpoint_dependencies" + e.k3Path[len("layers"):]
			if g2, err2 := root.Group(alt + "/vars"); err2 == nil {
				g, err = g2, nil
			}
		}
		if err != nil {
			if !e.wantsWeights() {
				continue
			}
			return nil, fmt.Errorf("keras: layer %q (%s): its weights %s/vars are missing", e.k.Name, e.k.Class, e.k3Path)
		}
		members, err := g.Members()
		if err != nil {
			return nil, err
		}
		idx := make([]int, 0, len(members))
		for _, m := range members {
			i, err := strconv.Atoi(m)
			if err != nil || i < 0 {
				return nil, fmt.Errorf("keras: %s/vars/%s: expected variables named 0, 1, …", e.k3Path, m)
			}
			idx = append(idx, i)
		}
		sort.Ints(idx)
		for j, i := range idx {
			if i != j {
				return nil, fmt.Errorf("keras: %s/vars: variable %d is missing", e.k3Path, j)
			}
			a, err := readArray(g, strconv.Itoa(i))
			if err != nil {
				return nil, fmt.Errorf("keras: layer %q: %v", e.k.Name, err)
			}
			out[e.k.Name] = append(out[e.k.Name], a)
		}
	}
	return out, nil
}

// weightParams lists an nn layer's weights in Keras' order: trainable
// (Params), then non-trainable (State).
func weightParams(l nn.LayerBase) []*nn.Param {
	ps := slices.Clone(l.Params())
	if s, ok := l.(nn.Stateful); ok {
		ps = append(ps, s.State()...)
	}
	return ps
}

// setWeights copies a Keras layer's saved arrays into its nn layer, checking
// every shape. BatchNormalization without scale or center lacks gamma or
// beta; the depthwise kernel (kh, kw, cin, mult) of DepthwiseConv2D and
// SeparableConv2D fills the grouped Conv2D's (kh, kw, 1, cin·mult)
// unchanged.
func setWeights(e entry, arrays []array) error {
	ps := e.weights()
	where := func() string { return fmt.Sprintf("keras: layer %q (%s)", e.k.Name, e.k.Class) }
	if e.k.Class == "BatchNormalization" && len(ps) == 4 {
		c := &cfg{l: e.k}
		scale, center := c.bool("scale", true), c.bool("center", true)
		var full []*nn.Param
		for i, p := range ps {
			if (i == 0 && !scale) || (i == 1 && !center) {
				v := float32(0)
				if i == 0 {
					v = 1
				}
				for j := range p.Value {
					p.Value[j] = v
				}
				continue
			}
			full = append(full, p)
		}
		ps = full
	}
	if e.k.Class == "Normalization" && len(ps) == 4 {
		// Saved: mean, variance and count (ignored); nn's BatchNormalization
		// holds gamma = 1, beta = 0, moving mean and variance.
		fill(ps[0].Value, 1)
		fill(ps[1].Value, 0)
		if len(arrays) == 3 {
			arrays = arrays[:2]
		}
		ps = ps[2:]
		for i := range arrays {
			if i < len(ps) && shapeSize(arrays[i].shape) == len(ps[i].Value) {
				arrays[i].shape = ps[i].Shape // (C,) or broadcastable (1, 1, 1, C)
			}
		}
	}
	if len(arrays) != len(ps) {
		return fmt.Errorf("%s: expected %d weight tensors, received %d", where(), len(ps), len(arrays))
	}
	for i, p := range ps {
		a := arrays[i]
		ok := slices.Equal(a.shape, p.Shape)
		if !ok && i == 0 && (e.k.Class == "DepthwiseConv2D" || e.k.Class == "SeparableConv2D") && len(a.shape) == 4 && len(p.Shape) == 4 {
			ok = a.shape[0] == p.Shape[0] && a.shape[1] == p.Shape[1] && p.Shape[2] == 1 && a.shape[2]*a.shape[3] == p.Shape[3]
		}
		if !ok {
			return fmt.Errorf("%s: weight %s: expected shape %v, received %v", where(), a.name, p.Shape, a.shape)
		}
		if err := a.ds.ReadFloat32Into(p.Value); err != nil {
			return fmt.Errorf("%s: %v", where(), err)
		}
	}
	return nil
}

// splitNested splits the saved weights of a nested model (one group, e.g.
// "vgg16", whose weight_names are "block1_conv1/kernel:0", …) into one
// saved layer per inner layer, by the layer part of each weight name.
// Keras 2 lists a model's weights trainable first (Layer.weights), so an
// inner BatchNormalization's moving statistics come last; grouping by name
// restores each layer's own order.
func splitNested(entries []entry, saved []savedLayer) []savedLayer {
	parents := map[string]bool{}
	names := map[string]bool{}
	for _, e := range entries {
		if e.k.Parent != "" {
			parents[e.k.Parent] = true
		}
		names[e.k.Name] = true
	}
	if len(parents) == 0 {
		return saved
	}
	var out []savedLayer
	for _, s := range saved {
		if !parents[s.name] {
			out = append(out, s)
			continue
		}
		index := map[string]int{}
		for _, a := range s.arrays {
			parts := strings.Split(a.name, "/")
			layer := s.name
			if len(parts) >= 2 && names[parts[len(parts)-2]] {
				layer = parts[len(parts)-2]
			}
			i, ok := index[layer]
			if !ok {
				i = len(out)
				index[layer] = i
				out = append(out, savedLayer{name: layer})
			}
			out[i].arrays = append(out[i].arrays, a)
		}
	}
	return out
}

// assignByOrder loads Keras 2 weights into the entries that have weights,
// by name when every saved layer names one, else by position as Keras'
// load_weights_from_hdf5_group does.
func assignByOrder(entries []entry, saved []savedLayer) error {
	saved = splitNested(entries, saved)
	var weighted []entry
	byName := map[string]entry{}
	for _, e := range entries {
		if e.wantsWeights() {
			weighted = append(weighted, e)
			byName[e.k.Name] = e
		}
	}
	named := len(saved) == len(weighted)
	for _, s := range saved {
		if _, ok := byName[s.name]; !ok {
			named = false
		}
	}
	if !named && len(saved) != len(weighted) {
		return fmt.Errorf("keras: the model has %d layers with weights, the file %d", len(weighted), len(saved))
	}
	for i, s := range saved {
		e := weighted[i]
		if named {
			e = byName[s.name]
		}
		if err := setWeights(e, s.arrays); err != nil {
			return err
		}
	}
	return nil
}

func fill(v []float32, x float32) {
	for i := range v {
		v[i] = x
	}
}

func shapeSize(s []int) int {
	n := 1
	for _, d := range s {
		n *= d
	}
	return n
}

// configWeights sets the weights a config gives itself: a Normalization
// built with mean= and variance= (numbers or one per channel) keeps them in
// its config, not in the weights file.
func (e *entry) configWeights() error {
	if e.k.Class != "Normalization" || len(e.ls) != 1 {
		return nil
	}
	c := &cfg{l: e.k}
	mr, ok1 := c.raw("mean")
	vr, ok2 := c.raw("variance")
	if !ok1 || !ok2 {
		return nil
	}
	ps := e.weights()
	if len(ps) != 4 {
		return nil
	}
	for i, raw := range []json.RawMessage{mr, vr} {
		var vals []float64
		var one float64
		if json.Unmarshal(raw, &one) == nil {
			vals = []float64{one}
		} else if err := json.Unmarshal(raw, &vals); err != nil {
			return fmt.Errorf("keras: layer %q (Normalization): expected mean and variance as numbers, received %s", e.k.Name, excerpt(raw))
		}
		dst := ps[2+i].Value
		if len(vals) != 1 && len(vals) != len(dst) {
			return fmt.Errorf("keras: layer %q (Normalization): expected 1 or %d values, received %d", e.k.Name, len(dst), len(vals))
		}
		for j := range dst {
			dst[j] = float32(vals[min(j, len(vals)-1)])
		}
	}
	fill(ps[0].Value, 1)
	fill(ps[1].Value, 0)
	e.fromConfig = true
	return nil
}
