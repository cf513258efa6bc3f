package receptive

import (
	"fmt"
	"math"
	"math/rand"
	"testing"

	"github.com/convscope/convscope/nn"
)

// The tutorial model's receptive fields (GUIDE §8): size and jump.
func TestTutorialTable(t *testing.T) {
	m, err := nn.ReferenceModel()
	if err != nil {
		t.Fatal(err)
	}
	n, err := FromSequential(m)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		layer      string
		size, jump int
	}{
		{"conv2d_1", 3, 1}, {"max_pooling2d_1", 4, 2}, {"conv2d_2", 8, 2}, {"max_pooling2d_2", 10, 4},
		{"conv2d_3", 18, 4}, {"max_pooling2d_3", 22, 8}, {"conv2d_4", 38, 8}, {"max_pooling2d_4", 46, 16},
	} {
		s, err := n.SizeOf(tc.layer)
		if err != nil {
			t.Fatal(err)
		}
		if s.RH != tc.size || s.RW != tc.size || s.JumpY != tc.jump || s.JumpX != tc.jump || s.StartY != 0 {
			t.Errorf("%s: got %+v, want size %d jump %d start 0", tc.layer, s, tc.size, tc.jump)
		}
	}
	// The last cell of max_pooling2d_4 ends 8 pixels before the border (GUIDE §8).
	b, _ := n.Field("max_pooling2d_4", 6, 6)
	if want := (Box{96, 96, 142, 142}); b != want {
		t.Errorf("max_pooling2d_4 (6, 6): got %v, want %v", b, want)
	}
	// dense_1 sees every pixel max_pooling2d_4 sees: all but the last 8
	// rows and columns.
	if b, _ := n.Field("dense_1", 0, 0); b != (Box{0, 0, 142, 142}) {
		t.Errorf("dense_1 sees %v, want rows and columns 0–141", b)
	}
	if _, err := n.Field("nope", 0, 0); err == nil {
		t.Error("unknown layer: no error")
	}
}

// A small graph: a strided "same" convolution beside zero padding and an
// overlapping max pooling, added, then a dilated convolution, average
// pooling, and a global pooling head.
func smallGraph(t testing.TB) *nn.Graph {
	g := nn.NewGraph([]int{20, 20, 2})
	a, _ := g.Add(nn.NewConv2D(3, 3, 3, nn.WithStrides(2, 2), nn.WithPadding("same"), nn.WithName("a")), nn.GraphInput)
	p, _ := g.Add(nn.NewZeroPadding2D(1, 1, 1, 1), nn.GraphInput)
	b, _ := g.Add(nn.NewConv2D(3, 1, 1, nn.WithName("b1")), p)
	b, _ = g.Add(nn.NewMaxPooling2D(3, 3, nn.WithStrides(2, 2), nn.WithName("b")), b)
	s, _ := g.Add(nn.NewAdd(nn.WithName("sum")), a, b)
	c, _ := g.Add(nn.NewConv2D(3, 3, 3, nn.WithDilation(2, 2), nn.WithName("dil")), s)
	c, _ = g.Add(nn.NewAveragePooling2D(2, 2, nn.WithName("avg")), c)
	c, _ = g.Add(nn.NewGlobalAveragePooling2D(), c)
	g.Add(nn.NewDense(1, nn.WithName("out")), c)
	if err := g.Build(); err != nil {
		t.Fatal(err)
	}
	return g
}

