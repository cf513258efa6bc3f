package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convscope/convscope/nn"
)

func TestSummaryGolden(t *testing.T) {
	defer stubEmbedded(nil)()
	tests := []struct {
		name   string
		args   []string
		golden string
		stderr string
	}{
		{"default model", nil, "summary_reference.golden", "no embedded model; using untrained weights"},
		{"arch file", []string{"--arch", "testdata/tiny.json"}, "summary_tiny.golden", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, append([]string{"summary"}, tt.args...)...)
			if code != 0 {
				t.Fatalf("exit code %d: %s", code, errOut)
			}
			if !strings.Contains(errOut, tt.stderr) || (tt.stderr == "" && errOut != "") {
				t.Errorf("stderr %q, want %q", errOut, tt.stderr)
			}
			golden(t, tt.golden, out)
		})
	}
}

func TestSummaryOfSavedModelMatchesArch(t *testing.T) {
	net, err := buildArch("testdata/tiny.json")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "tiny.safetensors")
	if err := nn.SaveFile(path, net, nn.Metadata{ClassNames: []string{"a", "b"}}); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, "summary", "--model", path)
	if code != 0 {
		t.Fatalf("exit code %d: %s", code, errOut)
	}
	golden(t, "summary_tiny.golden", out)
}

func TestSummaryErrors(t *testing.T) {
	dir := t.TempDir()
	badJSON := filepath.Join(dir, "bad.json")
	os.WriteFile(badJSON, []byte(`{"input_shape": [16, 16, 3], "layers": [{"class_name": "Conv3D"}]}`), 0o644)
	notModel := filepath.Join(dir, "model.safetensors")
	os.WriteFile(notModel, []byte("this is not a model"), 0o644)
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"both sources", []string{"--model", "a", "--arch", "b"}, 2, "--model and --arch cannot be used together"},
		{"unknown flag", []string{"--modle", "a"}, 2, "flag provided but not defined: --modle"},
		{"missing value", []string{"--model"}, 2, "flag needs an argument: --model"},
		{"extra argument", []string{"x.safetensors"}, 2, `unexpected argument "x.safetensors"`},
		{"missing model", []string{"--model", filepath.Join(dir, "nope.safetensors")}, 1, "no such file or directory"},
		{"not a model", []string{"--model", notModel}, 1, notModel},
		{"missing arch", []string{"--arch", filepath.Join(dir, "nope.json")}, 1, "no such file or directory"},
		{"bad arch", []string{"--arch", badJSON}, 1, "Conv3D"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := run(t, append([]string{"summary"}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d", code, tt.code)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
			if !strings.Contains(errOut, tt.stderr) {
				t.Errorf("stderr %q, want it to contain %q", errOut, tt.stderr)
			}
			if tt.code == 1 && strings.Count(errOut, "\n") != 1 {
				t.Errorf("runtime error is not one line: %q", errOut)
			}
			if tt.code == 2 && !strings.Contains(errOut, "Usage: convscope summary") {
				t.Errorf("usage error without usage: %q", errOut)
			}
		})
	}
}

// stubEmbedded makes the default model data for a test; call the result to
// restore it.
func stubEmbedded(data []byte) func() {
	old := embeddedModel
	embeddedModel = func() []byte { return data }
	return func() { embeddedModel = old }
}
