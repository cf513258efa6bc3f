package sgemm

import (
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// panicValue returns what f panics with, or nil.
func panicValue(f func()) (v any) {
	defer func() { v = recover() }()
	f()
	return nil
}

// shapeLens returns the shortest A, B and C of an m×n×k product with the
// given transposes and leading dimensions, as reference BLAS counts them.
func shapeLens(aT, bT bool, m, n, k, lda, ldb, ldc int) (la, lb, lc int) {
	ar, ac := m, k
	if aT {
		ar, ac = k, m
	}
	br, bc := k, n
	if bT {
		br, bc = n, k
	}
	return (ar-1)*lda + ac, (br-1)*ldb + bc, (m-1)*ldc + n
}

// closeTo compares got with want element by element within a float32
// rounding bound of the magnitudes involved.
func closeTo(got, want []float32, k int) bool {
	for i := range want {
		d := math.Abs(float64(got[i]) - float64(want[i]))
		if d > math.Ldexp(1, -20)*float64(k+2)*(1+math.Abs(float64(want[i]))) {
			return false
		}
	}
	return true
}

// TestSgemmExactLengths checks the length checks of Sgemm in every
// transpose: with A, B and C exactly as long as BLAS requires (leading
// dimensions wider than the rows, all different) it computes gonum's
// product, and with any one a single element shorter it panics with
// gonum's message. It also checks that m = 0 or n = 0 is no error.
func TestSgemmExactLengths(t *testing.T) {
	const m, n, k = 3, 5, 4
	for _, tr := range transposes {
		aT, bT := tr[0] != blas.NoTrans, tr[1] != blas.NoTrans
		lda, ldb, ldc := k+6, n+3, n+2
		if aT {
			lda = m + 4
		}
		if bT {
			ldb = k + 5
		}
		la, lb, lc := shapeLens(aT, bT, m, n, k, lda, ldb, ldc)
		for shrink := 0; shrink <= 3; shrink++ {
			name := fmt.Sprintf("%c%c, slice %d short", tr[0], tr[1], shrink)
			l := [4]int{0, la, lb, lc}
			if shrink > 0 {
				l[shrink]--
			}
			a, b := ramp(l[1], 64, 0.37), ramp(l[2], 64, 0.59)
			c, c2 := ramp(l[3], 64, 0.23), ramp(l[3], 64, 0.23)
			want := panicValue(func() { gonum.Implementation{}.Sgemm(tr[0], tr[1], m, n, k, 1.5, a, lda, b, ldb, 0.5, c2, ldc) })
			got := panicValue(func() { Implementation{}.Sgemm(tr[0], tr[1], m, n, k, 1.5, a, lda, b, ldb, 0.5, c, ldc) })
			if (shrink > 0) != (want != nil) {
				t.Fatalf("%s: gonum panics with %v: the test case is wrong", name, want)
			}
			if got != want {
				t.Errorf("%s: panic %v, expected %v", name, got, want)
			}
			if shrink == 0 && !closeTo(c, c2, k) {
				t.Errorf("%s: C = %v, expected gonum's %v", name, c, c2)
			}
		}
	}
	for _, mn := range [][2]int{{0, 3}, {3, 0}, {0, 0}} {
		c := []float32{7}
		if v := panicValue(func() {
			Implementation{}.Sgemm(blas.NoTrans, blas.NoTrans, mn[0], mn[1], 2, 1, nil, 2, nil, 3, 0, c, 3)
		}); v != nil {
			t.Errorf("m = %d, n = %d: panic %v, expected none (as gonum)", mn[0], mn[1], v)
		}
		if c[0] != 7 {
			t.Errorf("m = %d, n = %d: C changed", mn[0], mn[1])
		}
	}
}

// TestGemmOverlapExactLengths is TestSgemmExactLengths for GemmOverlap,
// with A's rows overlapping (lda smaller than a row): the exact lengths
// run and give Sgemm's product over the same windows, one element short
// panics; zero dimensions are no error, and k = 0 reads neither A nor B
// and only scales C by beta (not at all when beta is 1).
func TestGemmOverlapExactLengths(t *testing.T) {
	const m, n, k = 4, 6, 5
	for _, aT := range []bool{false, true} {
		for _, bT := range []bool{false, true} {
			lda, ldb, ldc := 2, n+3, n+2
			if bT {
				ldb = k + 4
			}
			la, lb, lc := shapeLens(aT, bT, m, n, k, lda, ldb, ldc)
			for shrink := 0; shrink <= 3; shrink++ {
				l := [4]int{0, la, lb, lc}
				if shrink > 0 {
					l[shrink]--
				}
				a, b, c := ramp(l[1], 64, 0.41), ramp(l[2], 64, 0.67), ramp(l[3], 64, 0.19)
				c0 := append([]float32(nil), c...)
				v := panicValue(func() { GemmOverlap(aT, bT, m, n, k, 1.5, a, lda, b, ldb, 0.5, c, ldc) })
				name := fmt.Sprintf("aT %v bT %v, slice %d short", aT, bT, shrink)
				if shrink > 0 {
					if msg := [4]string{"", shortA, shortB, shortC}[shrink]; v != msg {
						t.Errorf("%s: panic %v, expected %q", name, v, msg)
					}
					continue
				}
				if v != nil {
					t.Fatalf("%s: panic %v", name, v)
				}
				// The same windows copied out as a plain matrix, through Sgemm.
				ar, ac := m, k
				if aT {
					ar, ac = k, m
				}
				plain := make([]float32, ar*ac)
				for i := 0; i < ar; i++ {
					copy(plain[i*ac:(i+1)*ac], a[i*lda:])
				}
				tA, tB := blas.NoTrans, blas.NoTrans
				if aT {
					tA = blas.Trans
				}
				if bT {
					tB = blas.Trans
				}
				gonum.Implementation{}.Sgemm(tA, tB, m, n, k, 1.5, plain, ac, b, ldb, 0.5, c0, ldc)
				if !closeTo(c, c0, k) {
					t.Errorf("%s: C = %v, expected %v", name, c, c0)
				}
			}
		}
	}
	for _, d := range [][3]int{{0, 3, 2}, {3, 0, 2}, {3, 2, 0}} {
		for _, beta := range []float32{1, 2} {
			c := []float32{1, 2, 3, 4, 5, 6}
			// B transposed (n×k, nil when k = 0): no B is read.
			v := panicValue(func() { GemmOverlap(true, true, d[0], d[1], d[2], 1, nil, 1, nil, max(1, d[2]), beta, c, max(1, d[1])) })
			if v != nil {
				t.Errorf("m, n, k = %v: panic %v, expected none", d, v)
				continue
			}
			for i, x := range c {
				want := float32(i + 1)
				if d[2] == 0 && d[0] > 0 && d[1] > 0 && i < d[0]*d[1] {
					want *= beta
				}
				if x != want {
					t.Errorf("m, n, k = %v, beta %g: C[%d] = %g, expected %g", d, beta, i, x, want)
				}
			}
		}
	}
}

// TestPackExactLength: Pack takes a B exactly (k−1)·ldb + n long (ldb > n)
// and refuses one element less.
func TestPackExactLength(t *testing.T) {
	const k, n, ldb = 5, 7, 11
	b := ramp((k-1)*ldb+n, 64, 0.3)
	p := Pack(k, n, b, ldb)
	c := make([]float32, n)
	a := make([]float32, k)
	a[k-1] = 1 // C = B's last row
	GemmPacked(1, 0, n, 1, a, k, p, 0, c, n)
	for j := range c {
		if c[j] != b[(k-1)*ldb+j] {
			t.Fatalf("last row of packed B: %v, expected %v", c, b[(k-1)*ldb:])
		}
	}
	if panicValue(func() { Pack(k, n, b[:len(b)-1], ldb) }) == nil {
		t.Error("B one element short: no panic")
	}
}

// TestPackIntoReuses: PackInto keeps p's memory when it is large enough,
// exactly large enough included, and the packed values follow the new B.
func TestPackIntoReuses(t *testing.T) {
	const k, n = 6, 40
	p := Pack(k, n, ramp(k*n, 0, 0.3), n)
	first := &p.data[:1][0]
	for _, kn := range [][2]int{{k, n}, {k - 1, n}, {k, n - 9}} {
		b := ramp(kn[0]*kn[1], 0, 0.7)
		q := PackInto(p, kn[0], kn[1], b, kn[1])
		if q != p || &q.data[:1][0] != first {
			t.Errorf("PackInto(%d×%d) into a %d×%d packed matrix allocated new memory", kn[0], kn[1], k, n)
		}
		if q.K() != kn[0] || q.N() != kn[1] {
			t.Errorf("PackInto: %d×%d, expected %d×%d", q.K(), q.N(), kn[0], kn[1])
		}
		want := Pack(kn[0], kn[1], b, kn[1])
		if fmt.Sprint(q.data) != fmt.Sprint(want.data) {
			t.Errorf("PackInto(%d×%d): packed values differ from Pack's", kn[0], kn[1])
		}
	}
}

// TestGemmPackedExactLengths checks GemmPacked's argument checks: A and C
// exactly as long as the product needs (lda, ldc wider than the rows) run
// and give the product, one element shorter panics; m = 0 is no error;
// an empty column range (j0 = j1) panics.
func TestGemmPackedExactLengths(t *testing.T) {
	const m, k, n = 3, 5, 40
	p := Pack(k, n, ramp(k*n, 0, 0.43), n)
	nr := PanelWidth()
	j0, j1 := nr, n
	if j0 >= j1 {
		j0 = 0
	}
	const lda, ldc = k + 4, n + 3
	la, lc := (m-1)*lda+k, (m-1)*ldc+j1-j0
	for shrink := 0; shrink <= 2; shrink++ {
		l := [3]int{0, la, lc}
		if shrink > 0 {
			l[shrink]--
		}
		a, c := ramp(l[1], 64, 0.61), ramp(l[2], 64, 0.17)
		c0 := append([]float32(nil), c...)
		v := panicValue(func() { GemmPacked(m, j0, j1, 1.5, a, lda, p, 0.5, c, ldc) })
		if shrink > 0 {
			if msg := [3]string{"", shortA, shortC}[shrink]; v != msg {
				t.Errorf("slice %d one element short: panic %v, expected %q", shrink, v, msg)
			}
			continue
		}
		if v != nil {
			t.Fatalf("exact lengths: panic %v", v)
		}
		want := make([]float32, len(c0))
		copy(want, c0)
		bFull := ramp(k*n, 0, 0.43)
		gonum.Implementation{}.Sgemm(blas.NoTrans, blas.NoTrans, m, j1-j0, k, 1.5, a, lda, bFull[j0:], n, 0.5, want, ldc)
		if !closeTo(c, want, k) {
			t.Errorf("exact lengths: C = %v, expected %v", c, want)
		}
	}
	if v := panicValue(func() { GemmPacked(0, 0, n, 1, nil, 1, p, 0, nil, n) }); v != nil {
		t.Errorf("m = 0: panic %v, expected none", v)
	}
	if v := panicValue(func() { GemmPacked(1, 0, 0, 1, make([]float32, k), k, p, 0, make([]float32, 1), 1) }); v != "sgemm: GemmPacked: invalid arguments" {
		t.Errorf("j0 = j1 = 0: panic %v, expected the invalid-arguments one", v)
	}
}
