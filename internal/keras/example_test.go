package keras_test

import (
	"fmt"

	"github.com/convscope/convscope/internal/keras"
	"github.com/convscope/convscope/nn"
)

// Opening a model saved by Keras 2.2.2: its Reshape (28, 28) → (28, 28, 1)
// folds into the input, so it is a grayscale image model.
func ExampleLoad() {
	m, meta, err := keras.Load("testdata/lenet-keras-2.2.2.h5")
	if err != nil {
		fmt.Println(err)
		return
	}
	seq := m.(*nn.Sequential)
	fmt.Println(seq.InputShape(), meta.ColorMode, seq.CountParams())
	for _, l := range seq.Layers()[:3] {
		fmt.Println(l.Name(), l.Kind())
	}
	// Output:
	// [28 28 1] grayscale 44426
	// Conv2D_1 Conv2D
	// MaxPooling2D_1 MaxPooling2D
	// Conv2D_2 Conv2D
}
