package model

import (
	"strings"
	"testing"

	"github.com/convscope/convscope/assets"
)

// BuiltinSamples are the embedded sample images (not generated ones) when
// there are any, sorted by name.
func TestBuiltinSamplesEmbedded(t *testing.T) {
	embedded := SamplesFromFS(assets.Samples)
	if len(embedded) == 0 {
		t.Fatal("no embedded samples")
	}
	got := BuiltinSamples(3)
	if len(got) != len(embedded) {
		t.Fatalf("%d samples, want the %d embedded", len(got), len(embedded))
	}
	for i, s := range got {
		if s.Name != embedded[i].Name || strings.HasPrefix(s.Name, "sample ") || s.Thumb == nil {
			t.Errorf("sample %d: %q, want %q", i, s.Name, embedded[i].Name)
		}
		if i > 0 && got[i-1].Name >= s.Name {
			t.Errorf("samples not sorted: %q before %q", got[i-1].Name, s.Name)
		}
	}
	if g := GeneratedSamples(2); len(g) != 2 || !strings.HasPrefix(g[0].Name, "sample 1 (") {
		t.Errorf("generated samples %v", g)
	}
}
