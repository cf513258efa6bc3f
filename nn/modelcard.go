package nn

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ModelCard says what a model was trained on and how well it did, so that
// a confident prediction on an image it was never meant for is not taken
// for understanding. It follows the spirit of M. Mitchell et al., "Model
// Cards for Model Reporting" (FAT* 2019), trimmed to what a small image
// classifier needs. It is stored as JSON under the "model_card" key of the
// safetensors metadata; files without one load with Metadata.Card nil, and
// unknown JSON keys are ignored, so older and newer readers both cope.
//
// The input size and preprocessing are not repeated here: the metadata
// records them (input_shape, rescale, color_mode, interpolation) and
// Metadata.CardLines prints them with the card.
type ModelCard struct {
	// Data names what the model was trained on, e.g. "Fashion-MNIST
	// (Zalando Research, MIT licence): 28×28 grayscale product photos".
	Data string `json:"data"`
	// TrainImages is the number of distinct training images (0 if unknown
	// or, for generated data, a fresh image per sample: see Data).
	TrainImages int `json:"train_images,omitempty"`
	// ValidationData and ValidationImages describe the validation set.
	ValidationData   string `json:"validation_data,omitempty"`
	ValidationImages int    `json:"validation_images,omitempty"`
	// Trained is the date training finished, as YYYY-MM-DD.
	Trained string `json:"trained,omitempty"`
	// Epochs is the number of training epochs.
	Epochs int `json:"epochs,omitempty"`
	// ValidationAccuracy is the accuracy on the validation set after the
	// last epoch, 0..1 (0: not recorded).
	ValidationAccuracy float64 `json:"validation_accuracy,omitempty"`
	// TestAccuracy is the accuracy on TestImages held-out test images,
	// measured after training (0: not measured).
	TestAccuracy float64 `json:"test_accuracy,omitempty"`
	TestImages   int     `json:"test_images,omitempty"`
	// Knows is one line saying what the model can recognise and nothing
	// else, for example "Knows only 28×28 grayscale photos of single
	// clothing items on a black background; it labels anything else as
	// one of its 10 classes anyway."
	Knows string `json:"knows"`
	// Command is how the model was trained, for reproducing it.
	Command string `json:"command,omitempty"`
}

// check validates the card: one-line texts, a date, accuracies in [0, 1],
// counts not negative.
func (c *ModelCard) check() error {
	for _, f := range []struct{ name, v string }{{"data", c.Data}, {"validation_data", c.ValidationData}, {"knows", c.Knows}, {"command", c.Command}} {
		if strings.ContainsAny(f.v, "\r\n") {
			return fmt.Errorf("nn: model card: %s must be one line, received %q", f.name, stExcerpt(f.v))
		}
	}
	if c.Trained != "" {
		if _, err := time.Parse(time.DateOnly, c.Trained); err != nil {
			return fmt.Errorf("nn: model card: trained: expected a date YYYY-MM-DD, received %q", stExcerpt(c.Trained))
		}
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"validation_accuracy", c.ValidationAccuracy}, {"test_accuracy", c.TestAccuracy}} {
		if math.IsNaN(f.v) || f.v < 0 || f.v > 1 {
			return fmt.Errorf("nn: model card: %s: expected a number in [0, 1], received %v", f.name, f.v)
		}
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"train_images", c.TrainImages}, {"validation_images", c.ValidationImages}, {"epochs", c.Epochs}, {"test_images", c.TestImages}} {
		if f.v < 0 {
			return fmt.Errorf("nn: model card: %s: expected a count ≥ 0, received %d", f.name, f.v)
		}
	}
	return nil
}

// encodeCard returns the card's JSON.
func encodeCard(c *ModelCard) (string, error) {
	if err := c.check(); err != nil {
		return "", err
	}
	b, err := json.Marshal(c)
	return string(b), err
}

