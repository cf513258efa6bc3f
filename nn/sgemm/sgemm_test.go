package sgemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/gonum"
)

// problem is one Sgemm call: C = alpha·op(A)·op(B) + beta·C.
type problem struct {
	tA, tB      blas.Transpose
	m, n, k     int
	pad         int // extra elements per row in lda, ldb and ldc
	alpha, beta float32
}

func (p problem) String() string {
	return fmt.Sprintf("%c%c/%dx%dx%d/pad%d/alpha%g/beta%g", p.tA, p.tB, p.m, p.n, p.k, p.pad, p.alpha, p.beta)
}

// operands holds random operands for p. Padding elements of A and B are NaN
// so that reading them shows in the result; those of C are a sentinel that
// must survive. When beta is zero C itself is NaN, which BLAS must ignore.
type operands struct {
	a, b, c       []float32
	lda, ldb, ldc int
}

const sentinel = -12345

func newOperands(p problem, rnd *rand.Rand) operands {
	var o operands
	ar, ac := p.m, p.k
	if p.tA != blas.NoTrans {
		ar, ac = p.k, p.m
	}
	br, bc := p.k, p.n
	if p.tB != blas.NoTrans {
		br, bc = p.n, p.k
	}
	fill := func(rows, cols, ld int, val func() float32, padVal float32) []float32 {
		s := make([]float32, max(0, (rows-1)*ld+cols))
		for i := range s {
			if i%ld < cols {
				s[i] = val()
			} else {
				s[i] = padVal
			}
		}
		return s
	}
	rv := func() float32 { return float32(rnd.NormFloat64()) }
	nan := float32(math.NaN())
	o.lda, o.ldb, o.ldc = max(1, ac+p.pad), max(1, bc+p.pad), max(1, p.n+p.pad)
	o.a = fill(ar, ac, o.lda, rv, nan)
	o.b = fill(br, bc, o.ldb, rv, nan)
	cv := rv
	if p.beta == 0 {
		cv = func() float32 { return nan }
	}
	o.c = fill(p.m, p.n, o.ldc, cv, sentinel)
	return o
}

// reference computes p in float64 with the textbook triple loop and returns
// the result and, per element, a bound on the float32 rounding error.
func reference(p problem, o operands) (want, tol []float64) {
	want = make([]float64, p.m*p.n)
	tol = make([]float64, p.m*p.n)
	u := math.Ldexp(1, -23) * float64(p.k+2)
	for i := 0; i < p.m; i++ {
		for j := 0; j < p.n; j++ {
			var s, mag float64
			for l := 0; l < p.k; l++ {
				var x, y float64
				if p.tA == blas.NoTrans {
					x = float64(o.a[i*o.lda+l])
				} else {
					x = float64(o.a[l*o.lda+i])
				}
				if p.tB == blas.NoTrans {
					y = float64(o.b[l*o.ldb+j])
				} else {
					y = float64(o.b[j*o.ldb+l])
				}
				s += x * y
				mag += math.Abs(x * y)
			}
			alpha, beta := float64(p.alpha), float64(p.beta)
			w := alpha * s
			e := math.Abs(alpha) * mag
			if p.alpha == 0 {
				w, e = 0, 0
			}
			if p.beta != 0 {
				cij := float64(o.c[i*o.ldc+j])
				w += beta * cij
				e += math.Abs(beta * cij)
			}
			want[i*p.n+j] = w
			tol[i*p.n+j] = u*e + 1e-30
		}
	}
	return want, tol
}

// impl is one way to run Sgemm, under a name for failure messages.
type impl struct {
	name  string
	sgemm func(p problem, o operands)
}

// check runs p through every impl, each on its own copy of C, and compares
// the results with the reference.
func check(t *testing.T, p problem, rnd *rand.Rand, impls ...impl) {
	t.Helper()
	o := newOperands(p, rnd)
	want, tol := reference(p, o)
	c0 := o.c
	for _, im := range impls {
		o.c = append([]float32(nil), c0...)
		im.sgemm(p, o)
		for i := 0; i < p.m; i++ {
			for j := 0; j < o.ldc && i*o.ldc+j < len(o.c); j++ {
				got := o.c[i*o.ldc+j]
				if j >= p.n {
					if got != sentinel {
						t.Fatalf("%s %v: padding C[%d,%d] overwritten with %v", im.name, p, i, j, got)
					}
					continue
				}
				w, e := want[i*p.n+j], tol[i*p.n+j]
				if math.IsNaN(float64(got)) || math.Abs(float64(got)-w) > e {
					t.Fatalf("%s %v: C[%d,%d] = %v, want %v ± %.3g", im.name, p, i, j, got, w, e)
				}
			}
		}
	}
}

