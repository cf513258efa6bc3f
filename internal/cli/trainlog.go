package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/convscope/convscope/nn"
)

// trainLog prints training progress as Keras' fit(verbose=1) does: an
// "Epoch 3/30" line when an epoch begins, then a progress bar that ends as
//
//	100/100 [==============================] - 12s 120ms/step - loss: 0.5210 - acc: 0.7400 - val_loss: 0.5530 - val_acc: 0.7150
//
// Metrics are shown under the tutorial's names (acc, val_acc); the history
// file keeps nn's (accuracy, val_accuracy).
type trainLog struct {
	w       io.Writer
	dynamic bool
	steps   int
	bar     *Progbar
	last    nn.BatchLog // the latest batch
	seen    bool        // a batch of the current epoch was reported
	batches int         // batches reported in the whole run
	now     func() time.Time
}

// newTrainLog returns a logger writing to w; dynamic redraws bars in place.
func newTrainLog(w io.Writer, dynamic bool, steps int) *trainLog {
	return &trainLog{w: w, dynamic: dynamic, steps: steps, now: time.Now}
}

// begin announces epoch (0-based) of epochs.
func (t *trainLog) begin(epoch, epochs int) {
	fmt.Fprintf(t.w, "Epoch %d/%d\n", epoch+1, epochs)
	t.bar = NewProgbar(t.w, t.steps, t.dynamic)
	t.bar.Now = t.now
	t.seen = false
}

// batch is Fit's OnBatch.
func (t *trainLog) batch(l nn.BatchLog) {
	if t.bar == nil {
		t.begin(l.Epoch, l.Epochs)
	}
	t.last, t.seen = l, true
	t.batches++
	t.bar.Update(l.Step+1, []Metric{{"loss", l.Loss}, {"acc", l.Accuracy}}, l.Elapsed)
}

// epoch is Fit's OnEpoch: it finishes the bar with the validation metrics
// and announces the next epoch.
func (t *trainLog) epoch(l nn.EpochLog) {
	m := []Metric{{"loss", l.Loss}, {"acc", l.Accuracy}}
	if l.Validated {
		m = append(m, Metric{"val_loss", l.ValLoss}, Metric{"val_acc", l.ValAccuracy})
	}
	if t.bar == nil {
		t.begin(l.Epoch, l.Epochs)
	}
	t.bar.Finish(t.steps, m, l.Duration)
	t.seen = false
	t.bar = nil
	if l.Epoch+1 < l.Epochs {
		t.begin(l.Epoch+1, l.Epochs)
	}
}

// stop ends an unfinished bar after an interruption, at the last completed
// step, so that the next message starts on a fresh line.
func (t *trainLog) stop() {
	if t.bar == nil {
		return
	}
	if t.seen {
		t.bar.Finish(t.last.Step+1, []Metric{{"loss", t.last.Loss}, {"acc", t.last.Accuracy}}, t.last.Elapsed)
	} else if t.dynamic {
		fmt.Fprintln(t.w)
	}
	t.bar = nil
}
