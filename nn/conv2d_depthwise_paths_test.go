package nn

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// naiveConvGradsGrouped is the textbook backward pass of naiveConv's
// grouped, strided, dilated, padded convolution from dz (the gradient of
// the pre-activation), in float64:
//
//	dK[u,v,c,o] = Σ x[n, i·sh+u·dh-pt, j·sw+v·dw-pl, g·cg+c]·dz[n,i,j,o],
//	dX[n, i·sh+u·dh-pt, j·sw+v·dw-pl, g·cg+c] += K[u,v,c,o]·dz[n,i,j,o],
//
// over the taps inside the image, with g = o / (filters/groups).
func naiveConvGradsGrouped(x *Tensor, k []float32, dz *Tensor, kh, kw, groups, sh, sw, dh, dw, pt, pl int) (dk, dx []float64) {
	n, h, w, cin := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	oh, ow, f := dz.Shape[1], dz.Shape[2], dz.Shape[3]
	cg, og := cin/groups, f/groups
	dk, dx = make([]float64, kh*kw*cg*f), make([]float64, len(x.Data))
	for s := 0; s < n; s++ {
		for i := 0; i < oh; i++ {
			for j := 0; j < ow; j++ {
				for o := 0; o < f; o++ {
					d := float64(dz.Data[((s*oh+i)*ow+j)*f+o])
					for u := 0; u < kh; u++ {
						for v := 0; v < kw; v++ {
							iy, ix := i*sh+u*dh-pt, j*sw+v*dw-pl
							if iy < 0 || iy >= h || ix < 0 || ix >= w {
								continue
							}
							for c := 0; c < cg; c++ {
								xi := ((s*h+iy)*w+ix)*cin + o/og*cg + c
								ki := ((u*kw+v)*cg+c)*f + o
								dk[ki] += float64(x.Data[xi]) * d
								dx[xi] += float64(k[ki]) * d
							}
						}
					}
				}
			}
		}
	}
	return dk, dx
}

