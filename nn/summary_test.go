package nn

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
)

var reference struct {
	once sync.Once
	m    *Sequential
	err  error
}

// sharedReference builds ReferenceModel once for the tests that only read it.
func sharedReference(t *testing.T) *Sequential {
	t.Helper()
	reference.once.Do(func() { reference.m, reference.err = ReferenceModel() })
	if reference.err != nil {
		t.Fatal(reference.err)
	}
	return reference.m
}

func TestSummaryReferenceGolden(t *testing.T) {
	// testdata/reference_summary.txt is the tutorial's model.summary()
	// output (seed lines 74-102, with Keras' "3,453,121" and the closing
	// rule Keras prints after the totals).
	want, err := os.ReadFile("testdata/reference_summary.txt")
	if err != nil {
		t.Fatal(err)
	}
	m := sharedReference(t)
	var b strings.Builder
	if err := m.Summary(&b); err != nil {
		t.Fatal(err)
	}
	if b.String() != string(want) {
		t.Errorf("Summary:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestSummaryTruncatesAndPads(t *testing.T) {
	m, err := NewSequential([]int{4, 4, 1},
		NewGlobalAveragePooling2D(WithName("a_rather_long_layer_name_for_keras")),
		NewDense(1234))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	m.Summary(&b)
	lines := strings.Split(b.String(), "\n")
	for _, l := range lines[1 : len(lines)-5] {
		if len(l) != 65 {
			t.Errorf("line %q has %d characters, want 65", l, len(l))
		}
	}
	// A cell longer than its column is cut and the next starts after a space.
	if want := "a_rather_long_layer_name_for (None, 1)"; !strings.HasPrefix(lines[4], want) {
		t.Errorf("row %q, want prefix %q", lines[4], want)
	}
	if want := "Total params: 2,468"; !strings.Contains(b.String(), want) {
		t.Errorf("summary lacks %q:\n%s", want, b.String())
	}
}

func TestCommas(t *testing.T) {
	for n, want := range map[int]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 896: "896", 18496: "18,496", 3453121: "3,453,121", 123456789: "123,456,789"} {
		if got := commas(n); got != want {
			t.Errorf("commas(%d) = %q, want %q", n, got, want)
		}
	}
}

// printTrimmed prints s without the trailing spaces Keras pads rows with
// (an Example's expected output cannot hold them).
func printTrimmed(s string) {
	for _, l := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		fmt.Println(strings.TrimRight(l, " "))
	}
}

func ExampleReferenceModel() {
	m, err := ReferenceModel()
	if err != nil {
		panic(err)
	}
	var b strings.Builder
	m.Summary(&b)
	printTrimmed(b.String())
	// Output:
	// Model: "sequential_1"
	// _________________________________________________________________
	// Layer (type)                 Output Shape              Param #
	// =================================================================
	// conv2d_1 (Conv2D)            (None, 148, 148, 32)      896
	// _________________________________________________________________
	// max_pooling2d_1 (MaxPooling2 (None, 74, 74, 32)        0
	// _________________________________________________________________
	// conv2d_2 (Conv2D)            (None, 72, 72, 64)        18496
	// _________________________________________________________________
	// max_pooling2d_2 (MaxPooling2 (None, 36, 36, 64)        0
	// _________________________________________________________________
	// conv2d_3 (Conv2D)            (None, 34, 34, 128)       73856
	// _________________________________________________________________
	// max_pooling2d_3 (MaxPooling2 (None, 17, 17, 128)       0
	// _________________________________________________________________
	// conv2d_4 (Conv2D)            (None, 15, 15, 128)       147584
	// _________________________________________________________________
	// max_pooling2d_4 (MaxPooling2 (None, 7, 7, 128)         0
	// _________________________________________________________________
	// flatten_1 (Flatten)          (None, 6272)              0
	// _________________________________________________________________
	// dense_1 (Dense)              (None, 512)               3211776
	// _________________________________________________________________
	// dense_2 (Dense)              (None, 1)                 513
	// =================================================================
	// Total params: 3,453,121
	// Trainable params: 3,453,121
	// Non-trainable params: 0
	// _________________________________________________________________
}

func ExampleNewSequential() {
	// A small 28×28 grayscale, 10-class network, written the way Keras
	// code reads.
	m, err := NewSequential([]int{28, 28, 1},
		NewConv2D(32, 3, 3, WithActivation("relu")),
		NewMaxPooling2D(2, 2),
		NewConv2D(64, 3, 3, WithActivation("relu"), WithPadding("same")),
		NewGlobalAveragePooling2D(),
		NewDropout(0.5),
		NewDense(10, WithActivation("softmax")),
	)
	if err != nil {
		panic(err)
	}
	var b strings.Builder
	m.Summary(&b)
	printTrimmed(b.String())
	// Output:
	// Model: "sequential_1"
	// _________________________________________________________________
	// Layer (type)                 Output Shape              Param #
	// =================================================================
	// conv2d_1 (Conv2D)            (None, 26, 26, 32)        320
	// _________________________________________________________________
	// max_pooling2d_1 (MaxPooling2 (None, 13, 13, 32)        0
	// _________________________________________________________________
	// conv2d_2 (Conv2D)            (None, 13, 13, 64)        18496
	// _________________________________________________________________
	// global_average_pooling2d_1 ( (None, 64)                0
	// _________________________________________________________________
	// dropout_1 (Dropout)          (None, 64)                0
	// _________________________________________________________________
	// dense_1 (Dense)              (None, 10)                650
	// =================================================================
	// Total params: 19,466
	// Trainable params: 19,466
	// Non-trainable params: 0
	// _________________________________________________________________
}

func ExampleParseArch() {
	// A 28×28 grayscale, 10-class network.
	a, err := ParseArch([]byte(`{
	  "input_shape": [28, 28, 1],
	  "layers": [
	    {"class_name": "Conv2D", "config": {"filters": 32, "kernel_size": [3, 3], "activation": "relu"}},
	    {"class_name": "MaxPooling2D", "config": {"pool_size": [2, 2]}},
	    {"class_name": "Flatten"},
	    {"class_name": "Dense", "config": {"units": 10, "activation": "softmax"}}
	  ]
	}`))
	if err != nil {
		panic(err)
	}
	m, err := a.Build()
	if err != nil {
		panic(err)
	}
	js, _ := m.Arch().MarshalJSON()
	fmt.Print(string(js))
	// Output:
	// {
	//   "input_shape": [28, 28, 1],
	//   "layers": [
	//     {"class_name": "Conv2D", "config": {"name": "conv2d_1", "filters": 32, "kernel_size": [3, 3], "strides": [1, 1], "padding": "valid", "activation": "relu", "use_bias": true}},
	//     {"class_name": "MaxPooling2D", "config": {"name": "max_pooling2d_1", "pool_size": [2, 2], "strides": [2, 2], "padding": "valid"}},
	//     {"class_name": "Flatten", "config": {"name": "flatten_1"}},
	//     {"class_name": "Dense", "config": {"name": "dense_1", "units": 10, "activation": "softmax", "use_bias": true}}
	//   ]
	// }
}
