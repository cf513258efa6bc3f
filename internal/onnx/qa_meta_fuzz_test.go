package onnx

import (
	"math"
	"strings"
	"testing"

	"github.com/convscope/convscope/nn"
)

// FuzzRecordedPreprocessing: whatever a file Convscope exported records in
// metadata_props "rescale", "mean", "std" and "interpolation" (an empty
// string leaves the key out), reading it back either fails with one error
// line or gives a usable preprocessing: a positive finite rescale, three
// finite means and positive finite stds or none, nearest or bilinear.
func FuzzRecordedPreprocessing(f *testing.F) {
	f.Add("0.00392156862745098", "[0.485,0.456,0.406]", "[0.229,0.224,0.225]", "bilinear")
	f.Add("1", "", "", "")
	f.Add("-1", "[0.5,0.5]", "[0.2,0,0.2]", "cubic")
	f.Add("1e309", "[1e309,0,0]", "[NaN,1,1]", "nearest")
	f.Fuzz(func(t *testing.T, rescale, mean, std, interp string) {
		m := &Model{}
		for _, kv := range []KeyValue{{"rescale", rescale}, {"mean", mean}, {"std", std}, {"interpolation", interp}} {
			if kv.Value != "" {
				m.Metadata = append(m.Metadata, kv)
			}
		}
		meta := nn.Metadata{Rescale: nn.DefaultRescale, Interpolation: "nearest"}
		if err := recordedPreprocessing(m, &meta, 3); err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("multi-line error %q", err)
			}
			return
		}
		if !(meta.Rescale > 0) || math.IsInf(meta.Rescale, 0) {
			t.Errorf("rescale %v from %q", meta.Rescale, rescale)
		}
		if meta.Mean != nil || meta.Std != nil {
			if len(meta.Mean) != 3 || len(meta.Std) != 3 {
				t.Fatalf("mean %v std %v from %q, %q", meta.Mean, meta.Std, mean, std)
			}
			for i := range 3 {
				if math.IsNaN(meta.Mean[i]) || math.IsInf(meta.Mean[i], 0) || !(meta.Std[i] > 0) || math.IsInf(meta.Std[i], 0) {
					t.Errorf("mean %v std %v from %q, %q", meta.Mean, meta.Std, mean, std)
				}
			}
		}
		if meta.Interpolation != "nearest" && meta.Interpolation != "bilinear" {
			t.Errorf("interpolation %q from %q", meta.Interpolation, interp)
		}
	})
}
