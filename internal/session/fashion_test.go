package session

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Fashion-MNIST's conversion: a missing or bad IDX file is one error that
// names it, and a finished conversion (its marker) is not done again.
func TestPrepareFashionMNIST(t *testing.T) {
	bad := t.TempDir()
	for _, name := range []string{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"} {
		os.WriteFile(filepath.Join(bad, name), []byte("not an IDX file"), 0o644)
	}
	done := t.TempDir()
	os.WriteFile(filepath.Join(done, fashionDone), []byte("done\n"), 0o644)
	cases := []struct {
		name, from, out string
		installed       bool
		err             string
	}{
		{"missing", filepath.Join(t.TempDir(), "absent"), t.TempDir(), false, "train-images-idx3-ubyte.gz"},
		{"bad files", bad, t.TempDir(), true, "train-images-idx3-ubyte.gz"},
		{"already converted", filepath.Join(t.TempDir(), "absent"), done, false, ""},
	}
	for _, c := range cases {
		if got := FashionMNISTInstalled(c.from); got != c.installed {
			t.Errorf("%s: FashionMNISTInstalled = %v, expected %v", c.name, got, c.installed)
		}
		err := prepareFashionMNIST(c.from, c.out)
		switch {
		case c.err == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err) || strings.Contains(err.Error(), "\n")):
			t.Errorf("%s: error %v, expected one line naming %s", c.name, err, c.err)
		}
	}
}

// The Fashion-MNIST model's samples: one per class, named "class (file)".
func TestBuiltinModelSamples(t *testing.T) {
	s := BuiltinModelSamples("fashion")
	if len(s) != 10 {
		t.Fatalf("fashion samples: %d, expected 10", len(s))
	}
	if !strings.HasPrefix(s[0].Name, "Ankle boot (") || s[0].Thumb.Bounds().Dx() != 28 {
		t.Errorf("first fashion sample %q, %v", s[0].Name, s[0].Thumb.Bounds())
	}
	if s := BuiltinModelSamples("nonesuch"); s != nil {
		t.Errorf("unknown model: %d samples", len(s))
	}
}
