package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/convscope/convscope/nn"
)

func TestRunKeepsWeights(t *testing.T) {
	dir := t.TempDir()
	net, err := nn.NewSequential([]int{4, 4, 1}, nn.NewConv2D(2, 3, 3), nn.NewFlatten(), nn.NewDense(3, nn.WithActivation("softmax")))
	if err != nil {
		t.Fatal(err)
	}
	net.Init(7)
	in := filepath.Join(dir, "in.safetensors")
	var h nn.History
	h.Append(0, []string{"loss", "val_accuracy"}, []float64{1, 0.5})
	h.Append(1, []string{"loss", "val_accuracy"}, []float64{0.5, 0.75})
	if err := nn.SaveFile(in, net, nn.Metadata{ClassNames: []string{"a_b", "c", "d"}, History: &h}); err != nil {
		t.Fatal(err)
	}
	card := filepath.Join(dir, "card.json")
	os.WriteFile(card, []byte(`{"data": "test data", "knows": "Knows only tests."}`), 0o644)
	out := filepath.Join(dir, "out.safetensors")
	if err := run(in, out, card, "a_b=a/b", "", ""); err != nil {
		t.Fatal(err)
	}
	_, meta, err := nn.LoadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	c := meta.Card
	if c == nil || c.Data != "test data" || c.Epochs != 2 || c.ValidationAccuracy != 0.75 || meta.ClassNames[0] != "a/b" {
		t.Errorf("card %+v, classes %q", c, meta.ClassNames)
	}
	a, _ := os.ReadFile(in)
	b, _ := os.ReadFile(out)
	if n, err := sameTensors(a, b); n != 4 || err != nil {
		t.Errorf("sameTensors: %d, %v", n, err)
	}
	// A changed weight is caught.
	c2 := append([]byte(nil), b...)
	c2[len(c2)-1] ^= 1
	if _, err := sameTensors(a, c2); err == nil || !strings.Contains(err.Error(), "differs") {
		t.Errorf("changed weight: %v", err)
	}
	for _, tc := range []struct{ rename, card, want string }{
		{"x=y", card, `-rename "x=y"`},
		{"", filepath.Join(dir, "missing.json"), "missing.json"},
	} {
		if err := run(in, out, tc.card, tc.rename, "", ""); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("rename %q card %s: error %v, want %q", tc.rename, tc.card, err, tc.want)
		}
	}
	os.WriteFile(card, []byte(`{"data": "x", "knows": "y", "typo": 1}`), 0o644)
	if err := run(in, out, card, "", "", ""); err == nil || !strings.Contains(err.Error(), `unknown field "typo"`) {
		t.Errorf("unknown card key: %v", err)
	}
}
