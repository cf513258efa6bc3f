package session

import (
	"image"
	"time"
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
		if w.input != nil && r.open == nil { // the new model may size or scale its input differently
			in, err := w.model.Prepare(w.input.Name, w.input.Path, w.input.Original)
			if err != nil {
				w.s.post(func() { w.s.reportError(err) })
			}
			w.input = in // nil on error: nothing to show
		}
	}
	if r.weights != nil {
		if w.model.Net.CopyWeightsFrom(r.weights) == nil {
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
		lo, hi := valueRange(acts[i].Data)
		w.maps[i] = &LayerView{MapLayer: l, Act: acts[i], Min: lo, Max: hi}
	}
	w.pred = w.model.Predict(out)
	w.forwardMs = time.Since(t0)
}

// render draws every layer into new sheets and publishes the frame; it
// gives up as soon as a newer request changes what to draw.
func (w *worker) render() {
	t0 := time.Now()
	if w.bar == nil || w.barOf != w.view.Colormap {
		w.bar, w.barOf = colorBar(w.view), w.view.Colormap
	}
	if w.fieldsOf != w.model {
		w.fields, w.fieldsOf = newFields(w.model.Net), w.model
	}
	f := &Frame{Model: w.model, Input: w.input, Prediction: w.pred, View: w.view, ColorBar: w.bar, Live: w.live, Fields: w.fields}
	if w.input != nil {
		w.s.opts.OnWork("render")
		f.Layers = make([]*LayerView, len(w.maps))
		for i, l := range w.maps {
			if w.s.slot.stale() {
				return
			}
			lv := *l
			h, wd, c := l.Shape[0], l.Shape[1], l.Shape[2]
			lv.Sheet = w.view.Render(nil, l.Act.Data, h, wd, c)
			f.Layers[i] = &lv
		}
		f.Timing = Timing{Load: w.load, Forward: w.forwardMs, Render: time.Since(t0), Total: time.Since(w.since)}
	}
	// Times are the frame's own: a later frame that only re-renders
	// (a view change) reports no load and no forward pass.
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