// TestConv2DDepthwiseKernelLevels runs depthwise convolutions that take
// the general path (depthwiseForward, depthwiseBackward: a tanh or sigmoid
// activation, dilation, a depth multiplier, 2×3 and 5×5 kernels) on every
// SIMD level of the machine — the AVX2 three-tap rows and mulAdd, and the
// Go loops, which an AVX2 machine runs only for channel counts that are
// not multiples of 8 — and compares the output and the kernel, bias and
// input gradients with the textbook loops.
func TestConv2DDepthwiseKernelLevels(t *testing.T) {
	for _, tc := range []struct {
		name           string
		h, w, c, mult  int
		kh, kw, sh, sw int
		dh, dw         int
		pads           [4]int
		act            string
	}{
		{"3x3 tanh, 16 channels", 6, 7, 16, 1, 3, 3, 1, 1, 1, 1, [4]int{1, 1, 1, 1}, "tanh"},
		{"3x3 tanh, stride 2, 8 channels", 7, 6, 8, 1, 3, 3, 2, 2, 1, 1, [4]int{1, 0, 1, 1}, "tanh"},
		{"3x3 dilated, 5 channels", 7, 8, 5, 1, 3, 3, 1, 2, 2, 2, [4]int{2, 1, 0, 2}, "linear"},
		{"3x3 dilated, 24 channels", 6, 6, 24, 1, 3, 3, 1, 1, 1, 2, [4]int{1, 2, 1, 2}, "relu6"},
		{"2x3 multiplier 3", 5, 6, 2, 3, 2, 3, 1, 2, 1, 1, [4]int{1, 0, 0, 2}, "sigmoid"},
		{"5x5 tanh, 12 channels", 6, 6, 12, 1, 5, 5, 1, 1, 1, 1, [4]int{2, 2, 2, 2}, "tanh"},
		{"1x3 valid, 8 channels", 4, 9, 8, 1, 1, 3, 1, 1, 1, 1, [4]int{}, "tanh"},
		// Width 1, pads 1: each window keeps only its middle column (taps
		// [1, 2)), which the three-tap rows must not take.
		{"3x3 tanh, width 1", 4, 1, 8, 1, 3, 3, 1, 1, 1, 1, [4]int{1, 1, 1, 1}, "tanh"},
		// 1×4 dilated by 2, left pad 2: the first output's taps 1–3 are
		// inside, three taps starting at tap 1 (input column 0).
		{"1x4 dilated 2, 8 channels", 3, 7, 8, 1, 1, 4, 1, 1, 1, 2, [4]int{0, 2, 0, 1}, "tanh"},
	} {
		for _, l := range kernelLevels() {
			name := fmt.Sprintf("%s/%s", tc.name, l.name)
			withKernelLevel(l, func() {
				f := tc.c * tc.mult
				layer := NewConv2D(f, tc.kh, tc.kw, WithGroups(tc.c), WithStrides(tc.sh, tc.sw), WithDilation(tc.dh, tc.dw),
					WithPads(tc.pads[0], tc.pads[1], tc.pads[2], tc.pads[3]), WithActivation(tc.act))
				out, err := layer.Build([]int{tc.h, tc.w, tc.c})
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if !layer.depthwise || layer.dw3x3() || layer.dw5x5() {
					t.Fatalf("%s: expected the general depthwise path", name)
				}
				layer.setEngine(testEngine(2, 7, ""))
				rng := rand.New(rand.NewSource(int64(f*10 + tc.kh)))
				fillUniform(layer.kernel.Value, 1.5, rng)
				fillUniform(layer.bias.Value, 1, rng)
				x := NewTensor(2, tc.h, tc.w, tc.c)
				fillUniform(x.Data, 2, rng)
				want := naiveConv(x, layer.kernel.Value, layer.bias.Value, tc.kh, tc.kw, f, tc.c, tc.sh, tc.sw, tc.dh, tc.dw,
					tc.pads[0], tc.pads[1], out[0], out[1])
				layer.act.apply(want.Data)
				y := NewTensor(2, out[0], out[1], out[2])
				for i := range y.Data {
					y.Data[i] = float32(math.NaN())
				}
				layer.Forward(y, x, true)
				clamped := 0
				for i, v := range y.Data {
					if e := want.Data[i]; !(math.Abs(float64(v-e)) <= 1e-5*max(1, math.Abs(float64(e)))) {
						t.Fatalf("%s: y[%d] = %g, expected %g", name, i, v, e)
					}
					if v == 6 {
						clamped++
					}
				}
				if tc.act == "relu6" && clamped == 0 {
					t.Fatalf("%s: no output reached 6; the test does not check the clamp", name)
				}
				dy := NewTensor(y.Shape...)
				fillUniform(dy.Data, 1, rng)
				dz := dy.Clone()
				for i, v := range y.Data {
					yv := float64(v)
					switch tc.act {
					case "tanh":
						dz.Data[i] = float32(float64(dy.Data[i]) * (1 - yv*yv))
					case "sigmoid":
						dz.Data[i] = float32(float64(dy.Data[i]) * yv * (1 - yv))
					case "relu6":
						if v <= 0 || v >= 6 {
							dz.Data[i] = 0
						}
					}
				}
				wk, wx := naiveConvGradsGrouped(x, layer.kernel.Value, dz, tc.kh, tc.kw, tc.c, tc.sh, tc.sw, tc.dh, tc.dw, tc.pads[0], tc.pads[1])
				wb := make([]float64, f)
				for i, d := range dz.Data {
					wb[i%f] += float64(d)
				}
				dx := NewTensor(x.Shape...)
				layer.Backward(dx, dy, x, y)
				if i := closeTo(layer.kernel.Grad, wk, 1e-4); i >= 0 {
					t.Errorf("%s: kernel gradient [%d] = %g, expected %g", name, i, layer.kernel.Grad[i], wk[i])
				}
				if i := closeTo(layer.bias.Grad, wb, 1e-4); i >= 0 {
					t.Errorf("%s: bias gradient [%d] = %g, expected %g", name, i, layer.bias.Grad[i], wb[i])
				}
				if i := closeTo(dx.Data, wx, 1e-4); i >= 0 {
					t.Errorf("%s: input gradient [%d] = %g, expected %g", name, i, dx.Data[i], wx[i])
				}
			})
		}
	}
}

// TestClampLiteral pins clamp on literal values around both bounds, on
// lengths below, at and past a multiple of 8 (the AVX2 loop and the Go
// tail), at every SIMD level: a NaN stays NaN.
func TestClampLiteral(t *testing.T) {
	nan := float32(math.NaN())
	in := []float32{-7, -0.5, 0, 3, 6, 6.5, nan, 100, 1, -1, 7, 2}
	want := []float32{0, 0, 0, 3, 6, 6, nan, 6, 1, 0, 6, 2}
	for _, l := range kernelLevels() {
		withKernelLevel(l, func() {
			for _, n := range []int{0, 3, 8, 9, 12} {
				v := append([]float32(nil), in[:n]...)
				clamp(v, 0, 6)
				for i := range v {
					if v[i] != want[i] && !(math.IsNaN(float64(v[i])) && math.IsNaN(float64(want[i]))) {
						t.Errorf("%s, length %d: clamp(%g) = %g, expected %g", l.name, n, in[i], v[i], want[i])
					}
				}
			}
		})
	}
}
