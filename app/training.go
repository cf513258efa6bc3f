package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/convscope/convscope/internal/session"
)

// Architecture choices.
const (
	archReference = "Reference convnet (tutorial)"
	archCurrent   = "Current model's architecture"
	archJSON      = "From JSON file…"
)

// Data source choices.
const (
	dataGenerated = "Built-in generated shapes"
	dataFolder    = "Image folders"
	// dataFashion is offered when Debian's dataset-fashion-mnist is
	// installed: converted once to class folders in the app's storage
	// folder, then trained on as image folders (train/, test/ validates).
	dataFashion = "Fashion-MNIST (installed)"
)

// trainingPanel is the Training page: data, hyperparameters, model
// summary, Start/Pause/Stop, progress and the live plot.
type trainingPanel struct {
	u    *UI
	tips *tipper
	// discardDialog is the last "Start from scratch?" question (tests).
	discardDialog dialog.Dialog

	source            *widget.RadioGroup
	trainDir, valDir  *widget.Entry
	valSplit          *widget.Entry
	folderBox         *fyne.Container
	classes           *widget.Label
	report            *widget.Label
	epochs, steps     *widget.Entry
	batch, valSteps   *widget.Entry
	lr, seed          *widget.Entry
	optimizer         *tipSelect
	arch              *tipSelect
	archFile          string
	archLoaded        *session.Arch
	cont              *widget.Check
	live              *widget.Check
	xfer              *transferOptions // training_transfer.go
	summary           *widget.Label
	start, pause, stp *tipButton
	bar               *widget.ProgressBar
	progress          *widget.Label
	lossPlot, accPlot *Plot
	obj               fyne.CanvasObject

	// Run state (UI goroutine; mu makes it readable from tests).
	mu        sync.Mutex
	run       *session.Training
	hist      *session.History
	onStopped []func()

	pendingArch *session.Arch // summary to show once visible
	visible     bool          // the page has been shown
}

