// Package explain answers "why did the model say that?" for one image:
// Grad-CAM, Grad-CAM++, guided backprop, guided Grad-CAM, vanilla
// gradients, SmoothGrad and Integrated Gradients, the cascading
// randomisation sanity check, and heat maps aligned pixel for pixel with the
// network input. It never imports Fyne: the app and the command line share
// it.
//
// Every method explains a score s, the pre-activation output (logit) of
// the chosen class: for a single sigmoid unit with logit z, s = +z for
// class 1 and s = −z for class 0; for several outputs (softmax) s = z_c.
// The logit, not the probability: a sigmoid's or softmax's slope vanishes on
// confident predictions and flattens Grad-CAM++, SmoothGrad and IG maps.
// The default class is the predicted one (z > 0 for a sigmoid unit, the
// largest logit otherwise).
//
// Gradients come from nn.BackwardOptions: from the logits, without weight
// gradients, stopping at the target layer for Grad-CAM. The methods that
// need many gradients (SmoothGrad, IG) run their samples through the network
// in batches (Options.Batch).
package explain

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/convscope/convscope/nn"
)

// Result is one explanation.
type Result struct {
	Method Method
	// Class is the explained class, Score its logit score s(x) and
	// Predicted the model's predicted class.
	Class, Predicted int
	Score            float64
	// Layer is the Grad-CAM target, nn.InputName for the gradient methods.
	Layer string
	// Raw is the map before upsampling and normalisation, RawShape its
	// shape: (h, w) at the target layer for Grad-CAM and Grad-CAM++, (H, W,
	// C) at the input for the others (the input gradient for saliency,
	// SmoothGrad and guided backprop, the attributions for IG).
	Raw      []float32
	RawShape []int
	// Weights are Grad-CAM's channel weights α_k (Grad-CAM, Grad-CAM++).
	Weights []float32
	// Geom places Raw's grid on the input.
	Geom Geometry
	// InputShape is the network input's (H, W, C).
	InputShape []int
	// Completeness is IG's check (nil for the other methods).
	Completeness *Completeness
}

// Completeness is Integrated Gradients' completeness check (Sundararajan et
// al. 2017, axiom "Completeness"): the attributions add up to
// s(x) − s(x′) in the limit of infinitely many steps.
type Completeness struct {
	Sum           float64 `json:"sum"`            // Σ attributions
	Delta         float64 `json:"delta"`          // s(x) − s(baseline)
	BaselineScore float64 `json:"baseline_score"` // s(baseline)
	// Gap is |Sum − Delta| / |Delta| (|Sum − Delta| when Delta is 0).
	Gap float64 `json:"gap"`
}

// Explainer runs explanations on one model. It is not safe for concurrent
// use; it reuses its buffers between calls.
type Explainer struct {
	m     Model
	nodes []Node
	x     *nn.Tensor // one-sample input
	xb    *nn.Tensor // batch of samples (SmoothGrad, IG)
	dy    *nn.Tensor // logit gradients for the batch
}

// New returns an Explainer for m.
func New(m Model) *Explainer { return &Explainer{m: m, nodes: m.Nodes()} }

// Model returns the explained model.
func (e *Explainer) Model() Model { return e.m }

// DefaultLayer returns Grad-CAM's default target: the last node with a
// spatial (h, w, c) output before the first node that is not spatial
// (Flatten, global pooling, Dense), skipping pooling layers, which only
// coarsen the map (GUIDE §8: at max_pooling2d_4 the channel weights are
// proportional to conv2d_4's and the map half as fine). For the tutorial's
// model: conv2d_4. "" if the model has no spatial node.
func DefaultLayer(nodes []Node) string {
	best := ""
	for _, n := range nodes {
		if !n.Spatial() {
			break
		}
		switch n.Kind {
		case "MaxPooling2D", "AveragePooling2D", "Dropout":
			continue
		}
		best = n.Name
	}
	if best == "" && len(nodes) > 0 && nodes[0].Spatial() {
		best = nodes[0].Name
	}
	return best
}

// SpatialLayers lists the nodes Grad-CAM can target (spatial outputs).
func SpatialLayers(nodes []Node) []string {
	var s []string
	for _, n := range nodes {
		if n.Spatial() {
			s = append(s, n.Name)
		}
	}
	return s
}

func (e *Explainer) node(name string) (Node, error) {
	for _, n := range e.nodes {
		if n.Name == name {
			return n, nil
		}
	}
	return Node{}, fmt.Errorf("explain: expected a layer name (%s), received %q", strings.Join(SpatialLayers(e.nodes), ", "), name)
}

// sized returns t resized to (n, shape...), reusing its memory.
func sized(t *nn.Tensor, n int, shape []int) *nn.Tensor {
	want := append([]int{n}, shape...)
	if t != nil && slices.Equal(t.Shape, want) {
		return t
	}
	return nn.NewTensor(want...)
}

// classes returns the number of classes of a model with out output units
// (2 for one sigmoid unit).
func classes(out int) int {
	if out == 1 {
		return 2
	}
	return out
}

