package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/convscope/convscope/internal/npy"
)

func runCLI(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = Main(context.Background(), args, strings.NewReader(""), &o, &e)
	return code, o.String(), e.String()
}

// TestExplainMethods runs every method on the tiny model (16×16×3 input,
// conv2d_1 8×8 after its pooling) and checks the files: a PNG of the
// input's size, the raw map's .npy shape, and the JSON report.
func TestExplainMethods(t *testing.T) {
	dir := t.TempDir()
	model := tinyModel(t, dir, 3, "cats", "dogs")
	img := writeImage(t, dir, "in.png", 40, 30, 1)
	for _, c := range []struct {
		method string
		shape  int // rank of the raw map
	}{{"gradcam", 2}, {"gradcam++", 2}, {"guided", 3}, {"guided-gradcam", 3}, {"saliency", 3}, {"smoothgrad", 3}, {"ig", 3}} {
		out := filepath.Join(dir, c.method+".png")
		raw := filepath.Join(dir, c.method+".npy")
		code, stdout, stderr := runCLI("explain", "--model", model, "--image", img, "--method", c.method,
			"--class", "dogs", "--out", out, "--npy", raw, "--json", "--steps", "4", "--samples", "3")
		if code != ExitOK {
			t.Fatalf("%s: exit %d: %s", c.method, code, stderr)
		}
		var rep explainReport
		if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
			t.Fatalf("%s: JSON: %v\n%s", c.method, err, stdout)
		}
		if rep.Class != "dogs" || rep.Index != 1 || rep.Method != c.method || len(rep.RawShape) != c.shape {
			t.Errorf("%s: report %+v", c.method, rep)
		}
		if (c.method == "ig") != (rep.Complete != nil) {
			t.Errorf("%s: completeness %+v", c.method, rep.Complete)
		}
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		p, err := png.Decode(f)
		f.Close()
		if err != nil || p.Bounds().Dx() != 16 || p.Bounds().Dy() != 16 {
			t.Errorf("%s: PNG %v (error %v), expected 16×16, the network input", c.method, p.Bounds(), err)
		}
		shape, data, err := npy.ReadFile(raw)
		if err != nil || !slices.Equal(shape, rep.RawShape) || len(data) == 0 {
			t.Errorf("%s: npy shape %v (error %v), expected %v", c.method, shape, err, rep.RawShape)
		}
	}
}

func TestExplainErrors(t *testing.T) {
	dir := t.TempDir()
	model := tinyModel(t, dir, 3, "cats", "dogs")
	img := writeImage(t, dir, "in.png", 40, 30, 1)
	out := filepath.Join(dir, "o.png")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--image", img, "--out", out}, ExitUsage, "--method is required"},
		{[]string{"--image", img, "--out", out, "--method", "lime"}, ExitUsage, `received "lime"`},
		{[]string{"--method", "gradcam", "--out", out}, ExitUsage, "--image is required"},
		{[]string{"--image", img, "--method", "gradcam"}, ExitUsage, "--out is required"},
		{[]string{"--image", img, "--out", out, "--method", "gradcam", "--opacity", "2"}, ExitUsage, "--opacity"},
		// NaN passed the range check and drew the image without a heat map.
		{[]string{"--image", img, "--out", out, "--method", "gradcam", "--opacity", "NaN"}, ExitUsage, "--opacity: expected 0..1, received NaN"},
		{[]string{"--image", img, "--out", out, "--method", "smoothgrad", "--noise", "Inf"}, ExitUsage, "--noise: expected a positive fraction, received +Inf"},
		{[]string{"--image", img, "--out", out, "--method", "gradcam", "--class", "birds"}, ExitError, `expected a class name (cats, dogs) or an index 0..1, received "birds"`},
		{[]string{"--image", img, "--out", out, "--method", "gradcam", "--class", "2"}, ExitError, "expected an index 0..1"},
		{[]string{"--image", img, "--out", out, "--method", "gradcam", "--layer", "dense_1"}, ExitError, "needs a layer with a (height, width, channels) output"},
		{[]string{"--image", filepath.Join(dir, "missing.png"), "--out", out, "--method", "saliency"}, ExitError, "missing.png"},
		// --npy into a missing folder failed after --out was written.
		{[]string{"--image", img, "--out", out, "--method", "gradcam", "--npy", filepath.Join(dir, "no", "m.npy")}, ExitError, "m.npy: the folder " + filepath.Join(dir, "no") + " does not exist"},
		{[]string{"--image", img, "--out", filepath.Join(img, "o.png"), "--method", "gradcam"}, ExitError, "in.png is not a folder"},
	} {
		code, _, stderr := runCLI(append([]string{"explain", "--model", model}, c.args...)...)
		if code != c.code || !strings.Contains(stderr, c.want) || strings.Count(strings.TrimSpace(stderr), "\n") > 0 && c.code == ExitError {
			t.Errorf("%v: exit %d, stderr %q; expected exit %d with %q on one line", c.args, code, stderr, c.code, c.want)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("%v: a failed run wrote %s", c.args, out)
		}
	}
}
