package nn

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

// The card's bounds: accuracies in [0, 1] (both ends allowed), counts ≥ 0,
// every text field one line.
func TestModelCardCheckBounds(t *testing.T) {
	tests := []struct {
		card ModelCard
		want string // "" if valid
	}{
		{ModelCard{ValidationAccuracy: 1, TestAccuracy: 1}, ""},
		{ModelCard{ValidationAccuracy: 0, TestAccuracy: 0, TrainImages: 0, Epochs: 0}, ""},
		{ModelCard{ValidationAccuracy: math.Nextafter(1, 2)}, "nn: model card: validation_accuracy: expected a number in [0, 1], received 1.0000000000000002"},
		{ModelCard{TestAccuracy: -1e-9}, "nn: model card: test_accuracy: expected a number in [0, 1], received -1e-09"},
		{ModelCard{TestAccuracy: math.NaN()}, "test_accuracy: expected a number in [0, 1], received NaN"},
		{ModelCard{TrainImages: -1}, "nn: model card: train_images: expected a count ≥ 0, received -1"},
		{ModelCard{ValidationImages: -2}, "validation_images: expected a count ≥ 0, received -2"},
		{ModelCard{TestImages: -3}, "test_images: expected a count ≥ 0, received -3"},
		{ModelCard{Data: "a\rb"}, `nn: model card: data must be one line, received "a\rb"`},
		{ModelCard{ValidationData: "a\nb"}, "validation_data must be one line"},
		{ModelCard{Command: "train\n--x"}, "command must be one line"},
		{ModelCard{Trained: "2026-02-30"}, `nn: model card: trained: expected a date YYYY-MM-DD, received "2026-02-30"`},
		{ModelCard{Trained: "2026-02-28"}, ""},
	}
	for _, tt := range tests {
		_, err := encodeCard(&tt.card)
		if (tt.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: error %v, want %q", tt.card, err, tt.want)
		}
	}
	if c, err := decodeCard(`{"knows":"k","test_accuracy":1,"epochs":0}`); err != nil || c.TestAccuracy != 1 || c.Knows != "k" {
		t.Errorf("decode: %+v, %v", c, err)
	}
	if _, err := decodeCard(`{"epochs":-1}`); err == nil || err.Error() != "nn: model card: epochs: expected a count ≥ 0, received -1" {
		t.Errorf("decode a negative count: %v", err)
	}
	if _, err := decodeCard(`[`); err == nil || err.Error() != `nn: metadata: model_card: expected a JSON object, received "["` {
		t.Errorf("decode broken JSON: %v", err)
	}
}

func TestCardLinesParts(t *testing.T) {
	tests := []struct {
		name  string
		meta  Metadata
		input []int
		want  []string
	}{
		{"date only, test only", Metadata{Card: &ModelCard{Data: "d", Trained: "2026-01-02", TestAccuracy: 0.5}}, []int{4},
			[]string{"Trained on: d", "Training: finished 2026-01-02", "Accuracy: test 0.5000"}},
		{"validation data without a count", Metadata{Card: &ModelCard{ValidationAccuracy: 0.25, ValidationData: "held out", TestAccuracy: 1, TestImages: 1}}, []int{2, 2},
			[]string{"Accuracy: validation 0.2500 (held out), test 1.0000 on 1 images"}},
		{"one epoch, counted validation", Metadata{Card: &ModelCard{Epochs: 1, ValidationAccuracy: 0.5, ValidationImages: 1, Knows: "k"}, Rescale: 1}, []int{3, 2, 1},
			[]string{"Training: 1 epochs", "Accuracy: validation 0.5000 (1 images)", "Input: 3×2 1 channels, resized with nearest", "k"}},
		{"nothing", Metadata{Card: &ModelCard{}}, nil, nil},
		{"rescale 1/255 written out", Metadata{Rescale: 1.0 / 255, Interpolation: "bicubic"}, []int{5, 6, 3},
			[]string{"Input: 5×6 3 channels, pixels × 1/255, resized with bicubic"}},
		{"rescale 2/255", Metadata{Rescale: 2.0 / 255}, []int{5, 6, 3},
			[]string{"Input: 5×6 3 channels, pixels × 0.00784314, resized with nearest"}},
	}
	for _, tt := range tests {
		if got := tt.meta.CardLines(tt.input); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
	for _, tt := range []struct {
		n          int
		what, want string
	}{{0, "", ""}, {0, "x", "x"}, {1, "", "1 images"}, {1000, "the test set", "1,000 images: the test set"}} {
		if got := countOf(tt.n, tt.what); got != tt.want {
			t.Errorf("countOf(%d, %q) = %q, want %q", tt.n, tt.what, got, tt.want)
		}
	}
	for n, want := range map[int]string{-1: "-1", -1234: "-1,234", -999999: "-999,999", 100: "100", 123456: "123,456", 1000000: "1,000,000"} {
		if got := groupDigits(n); got != want {
			t.Errorf("groupDigits(%d) = %q, want %q", n, got, want)
		}
	}
}
