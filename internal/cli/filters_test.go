package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
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

// TestFiltersRefusesBeforeWriting: a channel range far beyond the layer
// (0-2000000000) was expanded into a list first and ran the process out of
// memory; an unknown layer or channel left an empty output folder behind;
// --lr Inf was taken. Each is one line now, with nothing written.
func TestFiltersRefusesBeforeWriting(t *testing.T) {
	dir := t.TempDir()
	model := tinyModel(t, dir, 3, "cats", "dogs")
	out := filepath.Join(dir, "out")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--layer", "conv2d_2", "--channels", "0-2000000000"}, ExitError, "conv2d_2: expected channels 0–5, received 2000000000"},
		{[]string{"--layer", "conv2d_2", "--channels", "1,9"}, ExitError, "conv2d_2: expected channels 0–5, received 9"},
		{[]string{"--layer", "conv2d_9"}, ExitError, `received "conv2d_9"`},
		{[]string{"--layer", "dense_1"}, ExitError, "dense_1: expected a layer with channel maps"},
		{[]string{"--layer", "conv2d_2", "--lr", "Inf"}, ExitUsage, "received 1, 16 and +Inf"},
	} {
		args := append([]string{"filters", "--model", model, "--out", out, "--steps", "1"}, c.args...)
		code, _, stderr := runCLI(args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; expected exit %d with %q", c.args, code, stderr, c.code, c.want)
		}
		if code == ExitError && strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: not one line: %q", c.args, stderr)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("%v: a refused run created %s", c.args, out)
		}
	}
}

// TestFiltersChannelsOnce: a channel named twice ("1,1,0-1") was optimised
// and counted twice.
func TestFiltersChannelsOnce(t *testing.T) {
	dir := t.TempDir()
	model := tinyModel(t, dir, 3, "cats", "dogs")
	out := filepath.Join(dir, "out")
	code, stdout, stderr := runCLI("filters", "--model", model, "--layer", "conv2d_1", "--channels", "1,1,0-1", "--out", out, "--steps", "1")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "conv2d_1: 2 channels") {
		t.Errorf("stdout %q: expected 2 channels", stdout)
	}
	got, err := pickChannels([]chanRange{{3, 3}, {0, 4}, {2, 2}}, "c", 5)
	if err != nil || fmt.Sprint(got) != "[3 0 1 2 4]" {
		t.Errorf("pickChannels = %v, %v; expected [3 0 1 2 4] (first asked, first kept)", got, err)
	}
}
