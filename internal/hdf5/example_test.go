package hdf5_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/convscope/convscope/internal/hdf5"
)

// Reading what Keras stores in a model file: a string attribute listing
// layers, and one weight tensor.
func ExampleOpenFile() {
	f, err := hdf5.OpenFile("../keras/testdata/lenet-keras-2.2.2.h5")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	root, _ := f.Root()
	mw, _ := root.Group("model_weights")
	names, _ := mw.Attr("layer_names")
	layers, _ := names.Strings()
	fmt.Println(layers[:3])
	ds, err := root.Dataset("model_weights/Conv2D_1/Conv2D_1/kernel:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	w, _ := ds.ReadFloat32()
	fmt.Println(ds.Shape(), ds.DType(), len(w))
	// Output:
	// [reshape_1 Conv2D_1 MaxPooling2D_1]
	// [5 5 1 6] float32 150
}

func TestHalf(t *testing.T) {
	for _, tc := range []struct {
		bits uint16
		want float32
	}{
		{0x3c00, 1}, {0xc000, -2}, {0x7bff, 65504}, {0x3555, 0.33325195},
		{0x0001, 1.0 / (1 << 24)}, {0x8001, -1.0 / (1 << 24)}, {0x0000, 0},
		{0x7c00, float32(math.Inf(1))}, {0xfc00, float32(math.Inf(-1))},
	} {
		if got := hdf5.Half(tc.bits); got != tc.want {
			t.Errorf("half(%#04x) = %v, want %v", tc.bits, got, tc.want)
		}
	}
	if v := hdf5.Half(0x7e00); !math.IsNaN(float64(v)) {
		t.Errorf("half(0x7e00) = %v, want NaN", v)
	}
}
