package dataset

import (
	"bytes"
	"fmt"
	"testing/fstest"
)

// ExampleFolder_Iterator feeds a training loop the way
// flow_from_directory(…, class_mode="binary") does.
func ExampleFolder_Iterator() {
	img := exampleImage()
	fsys := fstest.MapFS{
		"train/cats/cat.1.png": {Data: img},
		"train/cats/cat.2.png": {Data: img},
		"train/dogs/dog.1.png": {Data: img},
		"train/dogs/dog.2.png": {Data: img},
	}
	f, err := Scan(fsys, "train", Options{ClassMode: Binary, Height: 6, Width: 8})
	if err != nil {
		fmt.Println(err)
		return
	}
	it := f.Iterator(4, false, 0) // shuffle=False, for a predictable order
	defer it.Close()
	x, y := it.NewBatch()
	if err := it.Next(x, y); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(x, y, y.Data)
	fmt.Printf("first pixel: %.3f %.3f %.3f\n", x.Data[0], x.Data[1], x.Data[2])
	// Output:
	// Tensor(4, 6, 8, 3) Tensor(4, 1) [0 0 1 1]
	// first pixel: 0.863 0.118 0.118
}

// ExamplePreprocess prepares one image as the model sees it.
func ExamplePreprocess() {
	img, err := LoadImage(bytes.NewReader(exampleImage()), 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	x, err := Preprocess(nil, img, Options{Height: 2, Width: 2, ColorMode: Grayscale})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%.3f\n", x)
	// Output:
	// [0.341 0.514 0.255 0.980]
}
