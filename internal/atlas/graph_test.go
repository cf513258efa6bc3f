package atlas

import (
	"context"
	"math"
	"math/rand"
	"testing"

	"github.com/convscope/convscope/internal/model"
	"github.com/convscope/convscope/nn"
)

// resnet is a small ResNet exported from PyTorch to ONNX (32×32 input;
// Conv, BatchNormalization, Relu, Add, MaxPool nodes): a graph.
func resnet(t testing.TB) *model.Model {
	m, err := model.Open("../onnx/testdata/parity/resnet_bn.onnx")
	if err != nil {
		t.Fatal(err)
	}
	if m.Graph == nil {
		t.Fatal("resnet_bn.onnx: not a graph")
	}
	return m
}

// Prefix's output is the layer's pre-activation: a Conv2D's own relu
// removed (Sequential), an activation node's input (graph: the Add before
// a Relu), bit for bit what the whole network computes there.
func TestPrefix(t *testing.T) {
	net, err := nn.ReferenceModel()
	if err != nil {
		t.Fatal(err)
	}
	net.Init(3)
	g := resnet(t).Graph
	rng := rand.New(rand.NewSource(2))
	for _, tc := range []struct {
		net        Network
		layer, pre string // the target and the node whose output is its pre-activation
		relu       bool   // the target's output is relu(pre-activation)
	}{
		{net, "conv2d_2", "conv2d_2", true},
		{net, "max_pooling2d_1", "max_pooling2d_1", false},
		{g, "/layer1/relu_1/Relu", "/layer1/Add", false},
		{g, "/layer2/conv2/Conv", "/layer2/conv2/Conv", false},
		{g, "/layer2/bn1/BatchNormalization", "/layer2/bn1/BatchNormalization", false},
	} {
		p, nch, err := Prefix(tc.net, tc.layer)
		if err != nil {
			t.Fatal(err)
		}
		in := tc.net.InputShape()
		x := nn.NewTensor(2, in[0], in[1], in[2])
		for i := range x.Data {
			x.Data[i] = rng.Float32()
		}
		got := p.Forward(x, false)
		var want *nn.Tensor
		switch n := tc.net.(type) {
		case *nn.Sequential:
			n.Forward(x, false)
			want = n.Output(tc.pre)
		case *nn.Graph:
			n.Forward(x, false)
			want = n.Output(tc.pre)
		}
		if nch != want.Shape[3] || len(got.Data) != len(want.Data) {
			t.Fatalf("%s: %d channels, shape %v, want %v", tc.layer, nch, got.Shape, want.Shape)
		}
		neg := 0
		for i, v := range got.Data {
			w := want.Data[i]
			if tc.relu {
				v = max(v, 0)
			}
			if got.Data[i] < 0 {
				neg++
			}
			if math.Abs(float64(v-w)) > 1e-5*(1+math.Abs(float64(w))) {
				t.Fatalf("%s: value %d = %g, want %g", tc.layer, i, v, w)
			}
		}
		if tc.relu && neg == 0 {
			t.Errorf("%s: no negative pre-activation: the relu was not removed", tc.layer)
		}
	}
	if _, _, err := Prefix(g, "nope"); err == nil {
		t.Error("unknown layer: no error")
	}
	if _, _, err := Prefix(g, g.OutputNames()[0]); err == nil {
		t.Error("a layer without maps: no error")
	}
}

// On a graph (ResNet with BatchNormalization and a residual Add, random
// weights) the objective rises for every channel and its optimised image
// excites it more than noise does, in both parameterisations. (Measured:
// 1.1–3.4× the noise mean, 300× for channels noise hardly wakes; random
// weights do not make 5× selective channels.)
func TestVisualizeGraph(t *testing.T) {
	m := resnet(t)
	g := m.Graph
	const layer = "/layer1/relu_1/Relu"
	base := make([][]float32, 20)
	rng := rand.New(rand.NewSource(1))
	in := g.InputShape()
	for i := range base {
		base[i] = make([]float32, in[0]*in[1]*in[2])
		for j := range base[i] {
			base[i][j] = float32(rng.Intn(256)) / 255
		}
	}
	for _, param := range []string{ParamPixel, ParamFourier} {
		res, err := Visualize(context.Background(), g, 0, layer, nil, Options{Param: param, Mean: m.Meta.Mean, Std: m.Meta.Std, Seed: 1}, nil)
		if err != nil {
			t.Fatal(err)
		}
		var imgs [][]float32
		for _, r := range res {
			imgs = append(imgs, pixels(r.Image, in[2]))
		}
		opt := graphMeans(g, layer, imgs, m.Meta)
		noise := graphMeans(g, layer, base, m.Meta)
		for i, r := range res {
			var avg float64
			for _, b := range noise {
				avg += b[r.Channel]
			}
			avg /= float64(len(noise))
			t.Logf("%s %s/%d: %.3g vs noise %.3g (%.1f×), J %.3g → %.3g", param, layer, r.Channel, opt[i][r.Channel], avg, opt[i][r.Channel]/avg, r.Start, r.Value)
			if !(r.Value > r.Start+0.01) || !(opt[i][r.Channel] > 1.05*avg) {
				t.Errorf("%s %s/%d: optimised mean %.3g, noise %.3g (J %.3g → %.3g), want J to rise and ≥ 1.05× noise", param, layer, r.Channel, opt[i][r.Channel], avg, r.Start, r.Value)
			}
		}
	}
}

// graphMeans returns each image's per-channel mean of layer's output.
func graphMeans(g *nn.Graph, layer string, imgs [][]float32, meta nn.Metadata) [][]float64 {
	in := g.InputShape()
	x := nn.NewTensor(1, in[0], in[1], in[2])
	var out [][]float64
	for _, im := range imgs {
		for i, v := range im {
			x.Data[i] = meta.Normalize(v, i%in[2])
		}
		g.Forward(x, false)
		a := g.Output(layer)
		c := a.Shape[3]
		m := make([]float64, c)
		for i, v := range a.Data {
			m[i%c] += float64(v) / float64(len(a.Data)/c)
		}
		out = append(out, m)
	}
	return out
}
