package app

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/convscope/convscope/internal/onnx"
	"github.com/convscope/convscope/nn"
)

// TestONNXRecordedPreprocessing: an ONNX file Convscope exported records
// its preprocessing; opening it asked for a preset anyway, with the
// tutorial's pre-selected, so Enter ran an ImageNet model on 0–1 pixels.
// A preset that matches what the file records opens it without a
// question; a file recording the tutorial's (or nothing) still asks, with
// tutorial pre-selected.
func TestONNXRecordedPreprocessing(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		meta nn.Metadata
		ask  bool
		want string
	}{
		{"imagenet", nn.Metadata{Rescale: nn.DefaultRescale, Mean: nn.ImageNetMean(), Std: nn.ImageNetStd(), Interpolation: "bilinear"}, false, "imagenet"},
		{"raw", nn.Metadata{Rescale: 1, Interpolation: "nearest"}, false, "raw"},
		{"own mean", nn.Metadata{Rescale: nn.DefaultRescale, Mean: []float64{0.5, 0.5, 0.5}, Std: []float64{0.25, 0.25, 0.25}, Interpolation: "bilinear"}, false, "recorded"},
		{"tutorial", nn.Metadata{Rescale: nn.DefaultRescale, Interpolation: "nearest"}, true, "tutorial"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			om, err := onnx.ExportGraph(residualGraph(t), tt.meta)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, tt.name+".onnx")
			if err := os.WriteFile(path, om.Marshal(), 0o644); err != nil {
				t.Fatal(err)
			}
			u := newTestUI(t)
			u.openPath(path)
			settle(u)
			if asked := u.preprocessDialog != nil; asked != tt.ask {
				t.Fatalf("asked for the preprocessing: %v, want %v", asked, tt.ask)
			}
			if tt.ask {
				radio := findRadio(topOverlay(u))
				if radio == nil || radio.Selected != radio.Options[0] {
					t.Fatalf("pre-selected %v, want the tutorial's", radio)
				}
				test.Tap(findButton(topOverlay(u), "Open"))
				settle(u)
			}
			if m := u.ses.Model(); !m.IsGraph() || m.Preprocess != tt.want {
				t.Errorf("opened %q with %q, want %q", m.Label, m.Preprocess, tt.want)
			}
		})
	}
}