// kernelImpls returns an impl for every micro-kernel this machine runs.
func kernelImpls() []impl {
	var ims []impl
	for _, k := range kernels() {
		ims = append(ims, impl{k.name, withKernel(k)})
	}
	return ims
}

// withKernel returns an sgemm that calls the blocked driver with kern,
// after the argument handling that Implementation.Sgemm does.
func withKernel(kern kernel) func(p problem, o operands) {
	return func(p problem, o operands) {
		aT, bT := checkArgs(p.tA, p.tB, p.m, p.n, p.k, o.a, o.lda, o.b, o.ldb, o.c, o.ldc)
		if p.alpha == 0 || p.k == 0 {
			scale(p.m, p.n, p.beta, o.c, o.ldc)
			return
		}
		gemm(kern, aT, bT, p.m, p.n, p.k, p.alpha, o.a, o.lda, o.b, o.ldb, p.beta, o.c, o.ldc)
	}
}

var transposes = [][2]blas.Transpose{
	{blas.NoTrans, blas.NoTrans}, {blas.Trans, blas.NoTrans},
	{blas.NoTrans, blas.Trans}, {blas.ConjTrans, blas.ConjTrans},
}

// edgeShapes are small shapes around the tile sizes of every kernel: 1, odd
// sizes, exact multiples of mr = 12 and nr = 32, and one past them.
var edgeShapes = [][3]int{
	{1, 1, 1}, {1, 7, 3}, {7, 1, 5}, {3, 5, 1}, {2, 4, 9},
	{11, 31, 13}, {12, 32, 8}, {13, 33, 17}, {24, 16, 2}, {25, 17, 40},
	{5, 48, 33}, {37, 65, 29}, {12, 96, 1},
}

func TestSgemmEdges(t *testing.T) {
	blockings := []struct{ kc, nc int }{{kcMax, ncMax}, {7, 40}, {5, 1}}
	for _, bl := range blockings {
		t.Run(fmt.Sprintf("kc%d/nc%d", bl.kc, bl.nc), func(t *testing.T) {
			defer setBlocking(bl.kc, bl.nc)()
			rnd := rand.New(rand.NewPCG(1, 2))
			for _, tr := range transposes {
				for _, s := range edgeShapes {
					for _, pad := range []int{0, 3} {
						for _, ab := range [][2]float32{{1, 0}, {1, 1}, {-0.5, 2}} {
							p := problem{tr[0], tr[1], s[0], s[1], s[2], pad, ab[0], ab[1]}
							check(t, p, rnd, kernelImpls()...)
						}
					}
				}
			}
		})
	}
}

// setBlocking sets the blocking parameters and returns a func restoring them.
func setBlocking(kc, nc int) func() {
	oldKc, oldNc := kcMax, ncMax
	kcMax, ncMax = kc, nc
	return func() { kcMax, ncMax = oldKc, oldNc }
}

func TestSgemmRandom(t *testing.T) {
	n := 300
	if raceEnabled {
		n = 60
	}
	rnd := rand.New(rand.NewPCG(3, 4))
	alphas := []float32{1, 1, -1.5, 0.25}
	betas := []float32{0, 0, 1, -0.75}
	for range n {
		tr := transposes[rnd.IntN(4)]
		p := problem{
			tA: tr[0], tB: tr[1],
			m: 1 + rnd.IntN(70), n: 1 + rnd.IntN(90), k: 1 + rnd.IntN(60),
			pad:   rnd.IntN(3) * rnd.IntN(9),
			alpha: alphas[rnd.IntN(4)], beta: betas[rnd.IntN(4)],
		}
		check(t, p, rnd, kernelImpls()...)
	}
}

