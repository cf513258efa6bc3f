package explain

import (
	"fmt"

	"github.com/convscope/convscope/nn"
)

// gradCAM computes Grad-CAM or Grad-CAM++ at o.Layer from the last
// one-sample Forward and the logit gradient in e.dy. With A the layer's
// output (h, w, K) and g = ∂s/∂A:
//
// Grad-CAM (Selvaraju et al. 2017, "Grad-CAM: Visual explanations from
// deep networks via gradient-based localization", eqs. 1–2):
//
//	α_k = (1/hw) Σ_ij g_ijk,   L_ij = ReLU(Σ_k α_k A_ijk).
//
// Grad-CAM++ (Chattopadhay et al. 2018, "Grad-CAM++: Improved visual
// explanations for deep convolutional networks", eq. 19 with the
// exponential score Y = exp(s) of their section 3.3, as pytorch-grad-cam
// computes it): for a network that is piecewise linear in A (ReLU, max
// pooling, Dense), ∂²Y/∂A² = Y·g² and ∂³Y/∂A³ = Y·g³, and Y cancels:
//
//	a_ijk = g²_ijk / (2·g²_ijk + Σ_ab A_abk · g³_ijk)   (0 where g or the denominator is 0),
//	α_k   = Σ_ij a_ijk · ReLU(g_ijk),   L_ij = ReLU(Σ_k α_k A_ijk)
//
// (the common factor Y = exp(s) > 0 of α_k is dropped: it only scales L).
// Raw is L at the layer's (h, w); Weights the α_k. The sums run in float64.
func (e *Explainer) gradCAM(r *Result, o Options) error {
	a, g, node, err := e.layerGradient(r, o)
	if err != nil {
		return err
	}
	h, w, k := node.Shape[0], node.Shape[1], node.Shape[2]
	hw := h * w
	alpha := make([]float64, k)
	if o.Method == GradCAMPlusPlus {
		sumA := make([]float64, k)
		for p := 0; p < hw; p++ {
			for c, v := range a[p*k : (p+1)*k] {
				sumA[c] += float64(v)
			}
		}
		for p := 0; p < hw; p++ {
			for c, gv := range g[p*k : (p+1)*k] {
				if gv <= 0 { // ReLU(g) = 0: no contribution
					continue
				}
				g2 := float64(gv) * float64(gv)
				den := 2*g2 + sumA[c]*g2*float64(gv)
				if den != 0 {
					alpha[c] += g2 / den * float64(gv)
				}
			}
		}
	} else {
		for p := 0; p < hw; p++ {
			for c, gv := range g[p*k : (p+1)*k] {
				alpha[c] += float64(gv)
			}
		}
		for c := range alpha {
			alpha[c] /= float64(hw)
		}
	}
	r.Raw = make([]float32, hw)
	for p := range r.Raw {
		var s float64
		for c, v := range a[p*k : (p+1)*k] {
			s += alpha[c] * float64(v)
		}
		r.Raw[p] = float32(max(s, 0))
	}
	r.Weights = make([]float32, k)
	for c, v := range alpha {
		r.Weights[c] = float32(v)
	}
	r.RawShape = []int{h, w}
	r.Geom = node.Geom
	return nil
}

// layerGradient runs the backward pass from e.dy to o.Layer (default
// DefaultLayer) and returns the layer's output A and ∂s/∂A for the sample.
func (e *Explainer) layerGradient(r *Result, o Options) (a, g []float32, node Node, err error) {
	layer := o.Layer
	if layer == "" {
		if layer = DefaultLayer(e.nodes); layer == "" {
			return nil, nil, node, fmt.Errorf("explain: the model has no layer with a spatial output for %s", o.Method)
		}
	}
	if node, err = e.node(layer); err != nil {
		return nil, nil, node, err
	}
	if !node.Spatial() {
		return nil, nil, node, fmt.Errorf("explain: %s needs a layer with a (height, width, channels) output; %s has %v (layers: %s)",
			o.Method, layer, node.Shape, joinComma(SpatialLayers(e.nodes)))
	}
	if err := e.m.BackwardWith(nn.BackwardOptions{FromLogits: true, SkipWeights: true, StopAt: layer}, e.dy); err != nil {
		return nil, nil, node, err
	}
	out, grad := e.m.Output(layer), e.m.Grad(layer)
	if out == nil || grad == nil {
		return nil, nil, node, fmt.Errorf("explain: the model returned no gradient for %s", layer)
	}
	r.Layer = layer
	return out.Sample(0), grad.Sample(0), node, nil
}

func joinComma(s []string) string {
	out := ""
	for i, v := range s {
		if i > 0 {
			out += ", "
		}
		out += v
	}
	return out
}

// guidedGradCAM is guided backprop times the upsampled Grad-CAM map
// (Selvaraju et al. 2017, section 3.2: "we fuse Guided Backpropagation and
// Grad-CAM visualizations via element-wise multiplication", with L^c
// bilinearly upsampled to the input): Raw = G ⊙ (L↑ / max L↑), (H, W, C),
// with G the guided-backprop gradient and L↑ Grad-CAM placed on the input
// by the layer's Geometry (Upsample). A Grad-CAM map that is all zero gives
// an all-zero map.
func (e *Explainer) guidedGradCAM(r *Result, o Options) error {
	cam := &Result{Method: GradCAM, InputShape: r.InputShape}
	if err := e.gradCAM(cam, Options{Method: GradCAM, Layer: o.Layer}); err != nil {
		return err
	}
	gb, err := e.inputGradient(true)
	if err != nil {
		return err
	}
	in := r.InputShape
	up := Upsample(cam.Raw, cam.RawShape[0], cam.RawShape[1], cam.Geom, in[0], in[1])
	var top float32
	for _, v := range up {
		top = max(top, v)
	}
	c := in[2]
	for p, v := range up {
		s := float32(0)
		if top > 0 {
			s = v / top
		}
		for k := 0; k < c; k++ {
			gb[p*c+k] *= s
		}
	}
	r.Raw, r.Layer, r.Weights = gb, cam.Layer, cam.Weights
	return nil
}
