package sgemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestGemmOverlap checks GemmOverlap, with A's stored rows overlapping
// (lda < row length), against a float64 triple loop over the same windows.
func TestGemmOverlap(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		aTrans, bTrans bool
		m, n, k, lda   int
		beta           float32
	}{
		{false, false, 70, 64, 96, 32, 0},     // conv forward: windows of 3 pixels of 32 channels
		{false, false, 37, 33, 27, 3, 1},      // first layer, odd width, accumulate
		{true, false, 96, 64, 150, 32, 1},     // conv kernel gradient: windowsᵀ·dz
		{true, false, 9, 32, 300, 3, 0.5},     // narrow windows, long depth
		{false, true, 13, 20, 48, 16, 0},      // B transposed
		{false, false, 500, 128, 384, 128, 1}, // several depth blocks and row tiles
	} {
		t.Run(fmt.Sprintf("%v%v/%dx%dx%d/lda%d", tc.aTrans, tc.bTrans, tc.m, tc.n, tc.k, tc.lda), func(t *testing.T) {
			ar, ac := tc.m, tc.k
			if tc.aTrans {
				ar, ac = tc.k, tc.m
			}
			br, bc := tc.k, tc.n
			if tc.bTrans {
				br, bc = tc.n, tc.k
			}
			a := make([]float32, (ar-1)*tc.lda+ac)
			b := make([]float32, br*bc)
			c := make([]float32, tc.m*tc.n)
			for _, s := range [][]float32{a, b, c} {
				for i := range s {
					s[i] = float32(rnd.NormFloat64())
				}
			}
			opA := func(i, p int) float64 {
				if tc.aTrans {
					return float64(a[p*tc.lda+i])
				}
				return float64(a[i*tc.lda+p])
			}
			opB := func(p, j int) float64 {
				if tc.bTrans {
					return float64(b[j*bc+p])
				}
				return float64(b[p*bc+j])
			}
			want := make([]float64, len(c))
			for i := 0; i < tc.m; i++ {
				for j := 0; j < tc.n; j++ {
					var s float64
					for p := 0; p < tc.k; p++ {
						s += opA(i, p) * opB(p, j)
					}
					want[i*tc.n+j] = 1.5*s + float64(tc.beta)*float64(c[i*tc.n+j])
				}
			}
			GemmOverlap(tc.aTrans, tc.bTrans, tc.m, tc.n, tc.k, 1.5, a, tc.lda, b, bc, tc.beta, c, tc.n)
			tol := 1e-5 * float64(tc.k)
			for i, w := range want {
				if d := math.Abs(float64(c[i]) - w); d > tol*math.Max(1, math.Abs(w)) {
					t.Fatalf("C[%d, %d] = %v, want %v", i/tc.n, i%tc.n, c[i], w)
				}
			}
		})
	}
}

// TestGemmOverlapPanics checks the argument checks.
func TestGemmOverlapPanics(t *testing.T) {
	a, b, c := make([]float32, 10), make([]float32, 4), make([]float32, 4)
	for name, f := range map[string]func(){
		"lda":    func() { GemmOverlap(false, false, 2, 2, 2, 1, a, 0, b, 2, 0, c, 2) },
		"shortA": func() { GemmOverlap(false, false, 2, 2, 4, 1, a[:5], 2, b, 2, 0, c, 2) },
		"shortC": func() { GemmOverlap(false, false, 2, 2, 2, 1, a, 1, b, 2, 0, c[:3], 2) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
