package session

import "testing"

// Receptive fields of the tiny model (conv 3×3 → pool 2×2 → conv 3×3):
// conv2d_1 sees 3 pixels (jump 1), the pool 4 (jump 2), conv2d_2 8 (jump
// 2). A conv2d_2 cell is linked to the 6×6 conv2d_1 cells under it.
// Unknown layers, cells outside a map and models without fields answer
// "no", never a panic.
func TestFields(t *testing.T) {
	f := newFields(tinyModel(t, 12))
	fields := []struct {
		layer string
		y, x  int
		want  Box
		ok    bool
	}{
		{"conv2d_1", 0, 0, Box{Y0: 0, X0: 0, Y1: 3, X1: 3}, true},
		{"conv2d_1", 2, 5, Box{Y0: 2, X0: 5, Y1: 5, X1: 8}, true},
		{"max_pooling2d_1", 1, 0, Box{Y0: 2, X0: 0, Y1: 6, X1: 4}, true},
		{"conv2d_2", 1, 2, Box{Y0: 2, X0: 4, Y1: 10, X1: 12}, true},
		{"nope", 0, 0, Box{}, false},
	}
	for _, c := range fields {
		if b, ok := f.Field(c.layer, c.y, c.x); ok != c.ok || (ok && b != c.want) {
			t.Errorf("Field(%s, %d, %d) = %v %v, want %v %v", c.layer, c.y, c.x, b, ok, c.want, c.ok)
		}
	}
	sizes := []struct {
		layer      string
		size, jump int
	}{{"conv2d_1", 3, 1}, {"max_pooling2d_1", 4, 2}, {"conv2d_2", 8, 2}, {"nope", 0, 0}}
	for _, c := range sizes {
		if s, j := f.Size(c.layer); s != c.size || j != c.jump {
			t.Errorf("Size(%s) = %d, %d, want %d, %d", c.layer, s, j, c.size, c.jump)
		}
	}
	if b, ok := f.Linked("conv2d_2", 0, 0, "conv2d_1"); !ok || b != (Box{Y0: 0, X0: 0, Y1: 6, X1: 6}) {
		t.Errorf("conv2d_2 (0, 0) linked to conv2d_1 %v %v, want (0, 0)–(6, 6)", b, ok)
	}
	if _, ok := f.Linked("conv2d_2", 0, 0, "nope"); ok {
		t.Error("a cell is linked to an unknown layer")
	}

	var none *Fields
	if _, ok := none.Field("conv2d_1", 0, 0); ok {
		t.Error("nil Fields answers Field")
	}
	if _, ok := none.Linked("conv2d_2", 0, 0, "conv2d_1"); ok {
		t.Error("nil Fields answers Linked")
	}
	if s, j := none.Size("conv2d_1"); s != 0 || j != 0 {
		t.Errorf("nil Fields: size %d, jump %d", s, j)
	}
	if newFields(nil) != nil || newFields(&Model{}) != nil {
		t.Error("fields for no model")
	}
	g := newFields(wideModel(t))
	if s, j := g.Size("stem"); s != 3 || j != 2 {
		t.Errorf("graph stem: size %d, jump %d; want 3, 2", s, j)
	}
}
