package session

import (
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/convscope/convscope/internal/transfer"
)

// writeFolders writes n PNG images per class into dir/<class>/.
func writeFolders(t *testing.T, dir string, n int, classes ...string) string {
	t.Helper()
	for c, name := range classes {
		if err := os.MkdirAll(filepath.Join(dir, name), 0o755); err != nil {
			t.Fatal(err)
		}
		for i := range n {
			f, err := os.Create(filepath.Join(dir, name, string(rune('a'+i))+".png"))
			if err != nil {
				t.Fatal(err)
			}
			if err := png.Encode(f, testImage(16, 16, 3*c+i)); err != nil {
				t.Fatal(err)
			}
			f.Close()
		}
	}
	return dir
}

func TestTrainTransferFromTheModelOnScreen(t *testing.T) {
	base := tinyModel(t, 16)
	conv1 := slices.Clone(base.Net.Weights()[0].Value)
	h := newHarness(t, base)
	h.Open("a", "", loaderOf(testImage(16, 16, 1)))
	h.settle()
	if cuts := h.TransferCuts(); len(cuts) != 3 || cuts[2].Name != "conv2d_2" {
		t.Fatalf("cut choices %+v, expected conv2d_1, max_pooling2d_1, conv2d_2", cuts)
	}
	dir := t.TempDir()
	train := writeFolders(t, filepath.Join(dir, "train"), 4, "ants", "bees", "wasps")
	cfg := DefaultTrainConfig()
	cfg.Epochs, cfg.BatchSize, cfg.UpdateEvery = 2, 4, time.Millisecond
	var run *Training
	var label string
	var result *TrainResult
	h.TrainTransfer(TransferRequest{Head: "flatten", Dense: 4, FineTuneLayers: 1, FineTuneEpochs: 1, Config: cfg, Data: DataSpec{TrainDir: train}, Live: true}, RunCallbacks{
		OnStart: func(r *Training, d *Data, err error) {
			if err != nil {
				t.Fatal(err)
			}
			run, label = r, h.Model().Label
			if !slices.Equal(d.Classes, []string{"ants", "bees", "wasps"}) {
				t.Errorf("classes %v", d.Classes)
			}
		},
		OnProgress: func(Progress) {},
		OnDone:     func(r TrainResult) { result = &r },
	})
	h.settle()
	if run == nil || label != "transfer training…" {
		t.Fatalf("run %v, label while training %q", run, label)
	}
	for deadline := time.Now().Add(30 * time.Second); result == nil && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
		h.settle()
	}
	if result == nil || result.Err != nil || result.History.Len() != 3 {
		t.Fatalf("result %+v", result)
	}
	m := h.Model()
	if m.Label != "transfer model (unsaved)" || m.Outputs() != 3 {
		t.Errorf("model after training: %q with %d outputs", m.Label, m.Outputs())
	}
	if o, ok := transfer.ReadOrigin(m.Meta); !ok || o.CutAfter != "conv2d_2" || o.FineTunedLayers != 1 || o.Base != "tiny" {
		t.Errorf("origin %+v", o)
	}
	if !slices.Equal(m.Net.Weights()[0].Value, conv1) {
		t.Error("the frozen conv2d_1 changed")
	}
	live := false
	for _, f := range h.frames {
		live = live || f.Live
	}
	if !live {
		t.Error("no live frame during transfer training")
	}
	if f := h.last(); f.Model != m {
		t.Error("the last frame is not of the transfer model")
	}
}
