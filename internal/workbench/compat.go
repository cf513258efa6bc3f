package workbench

import (
	"github.com/convscope/convscope/internal/model"
	"github.com/convscope/convscope/internal/render"
	"github.com/convscope/convscope/nn"
)

// The model, its inputs, samples and training data moved to internal/model
// (shared with the command line) and the view to internal/render; these
// names keep the app building until it moves to internal/session.
type (
	Model      = model.Model
	Sample     = model.Sample
	Loader     = model.Loader
	Input      = model.Input
	OpenError  = model.OpenError
	DataSpec   = model.DataSpec
	Data       = model.Data
	ClassProb  = model.ClassProb
	Prediction = model.Prediction
	View       = render.View
	Sheet      = render.Sheet
)

const (
	MinTile         = render.MinTile
	MaxTile         = render.MaxTile
	DefaultTile     = render.DefaultTile
	TopK            = model.TopK
	ValidationStart = model.ValidationStart
)

var (
	LoadModelFile    = model.Open
	DefaultModel     = model.Default
	SamplesFromFS    = model.SamplesFromFS
	GeneratedSamples = model.GeneratedSamples
	IsImageName      = model.IsImageName
	OpenData         = model.OpenData
	DefaultView      = render.DefaultView
	DefaultLoss      = model.DefaultLoss
)

// RenderSheet composes a layer activation of shape (1, H, W, C) into a
// new sheet for view v.
func RenderSheet(act *nn.Tensor, v View) *Sheet { return renderInto(nil, act, v) }

func renderInto(dst *Sheet, act *nn.Tensor, v View) *Sheet {
	return v.Render(dst, act.Data, act.Shape[1], act.Shape[2], act.Shape[3])
}

// SaveModel writes the bench's model to path atomically (safetensors with
// metadata), with history h if non-nil.
func (b *Bench) SaveModel(path string, h *nn.History) error {
	return b.WithNet(func(m *Model) error { return m.Save(path, h) })
}

func predict(m *Model, out []float32) Prediction { return m.Predict(out) }
