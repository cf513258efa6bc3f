package cli

import "testing"

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"train", "train", 0},
		{"trian", "train", 1}, // transposition
		{"tran", "train", 1},  // insertion
		{"trains", "train", 1},
		{"trxin", "train", 1},
		{"", "abc", 3},
		{"abc", "", 3},
		{"kitten", "sitting", 3},
		{"ca", "abc", 3}, // OSA, not unrestricted Damerau (2)
		{"résumé", "resume", 2},
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := editDistance(tt.b, tt.a); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d (symmetry)", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestUnknownCommandSuggestion(t *testing.T) {
	tests := []struct{ in, want string }{
		{"trian", "unknown command 'trian' (did you mean train?)"},
		{"sumary", "unknown command 'sumary' (did you mean summary?)"},
		{"predcit", "unknown command 'predcit' (did you mean predict?)"},
		{"verison", "unknown command 'verison' (did you mean version?)"},
		{"datset", "unknown command 'datset' (did you mean dataset?)"},
		{"x", "unknown command 'x'"},
		{"banana", "unknown command 'banana'"},
		{"hel", "unknown command 'hel' (did you mean help?)"},
	}
	for _, tt := range tests {
		if got := unknownCommand(tt.in); got != tt.want {
			t.Errorf("unknownCommand(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
