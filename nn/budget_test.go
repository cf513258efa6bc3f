package nn

import (
	"strings"
	"testing"
)

// TestBuildRefusesAbsurdSizes checks that Build refuses, with an error that
// gives the limit and the number, layers and models too large to allocate,
// before allocating them; sizes at the limit still build.
func TestBuildRefusesAbsurdSizes(t *testing.T) {
	tests := []struct {
		name  string
		input []int
		layer Layer
		want  string // "" builds
	}{
		{"filters", []int{8, 8, 3}, NewConv2D(1_000_000_000, 3, 3), "Conv2D: too large: expected at most 268435456 parameters, received 28000000000"},
		{"kernel, same padding", []int{8, 8, 3}, NewConv2D(2, 1<<30, 1<<30, WithPadding("same")), "Conv2D: too large: expected at most 268435456 parameters"},
		{"units", []int{1000}, NewDense(1_000_000_000), "Dense: too large: expected at most 268435456 parameters, received 1001000000000"},
		{"units under the limit", []int{1}, NewDense(1000), ""},
		{"outputs kept", []int{100, 100, 1}, NewConv2D(100_000, 1, 1), "output (100, 100, 100000) is too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newSequential(tt.input, []Layer{tt.layer}, false, nil)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("err = %v, want none", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("err = %v, want one with %q", err, tt.want)
			}
		})
	}
}

// TestModelParamsBudget checks the whole model's bound: two layers each
// under MaxParams (MaxParams/2 and 3/4 MaxParams + 3) but together above it.
// The weights stay zero, so the pages are never touched.
func TestModelParamsBudget(t *testing.T) {
	_, err := newSequential([]int{1}, []Layer{NewDense(MaxParams/4, WithUseBias(true)), NewDense(3)}, false, nil)
	if err == nil || !strings.Contains(err.Error(), "nn: model: too large: expected at most 268435456 parameters, received 335544323") {
		t.Fatalf("err = %v, want the model's parameter bound", err)
	}
}
