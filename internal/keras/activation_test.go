package keras

import (
	"archive/zip"
	"bytes"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/convscope/convscope/nn"
)

// TestActivationLayers checks the Activation classes Keras 2 and 3 define
// differently, and the ones nn has as separate layers.
func TestActivationLayers(t *testing.T) {
	cases := []struct {
		activation string
		keras3     bool
		x, want    float64
	}{
		{"hard_sigmoid", false, 1, 0.7},        // clip(0.2x + 0.5, 0, 1)
		{"hard_sigmoid", true, 1, 1.0/6 + 0.5}, // relu6(x + 3) / 6
		{"relu6", false, 7, 6},
		{"leaky_relu", true, -1, -0.2},
		{"hard_swish", true, 1, 1 * (1.0/6 + 0.5)},
		{"tanh", false, 0.5, math.Tanh(0.5)},
	}
	for _, tc := range cases {
		module := ""
		if tc.keras3 {
			module = `"module": "keras", `
		}
		cfg := `{` + module + `"class_name": "Sequential", "config": {"name": "s", "layers": [
			{"class_name": "InputLayer", "config": {"batch_shape": [null, 1], "name": "in"}},
			{"class_name": "Activation", "config": {"name": "a", "activation": "` + tc.activation + `"}}]}}`
		m, _, err := FromJSON([]byte(cfg))
		if err != nil {
			t.Fatalf("%s: %v", tc.activation, err)
		}
		x := nn.NewTensor(1, 1)
		x.Data[0] = float32(tc.x)
		y := m.(*nn.Sequential).Predict(x)
		if math.Abs(float64(y.Data[0])-tc.want) > 1e-6 {
			t.Errorf("%s (Keras 3: %v) at %v = %v, want %v", tc.activation, tc.keras3, tc.x, y.Data[0], tc.want)
		}
	}
}