// decodeCard parses the "model_card" metadata entry.
func decodeCard(v string) (*ModelCard, error) {
	var c ModelCard
	if err := json.Unmarshal([]byte(v), &c); err != nil {
		return nil, fmt.Errorf("nn: metadata: model_card: expected a JSON object, received %q", stExcerpt(v))
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	return &c, nil
}

// CardLines describes a model for a person: its model card, if any, and
// the input and preprocessing recorded in meta for a model whose
// per-sample input shape is input. Each line is "Label: text". Without a
// card it returns only the class and input lines.
//
// Example (Fashion-MNIST model):
//
//	Trained on: Fashion-MNIST … (60,000 images)
//	Classes: T-shirt/top, Trouser, Pullover, …
//	Training: 10 epochs, finished 2026-11-29
//	Accuracy: validation 0.9234 (…), test 0.9234 on 10,000 images
//	Input: 28×28 grayscale, pixels × 1/255, resized with nearest
//	Knows only …
func (meta Metadata) CardLines(input []int) []string {
	var lines []string
	c := meta.Card
	if c != nil && c.Data != "" {
		s := "Trained on: " + c.Data
		if c.TrainImages > 0 {
			s += " (" + groupDigits(c.TrainImages) + " images)"
		}
		lines = append(lines, s)
	}
	if len(meta.ClassNames) > 0 {
		lines = append(lines, "Classes: "+strings.Join(meta.ClassNames, ", "))
	}
	if c != nil && (c.Epochs > 0 || c.Trained != "") {
		var parts []string
		if c.Epochs > 0 {
			parts = append(parts, fmt.Sprintf("%d epochs", c.Epochs))
		}
		if c.Trained != "" {
			parts = append(parts, "finished "+c.Trained)
		}
		lines = append(lines, "Training: "+strings.Join(parts, ", "))
	}
	if c != nil && (c.ValidationAccuracy > 0 || c.TestAccuracy > 0) {
		var parts []string
		if c.ValidationAccuracy > 0 {
			s := fmt.Sprintf("validation %.4f", c.ValidationAccuracy)
			if d := countOf(c.ValidationImages, c.ValidationData); d != "" {
				s += " (" + d + ")"
			}
			parts = append(parts, s)
		}
		if c.TestAccuracy > 0 {
			s := fmt.Sprintf("test %.4f", c.TestAccuracy)
			if c.TestImages > 0 {
				s += " on " + groupDigits(c.TestImages) + " images"
			}
			parts = append(parts, s)
		}
		lines = append(lines, "Accuracy: "+strings.Join(parts, ", "))
	}
	if in := meta.inputText(input); in != "" {
		lines = append(lines, "Input: "+in)
	}
	if c != nil && c.Knows != "" {
		lines = append(lines, c.Knows)
	}
	return lines
}

// countOf joins an image count and a description: "1,000 images: the …".
func countOf(n int, what string) string {
	switch {
	case n > 0 && what != "":
		return groupDigits(n) + " images: " + what
	case n > 0:
		return groupDigits(n) + " images"
	}
	return what
}

// inputText describes the input and its preprocessing, e.g. "28×28
// grayscale, pixels × 1/255, resized with nearest".
func (meta Metadata) inputText(input []int) string {
	if len(input) != 3 {
		return ""
	}
	mode := meta.ColorMode
	if mode == "" {
		mode = fmt.Sprintf("%d channels", input[2])
	}
	s := fmt.Sprintf("%d×%d %s", input[0], input[1], mode)
	switch r := meta.Rescale; {
	case r == 0 || math.Abs(r-DefaultRescale) < 1e-12:
		s += ", pixels × 1/255"
	case r != 1:
		s += ", pixels × " + strconv.FormatFloat(r, 'g', 6, 64)
	}
	interp := meta.Interpolation
	if interp == "" {
		interp = "nearest"
	}
	return s + ", resized with " + interp
}

// groupDigits writes n with thousands separators: 60000 → "60,000".
func groupDigits(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + groupDigits(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
