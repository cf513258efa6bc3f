package nn

import (
	"strings"
	"testing"
)

// TestGraphBuildInputShape: every dimension of the input must be positive.
func TestGraphBuildInputShape(t *testing.T) {
	for _, tt := range []struct {
		in   []int
		want string // "" = builds
	}{
		{[]int{1}, ""},
		{[]int{3, 1, 2}, ""},
		{[]int{}, "nn: graph: expected an input shape of positive dimensions, received ()"},
		{[]int{3, 0, 2}, "nn: graph: expected an input shape of positive dimensions, received (3, 0, 2)"},
		{[]int{-1}, "nn: graph: expected an input shape of positive dimensions, received (-1,)"},
	} {
		g := NewGraph(tt.in)
		if _, err := g.Add(NewIdentity(), GraphInput); err != nil {
			t.Fatal(err)
		}
		err := g.Build()
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || err.Error() != tt.want) {
			t.Errorf("Build with input %v: %v, want %q", tt.in, err, tt.want)
		}
	}
}

// TestGraphBuildKeptLimit: with SetLimits, the outputs kept for one
// sample may total exactly 2^28 values, not one more; the error names the
// node that crosses the limit. Only shapes are involved: Build allocates
// no outputs.
func TestGraphBuildKeptLimit(t *testing.T) {
	for _, tt := range []struct {
		name  string
		in    int
		nodes int
		want  string // "" = builds
	}{
		{"2 × 2^27", 1 << 27, 2, ""},
		{"4 × 2^26", 1 << 26, 4, ""},
		{"3 × 2^27", 1 << 27, 3, `nn: graph: node "identity_3" (Identity): output (134217728,) is too large (the outputs kept for one sample would exceed 268435456 values)`},
		{"2 × (2^27+1)", 1<<27 + 1, 2, `nn: graph: node "identity_2" (Identity): output (134217729,) is too large`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g := NewGraph([]int{tt.in})
			prev := GraphInput
			for range tt.nodes {
				name, err := g.Add(NewIdentity(), prev)
				if err != nil {
					t.Fatal(err)
				}
				prev = name
			}
			g.SetLimits(0)
			err := g.Build()
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error %v, want one starting %q", err, tt.want)
			}
		})
	}
}

// TestGraphCycleAfterBranch: the cycle named is the one found, not the
// nodes visited before it on another branch.
func TestGraphCycleAfterBranch(t *testing.T) {
	for _, tt := range []struct {
		name string
		add  func(g *Graph)
		want string
	}{
		{"side branch first", func(g *Graph) {
			g.Add(NewIdentity(WithName("x")), GraphInput)
			g.Add(NewIdentity(WithName("y")), "x")
			g.Add(NewAdd(WithName("a")), "y", "c")
			g.Add(NewIdentity(WithName("b")), "a")
			g.Add(NewIdentity(WithName("c")), "b")
		}, "nn: graph: cycle: a → c → b → a (a graph must be acyclic)"},
		{"branch inside the cycle", func(g *Graph) {
			g.Add(NewAdd(WithName("a")), "s", "c")
			g.Add(NewIdentity(WithName("s")), GraphInput)
			g.Add(NewIdentity(WithName("b")), "a")
			g.Add(NewIdentity(WithName("c")), "b")
		}, "nn: graph: cycle: a → c → b → a (a graph must be acyclic)"},
		{"self loop", func(g *Graph) {
			g.Add(NewIdentity(WithName("x")), GraphInput)
			g.Add(NewAdd(WithName("a")), "x", "a")
		}, "nn: graph: cycle: a → a (a graph must be acyclic)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g := NewGraph([]int{2})
			tt.add(g)
			if err := g.Build(); err == nil || err.Error() != tt.want {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}
