package nn

import (
	"bytes"
	"strings"
	"testing"
)

// TestGraphBudgetBoundaries checks SetLimits' weight budget at the exact
// total of the weights Build counts (kh·kw·cin/groups·filters for Conv2D,
// in·units for Dense, 4·channels for BatchNormalization) and one short.
func TestGraphBudgetBoundaries(t *testing.T) {
	type node struct {
		l  LayerBase
		in string
	}
	tests := []struct {
		name   string
		input  []int
		nodes  func() []node
		budget int64
		want   string // "" = builds
	}{
		{"conv, exact", []int{6, 6, 4}, func() []node { return []node{{NewConv2D(8, 3, 3, WithName("c")), GraphInput}} }, 288, ""},
		{"conv, one short", []int{6, 6, 4}, func() []node { return []node{{NewConv2D(8, 3, 3, WithName("c")), GraphInput}} }, 287, `node "c" (Conv2D) needs more weights than the file holds (287 values)`},
		{"grouped conv, exact", []int{6, 6, 4}, func() []node { return []node{{NewConv2D(8, 3, 3, WithGroups(4), WithName("c")), GraphInput}} }, 72, ""},
		{"grouped conv, one short", []int{6, 6, 4}, func() []node { return []node{{NewConv2D(8, 3, 3, WithGroups(4), WithName("c")), GraphInput}} }, 71, `node "c" (Conv2D) needs more weights`},
		{"dense, exact", []int{2, 2, 1}, func() []node {
			return []node{{NewFlatten(WithName("f")), GraphInput}, {NewDense(3, WithName("d")), "f"}}
		}, 12, ""},
		{"dense, one short", []int{2, 2, 1}, func() []node {
			return []node{{NewFlatten(WithName("f")), GraphInput}, {NewDense(3, WithName("d")), "f"}}
		}, 11, `node "d" (Dense) needs more weights`},
		{"batch norm, exact", []int{2, 2, 4}, func() []node { return []node{{NewBatchNormalization(WithName("b")), GraphInput}} }, 16, ""},
		{"batch norm, one short", []int{2, 2, 4}, func() []node { return []node{{NewBatchNormalization(WithName("b")), GraphInput}} }, 15, `node "b" (BatchNormalization) needs more weights`},
		{"conv then batch norm, exact", []int{6, 6, 4}, func() []node {
			return []node{{NewConv2D(8, 3, 3, WithGroups(4), WithName("c")), GraphInput}, {NewBatchNormalization(WithName("b")), "c"}}
		}, 104, ""},
		{"conv then batch norm, one short", []int{6, 6, 4}, func() []node {
			return []node{{NewConv2D(8, 3, 3, WithGroups(4), WithName("c")), GraphInput}, {NewBatchNormalization(WithName("b")), "c"}}
		}, 103, `node "b" (BatchNormalization) needs more weights than the file holds (103 values)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewGraph(tt.input)
			var last string
			for _, n := range tt.nodes() {
				name, err := g.Add(n.l, n.in)
				if err != nil {
					t.Fatal(err)
				}
				last = name
			}
			g.SetOutputs(last)
			g.SetLimits(tt.budget)
			err := g.Build()
			checkErrContains(t, err, tt.want)
		})
	}
}

// checkErrContains fails t when err is not what a table row wants: no
// error for want "", else an error whose text contains want.
func checkErrContains(t *testing.T, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatal(err)
		}
		return
	}
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want one containing %q", err, want)
	}
}

// graphFile writes g with WriteGraph and returns the file, its header and
// its data section.
func graphFile(t *testing.T, g *Graph) ([]byte, *stHeader, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteGraph(&buf, g, Metadata{}); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	h, err := readHeader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	return b, h, b[len(b)-int(h.DataLen):]
}

// TestLoadGraphBounds checks what LoadGraph refuses before building: an
// input of more than 2^26 values (exactly 2^26 loads), and a node needing
// more weights than the file's tensors hold, counted in values (bytes over
// the dtype's size, summed over every tensor: the error names the count).
func TestLoadGraphBounds(t *testing.T) {
	chain := func(input []int, units int) *Graph {
		g := NewGraph(input)
		for _, n := range []struct {
			l  LayerBase
			in string
		}{{NewConv2D(2, 3, 3, WithName("c")), GraphInput}, {NewFlatten(WithName("f")), "c"}, {NewDense(units, WithName("d")), "f"}} {
			if _, err := g.Add(n.l, n.in); err != nil {
				t.Fatal(err)
			}
		}
		if err := g.Build(); err != nil {
			t.Fatal(err)
		}
		return g
	}
	flat := func(input []int) *Graph {
		g := NewGraph(input)
		if _, err := g.Add(NewFlatten(WithName("f")), GraphInput); err != nil {
			t.Fatal(err)
		}
		if err := g.Build(); err != nil {
			t.Fatal(err)
		}
		return g
	}
	// mixed: the architecture of arch, the tensors of data.
	mixed := func(arch, data *Graph) []byte {
		_, ha, _ := graphFile(t, arch)
		_, hd, d := graphFile(t, data)
		var es []stEntry
		for _, tn := range hd.Tensors {
			es = append(es, stEntry{tn.Name, tn.DType, tn.Shape, [2]int64{tn.Begin, tn.End}})
		}
		return craft(ha.Meta, es, d)
	}
	whole := func(g *Graph) []byte { b, _, _ := graphFile(t, g); return b }
	// chain([4, 4, 1], 3): 3·3·1·2 + 2 = 20 conv values, 8·3 + 3 = 27 dense:
	// 47 in the file; 4 units need 18 + 8·4 = 50 (biases are not counted).
	tests := []struct {
		name string
		file []byte
		want string // "" = loads
	}{
		{"largest input", whole(flat([]int{1 << 13, 1 << 13, 1})), ""},
		{"input one row too large", whole(flat([]int{1<<13 + 1, 1 << 13, 1})), "input_shape (8193, 8192, 1) is larger than 67108864 values"},
		{"matching weights", whole(chain([]int{4, 4, 1}, 3)), ""},
		{"a wider dense layer", mixed(chain([]int{4, 4, 1}, 4), chain([]int{4, 4, 1}, 3)), `node "d" (Dense) needs more weights than the file holds (47 values)`},
		{"a wider dense layer, bigger file", mixed(chain([]int{4, 4, 1}, 4), chain([]int{5, 5, 1}, 3)), "d/kernel: expected shape (8, 4), received (18, 3)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := LoadGraph(bytes.NewReader(tt.file))
			checkErrContains(t, err, tt.want)
		})
	}
}
