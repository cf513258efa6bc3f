package app

import (
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// tipDelay is how long the mouse rests on a control before its tooltip shows.
const tipDelay = 600 * time.Millisecond

// tipper shows one tooltip at a time below the hovered control.
type tipper struct {
	win   fyne.Window
	mu    sync.Mutex
	owner fyne.CanvasObject // hovered control (guarded by mu)
	pop   *widget.PopUp     // UI goroutine only
	text  *canvas.Text
}

func newTipper(w fyne.Window) *tipper { return &tipper{win: w} }

// enter starts the delay for obj's tip.
func (t *tipper) enter(obj fyne.CanvasObject, tip string) {
	if t == nil || tip == "" {
		return
	}
	t.mu.Lock()
	t.owner = obj
	t.mu.Unlock()
	time.AfterFunc(tipDelay, func() {
		fyne.Do(func() {
			t.mu.Lock()
			still := t.owner == obj
			t.mu.Unlock()
			if still {
				t.show(obj, tip)
			}
		})
	})
}

// leave hides obj's tip.
func (t *tipper) leave(obj fyne.CanvasObject) {
	if t == nil {
		return
	}
	t.mu.Lock()
	if t.owner == obj {
		t.owner = nil
	}
	t.mu.Unlock()
	if t.pop != nil {
		t.pop.Hide()
	}
}

func (t *tipper) show(obj fyne.CanvasObject, tip string) {
	if t.pop == nil {
		t.text = canvas.NewText("", theme.Color(theme.ColorNameForeground))
		t.text.TextSize = theme.CaptionTextSize()
		bg := canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground))
		bg.StrokeColor = theme.Color(theme.ColorNameSeparator)
		bg.StrokeWidth = 1
		t.pop = widget.NewPopUp(container.NewStack(bg, container.NewPadded(t.text)), t.win.Canvas())
	}
	t.text.Text = tip
	t.text.Color = theme.Color(theme.ColorNameForeground)
	t.text.Refresh()
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(obj)
	pos.Y += obj.Size().Height + 4
	size := t.pop.MinSize()
	if cs := t.win.Canvas().Size(); pos.X+size.Width > cs.Width {
		pos.X = max(0, cs.Width-size.Width)
	}
	t.pop.ShowAtPosition(pos)
}

// tipButton is a button with a tooltip.
type tipButton struct {
	widget.Button
	tip string
	t   *tipper
}

func newTipButton(text string, icon fyne.Resource, tip string, t *tipper, fn func()) *tipButton {
	b := &tipButton{tip: tip, t: t}
	b.Text, b.Icon, b.OnTapped = text, icon, fn
	b.ExtendBaseWidget(b)
	return b
}

func (b *tipButton) MouseIn(e *desktop.MouseEvent) { b.Button.MouseIn(e); b.t.enter(b, b.tip) }
func (b *tipButton) MouseOut()                     { b.Button.MouseOut(); b.t.leave(b) }
func (b *tipButton) Tapped(e *fyne.PointEvent)     { b.t.leave(b); b.Button.Tapped(e) }

// tipSelect is a drop-down with a tooltip.
type tipSelect struct {
	widget.Select
	tip string
	t   *tipper
}

func newTipSelect(options []string, tip string, t *tipper, fn func(string)) *tipSelect {
	s := &tipSelect{tip: tip, t: t}
	s.Options, s.OnChanged = options, fn
	s.ExtendBaseWidget(s)
	return s
}

// newSelect is a drop-down without a tooltip that, like every tipSelect,
// opens even when the driver has lost track of it (Tapped): a plain
// widget.Select panics there, and the Explain, Atlas and Training pages had
// nine of them.
func newSelect(options []string, win fyne.Window, fn func(string)) *tipSelect {
	return newTipSelect(options, "", newTipper(win), fn)
}

func (s *tipSelect) MouseIn(e *desktop.MouseEvent) { s.Select.MouseIn(e); s.t.enter(s, s.tip) }
func (s *tipSelect) MouseOut()                     { s.Select.MouseOut(); s.t.leave(s) }

// canvasFor is the driver's canvas lookup (tests replace it: the test
// driver never loses an object).
var canvasFor = func(o fyne.CanvasObject) fyne.Canvas { return fyne.CurrentApp().Driver().CanvasForObject(o) }

// Tapped opens the drop-down. Fyne's Select finds its canvas through the
// driver and panics (NewPopUpMenu with a nil canvas) when the driver has
// lost track of the widget, which happened once in three runs after file
// dialogs (issue #17): the GL driver's object → canvas cache
// (fyne/internal/cache) drops entries not renewed for a minute when a
// canvas refresh cleans it, so a control left alone that long can have no
// canvas. The list then opens on the window's canvas instead, and any other
// panic in Fyne's handler is logged, not fatal.
func (s *tipSelect) Tapped(e *fyne.PointEvent) {
	s.t.leave(s)
	if s.Disabled() {
		return
	}
	d := fyne.CurrentApp().Driver()
	if canvasFor(s) != nil {
		safely("the drop-down", func() { s.Select.Tapped(e) })
		return
	}
	if s.t == nil || s.t.win == nil {
		return
	}
	items := make([]*fyne.MenuItem, len(s.Options))
	for i, opt := range s.Options {
		items[i] = fyne.NewMenuItem(opt, func() { s.SetSelected(opt) })
	}
	pos := d.AbsolutePositionForObject(s).AddXY(0, s.Size().Height)
	widget.ShowPopUpMenuAtPosition(fyne.NewMenu("", items...), s.t.win.Canvas(), pos)
}

// tipSlider is a slider with a tooltip.
type tipSlider struct {
	widget.Slider
	tip string
	t   *tipper
}

func newTipSlider(lo, hi float64, tip string, t *tipper) *tipSlider {
	s := &tipSlider{tip: tip, t: t}
	s.Min, s.Max, s.Step = lo, hi, 1
	s.Orientation = widget.Horizontal
	s.ExtendBaseWidget(s)
	return s
}

func (s *tipSlider) MouseIn(e *desktop.MouseEvent) { s.Slider.MouseIn(e); s.t.enter(s, s.tip) }
func (s *tipSlider) MouseOut()                     { s.Slider.MouseOut(); s.t.leave(s) }

// tipLabel is a label with a tooltip, for form fields whose meaning is not
// obvious.
type tipLabel struct {
	widget.Label
	tip string
	t   *tipper
}

func newTipLabel(text, tip string, t *tipper) *tipLabel {
	l := &tipLabel{tip: tip, t: t}
	l.Text = text
	l.ExtendBaseWidget(l)
	return l
}

func (l *tipLabel) MouseIn(*desktop.MouseEvent)    { l.t.enter(l, l.tip) }
func (l *tipLabel) MouseMoved(*desktop.MouseEvent) {}
func (l *tipLabel) MouseOut()                      { l.t.leave(l) }
