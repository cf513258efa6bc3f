package app

import (
	"fmt"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// kernelFrame returns the inspector's kernel frame when it is on screen.
func kernelFrame(t *testing.T, in *inspector) *canvas.Rectangle {
	t.Helper()
	if in.kernM == nil {
		t.Fatal("the inspector shows no kernel")
	}
	in.kernM.Resize(in.kernM.MinSize())
	for _, o := range test.WidgetRenderer(in.kernM).Objects() {
		if r, ok := o.(*canvas.Rectangle); ok && r.Visible() {
			return r
		}
	}
	return nil
}

// TestInspectorFramesItsFilter: among the first layer's kernels the
// caption said "this channel is filter N" but nothing marked filter N.
// Its tile and number are framed in the theme's primary colour, where the
// picture has them; a later layer's kernel (only that filter) has none.
func TestInspectorFramesItsFilter(t *testing.T) {
	u := newTestUI(t)
	u.openSample(0)
	settle(u)
	var lefts []float32
	for _, ch := range []int{0, 3, 7} {
		u.inspect(u.Frame().Layers[0], ch)
		settle(u)
		in := u.inspector
		if !strings.Contains(in.kernL.Text, fmt.Sprintf("filter %d)", ch)) {
			t.Fatalf("filter %d: caption %q", ch, in.kernL.Text)
		}
		f := kernelFrame(t, in)
		if f == nil {
			t.Fatalf("filter %d: no frame", ch)
		}
		if f.StrokeWidth <= 0 || f.StrokeColor != theme.Color(theme.ColorNamePrimary) {
			t.Errorf("filter %d: frame of width %v in %v, expected the primary colour", ch, f.StrokeWidth, f.StrokeColor)
		}
		// The frame sits on the cell the session reported, scaled as the
		// picture is shown.
		m, b, size := in.kernM.mark, in.kern.Image.Bounds(), in.kernM.Size()
		sx, sy := size.Width/float32(b.Dx()), size.Height/float32(b.Dy())
		want := fyne.NewPos(float32(m.Min.X-b.Min.X)*sx, float32(m.Min.Y-b.Min.Y)*sy)
		if f.Position() != want || f.Size() != fyne.NewSize(float32(m.Dx())*sx, float32(m.Dy())*sy) {
			t.Errorf("filter %d: frame at %v size %v, the cell %v of a %v picture shown at %v", ch, f.Position(), f.Size(), m, b, size)
		}
		if m.Empty() || !m.In(b) {
			t.Errorf("filter %d: cell %v outside the %v picture", ch, m, b)
		}
		lefts = append(lefts, f.Position().X)
	}
	if !(lefts[0] < lefts[1] && lefts[1] < lefts[2]) {
		t.Errorf("the frames of filters 0, 3, 7 are at x = %v, expected left to right", lefts)
	}

	u.inspect(u.Frame().Layers[2], 1)
	settle(u)
	if f := kernelFrame(t, u.inspector); f != nil {
		t.Errorf("a later layer's kernel (filter 1 only) has a frame at %v", f.Position())
	}
}