func newTrainingPanel(u *UI) *trainingPanel {
	t := &trainingPanel{u: u, tips: newTipper(u.win)}
	d := session.DefaultTrainConfig()
	entry := func(v string) *widget.Entry {
		e := widget.NewEntry()
		e.SetText(v)
		return e
	}
	t.trainDir, t.valDir = widget.NewEntry(), widget.NewEntry()
	t.trainDir.SetPlaceHolder("folder with one subfolder per class")
	t.valDir.SetPlaceHolder("optional: a validation folder with the same classes")
	t.valSplit = entry("0.2")
	browse := func(e *widget.Entry) fyne.CanvasObject {
		return newTipButton("", theme.FolderOpenIcon(), "Choose a folder", t.tips, func() { u.chooseFolder("Choose data folder", "Choose", func(dir string) { e.SetText(dir) }) })
	}
	t.folderBox = container.NewVBox(
		container.NewBorder(nil, nil, newTipLabel("Train", "flow_from_directory: classes are the sorted subfolder names", t.tips), browse(t.trainDir), t.trainDir),
		container.NewBorder(nil, nil, newTipLabel("Validation", "Optional folder with the same class subfolders", t.tips), browse(t.valDir), t.valDir),
		container.NewBorder(nil, nil, newTipLabel("Validation split", "Without a validation folder: the fraction of each class held out for validation (0 for none)", t.tips), nil, t.valSplit),
	)
	sources := []string{dataGenerated, dataFolder}
	if session.FashionMNISTInstalled(u.fashionDir) { // a few stats, once
		sources = append(sources, dataFashion)
	}
	t.source = widget.NewRadioGroup(sources, func(s string) {
		if s == dataFolder {
			t.folderBox.Show()
		} else {
			t.folderBox.Hide()
		}
		t.showClasses()
	})
	t.source.Horizontal = false // one option per line: the column fits a 900-pixel window
	t.source.SetSelected(dataGenerated)
	t.classes = widget.NewLabel("")
	t.classes.Wrapping = fyne.TextWrapWord
	t.report = widget.NewLabel("")
	t.report.Wrapping = fyne.TextWrapWord
	t.report.SizeName = theme.SizeNameCaptionText

	t.epochs, t.steps = entry(strconv.Itoa(d.Epochs)), entry(strconv.Itoa(d.StepsPerEpoch))
	t.batch, t.valSteps = entry(strconv.Itoa(d.BatchSize)), entry(strconv.Itoa(d.ValidationSteps))
	t.lr, t.seed = entry(fmtRate(d.LearningRate)), entry("0")
	t.optimizer = newSelect([]string{"rmsprop", "adam", "sgd"}, u.win, nil)
	t.optimizer.SetSelected(d.Optimizer)
	t.cont = widget.NewCheck("Continue from the current weights", nil)
	t.live = widget.NewCheck("Live activations", nil)
	t.live.SetChecked(true)

	t.arch = newSelect([]string{archReference, archCurrent, archJSON}, u.win, t.archChanged)
	t.summary = widget.NewLabel("")
	t.summary.TextStyle.Monospace = true
	t.arch.SetSelected(archReference)
	t.xfer = newTransferOptions(t)

	t.start = newTipButton("Start", theme.MediaPlayIcon(), "Train from the settings above (new weights from the seed unless continuing)", t.tips, u.guard("Start", t.startTraining))
	t.start.Importance = widget.HighImportance
	t.pause = newTipButton("Pause", theme.MediaPauseIcon(), "Pause after the current batch; Resume continues", t.tips, u.guard("Pause", t.togglePause))
	t.stp = newTipButton("Stop", theme.MediaStopIcon(), "Stop after the current batch and keep the weights", t.tips, u.guard("Stop", t.stopTraining))
	t.bar = widget.NewProgressBar()
	t.progress = widget.NewLabel("Not training.")
	t.progress.Wrapping = fyne.TextWrapWord
	t.lossPlot, t.accPlot = NewPlot(), NewPlot()
	t.lossPlot.SetChart(session.Chart{Title: "Loss", XLabel: "epoch"})
	t.accPlot.SetChart(session.Chart{Title: "Accuracy", XLabel: "epoch"})
	t.setRunning(false)

	form := widget.NewForm(
		widget.NewFormItem("Epochs", t.epochs),
		widget.NewFormItem("Steps per epoch", t.steps),
		widget.NewFormItem("Batch size", t.batch),
		widget.NewFormItem("Optimizer", t.optimizer),
		widget.NewFormItem("Learning rate", t.lr),
		widget.NewFormItem("Validation steps", t.valSteps),
		widget.NewFormItem("Seed", t.seed),
	)
	form.Items[1].HintText = "batches per epoch"
	form.Items[6].HintText = "weights and data order"
	heading := func(s string) *widget.Label {
		l := widget.NewLabel(s)
		l.TextStyle.Bold = true
		return l
	}
	settings := container.NewVBox(
		heading("Data"), t.source, t.folderBox, t.classes, t.report,
		heading("Model"), t.xfer.obj, t.arch, t.cont,
		heading("Hyperparameters"), form, t.live,
		widget.NewAccordion(widget.NewAccordionItem("Model summary", container.NewHScroll(t.summary))),
	)
	controls := container.NewHBox(t.start, t.pause, t.stp)
	top := container.NewBorder(nil, nil, controls, nil, container.NewVBox(t.bar, t.progress))
	// Plots one above the other and the data choices one per line keep the
	// page usable in a 900×600 window (issue #17: it widened the window to
	// 1176 pixels).
	plots := container.NewGridWithRows(2, t.lossPlot, t.accPlot)
	right := container.NewBorder(top, nil, nil, nil, plots)
	split := container.NewHSplit(container.NewVScroll(settings), right)
	split.Offset = 0.36
	t.obj = split
	t.showClasses()
	return t
}

func (t *trainingPanel) object() fyne.CanvasObject { return t.obj }

func (t *trainingPanel) running() bool {
	r := t.current()
	return r != nil && r.Running()
}

// current returns the latest run (nil before the first).
func (t *trainingPanel) current() *session.Training {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.run
}

// history returns the last run's history (nil if none).
func (t *trainingPanel) history() *session.History {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.hist
}

func (t *trainingPanel) showClasses() {
	if t.classes == nil || t.source == nil {
		return
	}
	switch t.source.Selected {
	case dataGenerated:
		t.classes.SetText("Classes: circles (0), crosses (1), drawn on the fly.")
	case dataFashion:
		t.classes.SetText("Classes: Fashion-MNIST's ten (28×28 grayscale; 60,000 to train, the 10,000 test images validate).")
	default:
		t.classes.SetText("Classes: the training folder's subfolders, sorted (shown when training starts).")
	}
}

