package model

import (
	"testing"

	"github.com/convscope/convscope/internal/testutil"
)

// tinyModel is testutil.TinyArch(size) with seed-1 weights and the classes dark, light.
func tinyModel(t testing.TB, size int) *Model {
	t.Helper()
	return &Model{Net: testutil.TinyNet(t, size), Classes: []string{"dark", "light"}, Label: "tiny"}
}

// testImage is a w×h gradient whose brightness depends on seed.
var testImage = testutil.Gradient

// writePNG encodes img as a PNG file at path.
var writePNG = testutil.WritePNG
