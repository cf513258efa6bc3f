package model

import (
	"strings"
	"testing"
)

// TestOpenKeras: Keras files open through the same dispatcher as
// .safetensors (the CLI's --model, the app's File → Open and drops).
func TestOpenKeras(t *testing.T) {
	m, err := Open("../keras/testdata/lenet-keras-2.2.2.h5")
	if err != nil {
		t.Fatal(err)
	}
	if m.Net.CountParams() != 44426 || m.Meta.ColorMode != "grayscale" || !m.Trained {
		t.Errorf("LeNet: %d params, meta %+v", m.Net.CountParams(), m.Meta)
	}
	if _, err := Open("../keras/testdata/tutorial_small.keras"); err != nil {
		t.Error(err)
	}
	_, err = Open("../keras/testdata/branch.keras")
	if err == nil || !strings.Contains(err.Error(), "functional Keras model") {
		t.Errorf("functional model: err = %v", err)
	}
	for _, name := range []string{"a.h5", "b.keras", "c.HDF5"} {
		if !IsModelName(name) {
			t.Errorf("IsModelName(%q) = false", name)
		}
	}
}
