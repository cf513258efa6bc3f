package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/convscope/convscope/internal/atlas"
	"github.com/convscope/convscope/nn"
)

func TestFilters(t *testing.T) {
	dir := t.TempDir()
	model := tinyModel(t, dir, 3, "cats", "dogs")
	out := filepath.Join(dir, "out")
	code, stdout, stderr := runCLI("filters", "--model", model, "--layer", "conv2d_2", "--channels", "0,2-4", "--out", out, "--steps", "3", "--cache")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	t.Log(stdout)
	for _, f := range []string{"conv2d_2_c000.png", "conv2d_2_c004.png", "conv2d_2_atlas.png"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "conv2d_2_c001.png")); err == nil {
		t.Error("channel 1 was not asked for")
	}
	net, meta, err := nn.LoadFile(model)
	if err != nil {
		t.Fatal(err)
	}
	if a, ok, err := atlas.Cached(meta, net, "conv2d_2", atlas.ParamPixel); !ok || err != nil || len(a.Tiles) != 4 || a.Channels[3] != 4 {
		t.Errorf("cached atlas: %v %v", ok, err)
	}
	// --param fourier caches its own atlas beside the pixel one.
	if code, _, stderr := runCLI("filters", "--model", model, "--layer", "conv2d_2", "--channels", "1", "--out", out, "--steps", "2", "--param", "fourier", "--cache"); code != ExitOK {
		t.Fatalf("fourier: exit %d: %s", code, stderr)
	}
	net, meta, err = nn.LoadFile(model)
	if err != nil {
		t.Fatal(err)
	}
	if a, ok, err := atlas.Cached(meta, net, "conv2d_2", atlas.ParamFourier); !ok || err != nil || len(a.Tiles) != 1 || a.Param != atlas.ParamFourier {
		t.Errorf("cached Fourier atlas: %v %v", ok, err)
	}
	if a, ok, _ := atlas.Cached(meta, net, "conv2d_2", atlas.ParamPixel); !ok || len(a.Tiles) != 4 {
		t.Errorf("the pixel atlas was not kept: %v", ok)
	}
	for _, args := range [][]string{
		{"filters", "--model", model, "--layer", "dense_1", "--out", out},
		{"filters", "--model", model, "--layer", "conv2d_2", "--channels", "9", "--out", out},
		{"filters", "--model", model, "--layer", "conv2d_2", "--channels", "x", "--out", out},
		{"filters", "--layer", "conv2d_2", "--out", out, "--cache"},
	} {
		if code, _, stderr := runCLI(args...); code == ExitOK || stderr == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
}