// TestKerasVersionFromMetadata: a .keras archive written by tf-keras 2.x
// (metadata.json keras_version "2.15.0") uses Keras 2's hard_sigmoid.
func TestKerasVersionFromMetadata(t *testing.T) {
	weights, err := os.ReadFile("../hdf5/testdata/userblock.h5") // any HDF5: no layer has weights
	if err != nil {
		t.Fatal(err)
	}
	cfg := `{"module": "keras", "class_name": "Sequential", "config": {"name": "s", "layers": [
		{"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 1], "name": "in"}},
		{"module": "keras.layers", "class_name": "Activation", "config": {"name": "a", "activation": "hard_sigmoid"}}]}}`
	for _, tc := range []struct {
		version string
		want    float64
	}{{"2.15.0", 0.7}, {"3.3.3", 1.0/6 + 0.5}} {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for name, data := range map[string][]byte{
			"metadata.json":    []byte(`{"keras_version": "` + tc.version + `"}`),
			"config.json":      []byte(cfg),
			"model.weights.h5": weights,
		} {
			w, _ := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
			w.Write(data)
		}
		zw.Close()
		m, _, err := Read(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		x := nn.NewTensor(1, 1)
		x.Data[0] = 1
		if y := m.(*nn.Sequential).Predict(x).Data[0]; math.Abs(float64(y)-tc.want) > 1e-6 {
			t.Errorf("Keras %s: hard_sigmoid(1) = %v, want %v", tc.version, y, tc.want)
		}
	}
}

// TestInferenceNoOps: layers that only act while training load as the
// identity (or Dropout) and pass values through.
func TestInferenceNoOps(t *testing.T) {
	for _, class := range []string{"SpatialDropout2D", "GaussianNoise", "GaussianDropout", "ActivityRegularization", "Identity"} {
		cfg := `{"class_name": "Sequential", "config": {"name": "s", "layers": [
			{"class_name": "InputLayer", "config": {"batch_input_shape": [null, 2, 2, 1], "name": "in"}},
			{"class_name": "` + class + `", "config": {"name": "x", "rate": 0.5, "stddev": 1.0}}]}}`
		m, _, err := FromJSON([]byte(cfg))
		if err != nil {
			t.Fatalf("%s: %v", class, err)
		}
		x := nn.NewTensor(1, 2, 2, 1)
		copy(x.Data, []float32{1, -2, 3, 0.5})
		y := predict(m, x)
		if y.Data[0] != 1 || y.Data[1] != -2 || y.Data[2] != 3 || y.Data[3] != 0.5 {
			t.Errorf("%s: %v", class, y.Data)
		}
	}
}

// TestNormalizationFromConfig: Normalization(mean=…, variance=…) keeps its
// statistics in the config: (x - mean) / sqrt(variance) per channel.
func TestNormalizationFromConfig(t *testing.T) {
	cfg := `{"class_name": "Sequential", "config": {"name": "s", "layers": [
		{"class_name": "InputLayer", "config": {"batch_input_shape": [null, 1, 1, 2], "name": "in"}},
		{"class_name": "Normalization", "config": {"name": "n", "axis": -1, "mean": [1, 2], "variance": [4, 0.25]}}]}}`
	m, _, err := FromJSON([]byte(cfg))
	if err != nil {
		t.Fatal(err)
	}
	x := nn.NewTensor(1, 1, 1, 2)
	copy(x.Data, []float32{3, 3})
	y := m.(*nn.Sequential).Predict(x)
	if math.Abs(float64(y.Data[0])-1) > 1e-6 || math.Abs(float64(y.Data[1])-2) > 1e-6 {
		t.Errorf("normalized %v, want [1 2]", y.Data)
	}
	bad := strings.Replace(cfg, `"mean": [1, 2]`, `"mean": [1, 2, 3]`, 1)
	if _, _, err := FromJSON([]byte(bad)); err == nil || !strings.Contains(err.Error(), "expected 1 or 2 values, received 3") {
		t.Errorf("err = %v", err)
	}
}

// TestRescalingFolds: the first Rescaling on the input becomes the
// preprocessing; one with an offset, or a second one, stays a layer.
func TestRescalingFolds(t *testing.T) {
	layer := func(name, scale, offset string) string {
		return `{"class_name": "Rescaling", "config": {"name": "` + name + `", "scale": ` + scale + `, "offset": ` + offset + `}}`
	}
	cfg := func(layers ...string) []byte {
		return []byte(`{"class_name": "Sequential", "config": {"name": "s", "layers": [
			{"class_name": "InputLayer", "config": {"batch_input_shape": [null, 1, 1, 3], "name": "in"}},` + strings.Join(layers, ",") + `,
			{"class_name": "Flatten", "config": {"name": "f"}}]}}`)
	}
	for _, tc := range []struct {
		name    string
		config  []byte
		rescale float64
		out     float32 // for a pixel of 255
	}{
		{"folded", cfg(layer("r", "0.00392156862745098", "0")), 1.0 / 255, 1},
		{"with offset", cfg(layer("r", "0.00784313725490196", "-1")), 1, 1},
		{"two", cfg(layer("r1", "0.00392156862745098", "0"), layer("r2", "2", "-1")), 1.0 / 255, 1},
		{"none", cfg(`{"class_name": "Activation", "config": {"name": "a", "activation": "linear"}}`), nn.DefaultRescale, 1},
	} {
		m, meta, err := FromJSON(tc.config)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if math.Abs(meta.Rescale-tc.rescale) > 1e-12 {
			t.Errorf("%s: rescale %v, want %v", tc.name, meta.Rescale, tc.rescale)
		}
		x := nn.NewTensor(1, 1, 1, 3)
		for i := range x.Data {
			x.Data[i] = float32(255 * meta.Rescale)
		}
		y := predict(m, x)
		if math.Abs(float64(y.Data[0]-tc.out)) > 1e-6 {
			t.Errorf("%s: white pixel → %v, want %v", tc.name, y.Data[0], tc.out)
		}
	}
}

// predict runs x through a loaded Sequential or Graph (inference).
func predict(m Model, x *nn.Tensor) *nn.Tensor {
	switch m := m.(type) {
	case *nn.Sequential:
		return m.Predict(x)
	case *nn.Graph:
		return m.Forward(x, false)
	}
	panic("keras: a model is a *nn.Sequential or a *nn.Graph")
}
