package nn

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/convscope/convscope/nn/sgemm"
)

// TestPointwiseReadsPackedKernel checks that the 1×1 path with
// Engine.PackWeights multiplies with its packed copy of the kernel
// (packKernel: made once, kept while current): a write to Param.Value
// without WeightsChanged leaves the output as it was, and after
// WeightsChanged the output follows it. Go and AVX-512 tiles, one and two
// workers.
func TestPointwiseReadsPackedKernel(t *testing.T) {
	nr := sgemm.PanelWidth()
	f := (5*nr + 15) / 16 * 16 // five panels or more, a multiple of 16
	tiles := []bool{true}
	if useStemAVX512 {
		tiles = append(tiles, false)
	}
	for _, stemGo := range tiles {
		for _, workers := range []int{1, 2} {
			name := fmt.Sprintf("stemGo=%v/workers=%d", stemGo, workers)
			l := NewConv2D(f, 1, 1, WithActivation("relu6"))
			e := Engine{Workers: workers, PackWeights: true}
			e.opts.stemGo = stemGo
			l.setEngine(e)
			if _, err := l.Build([]int{12, 13, 24}); err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewSource(4))
			fillUniform(l.kernel.Value, 0.5, rng)
			fillUniform(l.bias.Value, 0.5, rng)
			if !l.pointwiseOK() || !l.usePacked(false) {
				t.Fatalf("%s: 1×1 path %v, packed %v; expected both", name, l.pointwiseOK(), l.usePacked(false))
			}
			x := NewTensor(1, 12, 13, 24)
			fillUniform(x.Data, 2, rng)
			want, got := NewTensor(1, 12, 13, f), NewTensor(1, 12, 13, f)
			l.Forward(want, x, false)
			if !l.pw.packed || len(l.pw.kp) != 24*f {
				t.Fatalf("%s: packed %v, %d packed values; expected %d", name, l.pw.packed, len(l.pw.kp), 24*f)
			}
			clear(l.kernel.Value) // not announced: the packed copy stays
			l.Forward(got, x, false)
			for i := range want.Data {
				if got.Data[i] != want.Data[i] {
					t.Fatalf("%s: output %d = %g after an unannounced kernel change, expected %g (the packed kernel's)", name, i, got.Data[i], want.Data[i])
				}
			}
			l.weightsChanged()
			l.Forward(got, x, false)
			for i, v := range got.Data {
				if b := min(max(l.bias.Value[i%f], 0), 6); v != b {
					t.Fatalf("%s: output %d = %g with a zero kernel after WeightsChanged, expected relu6(bias) %g", name, i, v, b)
				}
			}
		}
	}
}

// TestPointwiseShape pins the 1×1 path's register tile: stemShape's (64
// channels × 6 pixels for a multiple of 64 filters, 32 × 12 for 32, 16 × 12
// for 16), except that 64-channel blocks whose kernel block (cin·64
// floats) is larger than the 32 KiB L1 cache take 32 × 12 tiles: from 129
// input channels on, not at 128 (exactly 32 KiB).
func TestPointwiseShape(t *testing.T) {
	for _, tc := range []struct{ f, cin, v, p int }{
		{64, 16, 4, 6},
		{64, 128, 4, 6},
		{64, 129, 2, 12},
		{384, 64, 4, 6},
		{384, 160, 2, 12},
		{96, 512, 2, 12},
		{48, 512, 1, 12},
		{32, 1, 2, 12},
	} {
		if v, p := pointwiseShape(tc.f, tc.cin); v != tc.v || p != tc.p {
			t.Errorf("pointwiseShape(%d, %d) = %d, %d; expected %d, %d", tc.f, tc.cin, v, p, tc.v, tc.p)
		}
	}
	defer func(old bool) { pwWide = old }(pwWide)
	pwWide = false
	if v, p := pointwiseShape(64, 512); v != 4 || p != 6 {
		t.Errorf("without pwWide, pointwiseShape(64, 512) = %d, %d; expected 4, 6", v, p)
	}
}

// TestPointwiseWorkItems pins how the 1×1 path cuts a pass into work
// items, worked by hand from forwardPointwise's rules: chunks of whole
// tiles with at most pwChunkFloats of input and output, evened out, then
// column groups of whole 16·v-channel blocks added until there are four
// items per worker or one group per block.
func TestPointwiseWorkItems(t *testing.T) {
	for _, tc := range []struct {
		name                      string
		f, cin, n, workers        int
		chunk, chunks, groups, gw int
	}{
		// 144 pixels = 24 tiles of 6, all in one chunk; one 64-channel block.
		{"one block", 64, 16, 1, 2, 144, 1, 1, 64},
		// 10 tiles per chunk at most: 3 chunks of 8 tiles; 4 blocks, three
		// groups wanted (9 ≥ 8 items), two blocks each: 2 groups of 128.
		{"four blocks, two workers", 256, 16, 1, 2, 48, 3, 2, 128},
		// 18 tiles per chunk at most: 2 chunks of 12; 2 blocks, a group each
		// (the blocks, not the 16 items wanted, stop it).
		{"two blocks, four workers", 128, 16, 1, 4, 72, 2, 2, 64},
		// 13 tiles per chunk at most: 2 chunks of 12; 3 blocks, and two
		// groups give exactly the four items one worker wants: 2 of 128.
		{"exactly four items", 192, 16, 1, 1, 72, 2, 2, 128},
	} {
		l := NewConv2D(tc.f, 1, 1, WithActivation("relu"))
		e := Engine{Workers: tc.workers}
		e.opts.stemGo = true
		l.setEngine(e)
		if _, err := l.Build([]int{12, 12, tc.cin}); err != nil {
			t.Fatal(err)
		}
		x := NewTensor(tc.n, 12, 12, tc.cin)
		y := NewTensor(tc.n, 12, 12, tc.f)
		if !l.forwardPointwise(y, x) {
			t.Fatalf("%s: the 1×1 path was not taken", tc.name)
		}
		pw := &l.pw
		if pw.chunk != tc.chunk || pw.chunks != tc.chunks || pw.groups != tc.groups || pw.gw != tc.gw {
			t.Errorf("%s: chunks of %d pixels ×%d, %d groups of %d channels; expected %d ×%d, %d of %d",
				tc.name, pw.chunk, pw.chunks, pw.groups, pw.gw, tc.chunk, tc.chunks, tc.groups, tc.gw)
		}
	}
}

// TestPointwiseMinPixels: the 1×1 path takes images of pwMinPixels pixels
// (8×16) and more, not one pixel fewer.
func TestPointwiseMinPixels(t *testing.T) {
	for _, tc := range []struct {
		h, w int
		want bool
	}{{8, 16, true}, {1, 128, true}, {127, 1, false}, {11, 11, false}} {
		l := NewConv2D(32, 1, 1)
		e := Engine{Workers: 1}
		e.opts.stemGo = true
		l.setEngine(e)
		if _, err := l.Build([]int{tc.h, tc.w, 8}); err != nil {
			t.Fatal(err)
		}
		if got := l.pointwiseOK(); got != tc.want {
			t.Errorf("%d×%d pixels: pointwiseOK() = %v, expected %v", tc.h, tc.w, got, tc.want)
		}
	}
}
