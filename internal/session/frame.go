package session

import (
	"image"
	"time"

	"github.com/convscope/convscope/internal/model"
	"github.com/convscope/convscope/internal/render"
	"github.com/convscope/convscope/nn"
)

// Frame is everything the Activations page shows for one image, model and
// view. A frame is immutable once published: the next one has new images,
// so the UI may keep showing this one while the next is computed.
type Frame struct {
	Model *Model
	// Input is the image (nil before the first image: such a frame only
	// carries the view and its colour bar).
	Input      *Input
	Prediction Prediction
	Layers     []*LayerView
	View       View
	// ColorBar is the view's colormap, 256×1 pixels.
	ColorBar *image.RGBA
	Timing   Timing
	// Live is set for frames computed from a training snapshot.
	Live bool
	// Fields gives the receptive fields of the model's layers (hover
	// linking); nil when the model is not an image model.
	Fields *Fields
}

// LayerView is one conv or pool layer of a frame.
type LayerView struct {
	model.MapLayer
	// Act is the layer's activation for the image, shape (1, H, W, C).
	Act *nn.Tensor
	// Min and Max are the range of Act's finite values.
	Min, Max float32
	// Sheet is the rendered grid of channels.
	Sheet *Sheet
}

// Timing says where a frame's time went.
type Timing struct {
	Load, Forward, Render time.Duration
	// Total runs from the request (Open, SetView, …) to the frame.
	Total time.Duration
}

// Names the app uses, defined in the packages below the session.
type (
	Model        = model.Model
	Input        = model.Input
	Sample       = model.Sample
	Loader       = model.Loader
	OpenError    = model.OpenError
	Prediction   = model.Prediction
	ClassProb    = model.ClassProb
	DataSpec     = model.DataSpec
	Data         = model.Data
	View         = render.View
	Sheet        = render.Sheet
	ScaleMode    = render.ScaleMode
	ChannelStats = render.ChannelStats
	History      = nn.History
	Arch         = nn.Arch
)

// Scale modes (render.ScaleMode).
const (
	Standardize = render.Standardize
	MinMax      = render.MinMax
	LayerScale  = render.Layer
)

// Zoom limits and default, in pixels per tile edge.
const (
	MinTile     = render.MinTile
	MaxTile     = render.MaxTile
	DefaultTile = render.DefaultTile
)

// valueRange returns the minimum and maximum finite values of x.
func valueRange(x []float32) (lo, hi float32) {
	first := true
	for _, v := range x {
		if v != v || v > 3.4e38 || v < -3.4e38 {
			continue
		}
		if first {
			lo, hi, first = v, v, false
			continue
		}
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi
}
