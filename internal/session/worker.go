package session

import (
	"image"
	"time"

	"github.com/convscope/convscope/internal/render"
)

// worker is the one goroutine that owns the network on screen. Its fields
// are its own; nothing else reads them.
type worker struct {
	s     *Session
	model *Model
	input *Input
	view  View
	live  bool // the weights come from a training snapshot

	maps  []*LayerView // activations of (model, input, weights); nil: forward pass needed
	frame *Frame       // the last frame published: RenderBand draws only its bands
	band  []float32    // scratch: one band's channels, HWC
	pred  Prediction
	dirty bool // the last published frame is not of (maps, view)
	bar   *image.RGBA
	barOf string // colormap of bar

	fields   *Fields // receptive fields of fieldsOf
	fieldsOf *Model

	since           time.Time // oldest request not yet answered by a frame
	load, forwardMs time.Duration
}

// handle applies one (merged) request and publishes a frame if anything
// on screen changed.
func (w *worker) handle(r request) {
	if (r.changesFrame() || r.weights != nil) && w.since.IsZero() {
		w.since = r.at
	}
	if r.model != nil {
		w.model, w.maps, w.live = r.model, nil, false
		useInferenceEngine(w.model)          // engine.go
		if w.input != nil && r.open == nil { // the new model may size or scale its input differently
			in, err := w.model.Prepare(w.input.Name, w.input.Path, w.input.Original)
			if err != nil {
				w.s.post(func() { w.s.reportError(err) })
			}
			w.input = in // nil on error: nothing to show
		}
	}
	if r.weights != nil {
		if w.model.Net != nil && w.model.Net.CopyWeightsFrom(r.weights) == nil {
			w.maps, w.live = nil, true
		}
		w.s.slot.recycle(r.weights)
	}
	if r.view != nil && *r.view != w.view {
		w.view, w.dirty = *r.view, true
	}
	for _, c := range r.calls {
		c(w)
	}
	if r.open != nil {
		w.openImage(r.open)
	}
	if w.input != nil && w.maps == nil {
		w.forward()
		w.dirty = true
	}
	if w.dirty && !w.s.slot.stale() {
		w.render()
	}
	if !w.dirty {
		w.since = time.Time{} // nothing left to answer
	}
}

// openImage loads and preprocesses an image; on failure the current one
// stays.
func (w *worker) openImage(o *openRequest) {
	w.s.opts.OnWork("load")
	t0 := time.Now()
	img, err := o.load()
	var in *Input
	if err == nil {
		in, err = w.model.Prepare(o.name, o.path, img)
	}
	if err != nil {
		if _, ok := err.(*OpenError); !ok {
			err = &OpenError{Name: o.name, Err: err}
		}
		w.s.post(func() { w.s.reportError(err) })
		return
	}
	w.input, w.maps, w.load = in, nil, time.Since(t0)
}

// forward runs the image through the model and keeps the map layers'
// activations.
func (w *worker) forward() {
	w.s.opts.OnWork("forward")
	t0 := time.Now()
	acts, out := w.model.Forward(w.input.Tensor)
	layers := w.model.MapLayers()
	w.maps = make([]*LayerView, len(layers))
	for i, l := range layers {
		st := &render.LayerStats{}
		st.Compute(acts[i].Data, l.Shape[0], l.Shape[1], l.Shape[2], 0)
		w.maps[i] = &LayerView{MapLayer: l, Act: acts[i], Min: st.Min, Max: st.Max, Stats: st}
	}
	w.pred = w.model.Predict(out)
	w.forwardMs = time.Since(t0)
}

// render publishes the frame of (maps, view). It draws no sheet: the
// app asks for the bands on screen (RenderBand), so the work follows the
// scroll position, not the model's size.
func (w *worker) render() {
	t0 := time.Now()
	if w.bar == nil || w.barOf != w.view.Colormap {
		w.bar, w.barOf = colorBar(w.view), w.view.Colormap
	}
	if w.fieldsOf != w.model {
		w.fields, w.fieldsOf = newFields(w.model), w.model
	}
	f := &Frame{Model: w.model, Input: w.input, Prediction: w.pred, View: w.view, ColorBar: w.bar, Live: w.live, Fields: w.fields}
	if w.input != nil {
		f.Layers = w.maps
		f.Timing = Timing{Load: w.load, Forward: w.forwardMs, Render: time.Since(t0), Total: time.Since(w.since)}
	}
	// Times are the frame's own: a later frame that only re-renders
	// (a view change) reports no load and no forward pass.
	w.frame = f
	w.dirty, w.since, w.load, w.forwardMs = false, time.Time{}, 0, 0
	deliver(&w.s.frames, w.s.post, f, w.s.showFrame)
}

// colorBar draws view v's colormap into a 256×1 image.
func colorBar(v View) *image.RGBA {
	m := v.Map()
	img := image.NewRGBA(image.Rect(0, 0, 256, 1))
	for i := range 256 {
		img.Set(i, 0, m.Index(uint8(i)))
	}
	return img
}

// showFrame runs on the UI goroutine.
func (s *Session) showFrame(f *Frame) {
	if f.Input != nil {
		s.frame = f
	}
	if s.opts.OnFrame != nil {
		s.opts.OnFrame(f)
	}
}

// reportError runs on the UI goroutine.
func (s *Session) reportError(err error) {
	if s.opts.OnError != nil {
		s.opts.OnError(err)
	}
}