// archChanged shows the summary of the chosen architecture.
func (t *trainingPanel) archChanged(s string) {
	switch s {
	case archJSON:
		c := t.u.openFile("Open Architecture", []string{".json"}, func(path string) {
			data, err := os.ReadFile(path)
			if err == nil {
				var a session.Arch
				if a, err = session.ParseArch(data); err == nil {
					t.archLoaded, t.archFile = &a, path
					t.showSummary(a)
					return
				}
			}
			t.u.showError("Cannot use architecture", fmt.Errorf("%s: %w", filepath.Base(path), err))
			t.arch.SetSelected(archReference)
		})
		c.onCancel(func() { t.arch.SetSelected(archReference) })
	case archCurrent:
		a, err := t.u.ses.ModelArch()
		if err != nil { // a graph: its functional summary, with "Connected to"
			t.pendingArch = nil
			t.u.ses.ModelSummary(t.summary.SetText)
			return
		}
		t.showSummary(a)
	default:
		t.showSummary(session.ReferenceArch())
	}
}

// modelChanged is called when the model on screen changes. A model that
// comes with a training history (a loaded file) has it plotted, unless it
// is the result of the run on screen (issue #17 defect 8: "no data yet").
func (t *trainingPanel) modelChanged() {
	t.xfer.modelChanged()
	if t.arch.Selected == archCurrent {
		t.archChanged(archCurrent)
	}
	if !t.running() {
		t.showStoredHistory()
	}
}

// showStoredHistory plots the training history stored with the model on
// screen, if it has one and it is not the run on screen's: a loaded file,
// or the built-in model at start (it showed "no data yet"). The progress
// bar of an earlier run is cleared: the text says what the plots show.
func (t *trainingPanel) showStoredHistory() {
	m := t.u.ses.Model()
	h := m.Meta.History
	if h == nil || h.Len() == 0 || h == t.history() {
		return
	}
	loss, acc := session.HistoryCharts(h)
	t.lossPlot.SetChart(loss)
	t.accPlot.SetChart(acc)
	t.bar.SetValue(0)
	t.progress.SetText(fmt.Sprintf("Not training. The plots show the training history of %s: %s.", m.Label, epochsText(h.Len())))
}

// showSummary shows the Keras summary of a — once the Training page has
// been opened (building the reference model takes a moment, off the UI
// goroutine).
func (t *trainingPanel) showSummary(a session.Arch) {
	t.pendingArch = &a
	if t.visible {
		t.refreshSummary()
	}
}

// shown is called when the Training page is selected.
func (t *trainingPanel) shown() {
	t.visible = true
	t.refreshSummary()
}

func (t *trainingPanel) refreshSummary() {
	if t.pendingArch == nil {
		return
	}
	a := *t.pendingArch
	t.pendingArch = nil
	t.u.ses.Summary(a, t.summary.SetText)
}

// chosenArch returns the architecture to train.
func (t *trainingPanel) chosenArch() (session.Arch, error) {
	switch t.arch.Selected {
	case archJSON:
		if t.archLoaded == nil {
			return session.Arch{}, errors.New("choose an architecture JSON file")
		}
		return *t.archLoaded, nil
	case archCurrent:
		return t.u.ses.ModelArch()
	}
	return session.ReferenceArch(), nil
}

// config reads the form.
func (t *trainingPanel) config() (session.TrainConfig, session.DataSpec, error) {
	c := session.DefaultTrainConfig()
	var spec session.DataSpec
	ints := []struct {
		name string
		e    *widget.Entry
		dst  *int
	}{{"epochs", t.epochs, &c.Epochs}, {"steps per epoch", t.steps, &c.StepsPerEpoch}, {"batch size", t.batch, &c.BatchSize}, {"validation steps", t.valSteps, &c.ValidationSteps}}
	for _, f := range ints {
		v, err := strconv.Atoi(strings.TrimSpace(f.e.Text))
		if err != nil || v <= 0 {
			return c, spec, fmt.Errorf("%s must be a positive whole number, not %q", f.name, f.e.Text)
		}
		*f.dst = v
	}
	lr, err := strconv.ParseFloat(strings.TrimSpace(t.lr.Text), 64)
	if err != nil || !(lr > 0) || lr > 10 {
		return c, spec, fmt.Errorf("learning rate must be a number such as 1e-4, not %q", t.lr.Text)
	}
	c.LearningRate = lr
	seed, err := strconv.ParseInt(strings.TrimSpace(t.seed.Text), 10, 64)
	if err != nil {
		return c, spec, fmt.Errorf("seed must be a whole number, not %q", t.seed.Text)
	}
	c.Seed, spec.Seed = seed, seed
	c.Optimizer = t.optimizer.Selected
	spec.Generated = t.source.Selected == dataGenerated
	if t.source.Selected == dataFolder {
		spec.TrainDir = strings.TrimSpace(t.trainDir.Text)
		spec.ValDir = strings.TrimSpace(t.valDir.Text)
		if spec.ValDir == "" {
			f, err := strconv.ParseFloat(strings.TrimSpace(t.valSplit.Text), 64)
			if err != nil || f < 0 || f >= 1 {
				return c, spec, fmt.Errorf("validation split must be a fraction from 0 to below 1, not %q", t.valSplit.Text)
			}
			spec.ValSplit = f
		}
	}
	return c, spec, nil
}

