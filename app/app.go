// Package app is Convscope's Fyne user interface. It only presents: it lays
// out widgets, forwards events to internal/session and shows what the
// session hands it. It imports Fyne, assets, internal/session and the
// standard library, nothing else (docs/ARCHITECTURE.md).
package app

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/convscope/convscope/assets"
	"github.com/convscope/convscope/internal/session"
)

// Title is the main window's title.
const Title = "Convscope"

// Options configure the main window.
type Options struct {
	// OpenPath is an image (or .safetensors model) given on the command
	// line, opened once the window is up.
	OpenPath string
	// Model overrides the embedded default model (tests pass a tiny one).
	Model *session.Model
	// Samples overrides the sample images.
	Samples []session.Sample
	// NoSample skips showing the first sample at start.
	NoSample bool
	// Note is shown in the status bar at start (FixPreferences' note).
	Note string
	// Version is the program's version (the command line's), which About
	// shows when the binary carries no FyneApp.toml metadata (versionText).
	Version string

	// post replaces fyne.Do and onWork is the session's OnWork (tests).
	post   func(func())
	onWork func(string)
	// onRenderBand is the session's OnRenderBand (tests count bands drawn).
	onRenderBand func(session.Band)
	// fashionDir replaces session.FashionMNISTDir, where the Training
	// panel looks for Fashion-MNIST's IDX files (tests).
	fashionDir string
	// skipDiscardQuestion makes Start, opening another model and quitting
	// replace a trained model without asking (tests that press Start on
	// their trained tiny model).
	skipDiscardQuestion bool
}

// Preference keys (remembered between runs).
const (
	prefWidth      = "window.width"
	prefHeight     = "window.height"
	prefLastFolder = "lastFolder"
	prefLastModel  = "lastModel"
	prefColormap   = "view.colormap"
	prefScale      = "view.scale"
	prefTile       = "view.tile"
)

// UI is the main window and everything in it.
type UI struct {
	reopened string // the remembered model file opened at start, if any
	// keepStatus: the next frame leaves the status line alone
	// (noteOverFrame).
	keepStatus bool
	// hoverStatus is the status line a hovered cell wrote ("" when none);
	// beforeHover what it replaced, put back when the mouse leaves.
	hoverStatus, beforeHover string

	app fyne.App
	win fyne.Window
	ses *session.Session

	samples []session.Sample // in the side panel's strip: the model's
	// defaultSamples are the samples of the default model and of any model
	// opened from a file (Options.Samples or the embedded shapes samples).
	defaultSamples []session.Sample

	grid     *grid
	side     *sidePanel
	training *trainingPanel
	explain  *explainPanel
	atlas    *atlasPanel   // atlas.go
	compare  *comparePanel // compare.go
	tabs     *container.AppTabs
	status   *widget.Label

	frame     *session.Frame // on screen
	inspector *inspector     // the last channel inspector opened

	// post runs a function on the Fyne goroutine: fyne.Do, or a queue
	// that tests drain from the test goroutine.
	post func(func())

	// startup opens the first image once the grid knows its width, so
	// that the first frame is drawn once, at the right width.
	startup func()

	modelLabel string
	quitting   bool

	skipDiscardQuestion bool   // Options.skipDiscardQuestion
	progVersion         string // Options.Version
	// discardModelDialog is the last "Discard the trained model?"
	// question (confirmDiscard; tests).
	discardModelDialog dialog.Dialog

	// fashionDir holds Fashion-MNIST's IDX files when it is installed
	// (session.FashionMNISTDir; Options.fashionDir in tests).
	fashionDir string

	// preprocessDialog is the last preprocessing question asked (tests).
	preprocessDialog dialog.Dialog
	// summaryDialog is the last model summary shown (tests).
	summaryDialog dialog.Dialog
	// keyDialogs are the dialogs on screen that keys close, newest last
	// (closeWithKeys); non-nil once the canvas's key handler is set.
	keyDialogs []*keyDialog
}

// NewMainWindow creates the Convscope window on a.
func NewMainWindow(a fyne.App, opts Options) fyne.Window {
	return New(a, opts).win
}

