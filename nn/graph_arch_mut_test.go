package nn

import (
	"slices"
	"strings"
	"testing"
)

// TestSequentialNames: automatic names skip the names given explicitly,
// counting per class as Keras does.
func TestSequentialNames(t *testing.T) {
	for _, tt := range []struct {
		layers []LayerConfig
		want   []string
	}{
		{[]LayerConfig{{ClassName: "Dense"}, {ClassName: "Dense"}, {ClassName: "Flatten"}}, []string{"dense_1", "dense_2", "flatten_1"}},
		{[]LayerConfig{{ClassName: "Dense"}, {ClassName: "Dense", Name: "dense_1"}}, []string{"dense_2", "dense_1"}},
		{[]LayerConfig{{ClassName: "Dense", Name: "head"}, {ClassName: "Dense"}, {ClassName: "Dense", Name: "dense_2"}, {ClassName: "Dense"}}, []string{"head", "dense_1", "dense_2", "dense_3"}},
		{[]LayerConfig{{ClassName: "MaxPooling2D"}, {ClassName: "GlobalAveragePooling2D"}}, []string{"max_pooling2d_1", "global_average_pooling2d_1"}},
	} {
		if got := sequentialNames(tt.layers); !slices.Equal(got, tt.want) {
			t.Errorf("sequentialNames = %v, want %v", got, tt.want)
		}
	}
}

// TestGraphArchAssemble: the graph takes the architecture's name ("model"
// when it has none); a layer that cannot be made is named by its 1-based
// position; a budget of 0 values (a file without tensors) still limits
// Build.
func TestGraphArchAssemble(t *testing.T) {
	dense := func(name string, units int, in string) GraphNode {
		return GraphNode{Layer: LayerConfig{ClassName: "Dense", Name: name, Units: units}, Inputs: []string{in}}
	}
	for _, tt := range []struct {
		name     string
		a        GraphArch
		values   int64
		want     string // error; "" = builds
		wantName string
	}{
		{"named", GraphArch{Name: "net", InputShape: []int{3}, Nodes: []GraphNode{dense("d", 2, GraphInput)}}, -1, "", "net"},
		{"unnamed", GraphArch{InputShape: []int{3}, Nodes: []GraphNode{dense("d", 2, GraphInput)}}, -1, "", "model"},
		{"bad second layer", GraphArch{InputShape: []int{3}, Nodes: []GraphNode{dense("d", 2, GraphInput), dense("e", -1, "d")}}, -1, "p: layer 2 (e): Dense: expected units > 0, received -1", ""},
		{"bad first layer", GraphArch{InputShape: []int{3}, Nodes: []GraphNode{{Layer: LayerConfig{ClassName: "Nope", Name: "n"}, Inputs: []string{GraphInput}}}}, -1, `p: layer 1 (n): unknown class_name "Nope"`, ""},
		{"no weights in the file", GraphArch{InputShape: []int{3}, Nodes: []GraphNode{dense("d", 2, GraphInput)}}, 0, `nn: graph: node "d" (Dense) needs more weights than the file holds (0 values)`, ""},
		{"weights exactly", GraphArch{InputShape: []int{3}, Nodes: []GraphNode{dense("d", 2, GraphInput)}}, 6, "", "model"},
		{"no weights needed", GraphArch{InputShape: []int{3}, Nodes: []GraphNode{{Layer: LayerConfig{ClassName: "Identity", Name: "i"}, Inputs: []string{GraphInput}}}}, 0, "", "model"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g, err := tt.a.assemble("p", tt.values, false)
			if tt.want != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
					t.Errorf("error %v, want one starting %q", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if g.Name() != tt.wantName {
				t.Errorf("name %q, want %q", g.Name(), tt.wantName)
			}
		})
	}
}