// predictedClass is the predicted class from one sample's logits.
func predictedClass(z []float32) int {
	if len(z) == 1 {
		if z[0] > 0 {
			return 1
		}
		return 0
	}
	best := 0
	for i, v := range z {
		if v > z[best] {
			best = i
		}
	}
	return best
}

// scoreOf returns s for class c from one sample's logits and writes
// ∂s/∂z into dz.
func scoreOf(z []float32, c int, dz []float32) float64 {
	clear(dz)
	if len(z) == 1 {
		sign := float64(2*c - 1) // class 1: +z, class 0: −z
		dz[0] = float32(sign)
		return sign * float64(z[0])
	}
	dz[c] = 1
	return float64(z[c])
}

// forward runs one sample and returns its logits.
func (e *Explainer) forward(x []float32) ([]float32, error) {
	in := e.m.InputShape()
	e.x = sized(e.x, 1, in)
	if len(x) != len(e.x.Data) {
		return nil, fmt.Errorf("explain: expected an input of %d values %v, received %d", len(e.x.Data), in, len(x))
	}
	copy(e.x.Data, x)
	e.m.Forward(e.x)
	z, err := e.m.Logits()
	if err != nil {
		return nil, err
	}
	return z.Sample(0), nil
}

// choose resolves the class and writes the logit gradient of one sample
// into e.dy (batch 1).
func (e *Explainer) choose(z []float32, class int, r *Result) error {
	r.Predicted = predictedClass(z)
	r.Class = class
	if class == Predicted {
		r.Class = r.Predicted
	}
	if n := classes(len(z)); r.Class < 0 || r.Class >= n {
		return fmt.Errorf("explain: expected a class index 0..%d, received %d", n-1, class)
	}
	e.dy = sized(e.dy, 1, []int{len(z)})
	r.Score = scoreOf(z, r.Class, e.dy.Data)
	return nil
}

// Explain explains the model's output for one input sample x (the network
// input, preprocessed, H·W·C values in NHWC order) with o.Method. The
// context cancels the multi-pass methods between passes.
func (e *Explainer) Explain(ctx context.Context, x []float32, o Options) (*Result, error) {
	z, err := e.forward(x)
	if err != nil {
		return nil, err
	}
	return e.explain(ctx, x, z, o)
}

// ExplainForwarded is Explain for Grad-CAM and Grad-CAM++ right after the
// model ran Forward on x as a batch of one (the activation grid's pass):
// only the backward pass to the target layer is left to do.
func (e *Explainer) ExplainForwarded(o Options) (*Result, error) {
	if o.Method != GradCAM && o.Method != GradCAMPlusPlus {
		return nil, fmt.Errorf("explain: ExplainForwarded: expected gradcam or gradcam++, received %q", o.Method)
	}
	z, err := e.m.Logits()
	if err != nil {
		return nil, err
	}
	if z.Batch() != 1 {
		return nil, fmt.Errorf("explain: ExplainForwarded: expected a forward pass of one sample, received %d", z.Batch())
	}
	return e.explain(context.Background(), nil, z.Sample(0), o)
}

func (e *Explainer) explain(ctx context.Context, x, z []float32, o Options) (*Result, error) {
	o = o.withDefaults()
	if _, err := ParseMethod(string(o.Method)); err != nil {
		return nil, err
	}
	r := &Result{Method: o.Method, Layer: nn.InputName, InputShape: e.m.InputShape()}
	if err := e.choose(z, o.Class, r); err != nil {
		return nil, err
	}
	in := r.InputShape
	r.Geom = Geometry{Jump: [2]float64{1, 1}, Known: true}
	r.RawShape = append([]int(nil), in...)
	switch o.Method {
	case GradCAM, GradCAMPlusPlus:
		return r, e.gradCAM(r, o)
	case GuidedGradCAM:
		return r, e.guidedGradCAM(r, o)
	case Saliency, Guided:
		g, err := e.inputGradient(o.Method == Guided)
		if err != nil {
			return nil, err
		}
		r.Raw = g
		return r, nil
	case SmoothGrad:
		return r, e.smoothGrad(ctx, r, x, o)
	default:
		return r, e.integratedGradients(ctx, r, x, o)
	}
}

// inputGradient back-propagates e.dy from the last one-sample Forward to
// the input and returns a copy of ∂s/∂x.
func (e *Explainer) inputGradient(guided bool) ([]float32, error) {
	if err := e.m.BackwardWith(nn.BackwardOptions{FromLogits: true, SkipWeights: true, InputGrad: true, Guided: guided}, e.dy); err != nil {
		return nil, err
	}
	g := e.m.Grad(nn.InputName)
	if g == nil {
		return nil, fmt.Errorf("explain: the model returned no input gradient")
	}
	return append([]float32(nil), g.Data...), nil
}

// finite reports whether every value is finite.
func finite(v []float32) bool {
	for _, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return false
		}
	}
	return true
}
