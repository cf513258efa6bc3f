package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"

	"fyne.io/fyne/v2/dialog"

	"github.com/convscope/convscope/internal/session"
)

// autosaveName is the training autosave in the app's storage folder: the
// run's last epoch-end checkpoint (weights, optimizer state, progress and
// the form), removed when the run ends in the app. If it is still there
// at the next start, the app did not see the run end (it was killed, or
// crashed) and offers to resume it (issue #17, "no lost training").
const autosaveName = "autosave.safetensors"

// autosavePath returns the autosave's path, or "" without app storage.
func (u *UI) autosavePath() string {
	root := u.app.Storage().RootURI()
	if root == nil || root.Scheme() != "file" {
		return ""
	}
	return filepath.Join(root.Path(), autosaveName)
}

// fashionFolder is where Fashion-MNIST's class folders go in the app's
// storage folder, or "" without app storage.
func (u *UI) fashionFolder() string {
	root := u.app.Storage().RootURI()
	if root == nil || root.Scheme() != "file" {
		return ""
	}
	return filepath.Join(root.Path(), "fashion-mnist")
}

// formState is the Training form as an autosave records it, to open the
// same data again when the run resumes.
type formState struct {
	Source    string `json:"source"`
	Train     string `json:"train,omitempty"`
	Val       string `json:"val,omitempty"`
	ValSplit  string `json:"validation_split,omitempty"`
	Epochs    string `json:"epochs"`
	Steps     string `json:"steps_per_epoch"`
	Batch     string `json:"batch"`
	Optimizer string `json:"optimizer"`
	LR        string `json:"lr"`
	ValSteps  string `json:"validation_steps"`
	Seed      string `json:"seed"`
	Live      bool   `json:"live"`
}

func (t *trainingPanel) formJSON() string {
	b, _ := json.Marshal(formState{t.source.Selected, t.trainDir.Text, t.valDir.Text, t.valSplit.Text, t.epochs.Text, t.steps.Text,
		t.batch.Text, t.optimizer.Selected, t.lr.Text, t.valSteps.Text, t.seed.Text, t.live.Checked})
	return string(b)
}

// setForm fills the form from formJSON's output.
func (t *trainingPanel) setForm(js string) error {
	var f formState
	if err := json.Unmarshal([]byte(js), &f); err != nil || f.Epochs == "" {
		return errors.New("the autosave does not record the training settings")
	}
	t.source.SetSelected(f.Source)
	t.trainDir.SetText(f.Train)
	t.valDir.SetText(f.Val)
	t.valSplit.SetText(f.ValSplit)
	t.epochs.SetText(f.Epochs)
	t.steps.SetText(f.Steps)
	t.batch.SetText(f.Batch)
	t.optimizer.SetSelected(f.Optimizer)
	t.lr.SetText(f.LR)
	t.valSteps.SetText(f.ValSteps)
	t.seed.SetText(f.Seed)
	t.live.SetChecked(f.Live)
	return nil
}

// offerResume looks for an autosave (on the session's worker) and, if
// there is one, asks whether to resume the run it records.
func (u *UI) offerResume() {
	path := u.autosavePath()
	if path == "" {
		return
	}
	u.ses.Do(func(*session.Model) {
		a, err := session.LoadAutosave(path)
		u.post(func() {
			switch {
			case err != nil:
				session.RemoveAutosave(path)
				u.setStatus("An unfinished training run could not be read back: " + err.Error())
			case a != nil:
				u.askResume(a)
			}
		})
	})
}

// askResume offers to continue the autosaved run a.
func (u *UI) askResume(a *session.Autosave) {
	msg := fmt.Sprintf("A training run did not finish: it stopped %s.\nResume it where it stopped? (No discards it.)", a.Describe())
	d := dialog.NewConfirm("Resume training?", msg, func(ok bool) {
		if !ok {
			session.RemoveAutosave(a.Path)
			return
		}
		u.tabs.SelectIndex(1)
		u.training.resume(a)
	}, u.win)
	u.answerWithKeys(d, d.Confirm)
	d.Show()
}

// resume continues the autosaved run a with the settings it recorded.
func (t *trainingPanel) resume(a *session.Autosave) {
	if t.running() {
		return
	}
	if err := t.setForm(a.Checkpoint.Config); err != nil {
		t.u.showError("Cannot resume training", err)
		return
	}
	cfg, spec, err := t.config()
	if err != nil {
		t.u.showError("Cannot resume training", err)
		return
	}
	if p := a.Checkpoint.Progress; p.Epoch >= cfg.Epochs {
		session.RemoveAutosave(a.Path)
		t.u.setStatus("The autosaved run had already trained all " + strconv.Itoa(cfg.Epochs) + " epochs.")
		return
	}
	t.withData(spec, "Cannot resume training", func(spec session.DataSpec) {
		t.launch(session.TrainRequest{Config: cfg, Data: spec, Live: t.live.Checked, Resume: a}, "Resuming…")
	})
}
