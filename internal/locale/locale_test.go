package locale

import "testing"

func TestFix(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string // LANGUAGE afterwards
	}{
		{"C.UTF-8", map[string]string{"LANG": "C.UTF-8"}, "en"},
		{"C.utf8 in LC_ALL", map[string]string{"LC_ALL": "C.utf8", "LANG": "de_DE.UTF-8"}, "en"},
		{"POSIX.UTF-8", map[string]string{"LC_MESSAGES": "POSIX.UTF-8"}, "en"},
		{"C@euro", map[string]string{"LANG": "C@euro"}, "en"},
		{"plain C is fine", map[string]string{"LANG": "C"}, ""},
		{"plain POSIX is fine", map[string]string{"LANG": "POSIX"}, ""},
		{"nothing set", map[string]string{}, ""},
		{"German", map[string]string{"LANG": "de_DE.UTF-8"}, ""},
		{"LC_ALL wins over a C LANG", map[string]string{"LC_ALL": "fr_FR.UTF-8", "LANG": "C.UTF-8"}, ""},
		{"user's LANGUAGE kept", map[string]string{"LANG": "C.UTF-8", "LANGUAGE": "fr:en"}, "fr:en"},
		{"C LANGUAGE replaced", map[string]string{"LANG": "C.UTF-8", "LANGUAGE": "C"}, "en"},
		{"Cyrl is not C", map[string]string{"LANG": "Cyrl"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range tt.env {
				env[k] = v
			}
			changed := Fix(func(k string) string { return env[k] }, func(k, v string) error { env[k] = v; return nil })
			if got := env["LANGUAGE"]; got != tt.want {
				t.Errorf("LANGUAGE = %q, want %q", got, tt.want)
			}
			if changed != (tt.want != tt.env["LANGUAGE"]) {
				t.Errorf("Fix reported changed = %v", changed)
			}
		})
	}
}