// startTraining reads the form and asks the session for a run: it opens
// the data and builds the networks off the UI goroutine. When the run
// would replace trained weights with fresh ones, it asks first
// (askDiscard), but only once the data folders' listings show that the
// run can start (a one-class or empty folder was reported only after the
// question was answered).
func (t *trainingPanel) startTraining() {
	if t.running() {
		return
	}
	_, spec, err := t.config()
	if err == nil && t.source.Selected == dataFolder && !t.xfer.fromBase() {
		err = session.CheckData(spec)
	}
	if err != nil {
		t.u.showError("Cannot start training", err)
		return
	}
	if m := t.u.ses.Model(); m.Trained && !t.cont.Checked && !t.xfer.fromBase() && !t.u.skipDiscardQuestion {
		t.askDiscard(t.startConfirmed)
		return
	}
	t.startConfirmed()
}

// askDiscard asks what Start should do with the trained model on screen
// (issue #17 defect 8: Start silently replaced it, prediction fell to
// 51 %). "Continue training" is the default, as calling Keras' fit() again
// continues from the model's weights; it also ticks "Continue from the
// current weights", so the next Start continues without asking. "Start
// from scratch" draws fresh weights from the seed. Cancel, Escape: nothing.
func (t *trainingPanel) askDiscard(start func()) {
	_, seqErr := t.u.ses.ModelArch()
	msg := fmt.Sprintf("The model on screen — %s — has trained weights. Start from scratch replaces them on screen with fresh weights drawn from the seed: training not saved to a file is lost.", t.u.modelLabel)
	if seqErr == nil {
		msg += " Continue training trains them further, as calling Keras' fit() again does."
	}
	label := widget.NewLabel(wrapText(msg, 64))
	d := dialog.NewCustomWithoutButtons("Start from scratch?", label, t.u.win)
	scratch := widget.NewButton("Start from scratch", func() { d.Hide(); start() })
	cancel := widget.NewButton("Cancel", d.Hide)
	buttons := []fyne.CanvasObject{cancel, scratch}
	var enter func() // Enter continues; it never discards weights
	if seqErr == nil {
		cont := widget.NewButton("Continue training", func() {
			d.Hide()
			t.cont.SetChecked(true)
			start()
		})
		cont.Importance = widget.HighImportance
		buttons = append(buttons, cont)
		enter = cont.OnTapped
	} else {
		scratch.Importance = widget.HighImportance
	}
	d.SetButtons(buttons)
	t.u.answerWithKeys(d, enter)
	t.discardDialog = d
	d.Show()
}

// startConfirmed starts the run the form describes.
func (t *trainingPanel) startConfirmed() {
	if t.running() {
		return
	}
	cfg, spec, err := t.config()
	if err != nil {
		t.u.showError("Cannot start training", err)
		return
	}
	t.withData(spec, "Cannot start training", func(spec session.DataSpec) { t.startWith(cfg, spec) })
}

// withData runs fn with spec; for Fashion-MNIST, once its IDX files are
// converted to class folders in the app's storage folder (the first time:
// off the UI goroutine, through the session) and spec names them.
func (t *trainingPanel) withData(spec session.DataSpec, what string, fn func(session.DataSpec)) {
	if t.source.Selected != dataFashion {
		fn(spec)
		return
	}
	out := t.u.fashionFolder()
	if out == "" {
		t.u.showError(what, errors.New("Fashion-MNIST needs the app's storage folder to convert its IDX files into, and there is none"))
		return
	}
	t.start.Disable()
	t.progress.SetText("Converting Fashion-MNIST to class folders (the first time takes a while)…")
	t.u.setStatus("Converting Fashion-MNIST's IDX files from " + t.u.fashionDir + " to class folders in " + out + "…")
	t.u.ses.PrepareFashionMNIST(t.u.fashionDir, out, func(train, test string, err error) {
		t.start.Enable()
		t.progress.SetText("Not training.")
		if err != nil {
			t.u.showError(what, err)
			return
		}
		t.u.setStatus("Fashion-MNIST is in " + out + ".")
		spec.TrainDir, spec.ValDir = train, test
		fn(spec)
	})
}

