package nn

import (
	"fmt"
	"math"
	"math/rand"
	"slices"
	"testing"
)

// fireGraph is two SqueezeNet fire modules on a 16×16 map: a 1×1 squeeze,
// then a 1×1 expand (the 1×1 path: 256 pixels, 32 filters, ReLU) and a 3×3
// expand (Winograd: 64 tiles, 16 → 32 channels) joined by a Concatenate;
// the second module's Concatenate also joins a ReLU node (copied, not a
// convolution) and a 1×1 convolution of 8 filters (not the 1×1 path: its
// own map, copied), and is read by a pooling and the graph's second
// output.
func fireGraph(t testing.TB) *Graph {
	g := NewGraph([]int{16, 16, 8})
	add := func(l LayerBase, in ...string) string {
		name, err := g.Add(l, in...)
		if err != nil {
			t.Fatal(err)
		}
		return name
	}
	relu := WithActivation("relu")
	s := add(NewConv2D(16, 1, 1, relu, WithName("s1")), GraphInput)
	e1 := add(NewConv2D(32, 1, 1, relu, WithName("e1")), s)
	e3 := add(NewConv2D(32, 3, 3, relu, WithPadding("same"), WithName("e3")), s)
	c1 := add(NewConcatenate(), e1, e3)
	s2 := add(NewConv2D(16, 1, 1, relu, WithName("s2")), c1)
	r := add(NewReLU(0, 0, 0), s2)
	e4 := add(NewConv2D(32, 3, 3, relu, WithPadding("same"), WithName("e4")), s2)
	e5 := add(NewConv2D(8, 1, 1, WithName("e5")), s2)
	c2 := add(NewConcatenate(), e4, r, e5)
	gap := add(NewGlobalAveragePooling2D(), c2)
	head := add(NewDense(3), gap)
	g.SetOutputs(head, c2)
	if err := g.Build(); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(3))
	for _, p := range g.Params() {
		fillUniform(p.Value, 0.5, rng)
	}
	return g
}

// TestPredictConcatInto: in Predict, the convolutions read only by a
// Concatenate write into its output (the 1×1 and the Winograd paths, with
// the AVX-512 and the Go tiles, packed or not, on one and two workers),
// the others are copied, and the outputs are bit for bit Forward's (and
// Predict's with the in-place inputs off); the plan's buffers never
// overlap while alive.
func TestPredictConcatInto(t *testing.T) {
	for _, tl := range stemTileKinds() {
		for _, pack := range []bool{false, true} {
			for _, w := range []int{1, 2} {
				t.Run(fmt.Sprintf("%s/pack=%v/workers=%d", tl, pack, w), func(t *testing.T) {
					g := fireGraph(t)
					e := Engine{Workers: w, PackWeights: pack}
					e.opts.stemGo = tl == "go"
					g.SetEngine(e)
					checkPredict(t, g, true)
					wrote := map[string]bool{}
					for i, n := range g.order {
						if s := g.lean.cat[i]; s != nil && s.cat != nil {
							wrote[n.name] = s.wrote
						}
					}
					want := map[string]bool{"e1": true, "e3": true, "e4": true, "e5": false}
					if fmt.Sprint(wrote) != fmt.Sprint(want) {
						t.Errorf("written in place: %v, expected %v", wrote, want)
					}
					x := NewTensor(append([]int{1}, g.InputShape()...)...)
					fillUniform(x.Data, 1, rand.New(rand.NewSource(9)))
					on := g.Predict(x).Clone()
					defer func() { catFusion = true }()
					catFusion = false
					off := g.Predict(x)
					if g.lean.cat != nil {
						t.Fatal("catFusion off: the plan still has in-place inputs")
					}
					if !equalBits(on.Data, off.Data) {
						t.Error("Predict with in-place Concatenate inputs differs from Predict without")
					}
				})
			}
		}
	}
}

// equalBits reports whether a and b hold the same float32 bit patterns.
func equalBits(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return false
		}
	}
	return true
}

// poolGraph is a 14×14×64 map read by a 1×1 convolution of 200 filters (the
// direct path; on two workers cut into column blocks of every row) and by
// a padded 3×3 convolution of 16 (not the direct path), each read by a
// GlobalAveragePooling2D; the first pool feeds a Dense output, the second
// is an output.
func poolGraph(t testing.TB) *Graph {
	g := NewGraph([]int{14, 14, 64})
	add := func(l LayerBase, in ...string) string {
		name, err := g.Add(l, in...)
		if err != nil {
			t.Fatal(err)
		}
		return name
	}
	c := add(NewConv2D(200, 1, 1, WithActivation("relu"), WithName("head")), GraphInput)
	p := add(NewGlobalAveragePooling2D(), c)
	d := add(NewDense(5), p)
	c3 := add(NewConv2D(16, 3, 3, WithPadding("same"), WithName("side")), GraphInput)
	p3 := add(NewGlobalAveragePooling2D(), c3)
	g.SetOutputs(d, p3)
	if err := g.Build(); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(4))
	for _, p := range g.Params() {
		fillUniform(p.Value, 0.5, rng)
	}
	return g
}

