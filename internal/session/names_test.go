package session

import (
	"strings"
	"testing"
)

// The file types for messages, in the order the dataset lists them.
func TestImageTypes(t *testing.T) {
	if got := ImageTypes(); got != "BMP, GIF, JPEG, JPG, PNG, TIF, TIFF, WEBP" {
		t.Errorf("ImageTypes() = %q", got)
	}
}

// The summary of an architecture that cannot be built is the reason; the
// summary of the model on screen is Keras' table (a graph's with
// "Connected to"), without a trailing newline.
func TestSummaries(t *testing.T) {
	bad := tinyArch(12)
	bad.Layers[0].Filters = 0
	if got := summary(bad); strings.Contains(got, "Total params") || got == "" {
		t.Errorf("summary of an invalid architecture: %q", got)
	}
	if got := summary(tinyArch(12)); !strings.Contains(got, "Total params: ") || strings.HasSuffix(got, "\n") {
		t.Errorf("summary %q", got)
	}
	for _, c := range []struct {
		name string
		m    *Model
		want string
	}{{"sequential", tinyModel(t, 12), "conv2d_2"}, {"graph", wideModel(t), "Connected to"}} {
		h := newHarness(t, c.m)
		var text string
		h.ModelSummary(func(s string) { text = s })
		h.settle()
		if !strings.Contains(text, c.want) || !strings.Contains(text, "Total params") || strings.HasSuffix(text, "\n") {
			t.Errorf("%s model summary %q", c.name, text)
		}
	}
}

// The shapes model's samples: its two class folders, each image named
// "class (file)", circles first.
func TestShapesSamples(t *testing.T) {
	s := BuiltinModelSamples("shapes")
	if len(s) < 2 || !strings.HasPrefix(s[0].Name, "circles (") || !strings.HasPrefix(s[len(s)-1].Name, "crosses (") {
		t.Fatalf("%d shapes samples, first %q", len(s), s[0].Name)
	}
	if KnowsNote(nil, nil) != "" {
		t.Error("a note for no model")
	}
}