func TestGraphSizes(t *testing.T) {
	n, err := FromGraph(smallGraph(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		layer           string
		size, jump, beg int
	}{
		// "same" with stride 2 on 20 pads 0 rows before, 1 after; the
		// padded branch starts one row earlier, so the sum's field is 4.
		{"a", 3, 2, 0}, {"b1", 1, 1, -1}, {"b", 3, 2, -1}, {"sum", 4, 2, -1},
		{"dil", 12, 2, -1}, {"avg", 14, 4, -1},
	} {
		s, err := n.SizeOf(tc.layer)
		if err != nil {
			t.Fatal(err)
		}
		if s.RH != tc.size || s.JumpY != tc.jump || s.StartY != tc.beg {
			t.Errorf("%s: got %+v, want size %d jump %d start %d", tc.layer, s, tc.size, tc.jump, tc.beg)
		}
	}
}

// forwarder runs a network and returns a layer's output.
type forwarder func(x *nn.Tensor, layer string) *nn.Tensor

// checkNumerically perturbs pixels: each corner pixel of a cell's region
// changes the cell (all weights and inputs positive, so activations are
// linear and a large bump wins every max), and replacing every pixel
// outside the region changes none of the cell's channels.
func checkNumerically(t *testing.T, n *Net, c int, fwd forwarder, positive []*nn.Param) {
	rng := rand.New(rand.NewSource(1))
	for _, p := range positive {
		for i := range p.Value {
			p.Value[i] = 0.01 + 0.1*rng.Float32()
		}
	}
	ih, iw := n.InputSize()
	for _, nd := range n.nodes {
		if nd.h == 0 {
			continue
		}
		x := nn.NewTensor(1, ih, iw, c)
		for i := range x.Data {
			x.Data[i] = 0.1 + 0.9*rng.Float32()
		}
		for _, cell := range [][2]int{{0, 0}, {nd.h / 2, nd.w / 2}, {nd.h - 1, nd.w - 1}, {nd.h - 1, 0}} {
			f, _ := n.Field(nd.name, cell[0], cell[1])
			if f.Empty() { // a zero-padding cell
				continue
			}
			base := channels(fwd(x, nd.name), cell)
			// Each edge of the box holds a pixel that changes the cell (the
			// box is tight); corners first (where a chain's field has them).
			changes := func(px [2]int) bool {
				y := clone(x)
				for k := range c {
					y.Data[(px[0]*iw+px[1])*c+k] += 1000
				}
				return channels(fwd(y, nd.name), cell)[0] != base[0]
			}
			edges := [4][][2]int{}
			for q := f.X0; q < f.X1; q++ {
				edges[0] = append(edges[0], [2]int{f.Y0, q})
				edges[1] = append(edges[1], [2]int{f.Y1 - 1, f.X1 - 1 - (q - f.X0)})
			}
			for r := f.Y0; r < f.Y1; r++ {
				edges[2] = append(edges[2], [2]int{f.Y1 - 1 - (r - f.Y0), f.X0})
				edges[3] = append(edges[3], [2]int{r, f.X1 - 1})
			}
			for e, edge := range edges {
				found := false
				for _, px := range edge {
					if changes(px) {
						found = true
						break
					}
				}
				if !found {
					t.Errorf("%s %v: no pixel on edge %d of %v changes the cell", nd.name, cell, e, f)
				}
			}
			y := clone(x)
			for r := range ih {
				for q := range iw {
					if !f.Contains(r, q) {
						for k := range c {
							y.Data[(r*iw+q)*c+k] = rng.Float32() * 5
						}
					}
				}
			}
			// Up to float32 rounding: nn's Winograd convolutions (inference,
			// 3×3) compute a tile of outputs from a tile of inputs, so pixels
			// of the tile outside a cell's field move it by a few ulps.
			got := channels(fwd(y, nd.name), cell)
			for k := range got {
				if math.Abs(float64(got[k]-base[k])) > 1e-5*math.Abs(float64(base[k])) {
					t.Errorf("%s %v channel %d: pixels outside %v change the cell: %g → %g", nd.name, cell, k, f, base[k], got[k])
					break
				}
			}
		}
	}
}

func clone(x *nn.Tensor) *nn.Tensor {
	y := nn.NewTensor(x.Shape...)
	copy(y.Data, x.Data)
	return y
}

func channels(out *nn.Tensor, cell [2]int) []float32 {
	w, c := out.Shape[2], out.Shape[3]
	i := (cell[0]*w + cell[1]) * c
	return append([]float32(nil), out.Data[i:i+c]...)
}

func TestNumericSequential(t *testing.T) {
	m, err := nn.ReferenceModel()
	if err != nil {
		t.Fatal(err)
	}
	n, _ := FromSequential(m)
	checkNumerically(t, n, 3, func(x *nn.Tensor, layer string) *nn.Tensor {
		m.Forward(x, false)
		return m.Output(layer)
	}, m.Params())
}

func TestNumericGraph(t *testing.T) {
	g := smallGraph(t)
	n, _ := FromGraph(g)
	checkNumerically(t, n, 2, func(x *nn.Tensor, layer string) *nn.Tensor {
		g.Forward(x, false)
		return g.Output(layer)
	}, g.Params())
}

func TestLinked(t *testing.T) {
	m, _ := nn.ReferenceModel()
	n, _ := FromSequential(m)
	// Upstream: conv2d_2 (0, 0) depends on max_pooling2d_1's 3×3 corner.
	if b, ok, _ := n.Linked("conv2d_2", 0, 0, "max_pooling2d_1"); !ok || b != (Box{0, 0, 3, 3}) {
		t.Errorf("upstream: %v %v", b, ok)
	}
	// Downstream: max_pooling2d_1 (2, 2) feeds conv2d_2 rows/cols 0..2.
	if b, ok, _ := n.Linked("max_pooling2d_1", 2, 2, "conv2d_2"); !ok || b != (Box{0, 0, 3, 3}) {
		t.Errorf("downstream: %v %v", b, ok)
	}
	if _, ok, _ := n.Linked("conv2d_1", 0, 0, "dense_1"); ok {
		t.Error("dense_1 is not a map")
	}
	// Parallel branches of the graph: a and b1.
	gn, _ := FromGraph(smallGraph(t))
	if b, ok, _ := gn.Linked("a", 3, 3, "b1"); !ok || b.Empty() {
		t.Errorf("parallel: %v %v", b, ok)
	}
}

func ExampleNet_SizeOf() {
	m, _ := nn.ReferenceModel()
	n, _ := FromSequential(m)
	s, _ := n.SizeOf("conv2d_4")
	f, _ := n.Field("conv2d_4", 2, 3)
	fmt.Println(s.RH, s.JumpY, f)
	// Output: 38 8 rows 16–53, columns 24–61
}
