package nn

import (
	"math"
	"strings"
	"testing"
)

// TestParseClipOpenBounds: Clip's "min": null and "max": null are the open
// bounds −∞ and +∞ (as Keras and ONNX leave a bound out), so only the other
// bound clips; MarshalJSON writes them back as null.
func TestParseClipOpenBounds(t *testing.T) {
	for _, tt := range []struct {
		cfg      string
		min, max float64
		in, want []float32
	}{
		{`{"min": null, "max": 6}`, math.Inf(-1), 6, []float32{-1e30, -7, 0, 5.5, 6, 7}, []float32{-1e30, -7, 0, 5.5, 6, 6}},
		{`{"min": -2, "max": null}`, -2, math.Inf(1), []float32{-3, -2, 0, 1e30}, []float32{-2, -2, 0, 1e30}},
		{`{"min": null, "max": null}`, math.Inf(-1), math.Inf(1), []float32{-1e30, 0, 1e30}, []float32{-1e30, 0, 1e30}},
	} {
		c, err := parseLayer([]byte(`{"class_name": "Clip", "config": ` + tt.cfg + `}`))
		if err != nil {
			t.Errorf("%s: %v", tt.cfg, err)
			continue
		}
		if c.Min != tt.min || c.Max != tt.max {
			t.Errorf("%s: min %v, max %v; want %v, %v", tt.cfg, c.Min, c.Max, tt.min, tt.max)
		}
		l, err := c.Layer()
		if err != nil {
			t.Errorf("%s: %v", tt.cfg, err)
			continue
		}
		x := NewTensor(1, len(tt.in))
		copy(x.Data, tt.in)
		if _, err := l.Build([]int{len(tt.in)}); err != nil {
			t.Fatal(err)
		}
		y := NewTensor(1, len(tt.in))
		l.Forward(y, x, false)
		for i, v := range y.Data {
			if v != tt.want[i] {
				t.Errorf("%s: clip(%v) = %v, want %v", tt.cfg, tt.in[i], v, tt.want[i])
			}
		}
		b, err := c.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		if want := `"config": ` + tt.cfg + `}`; !strings.HasSuffix(string(b), want) {
			t.Errorf("%s written as %s", tt.cfg, b)
		}
	}
}

// TestDecodeZeroPaddingForms: ZeroPadding2D's padding as Keras takes it —
// an integer for every side, [h, w] symmetric, [[top, bottom], [left,
// right]] — read into (top, left, bottom, right); anything else is an error.
func TestDecodeZeroPaddingForms(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want [4]int
		ok   bool
	}{
		{`2`, [4]int{2, 2, 2, 2}, true},
		{`[1, 2]`, [4]int{1, 2, 1, 2}, true},
		{`[[1, 0], [3, 4]]`, [4]int{1, 3, 0, 4}, true},
		{`[1, 2, 3]`, [4]int{}, false},
		{`[1]`, [4]int{}, false},
		{`null`, [4]int{}, false},
		{`"same"`, [4]int{}, false},
		{`[[1], [2, 3]]`, [4]int{}, false},
		{`[[1, 2], [3]]`, [4]int{}, false},
		{`[[1, 2], [3, 4], [5, 6]]`, [4]int{}, false},
	} {
		var pads [4]int
		err := decodeZeroPadding([]byte(tt.in), &pads)
		if tt.ok != (err == nil) || pads != tt.want {
			t.Errorf("decodeZeroPadding(%s) = %v, %v; want %v (ok %v)", tt.in, pads, err, tt.want, tt.ok)
		}
		c, err := parseLayer([]byte(`{"class_name": "ZeroPadding2D", "config": {"padding": ` + tt.in + `}}`))
		if tt.ok != (err == nil) || c.Pads != tt.want {
			t.Errorf("ZeroPadding2D padding %s: pads %v, %v; want %v (ok %v)", tt.in, c.Pads, err, tt.want, tt.ok)
		}
	}
}

// TestParseLayerNulls: null where a value is needed is refused with an
// error naming the key; null where Keras allows it (strides,
// dilation_rate: the default; ReLU's max_value: no maximum) is the default.
func TestParseLayerNulls(t *testing.T) {
	for _, tt := range []struct{ json, want string }{
		{`{"class_name": "Conv2D", "config": {"filters": 2, "kernel_size": null}}`, `Conv2D: "kernel_size": expected [height, width] or an integer, received null`},
		{`{"class_name": "Conv2D", "config": {"filters": null, "kernel_size": 3}}`, `Conv2D: "filters": expected an integer, received null`},
		{`{"class_name": "MaxPooling2D", "config": {"pool_size": null}}`, `MaxPooling2D: "pool_size": expected [height, width] or an integer, received null`},
		{`{"class_name": "Dense", "config": {"units": null}}`, `Dense: "units": expected an integer, received null`},
		{`{"class_name": "Dense", "config": {"units": 2, "use_bias": null}}`, `Dense: "use_bias": expected true or false, received null`},
		{`{"class_name": "Dropout", "config": {"rate": null}}`, `Dropout: "rate": expected a number, received null`},
		{`{"class_name": "Activation", "config": {"activation": null}}`, `Activation: "activation": expected a string, received null`},
		{`{"class_name": "Conv2D", "config": {"filters": 2, "kernel_size": 3, "strides": null, "dilation_rate": null}}`, ""},
		{`{"class_name": "ReLU", "config": {"max_value": null}}`, ""},
	} {
		_, err := parseLayer([]byte(tt.json))
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || err.Error() != tt.want) {
			t.Errorf("%s: error %v, want %q", tt.json, err, tt.want)
		}
	}
}
