package session

import (
	"github.com/convscope/convscope/internal/receptive"
	"github.com/convscope/convscope/nn"
)

// Box is a half-open rectangle of input pixels or map cells
// (receptive.Box): rows Y0..Y1-1, columns X0..X1-1.
type Box = receptive.Box

// Fields answers receptive-field questions about a frame's model: the
// input region behind a cell and the cells of other layers linked to it.
// It is immutable and cheap (microseconds per question), so the UI asks it
// directly while the pointer moves.
type Fields struct{ rf *receptive.Net }

// newFields describes net, or returns nil when it is not an image model.
func newFields(net *nn.Sequential) *Fields {
	rf, err := receptive.FromSequential(net)
	if err != nil {
		return nil
	}
	return &Fields{rf: rf}
}

// Field returns the network-input pixels behind cell (y, x) of layer.
func (f *Fields) Field(layer string, y, x int) (Box, bool) {
	if f == nil {
		return Box{}, false
	}
	b, err := f.rf.Field(layer, y, x)
	return b, err == nil && !b.Empty()
}

// Linked returns the cells of layer other that correspond to cell (y, x)
// of layer (receptive.Net.Linked).
func (f *Fields) Linked(layer string, y, x int, other string) (Box, bool) {
	if f == nil {
		return Box{}, false
	}
	b, ok, err := f.rf.Linked(layer, y, x, other)
	return b, ok && err == nil
}

// Size returns layer's receptive field edge and jump in input pixels.
func (f *Fields) Size(layer string) (size, jump int) {
	if f == nil {
		return 0, 0
	}
	s, err := f.rf.SizeOf(layer)
	if err != nil {
		return 0, 0
	}
	return s.RH, s.JumpY
}
