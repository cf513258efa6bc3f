package nn

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math/rand"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// everyClassGraph uses every layer class and graph-era option.
func everyClassGraph(t testing.TB) *Graph {
	g := NewGraph([]int{10, 10, 3})
	add := func(l LayerBase, in ...string) string {
		name, err := g.Add(l, in...)
		if err != nil {
			t.Fatal(err)
		}
		return name
	}
	r := add(NewRescaling(1.0/127.5, -1), GraphInput)
	z := add(NewZeroPadding2D(1, 0, 2, 1), r)
	c := add(NewConv2D(4, 3, 3, WithStrides(2, 2), WithPads(0, 1, 1, 0), WithUseBias(false)), z)
	b := add(NewBatchNormalization(WithEpsilon(1e-5), WithMomentum(0.9)), c)
	r6 := add(NewReLU(6, 0, 0), b)
	d := add(NewConv2D(8, 3, 3, WithGroups(4), WithPadding("same"), WithDilation(2, 1)), r6)
	lr := add(NewLeakyReLU(0.1), d)
	cl := add(NewClip(-1, 2), lr)
	hs := add(NewHardSigmoid(0.2, 0.5), cl)
	hw := add(NewHardSwish(), cl)
	s := add(NewAdd(), hs, hw)
	p1 := add(NewMaxPooling2D(3, 3, WithStrides(2, 2), WithPads(1, 1, 1, 1), WithCeilMode(true)), s)
	p2 := add(NewAveragePooling2D(3, 3, WithStrides(2, 2), WithPads(1, 1, 1, 1), WithCeilMode(true), WithCountIncludePad(true)), s)
	cat := add(NewConcatenate(), p1, p2)
	rl := add(NewReLU(0, 0.01, 0.5), cat)
	gap := add(NewGlobalAveragePooling2D(), rl)
	rs := add(NewReshape([]int{4, -1}), gap)
	f := add(NewFlatten(), rs)
	id := add(NewIdentity(), f)
	dr := add(NewDropout(0.2), id)
	de := add(NewDense(5, WithActivation("tanh")), dr)
	ac := add(NewActivation("sigmoid"), de)
	add(NewSoftmax(WithName("probs")), ac)
	if err := g.Build(); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(4))
	for _, p := range g.Weights() {
		fillUniform(p.Value, 0.5, rng)
		if strings.HasSuffix(p.Name, "moving_variance") {
			for i := range p.Value {
				p.Value[i] += 1
			}
		}
	}
	return g
}

func TestGraphArchJSONRoundTrip(t *testing.T) {
	g := everyClassGraph(t)
	b1, err := g.Arch().MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	a, err := ParseGraphArch(b1)
	if err != nil {
		t.Fatalf("%v\n%s", err, b1)
	}
	if !reflect.DeepEqual(a, g.Arch()) {
		t.Errorf("round trip changed the architecture:\n%+v\n%+v", a, g.Arch())
	}
	b2, _ := a.MarshalJSON()
	if !bytes.Equal(b1, b2) {
		t.Errorf("MarshalJSON is not stable:\n%s\n%s", b1, b2)
	}
	var a3 GraphArch
	if err := json.Unmarshal(b1, &a3); err != nil || !reflect.DeepEqual(a3, a) {
		t.Errorf("json.Unmarshal: %v", err)
	}
	if !json.Valid(b1) {
		t.Error("invalid JSON")
	}
	g2, err := a.Build()
	if err != nil {
		t.Fatal(err)
	}
	if g2.CountParams() != g.CountParams() || len(g2.Nodes()) != len(g.Nodes()) {
		t.Errorf("rebuilt graph: %d params, %d nodes; expected %d, %d", g2.CountParams(), len(g2.Nodes()), g.CountParams(), len(g.Nodes()))
	}
}

