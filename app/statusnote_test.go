package app

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/convscope/convscope/internal/session"
)

// TestModelNotesOutliveTheirFrame: the note that the model used last was
// reopened (and how to go back), "Opened m.safetensors" and "Using the
// built-in model" were replaced at once by the status line of the frame
// the new model computed, so a user never saw them. They stay until the
// next status; the frame after that shows its own line again.
func TestModelNotesOutliveTheirFrame(t *testing.T) {
	u := newTestUI(t)
	p := filepath.Join(t.TempDir(), "last.safetensors")
	saveModel(t, u, p)

	a := newTempApp(t)
	a.Preferences().SetString(prefLastModel, p)
	q := &uiQueue{}
	u2 := New(a, Options{Samples: session.GeneratedSamples(2), post: q.post})
	queues.Store(u2, q)
	t.Cleanup(func() { u2.ses.Close(); queues.Delete(u2) })
	u2.started()
	settle(u2)
	if u2.Frame() == nil {
		t.Fatal("no frame of the first sample")
	}
	if got := u2.status.Text; !strings.Contains(got, "the model used last") || !strings.Contains(got, "Use Built-in Model") {
		t.Errorf("after the first frame the status is %q; want the note about the reopened model", got)
	}

	u2.openSample(1)
	settle(u2)
	if got := u2.status.Text; !strings.Contains(got, " ms") {
		t.Errorf("the next frame's status is %q; want its own line", got)
	}

	u2.useBuiltinModel()
	settle(u2)
	if got := u2.status.Text; !strings.HasPrefix(got, "Using the built-in model") {
		t.Errorf("after Use Built-in Model the status is %q", got)
	}

	u2.loadModelWith(p, "")
	settle(u2)
	if got := u2.status.Text; !strings.HasPrefix(got, "Opened last.safetensors") {
		t.Errorf("after opening a model the status is %q", got)
	}
}
