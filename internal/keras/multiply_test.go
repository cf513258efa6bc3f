package keras

import (
	"math"
	"testing"

	"github.com/convscope/convscope/nn"
)

// TestSqueezeExcitation: Keras EfficientNet's pieces, a Conv2D with
// activation "swish" (a SiLU layer after it), an Activation "silu" and a
// Multiply of a map by its (1, 1, C) gate, against a direct computation.
func TestSqueezeExcitation(t *testing.T) {
	cfg := `{"class_name": "Functional", "config": {"name": "m", "layers": [
		{"class_name": "InputLayer", "name": "in", "config": {"batch_input_shape": [null, 4, 4, 2], "name": "in"}, "inbound_nodes": []},
		{"class_name": "Conv2D", "name": "c", "config": {"name": "c", "filters": 2, "kernel_size": 1, "activation": "swish", "use_bias": false}, "inbound_nodes": [[["in", 0, 0, {}]]]},
		{"class_name": "GlobalAveragePooling2D", "name": "p", "config": {"name": "p"}, "inbound_nodes": [[["c", 0, 0, {}]]]},
		{"class_name": "Reshape", "name": "r", "config": {"name": "r", "target_shape": [1, 1, 2]}, "inbound_nodes": [[["p", 0, 0, {}]]]},
		{"class_name": "Activation", "name": "g", "config": {"name": "g", "activation": "silu"}, "inbound_nodes": [[["r", 0, 0, {}]]]},
		{"class_name": "Multiply", "name": "x", "config": {"name": "x"}, "inbound_nodes": [[["c", 0, 0, {}], ["g", 0, 0, {}]]]}],
		"input_layers": [["in", 0, 0]], "output_layers": [["x", 0, 0]]}}`
	m, _, err := FromJSON([]byte(cfg))
	if err != nil {
		t.Fatal(err)
	}
	g := m.(*nn.Graph)
	kinds := map[string]string{}
	for _, n := range g.Nodes() {
		kinds[n.Name] = n.Kind
	}
	if kinds["c"] != "SiLU" || kinds["c_preactivation"] != "Conv2D" || kinds["g"] != "SiLU" || kinds["x"] != "Multiply" {
		t.Fatalf("nodes %v", kinds)
	}
	k := g.Weights()[0].Value // (1, 1, 2, 2)
	copy(k, []float32{1, 0.5, -0.25, 2})
	g.WeightsChanged()
	x := nn.NewTensor(1, 4, 4, 2)
	for i := range x.Data {
		x.Data[i] = float32(i%7)/3 - 1
	}
	y := g.Predict(x)
	silu := func(v float64) float64 { return v / (1 + math.Exp(-v)) }
	c := make([]float64, 32)
	var mean [2]float64
	for p := range 16 {
		a, b := float64(x.Data[2*p]), float64(x.Data[2*p+1])
		c[2*p], c[2*p+1] = silu(a*1+b*-0.25), silu(a*0.5+b*2)
		mean[0] += c[2*p] / 16
		mean[1] += c[2*p+1] / 16
	}
	for i, v := range y.Data {
		if want := c[i] * silu(mean[i%2]); math.Abs(float64(v)-want) > 1e-6 {
			t.Errorf("y[%d] = %g, expected %g", i, v, want)
		}
	}
}
