package atlas

// below5 are the live channels of the embedded default model that the
// atlas (default settings, seed 1) does not drive to 5× their baseline
// and that are not proven unable to get there (conv2d_1's provenBelow5
// and provenTile1 and conv2d_2's provenConv2 are
// left out: no image reaches 5× there), each with the best ratio found for
// it by the atlas or bestSearch's plain ascents (a search, not a proof:
// almost always the 200 plain steps from the baseline image that drives
// the channel most). Generated 2026-11-29 by
//
//	CONVSCOPE_ATLAS_ALL=1 go test -tags ci -run 'TestActivationMaximisation$' -v ./internal/atlas/
//
// (its "below5:" lines); docs/atlas.md discusses them. A best ratio ≥ 5
// marks a near miss: plain ascent gets there, the regularised 40 steps
// not quite. Updated 2026-11-29 19:00–19:45 UTC (branch atlas4) from the
// same command's per-channel lines with the extension (Options.Extra):
// conv2d_3/72, /115 and /118 reach 5× and left; each best is the larger
// of the previous one and the atlas' new ratio (the search's settings and
// seeds did not change, so it was not rerun:
// CONVSCOPE_ATLAS_NOSEARCH=1 skips it). 2026-11-29 (branch atlas5):
// conv2d_2/3, /4, /25, /43, /49 and /52 left, proven below 5×
// (provenConv2). 2026-11-30 (branch atlas6): conv2d_1/10 and /31 left,
// proven below 5× (provenTile1: TileBound1, tiles of 4×4 cells);
// conv2d_1/4, /23 and /26 left: the atlas reaches 5.50×, 5.16× and
// 6.11× with the vertex steps and periodic images (periodic.go);
// conv2d_1/17's best is now 4.70×, a 4-pixel periodic image found by
// TestTileConv1BoundAboveImages's kind of local search (the atlas 4.47×,
// seeds 2 and 3 4.70×; its bound is 5.79×). 2026-11-30 (branch
// group2): conv2d_2/54, /44 and /51 left, proven below 5× (provenConv2:
// groups of 8, 10 and 12).
var below5 = []struct {
	layer string
	ch    int
	best  float64
}{
	{"conv2d_1", 17, 4.70},
	{"conv2d_2", 0, 2.24},
	{"conv2d_2", 1, 2.38},
	{"conv2d_2", 2, 2.10},
	{"conv2d_2", 7, 4.00},
	{"conv2d_2", 8, 4.37},
	{"conv2d_2", 11, 3.82},
	{"conv2d_2", 12, 3.63},
	{"conv2d_2", 20, 4.67},
	{"conv2d_2", 28, 2.42},
	{"conv2d_2", 31, 4.02},
	{"conv2d_2", 33, 2.72},
	{"conv2d_2", 39, 1.88},
	{"conv2d_2", 40, 3.59},
	{"conv2d_2", 41, 2.11},
	{"conv2d_2", 42, 2.23},
	{"conv2d_2", 45, 1.99},
	{"conv2d_2", 47, 4.07},
	{"conv2d_2", 50, 2.57},
	{"conv2d_2", 53, 4.57},
	{"conv2d_2", 57, 3.27},
	{"conv2d_2", 58, 2.89},
	{"conv2d_2", 60, 4.93},
	{"conv2d_2", 61, 2.75},
	{"conv2d_3", 0, 4.60},
	{"conv2d_3", 1, 3.07},
	{"conv2d_3", 4, 4.38},
	{"conv2d_3", 9, 3.12},
	{"conv2d_3", 14, 4.79},
	{"conv2d_3", 23, 2.04},
	{"conv2d_3", 26, 2.98},
	{"conv2d_3", 27, 4.32},
	{"conv2d_3", 43, 2.45},
	{"conv2d_3", 47, 3.51},
	{"conv2d_3", 50, 2.28},
	{"conv2d_3", 53, 4.33},
	{"conv2d_3", 57, 3.04},
	{"conv2d_3", 58, 3.51},
	{"conv2d_3", 62, 4.01},
	{"conv2d_3", 64, 2.59},
	{"conv2d_3", 69, 3.20},
	{"conv2d_3", 83, 4.03},
	{"conv2d_3", 90, 2.13},
	{"conv2d_3", 93, 4.07},
	{"conv2d_3", 102, 2.05},
	{"conv2d_3", 104, 4.17},
	{"conv2d_3", 107, 3.48},
	{"conv2d_3", 110, 1.91},
	{"conv2d_4", 34, 4.04},
}

// maxBelow5 is how long below5 may be: the list may shrink, never grow
// (TestActivationMaximisation fails when it does).
const maxBelow5 = 49