// startWith starts a run on the data spec (folders resolved).
func (t *trainingPanel) startWith(cfg session.TrainConfig, spec session.DataSpec) {
	if t.xfer.fromBase() {
		t.startTransfer(cfg, spec)
		return
	}
	arch, err := t.chosenArch()
	if err != nil {
		t.u.showError("Cannot start training", err)
		return
	}
	t.launch(session.TrainRequest{Arch: arch, Continue: t.cont.Checked, Config: cfg, Data: spec, Live: t.live.Checked}, "Preparing data…")
}

// launch asks the session for the run req, autosaved at every epoch end.
func (t *trainingPanel) launch(req session.TrainRequest, what string) {
	req.Config.Checkpoint, req.Config.Config = t.u.autosavePath(), t.formJSON()
	cfg := req.Config
	t.start.Disable()
	t.progress.SetText(what)
	t.u.ses.Train(req, session.RunCallbacks{
		OnStart:    func(run *session.Training, data *session.Data, err error) { t.started(run, data, cfg, err) },
		OnProgress: t.showProgress,
		OnDone:     t.finished,
	})
}

// started shows a run that started, or why it could not.
func (t *trainingPanel) started(run *session.Training, data *session.Data, cfg session.TrainConfig, err error) {
	if err != nil {
		t.start.Enable()
		t.progress.SetText("Not training.")
		t.u.showError("Cannot start training", err)
		return
	}
	t.u.modelChanged()
	t.classes.SetText("Classes: " + classList(data.Classes))
	t.report.SetText(data.Report)
	t.mu.Lock()
	t.run = run
	t.mu.Unlock()
	t.lossPlot.SetChart(session.Chart{Title: "Loss", XLabel: "epoch"})
	t.accPlot.SetChart(session.Chart{Title: "Accuracy", XLabel: "epoch"})
	t.bar.SetValue(0)
	t.progress.SetText(fmt.Sprintf("Starting: %d epochs of %d steps of %d images…", cfg.Epochs, cfg.StepsPerEpoch, cfg.BatchSize))
	t.setRunning(true)
}

// metricsLine is the running epoch's loss and accuracy and the last
// validation, e.g. "loss 0.6931 · accuracy 0.5000 · val_loss …".
func metricsLine(p session.Progress) string {
	s := fmt.Sprintf("loss %.4f · accuracy %.4f", p.Loss, p.Accuracy)
	if l := p.LastEpoch; l.Epoch >= 0 && l.Validated {
		s += fmt.Sprintf(" · val_loss %.4f · val_accuracy %.4f", l.ValLoss, l.ValAccuracy)
	}
	return s
}

// stoppedText says where a stopped run stopped, without an ETA (issue #17
// defect 9: "Stopped after 4 epochs. Epoch 5/30 · step 100/100 · ETA 0:00").
func stoppedText(r session.TrainResult, run *session.Training) string {
	done := 0
	if r.History != nil {
		done = r.History.Len()
	}
	if run == nil {
		return fmt.Sprintf("Stopped after %s.", epochsText(done))
	}
	p := run.Progress()
	if p.Step == 0 || p.Step == p.Steps && p.Epoch == done {
		return fmt.Sprintf("Stopped after %d of %d epochs.\n%s", done, p.Epochs, metricsLine(p))
	}
	return fmt.Sprintf("Stopped in epoch %d/%d after step %d/%d (%s complete).\n%s", p.Epoch, p.Epochs, p.Step, p.Steps, epochsText(done), metricsLine(p))
}

// epochsText is "1 epoch" or "n epochs" (the panel said "Done: 1 epochs.").
func epochsText(n int) string {
	if n == 1 {
		return "1 epoch"
	}
	return fmt.Sprintf("%d epochs", n)
}

