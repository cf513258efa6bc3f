package nn

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func fashionCard() *ModelCard {
	return &ModelCard{
		Data: "Fashion-MNIST", TrainImages: 60000, ValidationData: "the test set", ValidationImages: 10000,
		Trained: "2026-11-29", Epochs: 10, ValidationAccuracy: 0.9234, TestAccuracy: 0.9234, TestImages: 10000,
		Knows: "Knows only clothes.", Command: "convscope train …",
	}
}

func TestModelCardRoundTrip(t *testing.T) {
	m := smallConvNet(t, 1, 3)
	card := fashionCard()
	b := savedBytes(t, m, Metadata{ClassNames: []string{"a", "b"}, Card: card})
	got, meta, err := Load(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(meta.Card, card) || meta.Extra != nil {
		t.Errorf("card %+v, extra %v; want %+v", meta.Card, meta.Extra, card)
	}
	if !bitEqual(weights(got), weights(m)) {
		t.Error("weights differ")
	}
	// A file without a card loads with none.
	_, meta, err = Load(bytes.NewReader(savedBytes(t, m, Metadata{})))
	if err != nil || meta.Card != nil {
		t.Errorf("no card: %+v, %v", meta.Card, err)
	}
}

func TestModelCardForwardCompatible(t *testing.T) {
	// Keys a newer Convscope may add are ignored; a card never stops a model
	// from loading unless it is malformed.
	kv := map[string]string{"model_card": `{"data": "x", "knows": "y", "licence": "MIT", "epochs": 3}`}
	card, err := decodeCard(kv["model_card"])
	if err != nil || card.Data != "x" || card.Epochs != 3 {
		t.Errorf("card %+v, %v", card, err)
	}
}

func TestModelCardErrors(t *testing.T) {
	m := smallConvNet(t, 1, 3)
	tests := []struct {
		card ModelCard
		want string
	}{
		{ModelCard{Knows: "two\nlines"}, "knows must be one line"},
		{ModelCard{Trained: "29/11/2026"}, "trained: expected a date YYYY-MM-DD"},
		{ModelCard{TestAccuracy: 92}, "test_accuracy: expected a number in [0, 1], received 92"},
		{ModelCard{Epochs: -1}, "epochs: expected a count ≥ 0, received -1"},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		err := Write(&b, m, Metadata{Card: &tt.card})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("save %+v: error %v, want %q", tt.card, err, tt.want)
		}
	}
	for _, v := range []string{`[1]`, `{"validation_accuracy": -0.5}`, `{"data": 7}`} {
		if _, err := decodeMeta(map[string]string{"model_card": v}); err == nil || !strings.Contains(err.Error(), "model_card") && !strings.Contains(err.Error(), "model card") {
			t.Errorf("load %s: error %v", v, err)
		}
	}
}

func TestCardLines(t *testing.T) {
	tests := []struct {
		name  string
		meta  Metadata
		input []int
		want  []string
	}{
		{"no card", Metadata{ClassNames: []string{"a", "b"}, ColorMode: "rgb", Rescale: DefaultRescale}, []int{150, 150, 3},
			[]string{"Classes: a, b", "Input: 150×150 rgb, pixels × 1/255, resized with nearest"}},
		{"card", Metadata{ClassNames: []string{"a", "b"}, ColorMode: "grayscale", Rescale: 1, Interpolation: "bilinear", Card: fashionCard()}, []int{28, 28, 1},
			[]string{
				"Trained on: Fashion-MNIST (60,000 images)",
				"Classes: a, b",
				"Training: 10 epochs, finished 2026-11-29",
				"Accuracy: validation 0.9234 (10,000 images: the test set), test 0.9234 on 10,000 images",
				"Input: 28×28 grayscale, resized with bilinear",
				"Knows only clothes.",
			}},
		{"sparse card", Metadata{Card: &ModelCard{Data: "shapes", ValidationAccuracy: 0.979}, Rescale: 0.5}, []int{8, 8, 3},
			[]string{"Trained on: shapes", "Accuracy: validation 0.9790", "Input: 8×8 3 channels, pixels × 0.5, resized with nearest"}},
	}
	for _, tt := range tests {
		if got := tt.meta.CardLines(tt.input); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 60000: "60,000", 1234567: "1,234,567"} {
		if got := groupDigits(n); got != want {
			t.Errorf("groupDigits(%d) = %q, want %q", n, got, want)
		}
	}
}

func ExampleMetadata_CardLines() {
	meta := Metadata{
		ClassNames: []string{"circles", "crosses"},
		ColorMode:  "rgb",
		Card: &ModelCard{
			Data:               "generated circles and crosses",
			Epochs:             10,
			ValidationAccuracy: 0.979,
			ValidationImages:   1000,
			Knows:              "Knows only drawn circles and crosses.",
		},
	}
	for _, l := range meta.CardLines([]int{150, 150, 3}) {
		fmt.Println(l)
	}
	// Output:
	// Trained on: generated circles and crosses
	// Classes: circles, crosses
	// Training: 10 epochs
	// Accuracy: validation 0.9790 (1,000 images)
	// Input: 150×150 rgb, pixels × 1/255, resized with nearest
	// Knows only drawn circles and crosses.
}
