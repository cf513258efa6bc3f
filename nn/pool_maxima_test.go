package nn

import (
	"math/rand"
	"testing"
)

// PoolMaxima gives, after an inference Forward with SetPoolMaxima on, the
// per-channel maxima of every fused pooling's output by row and block of
// PoolMaxBlock positions, equal to a plain scan of Outputs; none after a
// training Forward or with SetPoolMaxima off.
func TestPoolMaxima(t *testing.T) {
	m, err := ReferenceModel()
	if err != nil {
		t.Fatal(err)
	}
	m.Init(3)
	in := m.InputShape()
	x := NewTensor(3, in[0], in[1], in[2])
	rng := rand.New(rand.NewSource(2))
	for i := range x.Data {
		x.Data[i] = rng.Float32()
	}
	m.SetPoolMaxima(true)
	m.Forward(x, false)
	checked := 0
	for i, l := range m.Layers() {
		mx, nb, ok := m.PoolMaxima(i)
		if !ok {
			if l.Kind() == "MaxPooling2D" && i > 0 {
				t.Logf("%s: not fused, no maxima", l.Name())
			}
			continue
		}
		checked++
		y := m.Outputs()[i]
		n, h, w, c := y.Shape[0], y.Shape[1], y.Shape[2], y.Shape[3]
		if want := (w + PoolMaxBlock - 1) / PoolMaxBlock; nb != want {
			t.Fatalf("%s: %d blocks per row, want %d", l.Name(), nb, want)
		}
		for s := range n {
			for r := range h {
				for b := range nb {
					for ch := range c {
						want := float32(-1e30)
						for q := b * PoolMaxBlock; q < min((b+1)*PoolMaxBlock, w); q++ {
							want = max(want, y.Data[((s*h+r)*w+q)*c+ch])
						}
						if got := mx[(((s*h+r)*nb)+b)*c+ch]; got != want {
							t.Fatalf("%s: sample %d row %d block %d channel %d: %g, want %g", l.Name(), s, r, b, ch, got, want)
						}
					}
				}
			}
		}
	}
	if checked != 4 {
		t.Errorf("maxima for %d poolings, want the reference model's 4", checked)
	}
	m.Forward(x, true)
	if _, _, ok := m.PoolMaxima(1); ok {
		t.Error("maxima after a training Forward")
	}
	m.SetPoolMaxima(false)
	m.Forward(x, false)
	if _, _, ok := m.PoolMaxima(1); ok {
		t.Error("maxima with SetPoolMaxima off")
	}
}
