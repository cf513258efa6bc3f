package nn

import "fmt"

// Tensor is a dense float32 array stored in row-major order with the batch
// dimension first. Images are NHWC (batch, height, width, channels), as in
// Keras' default "channels_last" data format.
type Tensor struct {
	Shape []int
	Data  []float32
}

// NewTensor allocates a zeroed tensor of the given shape.
func NewTensor(shape ...int) *Tensor {
	return &Tensor{Shape: append([]int(nil), shape...), Data: make([]float32, shapeSize(shape))}
}

// Batch returns the size of the first (batch) dimension.
func (t *Tensor) Batch() int { return t.Shape[0] }

// SampleSize returns the number of values in one batch element.
func (t *Tensor) SampleSize() int { return shapeSize(t.Shape[1:]) }

// Sample returns the values of batch element i, aliasing t.Data.
func (t *Tensor) Sample(i int) []float32 {
	n := t.SampleSize()
	return t.Data[i*n : (i+1)*n]
}

// Clone returns a deep copy of t.
func (t *Tensor) Clone() *Tensor {
	c := NewTensor(t.Shape...)
	copy(c.Data, t.Data)
	return c
}

// String describes the shape, e.g. "Tensor(20, 150, 150, 3)".
func (t *Tensor) String() string { return "Tensor" + shapeString(t.Shape) }

// shapeSize is the product of the dimensions (1 for an empty shape).
func shapeSize(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// shapeString formats a shape the way Keras prints it, e.g. "(148, 148, 32)".
func shapeString(shape []int) string {
	s := "("
	for i, d := range shape {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprint(d)
	}
	if len(shape) == 1 {
		s += ","
	}
	return s + ")"
}
