package cli

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convscope/convscope/nn"
)

// A model file with a NaN in a kernel is refused by every command that
// loads a model, with one line naming the tensor (issue #17: it used to
// predict "circles NaN" with exit status 0).
func TestNonFiniteModelRefused(t *testing.T) {
	dir := t.TempDir()
	net, err := buildArch("testdata/tiny.json")
	if err != nil {
		t.Fatal(err)
	}
	net.Init(1)
	p := net.Params()[0]
	p.Value[5] = float32(math.NaN())
	model := filepath.Join(dir, "nan.safetensors")
	if err := nn.SaveFile(model, net, nn.Metadata{ClassNames: []string{"circles", "crosses"}}); err != nil {
		t.Fatal(err)
	}
	img := writeImage(t, dir, "a.png", 20, 20, 1)
	for _, args := range [][]string{
		{"predict", "--model", model, img},
		{"summary", "--model", model},
		{"activations", "--model", model, "--image", img, "--out", filepath.Join(dir, "maps")},
	} {
		code, stdout, stderr := run(t, args...)
		if code != ExitError || stdout != "" || strings.Count(stderr, "\n") != 1 ||
			!strings.Contains(stderr, p.Name+" holds 1 non-finite value(s), first NaN") {
			t.Errorf("convscope %s: exit %d, stdout %q, stderr %q; want exit 1 and one line naming %s", args[0], code, stdout, stderr, p.Name)
		}
	}
}