// New builds the UI; the window is not shown yet.
func New(a fyne.App, opts Options) *UI {
	u := &UI{app: a, win: a.NewWindow(Title), post: opts.post, fashionDir: opts.fashionDir, skipDiscardQuestion: opts.skipDiscardQuestion, progVersion: opts.Version}
	if u.fashionDir == "" {
		u.fashionDir = session.FashionMNISTDir
	}
	if u.post == nil {
		u.post = fyne.Do
	}
	// The remembered theme comes first: the driver restyles widgets on
	// a theme change only once the app runs, so labels built before it
	// kept the default theme's text colour (white on the light theme's
	// background).
	if t := a.Preferences().String(prefTheme); t != "" && t != "system" {
		u.setTheme(t)
	}
	u.win.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))

	model, why := u.initialModel(opts)
	u.ses = session.New(session.Options{
		Model:   model,
		View:    u.loadView(),
		Post:    func(fn func()) { u.post(fn) },
		OnFrame: u.showFrame,
		OnError: func(err error) { u.showError("Cannot open image", err) },
		OnWork:  opts.onWork,

		OnRenderBand: opts.onRenderBand,
	})
	u.modelLabel = model.Label

	u.samples = opts.Samples
	if u.samples == nil {
		u.samples = session.BuiltinSamples(8)
	}
	u.defaultSamples = u.samples
	u.grid = newGrid(u)
	u.side = newSidePanel(u)
	u.side.modelChanged()
	u.training = newTrainingPanel(u)
	u.training.showStoredHistory()
	u.explain = newExplainPanel(u)
	u.atlas = newAtlasPanel(u)
	u.compare = newComparePanel(u)
	u.status = widget.NewLabel("")
	u.status.Truncation = fyne.TextTruncateEllipsis

	// The tabs other than Activations join the window when first shown:
	// until then Fyne neither measures nor lays out their text (AppTabs
	// asks every tab for its minimum size), which took a share of the
	// start's CPU time (issue #17, startup).
	later := map[*container.TabItem]fyne.CanvasObject{}
	lazyTab := func(name string, obj fyne.CanvasObject) *container.TabItem {
		ti := container.NewTabItem(name, container.NewStack())
		later[ti] = obj
		return ti
	}
	u.tabs = container.NewAppTabs(
		container.NewTabItem("Activations", u.grid.object()),
		lazyTab("Training", u.training.object()),
		lazyTab("Explain", u.explain.object()),
		lazyTab("Atlas", u.atlas.object()),
		lazyTab("Compare", u.compare.object()),
	)
	u.tabs.OnSelected = func(ti *container.TabItem) {
		if obj, ok := later[ti]; ok {
			delete(later, ti)
			c := ti.Content.(*fyne.Container)
			c.Objects = []fyne.CanvasObject{obj}
			c.Refresh()
		}
		u.explain.setShown(ti.Text == "Explain")
		if ti.Text == "Training" {
			u.training.shown()
		}
		if ti.Text == "Atlas" {
			u.atlas.shown()
		}
	}
	body := container.NewBorder(nil, nil, container.NewHBox(u.side.object(), widget.NewSeparator()), nil, u.tabs)
	u.win.SetContent(container.NewBorder(u.toolbar(), u.status, nil, nil, body))
	u.win.SetMainMenu(u.mainMenu())
	u.addShortcuts()
	u.win.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) { u.HandleDrop(uris) })
	u.win.SetCloseIntercept(u.onClose)

	switch {
	case opts.OpenPath != "":
		u.startup = func() { u.openPath(opts.OpenPath) }
	case !opts.NoSample && len(u.samples) > 0:
		u.startup = func() { u.openSample(0) }
	}
	if why != nil {
		u.noteOverFrame(why.Error(), u.startup != nil)
	} else if opts.Note != "" {
		u.noteOverFrame(opts.Note, u.startup != nil)
	} else if u.reopened != "" {
		u.noteOverFrame("Opened "+u.reopened+", the model used last (File ▸ Use Built-in Model goes back to the built-in one).", u.startup != nil)
	}
	p := a.Preferences()
	u.win.Resize(fyne.NewSize(float32(p.FloatWithFallback(prefWidth, 1280)), float32(p.FloatWithFallback(prefHeight, 800))))
	u.updateTitle()
	u.offerResume()
	return u
}

// started runs the startup action once (the grid calls it when it first
// knows its width).
func (u *UI) started() {
	if fn := u.startup; fn != nil {
		u.startup = nil
		fn()
	}
}

// Window returns the main window.
func (u *UI) Window() fyne.Window { return u.win }

// Session returns the session behind the window.
func (u *UI) Session() *session.Session { return u.ses }

// showFrame puts a frame on screen (the session calls it on the UI
// goroutine). A frame without an image only brings the colour bar.
func (u *UI) showFrame(f *session.Frame) {
	u.side.setColorBar(f.ColorBar)
	if f.Input == nil {
		return
	}
	u.frame = f
	u.grid.setFrame(f)
	u.side.setFrame(f)
	u.explain.setFrame(f)
	t := f.Timing
	live := ""
	if f.Live {
		live = " · live weights from training"
	}
	// Only the steps this frame took: a view change re-renders without a
	// forward pass, and total (from the request) is never below the parts.
	parts := ""
	if t.Load > 0 {
		parts += fmt.Sprintf("load %d ms, ", t.Load.Milliseconds())
	}
	if t.Forward > 0 {
		parts += fmt.Sprintf("forward %d ms, ", t.Forward.Milliseconds())
	}
	if u.keepStatus { // a note about this frame's model stays
		u.keepStatus = false
		return
	}
	u.setStatus(fmt.Sprintf("%s · %s · %stotal %d ms%s",
		f.Input.Name, u.modelLabel, parts, t.Total.Milliseconds(), live))
}

// Frame returns the frame on screen (nil before the first).
func (u *UI) Frame() *session.Frame { return u.frame }

func (u *UI) setStatus(s string) {
	u.status.SetText(s)
	u.keepStatus = false
}

// noteOverFrame shows s in the status line and, if a frame is coming
// (frameComing: an image is on screen or opening), keeps it there when that
// frame arrives: the frame's timing line replaced notes such as "Opened
// m.safetensors, the model used last (File ▸ Use Built-in Model goes
// back…)" at once. Any later status replaces it.
func (u *UI) noteOverFrame(s string, frameComing bool) {
	u.setStatus(s)
	u.keepStatus = frameComing
}

func (u *UI) updateTitle() {
	u.win.SetTitle(Title + " — " + u.modelLabel)
}
