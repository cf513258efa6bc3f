package app

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/convscope/convscope/internal/session"
)

// Start-from choices of the Training page.
const (
	startNew  = "A new network"
	startBase = "The model on screen as a base"
	cutAuto   = "last spatial layer (default)"
)

// transferOptions are the Training page's transfer-learning settings:
// start from a new network (the architecture above) or from the model on
// screen, cut after a layer, frozen, with a new head (internal/transfer).
type transferOptions struct {
	t        *trainingPanel
	from     *widget.RadioGroup
	cut      *tipSelect
	head     *tipSelect
	dense    *widget.Entry
	dropout  *widget.Entry
	augment  *widget.Check
	ftLayers *widget.Entry
	ftLR     *widget.Entry
	box      *fyne.Container
	obj      fyne.CanvasObject
}

func newTransferOptions(t *trainingPanel) *transferOptions {
	x := &transferOptions{t: t}
	x.cut = newSelect([]string{cutAuto}, t.u.win, nil)
	x.cut.SetSelected(cutAuto)
	x.head = newSelect([]string{"gap", "flatten"}, t.u.win, nil)
	x.head.SetSelected("gap")
	x.dense, x.dropout = widget.NewEntry(), widget.NewEntry()
	x.dense.SetText("0")
	x.dropout.SetText("0")
	x.augment = widget.NewCheck("Augment (rotation, shifts, shear, zoom, flip; no feature cache)", nil)
	x.ftLayers, x.ftLR = widget.NewEntry(), widget.NewEntry()
	x.ftLayers.SetText("0")
	x.ftLR.SetText("1e-5")
	form := widget.NewForm(
		widget.NewFormItem("Cut after", x.cut),
		widget.NewFormItem("Head", x.head),
		widget.NewFormItem("Dense units", x.dense),
		widget.NewFormItem("Dropout", x.dropout),
		widget.NewFormItem("Fine-tune layers", x.ftLayers),
		widget.NewFormItem("Fine-tune rate", x.ftLR),
	)
	form.Items[1].HintText = "gap: global average pooling; flatten: every feature"
	form.Items[2].HintText = "0: no hidden layer"
	form.Items[4].HintText = "top base layers trained after the head (0: none)"
	note := widget.NewLabel("An epoch is one pass over the training folder (steps per epoch and validation steps are not used); the base's features are computed once unless augmenting.")
	note.Wrapping = fyne.TextWrapWord
	note.SizeName = theme.SizeNameCaptionText
	x.box = container.NewVBox(form, x.augment, note)
	x.box.Hide()
	x.from = widget.NewRadioGroup([]string{startNew, startBase}, func(s string) {
		if s == startBase {
			x.refreshCuts()
			x.box.Show()
			t.arch.Hide() // the base is the architecture
			t.cont.Hide()
			if t.source.Selected == dataGenerated {
				t.source.SetSelected(dataFolder) // transfer learning trains on folders
			}
		} else {
			x.box.Hide()
			t.arch.Show()
			t.cont.Show()
		}
	})
	x.from.SetSelected(startNew)
	x.obj = container.NewVBox(newTipLabel("Start from", "A new network of the architecture below, or the model on screen cut and frozen with a new head (transfer learning: image folders only)", t.tips), x.from, x.box)
	return x
}

// modelChanged refreshes the cut choices for a new model on screen.
func (x *transferOptions) modelChanged() {
	if x.fromBase() {
		x.refreshCuts()
	}
}

// fromBase reports whether the run starts from the model on screen.
func (x *transferOptions) fromBase() bool { return x.from.Selected == startBase }

// refreshCuts lists the model on screen's layers a head can read.
func (x *transferOptions) refreshCuts() {
	opts := []string{cutAuto}
	for _, c := range x.t.u.ses.TransferCuts() {
		opts = append(opts, fmt.Sprintf("%s %v", c.Name, c.Shape))
	}
	x.cut.Options = opts
	if !slices.Contains(opts, x.cut.Selected) {
		x.cut.SetSelected(cutAuto)
	}
	x.cut.Refresh()
}

// request reads the transfer settings.
func (x *transferOptions) request(cfg session.TrainConfig, spec session.DataSpec, live bool) (session.TransferRequest, error) {
	r := session.TransferRequest{Head: x.head.Selected, Augment: x.augment.Checked, Config: cfg, Data: spec, Live: live}
	if spec.Generated {
		return r, errors.New("transfer learning trains on image folders: choose Image folders")
	}
	if x.cut.Selected != cutAuto {
		r.CutAfter, _, _ = strings.Cut(x.cut.Selected, " ")
	}
	var err error
	if r.Dense, err = strconv.Atoi(strings.TrimSpace(x.dense.Text)); err != nil || r.Dense < 0 {
		return r, fmt.Errorf("dense units must be a whole number ≥ 0, not %q", x.dense.Text)
	}
	if r.Dropout, err = strconv.ParseFloat(strings.TrimSpace(x.dropout.Text), 64); err != nil || r.Dropout < 0 || r.Dropout >= 1 {
		return r, fmt.Errorf("dropout must be a fraction from 0 to below 1, not %q", x.dropout.Text)
	}
	if r.FineTuneLayers, err = strconv.Atoi(strings.TrimSpace(x.ftLayers.Text)); err != nil || r.FineTuneLayers < 0 {
		return r, fmt.Errorf("fine-tune layers must be a whole number ≥ 0, not %q", x.ftLayers.Text)
	}
	if r.FineTuneLR, err = strconv.ParseFloat(strings.TrimSpace(x.ftLR.Text), 64); err != nil || !(r.FineTuneLR > 0) {
		return r, fmt.Errorf("fine-tune rate must be a number such as 1e-5, not %q", x.ftLR.Text)
	}
	return r, nil
}

// startTransfer asks the session for a transfer-learning run; the page
// then shows it as any run (progress, plot, live activations).
func (t *trainingPanel) startTransfer(cfg session.TrainConfig, spec session.DataSpec) {
	req, err := t.xfer.request(cfg, spec, t.live.Checked)
	if err != nil {
		t.u.showError("Cannot start training", err)
		return
	}
	t.start.Disable()
	t.progress.SetText("Preparing data and the base…")
	t.u.ses.TrainTransfer(req, session.RunCallbacks{
		OnStart: func(run *session.Training, data *session.Data, err error) {
			if run != nil {
				cfg.StepsPerEpoch = run.Progress().Steps
				cfg.Epochs = run.Progress().Epochs
			}
			t.started(run, data, cfg, err)
		},
		OnProgress: t.showProgress,
		OnDone:     t.finished,
	})
}
