package app

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
)

func TestTrainingTransferFromModelOnScreen(t *testing.T) {
	dir := t.TempDir()
	for _, class := range []string{"ants", "bees", "wasps"} {
		os.MkdirAll(filepath.Join(dir, class), 0o755)
		for i := range 4 {
			writePNG(t, filepath.Join(dir, class), fmt.Sprintf("%s%d.png", class, i), 24+i+len(class), 24)
		}
	}
	u := newTestUI(t)
	setupTinyTraining(u, "2")
	tp := u.training
	tp.source.SetSelected(dataFolder)
	tp.trainDir.SetText(dir)
	tp.xfer.from.SetSelected(startBase)
	if tp.arch.Visible() || tp.cont.Visible() || !tp.xfer.box.Visible() {
		t.Error("with a base: the architecture choice should hide and the transfer settings show")
	}
	if got := strings.Join(tp.xfer.cut.Options, "|"); got != cutAuto+"|conv2d_1 [22 22 8]|max_pooling2d_1 [11 11 8]|conv2d_2 [9 9 8]" {
		t.Errorf("cut choices %q", got)
	}
	tp.xfer.cut.SetSelected(tp.xfer.cut.Options[2]) // max_pooling2d_1
	tp.xfer.dense.SetText("4")
	tp.xfer.ftLayers.SetText("1")
	test.Tap(tp.start)
	settle(u)
	run := tp.current()
	if run == nil {
		t.Fatalf("transfer training did not start: %q", tp.progress.Text)
	}
	waitRun(t, u, "the run to end", func() bool { return !run.Running() })
	settle(u)
	res := run.Wait()
	if res.Err != nil || res.History.Len() != 4 {
		t.Fatalf("result %+v", res)
	}
	m := u.ses.Model()
	if m.Label != "transfer model (unsaved)" || strings.Join(m.Classes, ",") != "ants,bees,wasps" || m.Outputs() != 3 {
		t.Errorf("model after transfer: %q, classes %v, %d outputs", m.Label, m.Classes, m.Outputs())
	}
	if o := m.Meta.Extra["transfer_origin"]; !strings.Contains(o, `"cut_after":"max_pooling2d_1"`) || !strings.Contains(o, `"fine_tuned_layers":1`) {
		t.Errorf("origin %q: expected the chosen cut and one fine-tuned layer", o)
	}
	if n := tp.lossPlot.Points(); n == 0 {
		t.Error("the loss plot is empty")
	}

	// Generated data cannot be used, and bad numbers are refused.
	cfg, spec, err := tp.config()
	if err != nil {
		t.Fatal(err)
	}
	spec.Generated = true
	if _, err := tp.xfer.request(cfg, spec, false); err == nil || !strings.Contains(err.Error(), "image folders") {
		t.Errorf("generated data: %v", err)
	}
	spec.Generated = false
	tp.xfer.dropout.SetText("1")
	if _, err := tp.xfer.request(cfg, spec, false); err == nil || !strings.Contains(err.Error(), "dropout") {
		t.Errorf("dropout 1: %v", err)
	}
}