func TestParseGraphArchKeras(t *testing.T) {
	// Keras' own form: an InputLayer named input_1, names at both levels,
	// a ZeroPadding2D with Keras' padding tuple, extra inbound metadata.
	src := `{"class_name": "Functional", "config": {"name": "m", "layers": [
	 {"class_name": "InputLayer", "name": "input_1", "config": {"batch_input_shape": [null, 6, 6, 2], "dtype": "float32"}, "inbound_nodes": []},
	 {"class_name": "ZeroPadding2D", "name": "zp", "config": {"name": "zp", "padding": [[1, 0], [0, 1]]}, "inbound_nodes": [[["input_1", 0, 0, {}]]]},
	 {"class_name": "Conv2D", "name": "c", "config": {"filters": 2, "kernel_size": 3}, "inbound_nodes": [[["zp", 0, 0, {}]]]},
	 {"class_name": "Add", "name": "a", "config": {}, "inbound_nodes": [[["c", 0, 0, {}], ["c", 0, 0, {}]]]}
	], "input_layers": [["input_1", 0, 0]], "output_layers": [["a", 0, 0]]}}`
	a, err := ParseGraphArch([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.InputShape, []int{6, 6, 2}) || a.Nodes[0].Inputs[0] != GraphInput || a.Nodes[0].Layer.Pads != [4]int{1, 0, 0, 1} {
		t.Errorf("parsed %+v", a)
	}
	g, err := a.Build()
	if err != nil {
		t.Fatal(err)
	}
	if s := g.OutputShape(); !slices.Equal(s, []int{5, 5, 2}) {
		t.Errorf("output shape %v", s)
	}
	for _, tc := range []struct{ src, want string }{
		{`{"class_name": "Sequential"}`, `arch: expected class_name "Functional", received "Sequential"`},
		{`{"class_name": "Functional", "config": {"layers": []}}`, "arch: no InputLayer"},
		{strings.Replace(src, `"kernel_size": 3`, `"kernel_size": 3, "bogus": 1`, 1), `arch: layer 3 (c): Conv2D: unknown key "bogus"`},
		{strings.Replace(src, `[[["zp", 0, 0, {}]]]`, `[]`, 1), `arch: layer 3 (c): "inbound_nodes": expected one call`},
		{`{"class_name": "Functional", "config": {"layers": [`, "arch: invalid JSON at line 1, column 51"},
		{`{"class_name": "Functional", "config": {"layers": 3}}`, `arch: expected {"class_name": "Functional"`},
	} {
		if _, err := ParseGraphArch([]byte(tc.src)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseGraphArch: %v, expected %q", err, tc.want)
		}
	}
}

func TestGraphSaveLoad(t *testing.T) {
	g := everyClassGraph(t)
	x := NewTensor(2, 10, 10, 3)
	fillUniform(x.Data, 100, rand.New(rand.NewSource(8)))
	want := g.Predict(x).Clone()
	meta := Metadata{ClassNames: []string{"a", "b", "c", "d", "e"}, Rescale: 1}
	path := filepath.Join(t.TempDir(), "g.safetensors")
	if err := SaveGraphFile(path, g, meta); err != nil {
		t.Fatal(err)
	}
	g2, meta2, err := LoadGraphFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(meta2.ClassNames, meta.ClassNames) {
		t.Errorf("class names %v", meta2.ClassNames)
	}
	if got := g2.Predict(x); !slices.Equal(got.Data, want.Data) {
		t.Errorf("loaded graph predicts %v, expected %v", got.Data, want.Data)
	}
	if _, _, err := LoadFile(path); err == nil || !strings.Contains(err.Error(), "open it with LoadGraph") {
		t.Errorf("LoadFile of a graph: %v", err)
	}
	// Moving statistics are saved.
	var names []string
	for _, p := range g2.Weights() {
		names = append(names, p.Name)
	}
	if !slices.Contains(names, "batch_normalization_1/moving_variance") {
		t.Errorf("weights %v", names)
	}
}

func TestSequentialFileLoadsAsGraph(t *testing.T) {
	m, err := NewSequential([]int{8, 8, 1}, NewConv2D(2, 3, 3, WithActivation("relu")), NewMaxPooling2D(2, 2),
		NewBatchNormalization(), NewFlatten(), NewDense(3, WithActivation("softmax")))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(1))
	for _, p := range m.Weights() {
		fillUniform(p.Value, 0.5, rng)
		if strings.HasSuffix(p.Name, "moving_variance") {
			for i := range p.Value {
				p.Value[i] += 1
			}
		}
	}
	var buf bytes.Buffer
	if err := Write(&buf, m, Metadata{}); err != nil {
		t.Fatal(err)
	}
	g, _, err := LoadGraph(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	m2, _, err := Load(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	x := NewTensor(3, 8, 8, 1)
	fillUniform(x.Data, 1, rng)
	want := m.Predict(x).Clone()
	for name, got := range map[string]*Tensor{"LoadGraph": g.Predict(x), "Load": m2.Predict(x)} {
		if !slices.Equal(got.Data, want.Data) {
			t.Errorf("%s: %v, expected %v", name, got.Data, want.Data)
		}
	}
	tg, err := m.ToGraph()
	if err != nil {
		t.Fatal(err)
	}
	if got := tg.Predict(x); !slices.Equal(got.Data, want.Data) {
		t.Errorf("ToGraph: %v, expected %v", got.Data, want.Data)
	}
	names := []string{}
	for _, n := range g.Nodes() {
		names = append(names, n.Name)
	}
	if want := "conv2d_1 max_pooling2d_1 batch_normalization_1 flatten_1 dense_1"; strings.Join(names, " ") != want {
		t.Errorf("nodes %v, expected %s", names, want)
	}
}

func TestLoadGraphRefusesHugeWeights(t *testing.T) {
	// A file whose architecture declares a huge kernel but holds a few
	// bytes: refused before anything is allocated.
	arch := `{"class_name": "Functional", "config": {"name": "m", "layers": [
	 {"class_name": "InputLayer", "name": "input", "config": {"batch_input_shape": [null, 4, 4, 4096]}, "inbound_nodes": []},
	 {"class_name": "Conv2D", "name": "c", "config": {"filters": 65536, "kernel_size": 3, "padding": "same"}, "inbound_nodes": [[["input", 0, 0, {}]]]}
	], "input_layers": [["input", 0, 0]], "output_layers": [["c", 0, 0]]}}`
	meta := map[string]any{"__metadata__": map[string]string{"format": "convscope", "format_version": "1", "arch": arch, "input_shape": "[4,4,4096]"},
		"c/kernel": map[string]any{"dtype": "F32", "shape": []int{2}, "data_offsets": []int{0, 8}}}
	hdr, _ := json.Marshal(meta)
	var buf bytes.Buffer
	binary.Write(&buf, binary.LittleEndian, uint64(len(hdr)))
	buf.Write(hdr)
	buf.Write(make([]byte, 8))
	_, _, err := LoadGraph(bytes.NewReader(buf.Bytes()))
	if err == nil || !strings.Contains(err.Error(), `node "c" (Conv2D) needs more weights than the file holds (2 values)`) {
		t.Errorf("LoadGraph: %v", err)
	}
}

func TestGraphSummary(t *testing.T) {
	g := NewGraph([]int{32, 32, 3})
	g.Add(NewConv2D(16, 3, 3, WithPadding("same")), GraphInput)
	g.Add(NewConv2D(16, 3, 3, WithPadding("same")), "conv2d_1")
	g.Add(NewBatchNormalization(), "conv2d_2")
	g.Add(NewAdd(), "conv2d_1", "batch_normalization_1")
	g.Add(NewGlobalAveragePooling2D(), "add_1")
	g.Add(NewDense(10), "global_average_pooling2d_1")
	if err := g.Build(); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := g.Summary(&b); err != nil {
		t.Fatal(err)
	}
	// Keras 2.x prints this model's summary this way (trailing spaces trimmed).
	want := `Model: "model"
__________________________________________________________________________________________________
Layer (type)                    Output Shape         Param #     Connected to
==================================================================================================
input (InputLayer)              [(None, 32, 32, 3)]  0
__________________________________________________________________________________________________
conv2d_1 (Conv2D)               (None, 32, 32, 16)   448         input[0][0]
__________________________________________________________________________________________________
conv2d_2 (Conv2D)               (None, 32, 32, 16)   2320        conv2d_1[0][0]
__________________________________________________________________________________________________
batch_normalization_1 (BatchNor (None, 32, 32, 16)   64          conv2d_2[0][0]
__________________________________________________________________________________________________
add_1 (Add)                     (None, 32, 32, 16)   0           conv2d_1[0][0]
                                                                 batch_normalization_1[0][0]
__________________________________________________________________________________________________
global_average_pooling2d_1 (Glo (None, 16)           0           add_1[0][0]
__________________________________________________________________________________________________
dense_1 (Dense)                 (None, 10)           170         global_average_pooling2d_1[0][0]
==================================================================================================
Total params: 3,002
Trainable params: 2,970
Non-trainable params: 32
__________________________________________________________________________________________________
`
	var got []string
	for _, line := range strings.Split(b.String(), "\n") {
		got = append(got, strings.TrimRight(line, " "))
	}
	if g := strings.Join(got, "\n"); g != want {
		t.Errorf("Summary:\n%s\nexpected:\n%s", g, want)
	}
	for _, line := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")[2:] {
		if len(line) != 98 && !strings.HasPrefix(line, "Total") && !strings.HasPrefix(line, "Trainable") && !strings.HasPrefix(line, "Non-trainable") {
			t.Errorf("line of %d characters: %q", len(line), line)
		}
	}
}

func TestSequentialGraphView(t *testing.T) {
	// The view runs the model's own layers: the same outputs, the same
	// gradients (fused conv + pool included), shared weights.
	m, err := NewSequential([]int{10, 10, 2}, NewConv2D(4, 3, 3, WithActivation("relu")), NewMaxPooling2D(2, 2),
		NewConv2D(3, 3, 3, WithPadding("same"), WithActivation("tanh")), NewFlatten(), NewDense(2, WithActivation("softmax")))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(3))
	for _, p := range m.Params() {
		fillUniform(p.Value, 0.5, rng)
	}
	g := m.Graph()
	if g.byName["conv2d_1"].fusedPool == nil {
		t.Error("the view does not fuse conv2d_1 with its pooling")
	}
	x := NewTensor(2, 10, 10, 2)
	fillUniform(x.Data, 1, rng)
	r := NewTensor(2, 2)
	fillUniform(r.Data, 1, rng)
	want := m.Forward(x, true).Clone()
	m.Backward(r)
	var grads [][]float32
	for _, p := range m.Params() {
		grads = append(grads, slices.Clone(p.Grad))
	}
	if got := g.Forward(x, true); !slices.Equal(got.Data, want.Data) {
		t.Fatalf("view output %v, model %v", got.Data, want.Data)
	}
	g.Backward(r)
	for i, p := range g.Params() {
		if p != m.Params()[i] || !slices.Equal(p.Grad, grads[i]) {
			t.Errorf("%s: the view's gradient differs from the model's", p.Name)
		}
	}
	if acts := g.Activations(x); len(acts) != 5 || acts[4] != g.Output("dense_1") {
		t.Errorf("Activations: %d tensors", len(acts))
	}
	if _, err := g.Add(NewIdentity(), "dense_1"); err == nil {
		t.Error("Add on a view succeeded")
	}
}

func TestLoadGraphRefusesHugeActivations(t *testing.T) {
	// Weightless layers cost nothing in the file but their outputs are all
	// kept: a chain of 80 Identity nodes on a 4096×4096×3 input would keep
	// 4 billion values.
	var b strings.Builder
	b.WriteString(`{"class_name": "Functional", "config": {"layers": [{"class_name": "InputLayer", "name": "input", "config": {"batch_input_shape": [null, 4096, 4096, 3]}, "inbound_nodes": []}`)
	prev := "input"
	for i := 0; i < 80; i++ {
		name := "id" + strings.Repeat("x", i)
		b.WriteString(`, {"class_name": "Identity", "name": "` + name + `", "config": {}, "inbound_nodes": [[["` + prev + `", 0, 0, {}]]]}`)
		prev = name
	}
	b.WriteString(`], "output_layers": [["` + prev + `", 0, 0]]}}`)
	a, err := ParseGraphArch([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.build(0); err == nil || !strings.Contains(err.Error(), "is too large (the outputs kept for one sample would exceed") {
		t.Errorf("build: %v", err)
	}
}
