package nn

import (
	"math"
	"testing"
)

// TestExpf: expf within 2 float32 ulps of math.Exp over the normal range,
// and its edges.
func TestExpf(t *testing.T) {
	worst := 0.0
	for x := float32(-87.3); x <= 88.7; x += 0.0137 {
		want := math.Exp(float64(x))
		got := float64(expf(x))
		ulp := float64(math.Nextafter32(float32(want), float32(math.Inf(1))) - float32(want))
		if d := math.Abs(got-want) / ulp; d > worst {
			worst = d
		}
	}
	if worst > 2 {
		t.Errorf("expf: worst error %.2f ulps, expected <= 2", worst)
	}
	for _, tc := range []struct{ x, want float32 }{
		{0, 1}, {1, float32(math.E)}, {-88, 0}, {89, float32(math.Inf(1))}, {-1000, 0}, {1000, float32(math.Inf(1))},
	} {
		if got := expf(tc.x); got != tc.want && math.Abs(float64(got-tc.want)) > 1e-7*float64(tc.want) {
			t.Errorf("expf(%g) = %g, expected %g", tc.x, got, tc.want)
		}
	}
	if got := expf(float32(math.NaN())); got == got {
		t.Errorf("expf(NaN) = %g", got)
	}
}

func TestSiLUValues(t *testing.T) {
	x := []float32{-100, -8, -1, 0, 0.5, 3, 100, float32(math.Inf(-1)), float32(math.Inf(1))}
	s := NewSiLU()
	if _, err := s.Build([]int{len(x)}); err != nil {
		t.Fatal(err)
	}
	y := NewTensor(1, len(x))
	s.Forward(y, &Tensor{Shape: []int{1, len(x)}, Data: x}, false)
	for i, v := range x {
		want := float64(v) / (1 + math.Exp(-float64(v)))
		switch {
		case math.IsInf(float64(v), -1):
			want = math.NaN() // -Inf·σ(-Inf) = -Inf·0, as PyTorch's F.silu
		case math.IsInf(float64(v), 1):
			want = math.Inf(1)
		}
		got := float64(y.Data[i])
		ok := got == want || math.Abs(got-want) <= 1e-6*math.Max(1, math.Abs(want)) || (math.IsNaN(got) && math.IsNaN(want))
		if !ok {
			t.Errorf("SiLU(%g) = %g, expected %g", v, got, want)
		}
	}
}

// TestSiLUPaths: the AVX2 loop (groups of eight) and the scalar tail agree
// with x/(1+e⁻ˣ) in float64 within 4e-7 relative, or 1e-35 absolute below
// x = -88, where the AVX2 loop rounds σ(x) < 1e-38 to 0; and on infinities
// and NaN.
func TestSiLUPaths(t *testing.T) {
	var x []float32
	for v := float32(-100); v <= 100; v += 0.0373 {
		x = append(x, v)
	}
	x = append(x, -88.5, -88, -87.5, 87.5, 88.5, 0, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()))
	for _, tail := range []bool{false, true} {
		y := make([]float32, len(x))
		if tail { // every value through the scalar loop
			for i := range x {
				silu(y[i:i+1], x[i:i+1])
			}
		} else {
			silu(y, x)
		}
		for i, v := range x {
			want := float64(v) / (1 + math.Exp(-float64(v)))
			got := float64(y[i])
			switch {
			case math.IsNaN(float64(v)) || math.IsInf(float64(v), -1):
				if !math.IsNaN(got) {
					t.Errorf("tail %v: silu(%g) = %g, expected NaN", tail, v, got)
				}
			case math.IsInf(float64(v), 1):
				if !math.IsInf(got, 1) {
					t.Errorf("tail %v: silu(%g) = %g, expected +Inf", tail, v, got)
				}
			case math.Abs(got-want) > 4e-7*math.Abs(want)+1e-35:
				t.Errorf("tail %v: silu(%g) = %.9g, expected %.9g", tail, v, got, want)
			}
		}
	}
}

// TestHardSwishMulPaths: the AVX2 loops give the scalar loops' bits.
func TestHardSwishMulPaths(t *testing.T) {
	var x, b []float32
	for v := float32(-5); v <= 5; v += 0.0137 {
		x = append(x, v)
		b = append(b, 1.5-v/3)
	}
	x = append(x, -3, 3, float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), 0, 0, 0)
	b = append(b, 2, 2, 2, 2, 2, float32(math.NaN()), 0, 1)
	y, m := make([]float32, len(x)), make([]float32, len(x))
	hardSwish(y, x)
	mul(m, x, b)
	for i, v := range x {
		want := v * min(max(v/6+0.5, 0), 1)
		if math.Float32bits(y[i]) != math.Float32bits(want) && !(want != want && y[i] != y[i]) {
			t.Errorf("hardSwish(%g) = %g, expected %g", v, y[i], want)
		}
		if w := v * b[i]; math.Float32bits(m[i]) != math.Float32bits(w) && !(w != w && m[i] != m[i]) {
			t.Errorf("mul(%g, %g) = %g, expected %g", v, b[i], m[i], w)
		}
	}
}

// TestSigmoidPaths: sigmoidTo (the Activation layer's sigmoid) in both
// paths within 4e-7 relative of the float64 value (1e-38 absolute below
// x = -88).
func TestSigmoidPaths(t *testing.T) {
	var x []float32
	for v := float32(-100); v <= 100; v += 0.0373 {
		x = append(x, v)
	}
	x = append(x, float32(math.Inf(1)), float32(math.Inf(-1)), 0, 0, 0, 0, 0, 0)
	for _, tail := range []bool{false, true} {
		y := make([]float32, len(x))
		if tail {
			for i := range x {
				sigmoidTo(y[i:i+1], x[i:i+1])
			}
		} else {
			sigmoidTo(y, x)
		}
		for i, v := range x {
			want := 1 / (1 + math.Exp(-float64(v)))
			if got := float64(y[i]); math.Abs(got-want) > 4e-7*want+1e-38 {
				t.Errorf("tail %v: sigmoid(%g) = %.9g, expected %.9g", tail, v, got, want)
			}
		}
	}
	y := make([]float32, 8)
	sigmoidTo(y, []float32{float32(math.NaN()), 1, 2, 3, 4, 5, 6, 7})
	if y[0] == y[0] {
		t.Errorf("sigmoid(NaN) = %g", y[0])
	}
}