// TestSgemmBlocked covers shapes deeper than kcMax and wider than ncMax with
// the default blocking, through the public entry point.
func TestSgemmBlocked(t *testing.T) {
	shapes := [][3]int{{30, 70, kcMax + 5}, {13, ncMax + 33, 9}, {5, 3, 2*kcMax + 1}}
	rnd := rand.New(rand.NewPCG(5, 6))
	for _, tr := range transposes {
		for _, s := range shapes {
			p := problem{tr[0], tr[1], s[0], s[1], s[2], 1, 1.5, 0.5}
			check(t, p, rnd, impl{"Implementation", func(p problem, o operands) {
				Implementation{}.Sgemm(p.tA, p.tB, p.m, p.n, p.k, p.alpha, o.a, o.lda, o.b, o.ldb, p.beta, o.c, o.ldc)
			}})
		}
	}
}

// TestSgemmSpecialScalars checks the BLAS rules for alpha = 0 (A and B are not
// read), k = 0, and beta = 0 (C is not read).
func TestSgemmSpecialScalars(t *testing.T) {
	nan := float32(math.NaN())
	tests := []struct {
		name        string
		k           int
		alpha, beta float32
		a, b, c     float32
		want        float32
	}{
		{"alpha0 ignores NaN in A and B", 3, 0, 2, nan, nan, 3, 6},
		{"alpha0 beta0 ignores NaN everywhere", 3, 0, 0, nan, nan, nan, 0},
		{"k0 scales C", 0, 1, -1, 1, 1, 3, -3},
		{"beta0 ignores NaN in C", 3, 2, 0, 1, 1, nan, 6},
		{"beta0 ignores Inf in C", 3, 2, 0, 1, 1, float32(math.Inf(1)), 6},
		{"beta1 accumulates", 3, 1, 1, 1, 1, 4, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const m, n = 13, 33
			k := tt.k
			a := filled(m*max(k, 1), tt.a)
			b := filled(max(k, 1)*n, tt.b)
			c := filled(m*n, tt.c)
			Implementation{}.Sgemm(blas.NoTrans, blas.NoTrans, m, n, k, tt.alpha, a, max(k, 1), b, n, tt.beta, c, n)
			for i, v := range c {
				if v != tt.want {
					t.Fatalf("c[%d] = %v, want %v", i, v, tt.want)
				}
			}
		})
	}
}

func filled(n int, v float32) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = v
	}
	return s
}

// TestSgemmPanics checks that invalid arguments panic with gonum's messages.
func TestSgemmPanics(t *testing.T) {
	s := make([]float32, 100)
	tests := []struct {
		name    string
		tA, tB  blas.Transpose
		m, n, k int
		a       []float32
		lda     int
		b       []float32
		ldb     int
		c       []float32
		ldc     int
	}{
		{"bad tA", 'X', blas.NoTrans, 2, 2, 2, s, 2, s, 2, s, 2},
		{"bad tB", blas.NoTrans, 'X', 2, 2, 2, s, 2, s, 2, s, 2},
		{"m<0", blas.NoTrans, blas.NoTrans, -1, 2, 2, s, 2, s, 2, s, 2},
		{"n<0", blas.NoTrans, blas.NoTrans, 2, -1, 2, s, 2, s, 2, s, 2},
		{"k<0", blas.NoTrans, blas.NoTrans, 2, 2, -1, s, 2, s, 2, s, 2},
		{"lda", blas.NoTrans, blas.NoTrans, 2, 2, 3, s, 2, s, 2, s, 2},
		{"lda trans", blas.Trans, blas.NoTrans, 3, 2, 2, s, 2, s, 2, s, 2},
		{"ldb", blas.NoTrans, blas.NoTrans, 2, 3, 2, s, 2, s, 2, s, 3},
		{"ldb trans", blas.NoTrans, blas.Trans, 2, 2, 3, s, 3, s, 2, s, 2},
		{"ldc", blas.NoTrans, blas.NoTrans, 2, 3, 2, s, 2, s, 3, s, 2},
		{"short a", blas.NoTrans, blas.NoTrans, 2, 2, 2, s[:3], 2, s, 2, s, 2},
		{"short b", blas.NoTrans, blas.NoTrans, 2, 2, 2, s, 2, s[:3], 2, s, 2},
		{"short c", blas.NoTrans, blas.NoTrans, 2, 2, 2, s, 2, s, 2, s[:3], 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			call := func(impl blas.Float32) (msg any) {
				defer func() { msg = recover() }()
				impl.Sgemm(tt.tA, tt.tB, tt.m, tt.n, tt.k, 1, tt.a, tt.lda, tt.b, tt.ldb, 0, tt.c, tt.ldc)
				return nil
			}
			want := call(gonum.Implementation{})
			got := call(Implementation{})
			if want == nil {
				t.Fatalf("gonum did not panic; the test case is wrong")
			}
			if got != want {
				t.Errorf("panic %v, want %v", got, want)
			}
		})
	}
}

