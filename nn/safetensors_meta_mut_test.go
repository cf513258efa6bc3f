package nn

import (
	"strings"
	"testing"
)

// TestCompleteMetaDefaults checks the defaults completeMeta fills in and
// the class-name count it expects: two names for one (sigmoid) output, one
// per output otherwise; a colour mode only for an (h, w, c) input.
func TestCompleteMetaDefaults(t *testing.T) {
	seq := func(in []int, layers ...Layer) *Sequential {
		m, err := NewSequential(in, layers...)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	tests := []struct {
		name      string
		m         *Sequential
		meta      Metadata
		wantColor string
		want      string // error ("" = none)
	}{
		{"one output, two names", seq([]int{1}, NewDense(1)), Metadata{ClassNames: []string{"no", "yes"}}, "", ""},
		{"one output, one name", seq([]int{1}, NewDense(1)), Metadata{ClassNames: []string{"yes"}}, "", "class_names: expected 2 names for a model with 1 output(s), received 1"},
		{"two outputs, two names", seq([]int{1}, NewDense(2)), Metadata{ClassNames: []string{"a", "b"}}, "", ""},
		{"three outputs, two names", seq([]int{1}, NewDense(3)), Metadata{ClassNames: []string{"a", "b"}}, "", "expected 3 names for a model with 3 output(s), received 2"},
		{"no names", seq([]int{1}, NewDense(3)), Metadata{}, "", ""},
		{"rank-1 input of 1: no colour mode", seq([]int{1}, NewDense(2)), Metadata{}, "", ""},
		{"rank-1 input, grayscale asked", seq([]int{1}, NewDense(2)), Metadata{ColorMode: "grayscale"}, "", "color_mode \"grayscale\" needs an input of shape (height, width, 1), the model's is (1,)"},
		{"1 channel", seq([]int{2, 2, 1}, NewFlatten()), Metadata{}, "grayscale", ""},
		{"3 channels", seq([]int{2, 2, 3}, NewFlatten()), Metadata{}, "rgb", ""},
		{"4 channels", seq([]int{2, 2, 4}, NewFlatten()), Metadata{}, "rgba", ""},
		{"2 channels", seq([]int{2, 2, 2}, NewFlatten()), Metadata{}, "", ""},
		{"rgb for 1 channel", seq([]int{2, 2, 1}, NewFlatten()), Metadata{ColorMode: "rgb"}, "", "color_mode \"rgb\" needs an input of shape (height, width, 3)"},
		{"unknown mode", seq([]int{2, 2, 1}, NewFlatten()), Metadata{ColorMode: "cmyk"}, "", "color_mode: expected grayscale, rgb or rgba, received \"cmyk\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := completeMeta(tt.m, tt.meta)
			if tt.want != "" {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("error %v, want one containing %q", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.ColorMode != tt.wantColor || got.Rescale != DefaultRescale || got.Interpolation != "nearest" {
				t.Errorf("color mode %q, rescale %v, interpolation %q; want %q, %v, nearest", got.ColorMode, got.Rescale, got.Interpolation, tt.wantColor, DefaultRescale)
			}
		})
	}
}

// TestStExcerpt: values up to 40 bytes are quoted whole, longer ones cut.
func TestStExcerpt(t *testing.T) {
	s40 := strings.Repeat("x", 40)
	for _, tt := range []struct{ in, want string }{
		{"", ""}, {s40[:39], s40[:39]}, {s40, s40}, {s40 + "y", s40 + "…"}, {s40 + "yz", s40 + "…"},
	} {
		if got := stExcerpt(tt.in); got != tt.want {
			t.Errorf("stExcerpt(%d bytes) = %q, want %q", len(tt.in), got, tt.want)
		}
	}
}
