package session

import (
	"context"
	"fmt"
	"image"
	"time"

	"github.com/convscope/convscope/internal/colormap"
	"github.com/convscope/convscope/internal/explain"
	"github.com/convscope/convscope/internal/npy"
	"github.com/convscope/convscope/internal/render"
)

// ExplainOptions is what the Explain view asks for.
type ExplainOptions struct {
	// Method is one of ExplainMethods (default "gradcam").
	Method string
	// Class is the class index to explain; -1 for the predicted class.
	Class int
	// Layer is Grad-CAM's target ("" for the default, the last convolution).
	Layer string
	// Colormap names the heat map's colormap ("" for turbo) and Opacity
	// its opacity over the image, 0..1.
	Colormap string
	Opacity  float64
}

// Explanation is one explanation of the image on screen, rendered.
type Explanation struct {
	Options ExplainOptions
	// Class and Predicted are class names, Score the class's logit score,
	// Layer the target layer (or "input").
	Class, Predicted, Layer string
	ClassIndex              int
	Score                   float64
	// Overlay is the heat map over the network input, pixel for pixel
	// (the input's size); HeatImage the map alone; ColorBar the colormap,
	// 256×1.
	Overlay, HeatImage, ColorBar *image.RGBA
	// Original is the heat map over the original image (its preview, at
	// most model.PreviewSize on a side) with its true aspect.
	Original *image.RGBA
	// Heat holds the normalised and unscaled values (Heat.At for hover);
	// Heat.Note says when the map is flat.
	Heat *explain.Heat
	// Completeness describes IG's check in words ("" for other methods).
	Completeness string
	// Raw and RawShape are the raw map (explain.Result), for .npy export.
	Raw      []float32
	RawShape []int
	Took     time.Duration
	// Err is set when the explanation failed (nothing else is then).
	Err error
}

// ExplainMethods lists the methods, as the command line names them.
func ExplainMethods() []string {
	var s []string
	for _, m := range explain.Methods() {
		s = append(s, string(m))
	}
	return s
}

// explainLayersOf is ExplainLayers of one model.
type explainLayersOf struct {
	m      *Model
	layers []string
	def    string
}

// cacheExplainLayers computes ExplainLayers(m) now, while m is not yet the
// worker's, and keeps it for ExplainLayersOf (the last few models).
func (s *Session) cacheExplainLayers(m *Model) {
	layers, def := ExplainLayers(m)
	s.explainLayers = append(s.explainLayers, explainLayersOf{m, layers, def})
	if n := len(s.explainLayers); n > 4 {
		s.explainLayers = s.explainLayers[n-4:]
	}
}

// ExplainLayersOf is ExplainLayers for a model the session was given (a
// frame's model), without reading its network on the UI goroutine: the
// worker may change a layer's activation for a moment during an
// explanation (a data race TestGUIRobustness found under -race).
func (s *Session) ExplainLayersOf(m *Model) (layers []string, def string) {
	for i := len(s.explainLayers) - 1; i >= 0; i-- {
		if c := s.explainLayers[i]; c.m == m {
			return c.layers, c.def
		}
	}
	return ExplainLayers(m)
}

// ExplainLayers returns the layers Grad-CAM can target in m and the
// default one. m.Net must not be in use on another goroutine.
func ExplainLayers(m *Model) (layers []string, def string) {
	nodes := explain.FromSequential(m.Net).Nodes()
	return explain.SpatialLayers(nodes), explain.DefaultLayer(nodes)
}

// ClassNames returns m's class names in index order (two for one sigmoid
// output).
func ClassNames(m *Model) []string {
	n := m.Outputs()
	if n == 1 {
		n = 2
	}
	names := make([]string, n)
	for i := range names {
		names[i] = m.ClassName(i)
	}
	return names
}

// Explain explains the image on screen with the model on screen, on the
// worker after the requests made before it, and hands the result to done
// on the UI goroutine (with Err set if there is no image or it failed).
// progress, if not nil, receives (done, total) samples of SmoothGrad and
// IG on the UI goroutine. The returned function cancels a running
// explanation (done then gets context.Canceled).
func (s *Session) Explain(o ExplainOptions, progress func(done, total int), finished func(*Explanation)) (cancel func()) {
	ctx, cancel := context.WithCancel(context.Background())
	s.slot.put(request{calls: []func(*worker){func(w *worker) {
		e := w.explain(ctx, o, progress)
		s.post(func() { finished(e) })
	}}})
	return cancel
}

