package cli

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExemplars scans a small folder (one file not an image decoder
// accepts) with the tiny model and checks the sheets and the CSV.
func TestExemplars(t *testing.T) {
	dir := t.TempDir()
	model := tinyModel(t, dir, 3, "cats", "dogs")
	data := filepath.Join(dir, "data", "sub")
	os.MkdirAll(data, 0o755)
	for i := range 5 {
		writeImage(t, data, fmt.Sprintf("i%d.png", i), 30+i, 20+2*i, i)
	}
	os.WriteFile(filepath.Join(data, "bad.png"), []byte("no"), 0o644)
	out := filepath.Join(dir, "out")
	code, stdout, stderr := runCLI("exemplars", "--model", model, "--data", filepath.Join(dir, "data"), "--layer", "conv2d_1", "--out", out, "--top", "3", "--batch", "2")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	t.Log(stdout)
	f, err := os.Open(filepath.Join(out, "conv2d_1.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	sheets, _ := filepath.Glob(filepath.Join(out, "conv2d_1_c*.png"))
	if len(sheets) == 0 || len(rows) != 1+3*len(sheets) || rows[0][0] != "channel" || rows[1][1] != "1" {
		t.Errorf("%d sheets, %d CSV rows: %v", len(sheets), len(rows), rows[:2])
	}
	for _, args := range [][]string{
		{"exemplars", "--model", model, "--data", dir, "--layer", "dense_1", "--out", out},
		{"exemplars", "--model", model, "--layer", "conv2d_1", "--out", out},
		{"exemplars", "--model", model, "--data", filepath.Join(dir, "none"), "--layer", "conv2d_1", "--out", out},
	} {
		if code, _, stderr := runCLI(args...); code == ExitOK || stderr == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
}

// TestExemplarsNothingReadable: a folder of files no decoder accepts gave
// exit 0, "over 0 images" and a contact sheet per channel of nothing.
func TestExemplarsNothingReadable(t *testing.T) {
	dir := t.TempDir()
	model := tinyModel(t, dir, 3, "cats", "dogs")
	data := filepath.Join(dir, "data")
	os.MkdirAll(data, 0o755)
	os.WriteFile(filepath.Join(data, "a.png"), []byte("no"), 0o644)
	os.WriteFile(filepath.Join(data, "b.jpg"), nil, 0o644)
	out := filepath.Join(dir, "out")
	code, _, stderr := runCLI("exemplars", "--model", model, "--data", data, "--layer", "conv2d_1", "--out", out, "--batch", "100000000")
	if code != ExitError || !strings.Contains(stderr, "none of the 2 image files could be read") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("exit %d, stderr %q; expected 1 and one line", code, stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a scan of nothing wrote its output folder")
	}
}
