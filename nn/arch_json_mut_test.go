package nn

import (
	"strings"
	"testing"
)

// TestExcerpt: JSON up to 40 bytes is shown whole (whitespace runs made
// one space), longer is cut to 37 bytes and "...".
func TestExcerpt(t *testing.T) {
	s40 := strings.Repeat("x", 40)
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{" [1,\n  2] ", "[1, 2]"},
		{s40, s40},
		{s40 + "y", s40[:37] + "..."},
	} {
		if got := excerpt([]byte(tt.in)); got != tt.want {
			t.Errorf("excerpt(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestPosition: byte offsets to 1-based line and column; column 1 at the
// start of a line, offsets clamped to the data.
func TestPosition(t *testing.T) {
	data := []byte("ab\ncd\n\nef")
	for _, tt := range []struct {
		off       int64
		line, col int
	}{
		{-3, 1, 1}, {0, 1, 1}, {1, 1, 1}, {2, 1, 2}, {3, 2, 1}, {4, 2, 1}, {5, 2, 2}, {6, 3, 1}, {7, 4, 1}, {9, 4, 2}, {99, 4, 2},
	} {
		if line, col := position(data, tt.off); line != tt.line || col != tt.col {
			t.Errorf("position(%d) = %d:%d, want %d:%d", tt.off, line, col, tt.line, tt.col)
		}
	}
}

// TestParseLayerTargetShape: Reshape takes 1 to 4 dimensions.
func TestParseLayerTargetShape(t *testing.T) {
	for _, tt := range []struct{ shape, want string }{
		{"[1, 2, 3, 4]", ""},
		{"[24]", ""},
		{"[1, 2, 3, 4, 1]", `Reshape: "target_shape": expected a list of 1 to 4 dimensions (one may be -1), received [1, 2, 3, 4, 1]`},
		{"[]", `Reshape: "target_shape": expected a list of 1 to 4 dimensions (one may be -1), received []`},
		{"[2, 0]", `Reshape: "target_shape": expected a list of 1 to 4 dimensions (one may be -1), received [2, 0]`},
	} {
		c, err := parseLayer([]byte(`{"class_name": "Reshape", "config": {"target_shape": ` + tt.shape + `}}`))
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.shape, err)
			} else if got := shapeString(c.targetShape()); "["+strings.Trim(got, "(,)")+"]" != tt.shape {
				t.Errorf("%s read as %s", tt.shape, got)
			}
			continue
		}
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: error %v, want %q", tt.shape, err, tt.want)
		}
	}
}

// TestLayerConfigJSON pins MarshalJSON's optional keys (groups 1 and no
// pads are left out) and ReLU's null max_value, and checks UnmarshalJSON's
// error.
func TestLayerConfigJSON(t *testing.T) {
	for _, tt := range []struct {
		c    LayerConfig
		want string
	}{
		{LayerConfig{ClassName: "Conv2D", Filters: 2, KernelSize: [2]int{3, 3}, Groups: 1}, `{"class_name": "Conv2D", "config": {"filters": 2, "kernel_size": [3, 3], "strides": [1, 1], "padding": "valid", "activation": "linear", "use_bias": true}}`},
		{LayerConfig{ClassName: "Conv2D", Name: "c", Filters: 2, KernelSize: [2]int{3, 3}, Groups: 2, Pads: [4]int{1, 0, 0, 1}}, `{"class_name": "Conv2D", "config": {"name": "c", "filters": 2, "kernel_size": [3, 3], "strides": [1, 1], "padding": "valid", "activation": "linear", "use_bias": true, "groups": 2, "pads": [1, 0, 0, 1]}}`},
		{LayerConfig{ClassName: "ReLU"}, `{"class_name": "ReLU", "config": {"max_value": null, "negative_slope": 0, "threshold": 0}}`},
		{LayerConfig{ClassName: "ReLU", MaxValue: 6}, `{"class_name": "ReLU", "config": {"max_value": 6, "negative_slope": 0, "threshold": 0}}`},
	} {
		b, err := tt.c.MarshalJSON()
		if err != nil || string(b) != tt.want {
			t.Errorf("MarshalJSON = %s, %v\nwant %s", b, err, tt.want)
		}
	}
	var c LayerConfig
	if err := c.UnmarshalJSON([]byte(`{"class_name": "Dense"}`)); err == nil || err.Error() != `Dense: missing "units"` {
		t.Errorf("UnmarshalJSON: %v", err)
	}
	if err := c.UnmarshalJSON([]byte(`{"class_name": "Dense", "config": {"units": 3}}`)); err != nil || c.Units != 3 || c.Activation != "linear" {
		t.Errorf("UnmarshalJSON: %v, %+v", err, c)
	}
}
