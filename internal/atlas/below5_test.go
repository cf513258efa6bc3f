package atlas

// below5 are the live channels of the embedded default model that the
// atlas (default settings, seed 1) does not drive to 5× their baseline
// and that are not proven unable to get there (conv2d_1's provenBelow5
// provenTile1 and provenSplit1 and conv2d_2's provenConv2 are
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
// seeds 2 and 3 4.70×; its bound is 5.79×). 2026-11-30 (branch tile17):
// conv2d_1/17 left, proven below 5× (provenSplit1: SplitBound1, strips
// of 6 rows of cells, 4.988×; the best image found 4.80×).
// 2026-11-30 (branch deep7):
// conv2d_2/8, /20, /53, /60 and conv2d_3/0, /4, /14 left: the atlas
// reaches 5.25×, 5.20×, 5.32×, 5.58×, 5.25×, 5.18× and 5.20× with the
// window's periodic images (window.go); the other conv2d_2 and conv2d_3
// rows' best is the larger of the previous one, the atlas' new ratio
// (CONVSCOPE_ATLAS_ALL=1 CONVSCOPE_ATLAS_LAYERS=conv2d_2, then conv2d_3)
// and TestWindowSearch's (conv2d_2/45 2.08×, conv2d_3/43 2.63×, /107
// 3.93×).
// 2026-11-30 (branch
// group2): conv2d_2/54, /44 and /51 left, proven below 5× (provenConv2:
// groups of 8, 10 and 12).
var below5 = []struct {
	layer string
	ch    int
	best  float64
}{
	{"conv2d_2", 0, 2.29},
	{"conv2d_2", 1, 2.46},
	{"conv2d_2", 2, 2.23},
	{"conv2d_2", 7, 4.28},
	{"conv2d_2", 11, 4.36},
	{"conv2d_2", 12, 4.09},
	{"conv2d_2", 28, 2.54},
	{"conv2d_2", 31, 4.59},
	{"conv2d_2", 33, 2.95},
	{"conv2d_2", 39, 1.98},
	{"conv2d_2", 40, 3.76},
	{"conv2d_2", 41, 2.17},
	{"conv2d_2", 42, 2.37},
	{"conv2d_2", 45, 2.08},
	{"conv2d_2", 47, 4.46},
	{"conv2d_2", 50, 2.85},
	{"conv2d_2", 57, 3.54},
	{"conv2d_2", 58, 3.04},
	{"conv2d_2", 61, 2.89},
	{"conv2d_3", 1, 3.41},
	{"conv2d_3", 9, 3.47},
	{"conv2d_3", 23, 2.17},
	{"conv2d_3", 26, 3.33},
	{"conv2d_3", 27, 4.92},
	{"conv2d_3", 43, 2.63},
	{"conv2d_3", 47, 4.01},
	{"conv2d_3", 50, 2.43},
	{"conv2d_3", 53, 4.91},
	{"conv2d_3", 57, 3.34},
	{"conv2d_3", 58, 3.88},
	{"conv2d_3", 62, 4.51},
	{"conv2d_3", 64, 2.76},
	{"conv2d_3", 69, 3.52},
	{"conv2d_3", 83, 4.37},
	{"conv2d_3", 90, 2.28},
	{"conv2d_3", 93, 4.56},
	{"conv2d_3", 102, 2.19},
	{"conv2d_3", 104, 4.78},
	{"conv2d_3", 107, 3.93},
	{"conv2d_3", 110, 1.99},
	{"conv2d_4", 34, 4.04},
}

// maxBelow5 is how long below5 may be: the list may shrink, never grow
// (TestActivationMaximisation fails when it does).
const maxBelow5 = 41
