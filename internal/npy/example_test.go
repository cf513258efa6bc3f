package npy_test

import (
	"bytes"
	"fmt"

	"github.com/convscope/convscope/internal/npy"
)

func ExampleEncode() {
	var b bytes.Buffer
	_ = npy.Encode(&b, []int{2, 2}, []float32{1, 2, 3, 4})
	shape, data, _ := npy.Decode(&b)
	fmt.Println(shape, data, len(npy.Header(shape)))
	// Output: [2 2] [1 2 3 4] 128
}
