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
	// own is set for a pinned frame (Session.Pin), whose activations are
	// copies; a frame's Layers otherwise hold the network's buffers.
	own bool
}

// LayerView is one layer of a frame with a spatial output. Its sheet is
// drawn on demand, band by band (Session.RenderBand): a frame holds no
// images of its layers, so ResNet-50's 170 layers cost nothing until
// they are scrolled into view.
type LayerView struct {
	model.MapLayer
	// Act is the layer's activation for the image, shape (1, H, W, C).
	// It is the network's own buffer: only the worker reads it (Inspect
	// copies what the inspector shows), and the next forward pass
	// overwrites it.
	Act *nn.Tensor
	// Min and Max are the range of Act's finite values.
	Min, Max float32
	// Stats are the layer's per-channel statistics (dead and constant
	// channels, the inspector's numbers).
	Stats *ChannelStatsSet
}

// ChannelStatsSet is a layer's per-channel statistics (render.LayerStats).
type ChannelStatsSet = render.LayerStats

// Timing says where a frame's time went.
type Timing struct {
	// Render is only the frame's assembly: sheets are drawn band by band
	// on demand (RenderBand).
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
