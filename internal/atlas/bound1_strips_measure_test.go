package atlas

import (
	"os"
	"testing"
	"time"

	"github.com/convscope/convscope/assets"
	"github.com/convscope/convscope/internal/model"
)

// The numbers behind docs/atlas.md's strips for conv2d_1/17
// (CONVSCOPE_ATLAS_STRIPS=1 go test -tags ci -run TestStripBound1Heights
// -v ./internal/atlas/): StripBound1's bound with zero multipliers for
// strips of 1 to 7 rows of cells (the rest in one strip at the bottom)
// and the time of one evaluation.
func TestStripBound1Heights(t *testing.T) {
	if os.Getenv("CONVSCOPE_ATLAS_STRIPS") == "" {
		t.Skip("set CONVSCOPE_ATLAS_STRIPS=1 (about a minute)")
	}
	m, err := model.Read(assets.DefaultModel, "default")
	if err != nil {
		t.Fatal(err)
	}
	var avg float64
	acts := meanActs(t, m.Net, 0, baselineImages(t, m))
	for _, a := range acts {
		avg += a[17]
	}
	avg /= float64(len(acts))
	tb := tileConv1(m.Net, 17, 1)
	for g := 1; g <= 7; g++ {
		sb := &StripBound1{K: tb.K, B: tb.B, KH: tb.KH, KW: tb.KW, C: tb.C, H: tb.H, W: tb.W, Heights: stripHeights(g, tb.H-tb.KH+1), Lo: 0, Hi: 1, MaxBits: 15}
		_, _, n := sb.Offsets()
		t0 := time.Now()
		v := sb.Bound(make([]float64, n), nil)
		t.Logf("conv2d_1/17, strips of %d rows of cells, zero multipliers: %.4f× the baseline (%v an evaluation)", g, v/avg, time.Since(t0))
	}
}