// fmtRate writes a learning rate as Keras users do: 1e-4, 0.01 for 1e-2.
func fmtRate(v float64) string {
	if v >= 1e-3 {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	m, e, _ := strings.Cut(strconv.FormatFloat(v, 'e', -1, 64), "e")
	return m + "e" + strings.Replace(strings.Replace(e, "-0", "-", 1), "+", "", 1)
}

func classList(c []string) string {
	parts := make([]string, len(c))
	for i, n := range c {
		parts[i] = fmt.Sprintf("%s (%d)", n, i)
	}
	return strings.Join(parts, ", ")
}

func (t *trainingPanel) showProgress(p session.Progress) {
	t.bar.SetValue(p.Fraction)
	s := fmt.Sprintf("Epoch %d/%d · step %d/%d · %.1f images/s · ETA %s\n%s",
		p.Epoch, p.Epochs, p.Step, p.Steps, p.ImagesPerSec, session.FormatETA(p.ETA), metricsLine(p))
	if p.Paused { // no ETA while nothing moves
		s = fmt.Sprintf("Paused in epoch %d/%d at step %d/%d\n%s", p.Epoch, p.Epochs, p.Step, p.Steps, metricsLine(p))
	}
	t.progress.SetText(s)
	t.lossPlot.SetChart(p.LossChart)
	t.accPlot.SetChart(p.AccChart)
}

// finished ends a run: the session has put the trained weights on screen.
func (t *trainingPanel) finished(r session.TrainResult) {
	// The app saw the run end: nothing to offer at the next start.
	if p := t.u.autosavePath(); p != "" {
		session.RemoveAutosave(p)
	}
	if r.Skipped != "" {
		t.report.SetText(t.report.Text + "\n" + r.Skipped)
	}
	t.mu.Lock()
	t.hist = r.History
	run := t.run
	t.mu.Unlock()
	t.setRunning(false)
	if run != nil {
		t.showProgress(run.Progress())
	}
	t.u.modelChanged()
	switch {
	case r.Err != nil:
		t.progress.SetText("Training failed: " + r.Err.Error())
		t.u.showError("Training failed", r.Err)
	case r.Stopped:
		t.progress.SetText(stoppedText(r, run))
	default:
		n := 0
		if r.History != nil {
			n = r.History.Len()
		}
		line := ""
		if run != nil {
			line = "\n" + metricsLine(run.Progress())
		}
		t.progress.SetText(fmt.Sprintf("Done: %s.%s", epochsText(n), line))
	}
	for _, fn := range t.onStopped {
		fn()
	}
	t.onStopped = nil
}

func (t *trainingPanel) setRunning(on bool) {
	if on {
		t.start.Disable()
		t.pause.Enable()
		t.stp.Enable()
		t.arch.Disable()
		t.cont.Disable()
	} else {
		t.start.Enable()
		t.pause.Disable()
		t.stp.Disable()
		t.arch.Enable()
		t.cont.Enable()
		t.pause.SetText("Pause")
		t.pause.SetIcon(theme.MediaPauseIcon())
	}
}

func (t *trainingPanel) togglePause() {
	if !t.running() {
		return
	}
	run := t.current()
	if run.Paused() {
		run.Resume()
		t.pause.SetText("Pause")
		t.pause.SetIcon(theme.MediaPauseIcon())
	} else {
		run.Pause()
		t.pause.SetText("Resume")
		t.pause.SetIcon(theme.MediaPlayIcon())
		p := run.Progress()
		p.Paused = true
		t.showProgress(p)
	}
}

func (t *trainingPanel) stopTraining() {
	if t.running() {
		t.stp.Disable()
		t.progress.SetText("Stopping after the current batch…")
		t.current().Stop()
	}
}

// stopThen stops the run and calls fn once it has ended (UI goroutine).
func (t *trainingPanel) stopThen(fn func()) {
	if !t.running() {
		fn()
		return
	}
	t.onStopped = append(t.onStopped, fn)
	t.stopTraining()
}

// exportCSV writes the last run's history as Keras' CSVLogger does.
func (t *trainingPanel) exportCSV() {
	h := t.history()
	if h == nil {
		h = t.u.ses.Model().Meta.History
	}
	if h == nil || h.Len() == 0 {
		t.u.showError("No history", errors.New("train the model first (the history of a finished epoch is exported)"))
		return
	}
	t.u.saveFile("Export History", "history.csv", []string{".csv"}, func(path string) {
		t.u.ses.ExportHistory(path, h, func(_ []string, err error) {
			if err != nil {
				t.u.showError("Cannot export history", err)
				return
			}
			t.u.setStatus("Exported history to " + path)
		})
	})
}
