package nn

import (
	"bytes"
	"slices"
	"testing"
)

// TestGraphArchKeepsNames: the graph made from a Sequential model — its
// ToGraph copy, its Graph view, a Sequential file loaded with LoadGraph,
// Arch.GraphArch — carries the model's name ("sequential_1" for a model
// file, as NewSequential names a model), not Graph's default "model"; and
// Graph.Arch names each node by the node, even when its layer was renamed
// after Add.
func TestGraphArchKeepsNames(t *testing.T) {
	m := smallConvNet(t, 1, 1)
	if m.Name() != "sequential_1" {
		t.Fatalf("model name %q", m.Name())
	}
	var buf bytes.Buffer
	if err := Write(&buf, m, Metadata{}); err != nil {
		t.Fatal(err)
	}
	g, _, err := LoadGraph(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if g.Name() != "sequential_1" {
		t.Errorf("a Sequential file loaded as a graph is named %q, want sequential_1", g.Name())
	}
	if a := m.Arch().GraphArch(); a.Name != "sequential_1" {
		t.Errorf("Arch.GraphArch named %q, want sequential_1", a.Name)
	}

	m.name = "net" // a name other than the architecture's default
	tg, err := m.ToGraph()
	if err != nil {
		t.Fatal(err)
	}
	if tg.Name() != "net" {
		t.Errorf("ToGraph named %q, want net", tg.Name())
	}
	if v := m.Graph(); v.Name() != "net" {
		t.Errorf("Graph view named %q, want net", v.Name())
	}

	g2 := NewGraph([]int{4})
	d := NewDense(3)
	name, err := g2.Add(d, GraphInput)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g2.Add(NewDense(2), name); err != nil {
		t.Fatal(err)
	}
	if err := g2.Build(); err != nil {
		t.Fatal(err)
	}
	d.SetName("renamed")
	a := g2.Arch()
	var got []string
	for _, n := range a.Nodes {
		got = append(got, n.Layer.Name)
	}
	if want := []string{name, "dense_2"}; !slices.Equal(got, want) {
		t.Errorf("Graph.Arch node names %v, want %v", got, want)
	}
	if _, err := a.Build(); err != nil {
		t.Errorf("the architecture does not build: %v", err)
	}
}
