package atlas

import (
	"math"
	"math/rand"
	"testing"

	"github.com/convscope/convscope/assets"
	"github.com/convscope/convscope/internal/model"
)

// firstLayerBound holds on small convolutions where the true maximum is
// known: the mean of relu(z) is convex in the image, so its maximum over
// the box is at a vertex, and a 4×4, 3×5 (one colour channel) or 3×3 (two)
// image has few enough vertices to try every one. Both bounds are at
// least the maximum; the Lagrangian one is below the interval bound
// (every cell at its own best patch) when cells must share pixels, and
// equals the maximum for a kernel whose taps all have one sign.
func TestFirstLayerBoundBruteForce(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	for tc := range 12 {
		kh, kw, cin, h, w := 2, 2, 1, 4, 4 // 2¹⁶ images
		switch tc % 3 {
		case 1:
			cin, h, w = 2, 3, 3 // 2¹⁸
		case 2:
			kh, kw, h, w = 1, 3, 3, 5 // 2¹⁵
		}
		taps := kh * kw * cin
		k := make([]float32, taps)
		for i := range k {
			k[i] = float32(rng.NormFloat64())
		}
		if tc == 0 {
			for i := range k {
				k[i] = float32(math.Abs(float64(k[i])))
			}
		}
		bias := []float32{float32(rng.NormFloat64() * 0.3)}
		oh, ow := h-kh+1, w-kw+1
		px := h * w * cin
		exact, ibp := 0.0, float64(bias[0])
		for _, v := range k {
			ibp += max(float64(v), 0)
		}
		ibp = max(ibp, 0)
		for bits := range 1 << px {
			var sum float64
			for y := range oh {
				for x := range ow {
					z := float64(bias[0])
					for dy := range kh {
						for dx := range kw {
							for c := range cin {
								if bits>>(((y+dy)*w+x+dx)*cin+c)&1 == 1 {
									z += float64(k[(dy*kw+dx)*cin+c])
								}
							}
						}
					}
					sum += max(z, 0)
				}
			}
			exact = max(exact, sum/float64(oh*ow))
		}
		tri, lag := firstLayerBound(k, bias, kh, kw, cin, 1, 0, h, w, 0, 1)
		if tri < exact-1e-9 || lag < exact-1e-9 {
			t.Errorf("case %d: bounds %.4f (triangle), %.4f (Lagrangian) below the maximum %.4f", tc, tri, lag, exact)
		}
		if lag > ibp+1e-9 {
			t.Errorf("case %d: Lagrangian bound %.4f above the interval bound %.4f", tc, lag, ibp)
		}
		if tc == 0 && math.Abs(min(tri, lag)-exact) > 1e-6 {
			t.Errorf("positive kernel: bound %.6f, maximum %.6f (all pixels at 1)", min(tri, lag), exact)
		}
		t.Logf("case %d: maximum %.4f, triangle %.4f, Lagrangian %.4f, interval %.4f", tc, exact, tri, lag, ibp)
	}
}

// provenBelow5 are the channels of the default model's conv2d_1 that no
// image drives to 5× their baseline: firstConvBounds is below 5× the
// baseline (recomputed here; docs/atlas.md).
var provenBelow5 = []int{1, 2, 5, 8, 11, 13, 14, 19, 20, 21, 22, 25, 27, 28}

// The proof behind provenBelow5, on the embedded default model: for
// exactly these channels of conv2d_1 the bound of the largest mean
// activation is below 5× the baseline (100 noise images and the 8
// samples), and for every channel the bound is at least what every
// baseline image reaches (a bound below an image's value would be wrong).
func TestFirstLayerProvenBelow5(t *testing.T) {
	m, err := model.Read(assets.DefaultModel, "default")
	if err != nil {
		t.Fatal(err)
	}
	base := baselineImages(t, m)
	acts := meanActs(t, m.Net, 0, base)
	bounds := firstConvBounds(m.Net, 1.0/255)
	var proven []int
	for k, b := range bounds {
		var avg, top float64
		for _, a := range acts {
			avg += a[k]
			top = max(top, a[k])
		}
		avg /= float64(len(acts))
		if b < top {
			t.Errorf("conv2d_1/%d: bound %.4g below a baseline image's %.4g", k, b, top)
		}
		if b < 5*avg {
			proven = append(proven, k)
			t.Logf("conv2d_1/%d: no image exceeds %.4g = %.2f× the baseline %.4g", k, b, b/avg, avg)
		}
	}
	if len(proven) != len(provenBelow5) {
		t.Fatalf("proven below 5×: %v, want %v", proven, provenBelow5)
	}
	for i := range proven {
		if proven[i] != provenBelow5[i] {
			t.Fatalf("proven below 5×: %v, want %v", proven, provenBelow5)
		}
	}
}
