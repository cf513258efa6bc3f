package transfer

import (
	"math"
	"math/rand"
	"testing"
)

func TestTransformHandComputed(t *testing.T) {
	c := math.Cos(30 * math.Pi / 180)
	tests := []struct {
		name string
		tr   Transform
		h, w int
		src  []float32
		want []float32
	}{
		{"horizontal flip", Transform{Flip: true}, 2, 3,
			[]float32{1, 2, 3, 4, 5, 6}, []float32{3, 2, 1, 6, 5, 4}},
		{"shift right 1, nearest fill", Transform{Tx: 1}, 2, 3,
			[]float32{1, 2, 3, 4, 5, 6}, []float32{1, 1, 2, 4, 4, 5}},
		{"shift left 2, nearest fill", Transform{Tx: -2}, 1, 4,
			[]float32{1, 2, 3, 4}, []float32{3, 4, 4, 4}},
		{"shift down 1, nearest fill", Transform{Ty: 1}, 3, 2,
			[]float32{1, 2, 3, 4, 5, 6}, []float32{1, 2, 1, 2, 3, 4}},
		{"rotate 90° counter-clockwise", Transform{Theta: 90}, 3, 3,
			[]float32{1, 2, 3, 4, 5, 6, 7, 8, 9}, []float32{3, 6, 9, 2, 5, 8, 1, 4, 7}},
		{"rotate 180°", Transform{Theta: 180}, 2, 2,
			[]float32{1, 2, 3, 4}, []float32{4, 3, 2, 1}},
		// Zoom 0.5 (zoom in): corner (u, v) = (-1, -1) samples (-0.5,
		// -0.5) from the centre, the mean of 1, 2, 4, 5.
		{"zoom in ×2", Transform{Zx: 0.5, Zy: 0.5}, 3, 3,
			[]float32{1, 2, 3, 4, 5, 6, 7, 8, 9}, []float32{3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 7}},
		// Shear 30° on a column ramp: x is scaled by cos 30°.
		{"shear 30°", Transform{Shear: 30}, 1, 3,
			[]float32{0, 1, 2}, []float32{float32(1 - c), 1, float32(1 + c)}},
		{"identity", Transform{}, 2, 2, []float32{1, 2, 3, 4}, []float32{1, 2, 3, 4}},
	}
	for _, tc := range tests {
		got := make([]float32, len(tc.src))
		tc.tr.Apply(got, tc.src, tc.h, tc.w, 1)
		for i := range got {
			if math.Abs(float64(got[i]-tc.want[i])) > 1e-5 {
				t.Errorf("%s: got %v, expected %v", tc.name, got, tc.want)
				break
			}
		}
	}
	// Channels move together: a flip of a 1×2 RGB image.
	got := make([]float32, 6)
	Transform{Flip: true}.Apply(got, []float32{1, 2, 3, 4, 5, 6}, 1, 2, 3)
	if want := []float32{4, 5, 6, 1, 2, 3}; !equal(got, want) {
		t.Errorf("RGB flip: got %v, expected %v", got, want)
	}
}

func equal(a, b []float32) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return len(a) == len(b)
}

func TestAugmentRandom(t *testing.T) {
	a := TutorialAugment()
	if err := a.Check(); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(1))
	flips := 0
	for range 1000 {
		tr := a.Random(rng, 150, 100)
		if math.Abs(tr.Theta) > 40 || math.Abs(tr.Tx) > 20 || math.Abs(tr.Ty) > 30 || math.Abs(tr.Shear) > 0.2 ||
			tr.Zx < 0.8 || tr.Zx > 1.2 || tr.Zy < 0.8 || tr.Zy > 1.2 {
			t.Fatalf("draw %+v outside the tutorial's ranges", tr)
		}
		if tr.Flip {
			flips++
		}
	}
	if flips < 400 || flips > 600 {
		t.Errorf("%d flips in 1000 draws, expected about half", flips)
	}
	if tr := (Augment{WidthShiftRange: 3}).Random(rng, 10, 10); math.Abs(tr.Tx) > 3 {
		t.Errorf("width_shift_range 3 (pixels) drew %v", tr.Tx)
	}
	if tr := (Augment{}).Random(rng, 10, 10); tr != (Transform{Zx: 1, Zy: 1}) {
		t.Errorf("no augmentation drew %+v", tr)
	}
	for _, bad := range []Augment{{FillMode: "reflect"}, {RotationRange: -1}, {ZoomRange: 1}, {ShearRange: math.NaN()}} {
		if bad.Check() == nil {
			t.Errorf("Check(%+v): no error", bad)
		}
	}
}
