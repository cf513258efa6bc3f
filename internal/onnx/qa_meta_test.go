package onnx

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/convscope/convscope/nn"
)

// TestRecordedPreprocessing: export writes the model's rescale, mean and
// std into metadata_props, but opening the file without a preset took the
// tutorial's (× 1/255, no mean or std), so a model exported with
// ImageNet's preprocessing predicted another class when read back (class
// 600 against 603 for a SqueezeNet). Read with no preset now uses what the
// file records; a preset given still wins; bad records are one error.
func TestRecordedPreprocessing(t *testing.T) {
	m := tutorialNet(t)
	imagenet := nn.Metadata{ClassNames: []string{"cats", "dogs"}, Rescale: nn.DefaultRescale, Mean: nn.ImageNetMean(), Std: nn.ImageNetStd(), Interpolation: "bilinear"}
	om, err := ExportSequential(m, imagenet)
	if err != nil {
		t.Fatal(err)
	}
	_, meta, err := Read(bytes.NewReader(om.Marshal()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if meta.Rescale != imagenet.Rescale || !reflect.DeepEqual(meta.Mean, imagenet.Mean) || !reflect.DeepEqual(meta.Std, imagenet.Std) || meta.Interpolation != "bilinear" || meta.ColorMode != "rgb" {
		t.Errorf("read back: rescale %v mean %v std %v interpolation %q colour %q; expected the exported ImageNet preprocessing",
			meta.Rescale, meta.Mean, meta.Std, meta.Interpolation, meta.ColorMode)
	}
	_, meta, err = Read(bytes.NewReader(om.Marshal()), Options{Preprocess: PresetRaw})
	if err != nil || meta.Rescale != 1 || meta.Mean != nil {
		t.Errorf("--preprocess raw over a recorded preprocessing: rescale %v mean %v (%v)", meta.Rescale, meta.Mean, err)
	}
	// Files exported before "interpolation" was written: a mean and std
	// mean bilinear; none, the tutorial's nearest.
	for _, c := range []struct {
		props  []KeyValue
		interp string
		err    string
	}{
		{[]KeyValue{{"rescale", "0.00392156862745098"}, {"mean", "[0.485,0.456,0.406]"}, {"std", "[0.229,0.224,0.225]"}}, "bilinear", ""},
		{[]KeyValue{{"rescale", "1"}}, "nearest", ""},
		{nil, "nearest", ""},
		{[]KeyValue{{"rescale", "-1"}}, "", `"rescale": expected a positive number`},
		{[]KeyValue{{"mean", "[0.5,0.5]"}, {"std", "[0.2,0.2]"}}, "", "expected 3 numbers each"},
		{[]KeyValue{{"mean", "[0.5,0.5,0.5]"}, {"std", "[0.2,0,0.2]"}}, "", "positive stds"},
		{[]KeyValue{{"mean", "[0.5,0.5,0.5]"}}, "", "expected 3 numbers each"},
		{[]KeyValue{{"interpolation", "cubic"}}, "", "expected nearest or bilinear"},
	} {
		om.Metadata = c.props
		_, meta, err := Read(bytes.NewReader(om.Marshal()), Options{})
		switch {
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
			t.Errorf("%v: error %v, expected %q", c.props, err, c.err)
		case c.err == "" && (err != nil || meta.Interpolation != c.interp):
			t.Errorf("%v: interpolation %q (%v), expected %q", c.props, meta.Interpolation, err, c.interp)
		}
	}
	// Another producer's keys of these names are not read: the tutorial
	// preset, and no error for a value Convscope would not write.
	om.ProducerName = "pytorch"
	for _, props := range [][]KeyValue{
		{{"rescale", "0.00392156862745098"}, {"mean", "[0.485,0.456,0.406]"}, {"std", "[0.229,0.224,0.225]"}},
		{{"mean", "0.5"}, {"interpolation", "cubic"}},
	} {
		om.Metadata = props
		_, meta, err := Read(bytes.NewReader(om.Marshal()), Options{})
		if err != nil || meta.Mean != nil || meta.Interpolation != "nearest" {
			t.Errorf("producer %q, %v: mean %v interpolation %q (%v); expected the tutorial preset", om.ProducerName, props, meta.Mean, meta.Interpolation, err)
		}
	}
}