// TestPredictPoolInto: in Predict, a convolution read only by a global
// average pooling computes the pool's output in its work items when they
// cover whole columns (the 1×1 head on two workers), and the pool runs on
// its own otherwise (the padded 3×3); either way the outputs are bit for
// bit Forward's and Predict's without the fusion.
func TestPredictPoolInto(t *testing.T) {
	for _, w := range []int{1, 2} {
		for _, pack := range []bool{false, true} {
			t.Run(fmt.Sprintf("workers=%d/pack=%v", w, pack), func(t *testing.T) {
				g := poolGraph(t)
				g.SetEngine(Engine{Workers: w, PackWeights: pack})
				checkPredict(t, g, true)
				wrote := map[string]bool{}
				for i, n := range g.order {
					if s := g.lean.cat[i]; s != nil && s.gap != nil {
						wrote[n.name] = s.wrote
					}
				}
				head := g.byName["head"].layer.(*Conv2D)
				want := map[string]bool{"head": head.blocks == 1, "side": false}
				if fmt.Sprint(wrote) != fmt.Sprint(want) {
					t.Errorf("pools computed by their convolutions: %v, expected %v", wrote, want)
				}
				if w == 2 && (!wrote["head"] || head.cb < 2) {
					t.Errorf("two workers: head in %d column blocks, pool computed by it %v; expected ≥ 2 and true", head.cb, wrote["head"])
				}
				x := NewTensor(append([]int{1}, g.InputShape()...)...)
				fillUniform(x.Data, 1, rand.New(rand.NewSource(9)))
				g.Predict(x)
				var on [][]float32
				for _, o := range g.Outputs() {
					on = append(on, slices.Clone(o.Data))
				}
				defer func() { gapFusion = true }()
				gapFusion = false
				g.Predict(x)
				for i, o := range g.Outputs() {
					if !equalBits(on[i], o.Data) {
						t.Errorf("output %d: Predict with the pools fused differs from Predict without", i)
					}
				}
			})
		}
	}
}

// invertedResidual is two MobileNetV2 blocks on a 16×16×32 map (1×1
// expansion to 96, ReLU6; 3×3 depthwise, ReLU6; 1×1 projection to 32,
// linear: the 1×1 path; Add with the block's input); the second Add is
// read by a ReLU node (computed with the Add).
func invertedResidual(t testing.TB) *Graph {
	g := NewGraph([]int{16, 16, 32})
	add := func(l LayerBase, in ...string) string {
		name, err := g.Add(l, in...)
		if err != nil {
			t.Fatal(err)
		}
		return name
	}
	x := GraphInput
	for b := range 2 {
		e := add(NewConv2D(96, 1, 1, WithActivation("relu6")), x)
		d := add(NewConv2D(96, 3, 3, WithGroups(96), WithPadding("same"), WithActivation("relu6")), e)
		p := add(NewConv2D(32, 1, 1, WithName(fmt.Sprint("project", b))), d)
		x = add(NewAdd(), p, x)
		if b == 1 {
			x = add(NewReLU(0, 0, 0), x)
		}
	}
	if err := g.Build(); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(6))
	for _, p := range g.Params() {
		fillUniform(p.Value, 0.3, rng)
	}
	return g
}

// TestPredictResidualPW: in Predict, the residual Adds of projections on
// the 1×1 path are computed by the projection's work items (with the Add's
// ReLU node), and the outputs are bit for bit Forward's and Predict's
// without it.
func TestPredictResidualPW(t *testing.T) {
	for _, tl := range stemTileKinds() {
		for _, w := range []int{1, 2} {
			t.Run(fmt.Sprintf("%s/workers=%d", tl, w), func(t *testing.T) {
				g := invertedResidual(t)
				e := Engine{Workers: w, PackWeights: true}
				e.opts.stemGo = tl == "go"
				g.SetEngine(e)
				checkPredict(t, g, true)
				x := NewTensor(append([]int{1}, g.InputShape()...)...)
				fillUniform(x.Data, 1, rand.New(rand.NewSource(9)))
				on := g.Predict(x).Clone()
				for b := range 2 {
					c := g.byName[fmt.Sprint("project", b)].layer.(*Conv2D)
					if !c.pointwiseOK() || !c.res.done.Load() {
						t.Errorf("project%d: 1×1 path %v, Add computed by its items %v; expected both", b, c.pointwiseOK(), c.res.done.Load())
					}
				}
				defer func() { resPWFusion = true }()
				resPWFusion = false
				off := g.Predict(x)
				if !equalBits(on.Data, off.Data) {
					t.Error("Predict with the Adds in the 1×1 items differs from Predict without")
				}
				for b := range 2 {
					if c := g.byName[fmt.Sprint("project", b)].layer.(*Conv2D); c.res.done.Load() {
						t.Errorf("resPWFusion off: project%d's items computed the Add", b)
					}
				}
			})
		}
	}
}
