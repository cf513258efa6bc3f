package cli

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/convscope/convscope/nn"
)

// TestTrainBuiltinIsDeterministic backs the README's claim that the default
// model's training command gives the same bits when run again on the same
// engine and machine: two runs of `train --train builtin` with the
// tutorial's network (no --arch) and one seed save identical weights, and a
// third with another seed does not.
func TestTrainBuiltinIsDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("trains the tutorial network three times")
	}
	dir := t.TempDir()
	train := func(name, seed string) []*nn.Param {
		out := filepath.Join(dir, name)
		code, stdout, stderr := run(t, "train", "--train", "builtin", "--epochs", "1", "--steps-per-epoch", "2",
			"--batch", "2", "--validation-steps", "1", "--seed", seed, "--out", out)
		if code != 0 {
			t.Fatalf("exit code %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
		}
		net, _, err := nn.LoadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return net.Params()
	}
	same := func(a, b []*nn.Param) bool {
		for i := range a {
			for j := range a[i].Value {
				if math.Float32bits(a[i].Value[j]) != math.Float32bits(b[i].Value[j]) {
					return false
				}
			}
		}
		return true
	}
	first, again, other := train("a.safetensors", "1"), train("b.safetensors", "1"), train("c.safetensors", "2")
	if !same(first, again) {
		t.Error("two runs with --seed 1 saved different weights")
	}
	if same(first, other) {
		t.Error("--seed 1 and --seed 2 saved the same weights: the seed is ignored")
	}
}
