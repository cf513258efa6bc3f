package session

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convscope/convscope/nn"
)

// A run that saves epoch-end checkpoints, "killed" after its second epoch,
// resumes from the file (fresh network, optimizer and sources) to the
// weights and history of an uninterrupted run: the app's autosave.
func TestCheckpointAndResume(t *testing.T) {
	fresh := func(epochs int) (*nn.Sequential, TrainConfig) {
		net, err := tinyModel(t, 12).CloneNet()
		if err != nil {
			t.Fatal(err)
		}
		cfg := tinyTrainConfig()
		cfg.Epochs = epochs
		cfg.Optimizer = "adam"
		return net, cfg
	}
	run := func(net *nn.Sequential, cfg TrainConfig) TrainResult {
		var res TrainResult
		tr, err := StartTraining(net, cfg, TrainCallbacks{OnDone: func(r TrainResult) { res = r }, OnCheckpointError: func(err error) { t.Error(err) }})
		if err != nil {
			t.Fatal(err)
		}
		<-tr.Done()
		if res.Err != nil {
			t.Fatal(res.Err)
		}
		return res
	}
	net, cfg := fresh(3)
	want := run(net, cfg)

	// The first two epochs of the same run, with an autosave.
	path := filepath.Join(t.TempDir(), "autosave.safetensors")
	net, cfg = fresh(2)
	cfg.Checkpoint, cfg.Classes, cfg.Config = path, []string{"dark", "light"}, `{"source":"stripes"}`
	run(net, cfg)

	saved, meta, ck, err := nn.LoadCheckpoint(path)
	if err != nil || ck == nil {
		t.Fatalf("autosave: %v, checkpoint %v", err, ck)
	}
	if ck.Progress.Epoch != 2 || ck.Config != `{"source":"stripes"}` || meta.History.Len() != 2 || len(meta.ClassNames) != 2 {
		t.Fatalf("autosave progress %+v, config %q, %d epochs of history", ck.Progress, ck.Config, meta.History.Len())
	}
	_, cfg = fresh(3)
	cfg.Init = true // ignored when resuming
	cfg.Resume, cfg.History = ck, meta.History
	cfg.Checkpoint, cfg.Classes = path, meta.ClassNames
	got := run(saved, cfg)
	if !closeWeights(got.Net, want.Net, 1e-6) {
		t.Error("resumed weights differ from the uninterrupted run's")
	}
	_, meta, ck, _ = nn.LoadCheckpoint(path)
	if ck.Progress.Epoch != 3 || meta.History.Len() != 3 {
		t.Errorf("after resuming, the autosave is at epoch %d with %d epochs of history", ck.Progress.Epoch, meta.History.Len())
	}
	if a, b := meta.History.Values("loss"), want.History.Values("loss"); !equalFloats(a, b) {
		t.Errorf("loss history %v, want %v", a, b)
	}
}

func closeWeights(a, b *nn.Sequential, tol float64) bool {
	pa, pb := a.Params(), b.Params()
	if len(pa) != len(pb) {
		return false
	}
	for i := range pa {
		for j := range pa[i].Value {
			if math.Abs(float64(pa[i].Value[j]-pb[i].Value[j])) > tol*math.Max(1, math.Abs(float64(pb[i].Value[j]))) {
				return false
			}
		}
	}
	return true
}

func equalFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestLoadAutosave(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "autosave.safetensors")
	if a, err := LoadAutosave(path); a != nil || err != nil {
		t.Errorf("no autosave: %v, %v", a, err)
	}
	m := tinyModel(t, 12)
	if err := nn.SaveFile(path, m.Net, nn.Metadata{}); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadAutosave(path); err == nil {
		t.Error("a plain model file was taken for an autosave")
	}
	ck := nn.Checkpoint{Optimizer: nn.NewRMSprop(0).State(), Progress: nn.FitProgress{Epoch: 2, Step: 5}}
	if err := nn.SaveCheckpoint(path, m.Net, nn.Metadata{}, ck, 1e-3); err != nil {
		t.Fatal(err)
	}
	a, err := LoadAutosave(path)
	if err != nil || a == nil || !strings.HasPrefix(a.Describe(), "in epoch 3 after step 5 (saved ") {
		t.Fatalf("autosave %v, %v", a, err)
	}
	if err := RemoveAutosave(path); err != nil {
		t.Fatal(err)
	}
	if err := RemoveAutosave(path); err != nil {
		t.Errorf("removing a missing autosave: %v", err)
	}
}