func (w *worker) explain(ctx context.Context, o ExplainOptions, progress func(done, total int)) *Explanation {
	e := &Explanation{Options: o}
	if w.input == nil {
		e.Err = fmt.Errorf("open an image first")
		return e
	}
	w.s.opts.OnWork("explain")
	t0 := time.Now()
	if o.Method == "" {
		o.Method = string(explain.GradCAM)
	}
	if o.Colormap == "" {
		o.Colormap = explain.DefaultColormap
	}
	cm, err := colormap.ByName(o.Colormap)
	if err != nil {
		e.Err = err
		return e
	}
	method, err := explain.ParseMethod(o.Method)
	if err != nil {
		e.Err = err
		return e
	}
	opts := explain.Options{Method: method, Class: o.Class, Layer: o.Layer}
	if progress != nil {
		opts.Progress = func(done, total int) { w.s.post(func() { progress(done, total) }) }
	}
	x := w.input.Tensor
	r, err := explain.New(explain.FromSequential(w.model.Net)).Explain(ctx, x.Data, opts)
	if err != nil {
		e.Err = err
		return e
	}
	in := r.InputShape
	e.Heat = r.Heat()
	base, err := explain.BaseImage(nil, x.Data, in[0], in[1], in[2])
	if err == nil {
		e.Overlay, err = explain.Overlay(nil, base, e.Heat, cm, o.Opacity)
	}
	if err != nil {
		e.Err = err
		return e
	}
	e.HeatImage = explain.HeatImage(nil, e.Heat, cm)
	if w.input.Preview != nil {
		e.Original = explain.OverlayOriginal(nil, w.input.Preview, e.Heat, cm, o.Opacity)
	}
	e.ColorBar = colorBar(View{Colormap: cm.Name})
	e.Class, e.Predicted, e.ClassIndex = w.model.ClassName(r.Class), w.model.ClassName(r.Predicted), r.Class
	e.Score, e.Layer, e.Raw, e.RawShape = r.Score, r.Layer, r.Raw, r.RawShape
	if c := r.Completeness; c != nil {
		e.Completeness = fmt.Sprintf("Σ attributions %.4g vs s(x) − s(black) %.4g: gap %.2f %%", c.Sum, c.Delta, 100*c.Gap)
	}
	e.Took = time.Since(t0)
	return e
}

// SaveExplanation writes the overlay as PNG (path ending in .png) or the
// raw map as .npy (any other path), atomically, off the UI goroutine;
// done gets the error on the UI goroutine.
func (s *Session) SaveExplanation(e *Explanation, path string, asNPY bool, done func(error)) {
	s.call(func() {
		var err error
		if asNPY {
			err = npy.WriteFile(path, e.RawShape, e.Raw)
		} else {
			err = render.WritePNG(path, e.Overlay)
		}
		s.post(func() { done(err) })
	})
}

// SanityImage is one step of the sanity check, rendered.
type SanityImage struct {
	// Randomized is "" for the model as it is, else the layer whose
	// weights (and those of every layer above it) were redrawn.
	Randomized string
	Overlay    *image.RGBA
	// Spearman is the rank correlation with the first map.
	Spearman float64
	Note     string
}

// SanityCheck runs explain.SanityCheck (Adebayo et al. 2018: the same map
// with the weights redrawn layer by layer from the top) on the image on
// screen, on the worker; the model's weights are put back afterwards.
// finished gets the rendered steps on the UI goroutine.
func (s *Session) SanityCheck(o ExplainOptions, finished func([]SanityImage, error)) (cancel func()) {
	ctx, cancel := context.WithCancel(context.Background())
	s.slot.put(request{calls: []func(*worker){func(w *worker) {
		imgs, err := w.sanity(ctx, o)
		s.post(func() { finished(imgs, err) })
	}}})
	return cancel
}

func (w *worker) sanity(ctx context.Context, o ExplainOptions) ([]SanityImage, error) {
	if w.input == nil {
		return nil, fmt.Errorf("open an image first")
	}
	w.s.opts.OnWork("explain")
	if o.Method == "" {
		o.Method = string(explain.GradCAM)
	}
	method, err := explain.ParseMethod(o.Method)
	if err != nil {
		return nil, err
	}
	cm, err := colormap.ByName(o.Colormap)
	if err != nil {
		cm = colormap.MustByName(explain.DefaultColormap)
	}
	x := w.input.Tensor
	steps, err := explain.SanityCheck(ctx, explain.FromSequential(w.model.Net), x.Data,
		explain.Options{Method: method, Class: o.Class, Layer: o.Layer}, 1)
	if err != nil {
		return nil, err
	}
	in := w.model.Net.InputShape()
	base, err := explain.BaseImage(nil, x.Data, in[0], in[1], in[2])
	if err != nil {
		return nil, err
	}
	out := make([]SanityImage, len(steps))
	for i, st := range steps {
		img, err := explain.Overlay(nil, base, st.Heat, cm, o.Opacity)
		if err != nil {
			return nil, err
		}
		out[i] = SanityImage{Randomized: st.Randomized, Overlay: img, Spearman: st.Spearman, Note: st.Heat.Note}
	}
	return out, nil
}
