package app

import (
	"testing"

	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/convscope/convscope/internal/session"
)

// framed returns the indices of the strip's thumbnails whose frame is
// on screen, checking that a shown frame is drawn in the theme's primary
// colour.
func framed(t *testing.T, u *UI) []int {
	t.Helper()
	if len(u.side.thumbs) != len(u.samples) {
		t.Fatalf("%d thumbnails for %d samples", len(u.side.thumbs), len(u.samples))
	}
	var on []int
	for i, th := range u.side.thumbs {
		for _, o := range test.WidgetRenderer(th).Objects() {
			r, ok := o.(*canvas.Rectangle)
			if !ok || !r.Visible() {
				continue
			}
			if r.StrokeWidth <= 0 || r.StrokeColor != theme.Color(theme.ColorNamePrimary) {
				t.Errorf("thumbnail %d: frame of width %v in %v, expected the primary colour", i, r.StrokeWidth, r.StrokeColor)
			}
			on = append(on, i)
		}
	}
	return on
}

func expectFramed(t *testing.T, u *UI, want int, after string) {
	t.Helper()
	got := framed(t, u)
	switch {
	case want < 0 && len(got) != 0:
		t.Errorf("after %s, thumbnails %v are framed, expected none", after, got)
	case want >= 0 && (len(got) != 1 || got[0] != want):
		t.Errorf("after %s, thumbnails %v are framed, expected only %d", after, got, want)
	}
}

// TestSelectedSampleIsFramed: the Samples strip did not say which sample
// was on screen. The thumbnail of the sample shown is framed, and only
// it; an image that is not a sample frames none.
func TestSelectedSampleIsFramed(t *testing.T) {
	u := newTestUI(t) // starts with no image
	expectFramed(t, u, -1, "the start without an image")
	for _, i := range []int{1, 2, 0} {
		u.openSample(i)
		settle(u)
		expectFramed(t, u, i, "clicking sample "+u.samples[i].Name)
	}
	// The thumbnail itself, as a user clicks it.
	test.Tap(u.side.thumbs[2])
	settle(u)
	expectFramed(t, u, 2, "tapping the third thumbnail")
	u.nextSample()
	settle(u)
	expectFramed(t, u, 0, "Next Sample")

	u.openPath(writePNG(t, t.TempDir(), "photo.png", 40, 30))
	settle(u)
	expectFramed(t, u, -1, "opening a file")

	// The strip rebuilt for the same samples (a model change) keeps the mark.
	u.openSample(1)
	settle(u)
	u.setSamples(u.samples)
	expectFramed(t, u, 1, "the strip rebuilt")

	// The frame follows the theme's primary colour.
	u.setTheme("dark")
	test.WidgetRenderer(u.side.thumbs[1]).Refresh()
	expectFramed(t, u, 1, "the dark theme")
	u.setTheme("system")
}

// TestSampleIndex: a sample is matched by name and has no path; a file
// of the same name is not the sample.
func TestSampleIndex(t *testing.T) {
	samples := testSamples()
	for _, c := range []struct {
		name string
		f    *session.Frame
		want int
	}{
		{"no frame", nil, -1},
		{"no input", &session.Frame{}, -1},
		{"second sample", &session.Frame{Input: &session.Input{Name: samples[1].Name}}, 1},
		{"file named as a sample", &session.Frame{Input: &session.Input{Name: samples[1].Name, Path: "/tmp/" + samples[1].Name}}, -1},
		{"other image", &session.Frame{Input: &session.Input{Name: "photo.png"}}, -1},
	} {
		if got := sampleIndex(samples, c.f); got != c.want {
			t.Errorf("%s: sampleIndex %d, expected %d", c.name, got, c.want)
		}
	}
}
