package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestStartProfile(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name     string
		env      map[string]string
		wantFile bool
		wantErr  string
	}{
		{"off without the variable", map[string]string{}, false, ""},
		{"writes the profile", map[string]string{"CONVSCOPE_CPUPROFILE": filepath.Join(dir, "cpu.prof"), "CONVSCOPE_CPUPROFILE_SECONDS": "0.05"}, true, ""},
		{"a bad path is one line", map[string]string{"CONVSCOPE_CPUPROFILE": filepath.Join(dir, "no", "such", "dir", "cpu.prof")}, false, "convscope: CONVSCOPE_CPUPROFILE:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			startProfile(func(k string) string { return tt.env[k] }, &stderr)
			if tt.wantErr != "" && !strings.HasPrefix(stderr.String(), tt.wantErr) {
				t.Errorf("stderr %q, want %q…", stderr.String(), tt.wantErr)
			}
			if tt.wantErr == "" && stderr.Len() > 0 {
				t.Errorf("stderr %q", stderr.String())
			}
			path := tt.env["CONVSCOPE_CPUPROFILE"]
			if !tt.wantFile {
				return
			}
			// The profile is written when the timer stops it.
			deadline := time.Now().Add(5 * time.Second)
			for {
				if fi, err := os.Stat(path); err == nil && fi.Size() > 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("%s: no profile written", path)
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
}
