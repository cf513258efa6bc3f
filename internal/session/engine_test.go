package session

import (
	"errors"
	"math"
	"testing"

	"github.com/convscope/convscope/nn"
)

// TestPackedWeightsFollowWeightChanges: the model on screen packs its
// convolution kernels (nn.Engine.PackWeights), and every way the app
// changes weights after that shows the new weights, never the stale
// packed copy: the sanity check's redraw-and-restore (which writes
// Param.Value directly), live training weights, and a transfer model's
// weight copy. Each frame is compared with the same network computed
// without packing.
func TestPackedWeightsFollowWeightChanges(t *testing.T) {
	// conv2d_2 reads 16 channels: kw·cin = 48, so it multiplies with its
	// packed kernel (narrower inputs take the stacked-rows path instead).
	arch := tinyArch(12)
	arch.Layers[0].Filters = 16
	net, err := arch.Build()
	if err != nil {
		t.Fatal(err)
	}
	net.Init(1)
	h := newHarness(t, &Model{Net: net, Classes: []string{"dark", "light"}, Label: "tiny"})
	h.Open("a", "", loaderOf(testImage(12, 12, 4)))
	h.settle()
	if !h.Model().Net.Engine().PackWeights {
		t.Fatal("the model on screen does not pack its weights")
	}
	// unpacked computes every map layer of net's weights without packing.
	unpacked := func(net *nn.Sequential) [][]float32 {
		t.Helper()
		ref, err := net.Arch().Build()
		if err != nil {
			t.Fatal(err)
		}
		if err := ref.CopyWeightsFrom(net); err != nil {
			t.Fatal(err)
		}
		ref.Forward(h.last().Input.Tensor, false)
		var out [][]float32
		for _, l := range h.last().Layers {
			out = append(out, append([]float32(nil), ref.Output(l.Name).Data...))
		}
		return out
	}
	check := func(what string, want [][]float32) {
		t.Helper()
		f := h.last()
		for i, l := range f.Layers {
			for j, v := range l.Act.Data {
				if math.Abs(float64(v-want[i][j])) > 1e-5 {
					t.Fatalf("%s: %s[%d] = %g, expected %g (computed without packing)", what, l.Name, j, v, want[i][j])
				}
			}
		}
	}
	orig := unpacked(h.Model().Net)
	check("first frame", orig)

	serr := errors.New("not called")
	h.SanityCheck(ExplainOptions{Method: "gradcam", Class: -1}, func(_ []SanityImage, err error) { serr = err })
	h.settle()
	if serr != nil {
		t.Fatal(serr)
	}
	check("after the sanity check", orig)

	other, err := arch.Build()
	if err != nil {
		t.Fatal(err)
	}
	other.Init(99)
	if err := h.LiveWeights(other); err != nil {
		t.Fatal(err)
	}
	h.settle()
	live := unpacked(other)
	if live[0][0] == orig[0][0] && live[0][1] == orig[0][1] {
		t.Fatal("the new weights give the same first values: the test cannot tell stale packs")
	}
	check("after live weights", live)
}
