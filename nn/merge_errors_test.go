package nn

import (
	"fmt"
	"testing"
)

// TestMergeBuildErrors: Add and Concatenate reject what they cannot merge
// with one clear "expected …, received …" line naming the input.
func TestMergeBuildErrors(t *testing.T) {
	cases := []struct {
		name  string
		layer interface {
			BuildMerge([][]int) ([]int, error)
		}
		in   [][]int
		want string
	}{
		{"Add, one input", NewAdd(), [][]int{{3, 4, 2}}, "Add: expected at least 2 inputs, received 1"},
		{"Add, third input differs", NewAdd(), [][]int{{3, 4, 2}, {3, 4, 2}, {3, 4, 5}},
			"Add: inputs must have the same shape: expected (3, 4, 2) (input 1), received (3, 4, 5) (input 3)"},
		{"Concatenate, one input", NewConcatenate(), [][]int{{3, 4, 2}}, "Concatenate: expected at least 2 inputs, received 1"},
		{"Concatenate, rank 0", NewConcatenate(), [][]int{{}, {}}, "Concatenate: expected inputs of rank >= 1, received ()"},
		{"Concatenate, rows differ", NewConcatenate(), [][]int{{3, 4, 2}, {3, 5, 2}},
			"Concatenate: inputs must agree on every axis but the last: expected (3, 4, …), received (3, 5, 2) (input 2)"},
		{"Concatenate, ranks differ", NewConcatenate(), [][]int{{3, 4, 2}, {3, 4, 2}, {12, 2}},
			"Concatenate: inputs must agree on every axis but the last: expected (3, 4, …), received (12, 2) (input 3)"},
		{"Concatenate, rank 2", NewConcatenate(), [][]int{{5, 2}, {6, 2}},
			"Concatenate: inputs must agree on every axis but the last: expected (5, …), received (6, 2) (input 2)"},
	}
	for _, tc := range cases {
		_, err := tc.layer.BuildMerge(tc.in)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: %v, expected %q", tc.name, err, tc.want)
		}
	}
}

// TestMergeInputCountPanics: calling a built merge layer with another
// number of inputs than it was built for is a programming error that
// panics with the counts.
func TestMergeInputCountPanics(t *testing.T) {
	add := NewAdd()
	if _, err := add.BuildMerge([][]int{{2}, {2}, {2}}); err != nil {
		t.Fatal(err)
	}
	cat := NewConcatenate()
	if _, err := cat.BuildMerge([][]int{{2}, {3}}); err != nil {
		t.Fatal(err)
	}
	x := func(c int) *Tensor { return NewTensor(1, c) }
	cases := []struct {
		name string
		call func()
		want string
	}{
		{"Add", func() { add.ForwardMerge(x(2), []*Tensor{x(2), x(2)}, false) }, "nn: Add: expected 3 inputs, received 2"},
		{"Concatenate", func() { cat.ForwardMerge(x(5), []*Tensor{x(2), x(3), x(1)}, false) }, "nn: Concatenate: expected 2 inputs, received 3"},
	}
	for _, tc := range cases {
		func() {
			defer func() {
				if r := recover(); fmt.Sprint(r) != tc.want {
					t.Errorf("%s: panic %v, expected %q", tc.name, r, tc.want)
				}
			}()
			tc.call()
		}()
	}
}

// TestAddLargeChunks: Add works in chunks of pwChunk values; a tensor of
// 2·pwChunk + pwChunk-1 values (three chunks, the last one short) sums
// every value exactly, three inputs at once.
func TestAddLargeChunks(t *testing.T) {
	size := 3*pwChunk - 1
	add := NewAdd()
	if _, err := add.BuildMerge([][]int{{size}, {size}, {size}}); err != nil {
		t.Fatal(err)
	}
	a, b, c := NewTensor(1, size), NewTensor(1, size), NewTensor(1, size)
	for i := range size {
		a.Data[i], b.Data[i], c.Data[i] = float32(i%100), 1, float32(i%7)
	}
	y := NewTensor(1, size)
	add.ForwardMerge(y, []*Tensor{a, b, c}, false)
	for i, v := range y.Data {
		if want := float32(i%100 + 1 + i%7); v != want {
			t.Fatalf("y[%d] = %g, expected %g", i, v, want)
		}
	}
}
