package atlas

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/convscope/convscope/assets"
	"github.com/convscope/convscope/internal/model"
)

// What extend gains (CONVSCOPE_ATLAS_EXTEND=N, N extra steps;
// docs/atlas.md): the ratio to the baseline of channels nearest 5×
// without the extension and with N extra steps.
func TestExtendGain(t *testing.T) {
	if os.Getenv("CONVSCOPE_ATLAS_EXTEND") == "" {
		t.Skip("CONVSCOPE_ATLAS_EXTEND=80: the extension's gain on 11 channels")
	}
	m, err := model.Read(assets.DefaultModel, "default")
	if err != nil {
		t.Fatal(err)
	}
	base := baselineImages(t, m)
	extra, _ := strconv.Atoi(os.Getenv("CONVSCOPE_ATLAS_EXTEND"))
	for _, c := range []struct {
		layer string
		index int
		chans []int
	}{{"conv2d_1", 0, []int{23, 4, 26}}, {"conv2d_2", 2, []int{60, 20, 53}}, {"conv2d_3", 4, []int{72, 115, 118, 14, 0}}} {
		for _, e := range []int{-1, extra} {
			res, err := Visualize(context.Background(), m.Net, 0, c.layer, c.chans, Options{Seed: 1, Extra: e, Target: 5}, nil)
			if err != nil {
				t.Fatal(err)
			}
			s := ""
			for _, r := range measure(t, m.Net, c.index, base, res) {
				s += " " + strconv.Itoa(r.ch) + ":" + strconv.FormatFloat(r.ratio, 'f', 2, 64)
			}
			t.Logf("%s extra %d:%s", c.layer, e, s)
		}
	}
}
