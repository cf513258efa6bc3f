package session

import (
	"image"

	"github.com/convscope/convscope/internal/render"
)

// InspectSize is the largest edge of Inspection.Image, in pixels.
const InspectSize = 360

// Inspection is one channel of a layer drawn large, with its statistics,
// histogram and, for a convolution, its kernel: the channel inspector.
type Inspection struct {
	Layer   *LayerView
	Channel int
	Stats   ChannelStats
	// Image is the channel in the frame's view, scaled by a whole factor
	// (or to fit InspectSize) so that map cells stay square.
	Image *image.RGBA
	// Histogram is 288×96 pixels of log counts in 48 bins.
	Histogram *image.RGBA
	// Kernel is the filter's kernel (nil unless the layer is a Conv2D).
	// For a first layer on RGB input it shows every filter as a small RGB
	// picture (KernelRGB); otherwise the filter's slices, one per input
	// channel.
	Kernel    *image.RGBA
	KernelRGB bool
}

// Inspect draws channel ch of layer lv of the frame on screen, on the
// worker (the kernel is read from the network it owns), and hands the
// result to done on the UI goroutine.
func (s *Session) Inspect(lv *LayerView, ch int, done func(*Inspection)) {
	v := s.view
	s.slot.put(request{calls: []func(*worker){func(w *worker) {
		s.opts.OnWork("inspect")
		in := inspect(lv, ch, v)
		for _, l := range w.model.MapLayers() { // the layer may belong to a model no longer on screen
			if l.Index == lv.Index && l.Name == lv.Name {
				in.Kernel, in.KernelRGB = kernelImage(w.model, lv.Index, ch)
			}
		}
		s.post(func() { done(in) })
	}}})
}

func inspect(lv *LayerView, ch int, v View) *Inspection {
	h, w, c := lv.Shape[0], lv.Shape[1], lv.Shape[2]
	st := &lv.Sheet.Stats
	in := &Inspection{Layer: lv, Channel: ch, Stats: st.Channels[ch]}
	cmap := v.Map()
	th, tw := render.TileScale(h, w, InspectSize)
	in.Image = image.NewRGBA(image.Rect(0, 0, tw, th))
	render.RenderChannel(in.Image, lv.Act.Data, h, w, c, ch, v.Scale, cmap, st)
	counts := make([]int, 48)
	render.ChannelHistogram(counts, lv.Act.Data, h, w, c, ch, in.Stats.Min, in.Stats.Max)
	in.Histogram = image.NewRGBA(image.Rect(0, 0, 288, 96))
	render.Histogram(in.Histogram, counts, cmap, true)
	return in
}

// kernelImage draws the kernel of filter ch of layer i (see Inspection).
func kernelImage(m *Model, i, ch int) (out *image.RGBA, rgb bool) {
	wt, s, ok := m.Kernel(i)
	if !ok {
		return nil, false
	}
	kh, kw, cin, cout := s[0], s[1], s[2], s[3]
	if ch >= cout {
		return nil, false
	}
	o := render.DefaultSheetOptions()
	o.Map = nil
	o.TileSize, o.Cols = 15, 16
	filter := ch
	if cin == 3 {
		filter, rgb = -1, true
		o.TileSize, o.Cols = 30, 8
	}
	return render.KernelSheet(nil, wt, kh, kw, cin, cout, filter, o).Image, rgb
}
