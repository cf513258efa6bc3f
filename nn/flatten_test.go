package nn

import (
	"slices"
	"testing"
)

func TestFlattenOrder(t *testing.T) {
	// Keras flattens (h, w, c) row-major: index (i·w + j)·c + k.
	l := NewFlatten()
	out, err := l.Build([]int{2, 3, 2})
	if err != nil || !slices.Equal(out, []int{12}) {
		t.Fatalf("Build = %v, %v", out, err)
	}
	x := NewTensor(2, 2, 3, 2)
	for i := 0; i < 2; i++ {
		for j := 0; j < 3; j++ {
			for k := 0; k < 2; k++ {
				x.Data[12+(i*3+j)*2+k] = float32(100*i + 10*j + k)
			}
		}
	}
	y := NewTensor(2, 12)
	l.Forward(y, x, false)
	want := []float32{0, 1, 10, 11, 20, 21, 100, 101, 110, 111, 120, 121}
	if !slices.Equal(y.Data[12:], want) {
		t.Errorf("sample 2 flattened to %v, want %v", y.Data[12:], want)
	}
	checkGradients(t, gradCase{layer: func() Layer { return NewFlatten() }, in: []int{2, 3, 2}, batch: 2})
}

func TestGlobalAveragePooling2D(t *testing.T) {
	l := NewGlobalAveragePooling2D()
	out, err := l.Build([]int{2, 2, 2})
	if err != nil || !slices.Equal(out, []int{2}) {
		t.Fatalf("Build = %v, %v", out, err)
	}
	x := &Tensor{Shape: []int{1, 2, 2, 2}, Data: []float32{1, 10, 2, 20, 3, 30, 4, 40}}
	y := NewTensor(1, 2)
	l.Forward(y, x, false)
	if !slices.Equal(y.Data, []float32{2.5, 25}) {
		t.Errorf("y = %v, want [2.5 25]", y.Data)
	}
	checkGradients(t, gradCase{layer: func() Layer { return NewGlobalAveragePooling2D() }, in: []int{3, 2, 4}, batch: 2})
	if _, err := NewGlobalAveragePooling2D().Build([]int{5}); err == nil {
		t.Error("rank-1 input accepted")
	}
}
