// Package app is Convscope's Fyne user interface. It only presents: every
// computation lives in nn and internal packages (internal/workbench holds
// the state behind the window).
package app

import (
	"fmt"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/convscope/convscope/assets"
	"github.com/convscope/convscope/internal/workbench"
)

// Title is the main window's title.
const Title = "Convscope"

// Options configure the main window.
type Options struct {
	// OpenPath is an image (or .safetensors model) given on the command
	// line, opened once the window is up.
	OpenPath string
	// Model overrides the embedded default model (tests pass a tiny one).
	Model *workbench.Model
	// Samples overrides the sample images.
	Samples []workbench.Sample
	// NoSample skips showing the first sample at start.
	NoSample bool
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
	app   fyne.App
	win   fyne.Window
	bench *workbench.Bench

	samples []workbench.Sample

	grid     *grid
	side     *sidePanel
	training *trainingPanel
	tabs     *container.AppTabs
	status   *widget.Label

	// Latest frame waiting for the UI goroutine (coalesced fyne.Do).
	frameMu      sync.Mutex
	pendingFrame *workbench.Frame
	frame        *workbench.Frame // on screen (UI goroutine only)

	// post runs a function on the Fyne goroutine: fyne.Do, or a queue
	// that tests drain from the test goroutine.
	post func(func())

	// bg counts background tasks (loading, saving) so tests can wait.
	bg sync.WaitGroup

	modelLabel string // UI goroutine only
	quitting   bool
}

// NewMainWindow creates the Convscope window on a.
func NewMainWindow(a fyne.App, opts Options) fyne.Window {
	return New(a, opts).win
}

// New builds the UI; the window is not shown yet.
func New(a fyne.App, opts Options) *UI {
	u := &UI{app: a, win: a.NewWindow(Title), post: fyne.Do}
	u.win.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))

	model, why := u.initialModel(opts)
	u.bench = workbench.NewBench(model)
	u.modelLabel = model.Label
	u.bench.SetView(u.loadView())
	u.bench.OnFrame = u.onFrame
	u.bench.OnError = func(err error) { u.post(func() { u.showError("Cannot open image", err) }) }

	u.samples = opts.Samples
	if u.samples == nil {
		u.samples = defaultSamples()
	}
	u.grid = newGrid(u)
	u.side = newSidePanel(u)
	u.training = newTrainingPanel(u)
	u.status = widget.NewLabel("")
	u.status.Truncation = fyne.TextTruncateEllipsis

	u.tabs = container.NewAppTabs(
		container.NewTabItem("Activations", u.grid.object()),
		container.NewTabItem("Training", u.training.object()),
	)
	u.tabs.OnSelected = func(ti *container.TabItem) {
		if ti.Text == "Training" {
			u.training.shown()
		}
	}
	body := container.NewBorder(nil, nil, container.NewHBox(u.side.object(), widget.NewSeparator()), nil, u.tabs)
	u.win.SetContent(container.NewBorder(u.toolbar(), u.status, nil, nil, body))
	u.win.SetMainMenu(u.mainMenu())
	u.addShortcuts()
	u.win.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) { u.HandleDrop(uris) })
	u.win.SetCloseIntercept(u.onClose)

	p := a.Preferences()
	u.win.Resize(fyne.NewSize(float32(p.FloatWithFallback(prefWidth, 1280)), float32(p.FloatWithFallback(prefHeight, 800))))
	u.updateTitle()

	if why != nil {
		u.setStatus(why.Error())
	}
	switch {
	case opts.OpenPath != "":
		u.openPath(opts.OpenPath)
	case !opts.NoSample && len(u.samples) > 0:
		u.openSample(0)
	}
	return u
}

// Window returns the main window.
func (u *UI) Window() fyne.Window { return u.win }

// Bench returns the workbench behind the window.
func (u *UI) Bench() *workbench.Bench { return u.bench }

// onFrame runs on the bench goroutine: keep only the newest frame and
// schedule one UI update for it.
func (u *UI) onFrame(f *workbench.Frame) {
	u.frameMu.Lock()
	replaced := u.pendingFrame
	u.pendingFrame = f
	u.frameMu.Unlock()
	if replaced != nil {
		u.bench.Release(replaced) // never shown
		return
	}
	u.post(func() {
		u.frameMu.Lock()
		f := u.pendingFrame
		u.pendingFrame = nil
		u.frameMu.Unlock()
		if f != nil {
			u.showFrame(f)
		}
	})
}

// showFrame puts a frame on screen (UI goroutine).
func (u *UI) showFrame(f *workbench.Frame) {
	old := u.frame
	u.frame = f
	u.grid.setFrame(f)
	u.side.setFrame(f)
	t := f.Timing
	live := ""
	if f.Live {
		live = " · live weights from training"
	}
	load := ""
	if t.Load > 0 {
		load = fmt.Sprintf("load %d ms, ", t.Load.Milliseconds())
	}
	u.setStatus(fmt.Sprintf("%s · %s · %sforward %d ms, render %d ms, total %d ms%s",
		f.Input.Name, u.modelLabel, load, t.Forward.Milliseconds(), t.Render.Milliseconds(), t.Total.Milliseconds(), live))
	if old != nil && old != f {
		u.bench.Release(old) // its images are off screen now
	}
}

// Frame returns the frame on screen (nil before the first).
func (u *UI) Frame() *workbench.Frame { return u.frame }

func (u *UI) setStatus(s string) { u.status.SetText(s) }

func (u *UI) updateTitle() {
	u.win.SetTitle(Title + " — " + u.modelLabel)
}
