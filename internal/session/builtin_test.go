package session

import (
	"image"
	"strings"
	"testing"
)

func TestBuiltinModelAndKnowsNote(t *testing.T) {
	fashion, err := BuiltinModel("fashion")
	if err != nil {
		t.Fatal(err)
	}
	if in := fashion.Net.InputShape(); in[0] != 28 || in[2] != 1 || len(fashion.Classes) != 10 {
		t.Fatalf("fashion model: input %v, classes %v", in, fashion.Classes)
	}
	if _, err := BuiltinModel("cats"); err == nil {
		t.Error("BuiltinModel(cats): no error")
	}
	// A 28×28 gray image: only what the model knows.
	gray := &Input{Original: image.NewGray(image.Rect(0, 0, 28, 28))}
	if note := KnowsNote(fashion, gray); !strings.HasPrefix(note, "Knows only") {
		t.Errorf("gray 28×28: %q", note)
	}
	// A colour photo: how it differs, then what the model knows.
	photo := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := range photo.Pix {
		photo.Pix[i] = uint8(i * 7)
	}
	note := KnowsNote(fashion, &Input{Original: photo})
	if !strings.HasPrefix(note, "This image is a colour image; the model was trained on grayscale images; 64×48 pixels, resized to the 28×28 the model was trained on. Knows only") {
		t.Errorf("colour photo: %q", note)
	}
	// The shapes model has a card too; a model without one gets no note.
	shapes, err := DefaultModel()
	if err != nil || !strings.Contains(KnowsNote(shapes, &Input{Original: photo}), "circles and crosses") {
		t.Errorf("shapes: %q, %v", KnowsNote(shapes, nil), err)
	}
	shapes.Meta.Card = nil
	if note := KnowsNote(shapes, nil); note != "" {
		t.Errorf("no card: %q", note)
	}
}
