package nn

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadRefusesNonFiniteWeights(t *testing.T) {
	nan, inf := float32(math.NaN()), float32(math.Inf(1))
	tests := []struct {
		name  string
		param int // index into Params()
		at    []int
		value float32
		want  string
	}{
		{"NaN in a kernel", 0, []int{30, 7}, nan, "conv2d_1/kernel holds 2 non-finite value(s), first NaN at [0 1 0 3] of shape (3, 3, 1, 4)"},
		{"+Inf in a bias", 1, []int{1}, inf, "conv2d_1/bias holds 1 non-finite value(s), first +Inf at [1] of shape (4,)"},
		{"-Inf in the last layer", -1, []int{0}, -inf, "-Inf at [0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := smallConvNet(t, 1, 1)
			ps := m.Params()
			p := ps[(tt.param+len(ps))%len(ps)]
			for _, i := range tt.at {
				p.Value[i] = tt.value
			}
			var b bytes.Buffer
			if err := Write(&b, m, Metadata{}); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "bad.safetensors")
			if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			_, _, errLoad := Load(bytes.NewReader(b.Bytes()))
			_, _, errFile := LoadFile(path)
			errWeights := ReadWeights(bytes.NewReader(b.Bytes()), smallConvNet(t, 1, 2))
			for what, err := range map[string]error{"Load": errLoad, "LoadFile": errFile, "ReadWeights": errWeights} {
				if err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, ErrNotFinite) {
					t.Errorf("%s: error %v, want one wrapping ErrNotFinite containing %q", what, err, tt.want)
				}
			}
		})
	}
}

func TestUnravel(t *testing.T) {
	tests := []struct {
		i     int
		shape []int
		want  []int
	}{
		{0, []int{3, 3, 1, 2}, []int{0, 0, 0, 0}},
		{7, []int{3, 3, 1, 2}, []int{1, 0, 0, 1}},
		{17, []int{3, 3, 1, 2}, []int{2, 2, 0, 1}},
		{5, []int{6}, []int{5}},
		{0, nil, []int{}},
	}
	for _, tt := range tests {
		got := unravel(tt.i, tt.shape)
		if len(got) != len(tt.want) {
			t.Errorf("unravel(%d, %v) = %v, want %v", tt.i, tt.shape, got, tt.want)
			continue
		}
		for k := range got {
			if got[k] != tt.want[k] {
				t.Errorf("unravel(%d, %v) = %v, want %v", tt.i, tt.shape, got, tt.want)
				break
			}
		}
	}
}