func TestUse(t *testing.T) {
	old := blas32.Implementation()
	defer blas32.Use(old)
	Use()
	if _, ok := blas32.Implementation().(Implementation); !ok {
		t.Fatalf("blas32.Implementation() = %T, want sgemm.Implementation", blas32.Implementation())
	}
	// The product goes through blas32 and gives the right numbers.
	a := blas32.General{Rows: 2, Cols: 3, Stride: 3, Data: []float32{1, 2, 3, 4, 5, 6}}
	b := blas32.General{Rows: 3, Cols: 2, Stride: 2, Data: []float32{7, 8, 9, 10, 11, 12}}
	c := blas32.General{Rows: 2, Cols: 2, Stride: 2, Data: make([]float32, 4)}
	blas32.Gemm(blas.NoTrans, blas.NoTrans, 1, a, b, 0, c)
	want := []float32{58, 64, 139, 154}
	for i, v := range c.Data {
		if v != want[i] {
			t.Fatalf("C = %v, want %v", c.Data, want)
		}
	}
}

func TestKernel(t *testing.T) {
	ks := kernels()
	if Kernel() != ks[0].name {
		t.Errorf("Kernel() = %q, want the fastest available %q", Kernel(), ks[0].name)
	}
	if last := ks[len(ks)-1]; last.name != "go" {
		t.Errorf("last kernel = %q, want the portable go kernel", last.name)
	}
}

func TestSgemmNoAlloc(t *testing.T) {
	const m, n, k = 100, 64, 50
	a, b, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
	for _, tr := range transposes {
		lda, ldb := k, n
		if tr[0] != blas.NoTrans {
			lda = m
		}
		if tr[1] != blas.NoTrans {
			ldb = k
		}
		allocs := testing.AllocsPerRun(20, func() {
			Implementation{}.Sgemm(tr[0], tr[1], m, n, k, 1, a, lda, b, ldb, 0, c, n)
		})
		if allocs != 0 {
			t.Errorf("%c%c: %v allocations per call, want 0", tr[0], tr[1], allocs)
		}
	}
}

// TestSgemmConcurrent runs products on several goroutines at once, as the nn
// layers do, and checks each against the reference: calls share nothing but
// the packing buffers' free list.
func TestSgemmConcurrent(t *testing.T) {
	const goroutines, calls = 4, 5
	type job struct {
		p         problem
		o         operands
		want, tol []float64
	}
	rnd := rand.New(rand.NewPCG(7, 8))
	jobs := make([]job, goroutines)
	for g := range jobs {
		tr := transposes[g%4]
		p := problem{tr[0], tr[1], 40 + g, 70 + g, 30 + g, g % 2, 1, 0}
		o := newOperands(p, rnd)
		want, tol := reference(p, o)
		jobs[g] = job{p, o, want, tol}
	}
	errs := make(chan string, goroutines)
	for _, j := range jobs {
		go func() {
			c := make([]float32, len(j.o.c))
			for range calls {
				Implementation{}.Sgemm(j.p.tA, j.p.tB, j.p.m, j.p.n, j.p.k, j.p.alpha, j.o.a, j.o.lda, j.o.b, j.o.ldb, j.p.beta, c, j.o.ldc)
				for i := 0; i < j.p.m; i++ {
					for l := 0; l < j.p.n; l++ {
						got, w := float64(c[i*j.o.ldc+l]), j.want[i*j.p.n+l]
						if math.IsNaN(got) || math.Abs(got-w) > j.tol[i*j.p.n+l] {
							errs <- fmt.Sprintf("%v: C[%d,%d] = %v, want %v", j.p, i, l, got, w)
							return
						}
					}
				}
			}
			errs <- ""
		}()
	}
	for range jobs {
		if e := <-errs; e != "" {
			t.Error(e)
		}
	}
}
