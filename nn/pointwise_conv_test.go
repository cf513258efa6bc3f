package nn

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// pwCase is a 1×1 convolution for TestPointwiseConvMatches.
type pwCase struct {
	name        string
	h, w, cin   int
	f           int
	act         string
	noBias      bool
	batch       int
	wantTakenPW bool
}

// pwCases cover MobileNetV2's and SqueezeNet's 1×1 shapes (scaled down
// where the pixel count allows): 16, 32 and 64-channel tiles, kernels
// whose 64-channel blocks do and do not fit in L1 (64×6 and 32×12 tiles),
// pixel counts that are and are not whole tiles, items split by columns,
// layers too small for the path (7×7), filters not a multiple of 16.
var pwCases = []pwCase{
	{name: "expand 16→96 relu6", h: 13, w: 12, cin: 16, f: 96, act: "relu6", batch: 1, wantTakenPW: true},
	{name: "project 144→32 linear", h: 16, w: 9, cin: 144, f: 32, act: "linear", batch: 2, wantTakenPW: true},
	{name: "expand 64→384 relu6, 32x12 tiles", h: 14, w: 14, cin: 64, f: 384, act: "relu6", batch: 1, wantTakenPW: true},
	{name: "squeeze 512→64 relu", h: 13, w: 13, cin: 512, f: 64, act: "relu", batch: 1, wantTakenPW: true},
	{name: "16 filters, no bias", h: 11, w: 13, cin: 32, f: 16, act: "linear", noBias: true, batch: 2, wantTakenPW: true},
	{name: "odd cin 3, 48 filters", h: 10, w: 17, cin: 3, f: 48, act: "relu", batch: 1, wantTakenPW: true},
	{name: "7x7 stays on GEMM", h: 7, w: 7, cin: 160, f: 960, act: "relu6", batch: 1},
	{name: "24 filters stay on GEMM", h: 16, w: 16, cin: 144, f: 24, act: "linear", batch: 1},
	{name: "sigmoid stays on GEMM", h: 16, w: 16, cin: 32, f: 64, act: "sigmoid", batch: 1},
}

// runPWCase runs c through a fresh layer on engine e with the 1×1 path on
// or off and returns the layer and its output.
func runPWCase(t *testing.T, c pwCase, e Engine, fast bool) (*Conv2D, *Tensor) {
	t.Helper()
	defer func(old bool) { pointwiseFast = old }(pointwiseFast)
	pointwiseFast = fast
	l := NewConv2D(c.f, 1, 1, WithActivation(c.act), WithUseBias(!c.noBias))
	out, err := l.Build([]int{c.h, c.w, c.cin})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(int64(c.h*131 + c.cin + c.f)))
	fillUniform(l.kernel.Value, 0.5, rng)
	if l.bias != nil {
		fillUniform(l.bias.Value, 0.5, rng)
	}
	l.setEngine(e)
	x := NewTensor(c.batch, c.h, c.w, c.cin)
	fillUniform(x.Data, 4, rng) // some values beyond ReLU6's 6
	y := NewTensor(append([]int{c.batch}, out...)...)
	for i := range y.Data {
		y.Data[i] = float32(math.NaN()) // every output must be written
	}
	l.Forward(y, x, false)
	l.Forward(y, x, false) // the second call reuses the packed kernel
	return l, y
}

// TestPointwiseConvMatches compares the 1×1 path with the GEMM path
// (pointwiseFast off) on the same layer and input, packed kernels or not,
// one and two workers. With the AVX-512 tiles and cin ≤ 384 (nn/sgemm's
// deepest rank-k update, kcMax), bit for bit: both sum the cin products in
// order with fused multiply-adds, then add the bias, then clamp. Deeper,
// nn/sgemm sums each block of ≤ 384 products apart and adds it to the
// previous blocks' sum, which rounds differently; with the Go tiles
// (separate multiply and add, no FMA) every sum rounds differently: both
// within 1e-6 of the output's largest value (a float32 sum of cin
// products differs by a few ulps).
func TestPointwiseConvMatches(t *testing.T) {
	for _, c := range pwCases {
		for _, tl := range stemTileKinds() {
			for _, pack := range []bool{false, true} {
				for _, w := range []int{1, 2} {
					t.Run(fmt.Sprintf("%s/%s/pack=%v/workers=%d", c.name, tl, pack, w), func(t *testing.T) {
						e := Engine{Workers: w, PackWeights: pack}
						_, want := runPWCase(t, c, e, false)
						e.opts.stemGo = tl == "go"
						l, got := runPWCase(t, c, e, true)
						if taken := l.pointwiseOK(); taken != c.wantTakenPW {
							t.Fatalf("1×1 path taken %v, expected %v", taken, c.wantTakenPW)
						}
						if tl == "go" || c.cin > 384 {
							if err := maxRelErr(got.Data, f64s(want.Data)); !(err <= 1e-6) {
								t.Errorf("max relative error %.3g, expected ≤ 1e-6", err)
							}
							return
						}
						for i, v := range got.Data {
							if math.Float32bits(v) != math.Float32bits(want.Data[i]) {
								t.Fatalf("value %d: %v, expected %v (the GEMM path's, bit for bit)", i, v, want.Data[i])
							}
						}
					})
				}
			}
		}
	}
}

// f64s converts v to float64.
func f64s(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}
