package nn

import (
	"testing"
	"unsafe"
)

// TestOutputArena checks the node-output arena: small arenas are plain
// slices, large ones start on a huge-page boundary, every tensor cut from
// it starts on a 64-byte line, has its shape's size, cannot grow into its
// neighbour (capacity = length) and does not overlap the next one; a
// Graph's nodes get such tensors, each its own.
func TestOutputArena(t *testing.T) {
	if a := outputArena(100); len(a) != 100 {
		t.Fatalf("small arena: %d values, expected 100", len(a))
	}
	n := hugeMinBytes/4 + 1000
	a := outputArena(n)
	if len(a) != n {
		t.Fatalf("large arena: %d values, expected %d", len(a), n)
	}
	if p := uintptr(unsafe.Pointer(&a[0])); hugeArena && p%hugePage != 0 {
		t.Errorf("large arena at %#x, expected a multiple of %#x", p, hugePage)
	}
	shapes := [][]int{{1, 3, 5, 7}, {2, 4}, {1, 1}, {3, 17, 2}}
	total := 0
	for _, s := range shapes {
		total += arenaStep(shapeSize(s))
	}
	arena := outputArena(total)
	var prev *Tensor
	for _, s := range shapes {
		tn := arenaTensor(&arena, s)
		if len(tn.Data) != shapeSize(s) || cap(tn.Data) != len(tn.Data) {
			t.Fatalf("shape %v: len %d cap %d, expected both %d", s, len(tn.Data), cap(tn.Data), shapeSize(s))
		}
		if p := uintptr(unsafe.Pointer(&tn.Data[0])); p%64 != 0 {
			t.Errorf("shape %v: data at %#x, expected a 64-byte boundary", s, p)
		}
		if prev != nil {
			end := uintptr(unsafe.Pointer(&prev.Data[len(prev.Data)-1]))
			if start := uintptr(unsafe.Pointer(&tn.Data[0])); start <= end {
				t.Errorf("shape %v overlaps the previous tensor", s)
			}
		}
		prev = tn
	}
	if len(arena) != 0 {
		t.Errorf("%d values left over, expected 0", len(arena))
	}

	g := chainGraphForArena(t)
	x := NewTensor(2, 8, 8, 3)
	g.Forward(x, false)
	seen := map[*float32]string{}
	for _, nd := range g.order {
		if len(nd.out.Data) != 2*shapeSize(nd.shape) {
			t.Fatalf("node %s: %d values, expected %d", nd.name, len(nd.out.Data), 2*shapeSize(nd.shape))
		}
		if other, ok := seen[&nd.out.Data[0]]; ok {
			t.Fatalf("nodes %s and %s share an output", nd.name, other)
		}
		seen[&nd.out.Data[0]] = nd.name
	}
}

// chainGraphForArena is a small graph of three nodes.
func chainGraphForArena(t *testing.T) *Graph {
	t.Helper()
	g := NewGraph([]int{8, 8, 3})
	a, err := g.Add(NewConv2D(4, 3, 3, WithPadding("same")), GraphInput)
	if err != nil {
		t.Fatal(err)
	}
	b, err := g.Add(NewReLU(0, 0, 0), a)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Add(NewAdd(), a, b); err != nil {
		t.Fatal(err)
	}
	if err := g.Build(); err != nil {
		t.Fatal(err)
	}
	return g
}
