package colormap

import (
	"image/color"
	"math"
	"strings"
	"testing"
)

// TestMatplotlibValues pins table entries to values printed by matplotlib 3.6.3
// (Debian python3-matplotlib): colormaps[name](i, bytes=True)[:3].
func TestMatplotlibValues(t *testing.T) {
	for _, tc := range []struct {
		name string
		i    uint8
		rgb  [3]uint8
	}{
		{"viridis", 0, [3]uint8{68, 1, 84}},
		{"viridis", 1, [3]uint8{68, 2, 85}},
		{"viridis", 127, [3]uint8{32, 143, 140}},
		{"viridis", 128, [3]uint8{32, 144, 140}},
		{"viridis", 255, [3]uint8{253, 231, 36}},
		{"magma", 0, [3]uint8{0, 0, 3}},
		{"magma", 128, [3]uint8{182, 54, 121}},
		{"magma", 255, [3]uint8{251, 252, 191}},
		{"inferno", 128, [3]uint8{187, 55, 84}},
		{"plasma", 0, [3]uint8{12, 7, 134}},
		{"plasma", 255, [3]uint8{239, 248, 33}},
		{"cividis", 128, [3]uint8{124, 123, 120}},
		{"gray", 128, [3]uint8{128, 128, 128}},
		{"coolwarm", 0, [3]uint8{58, 76, 192}},
		{"coolwarm", 128, [3]uint8{221, 220, 219}},
		{"coolwarm", 255, [3]uint8{179, 3, 38}},
		{"rdbu", 0, [3]uint8{5, 48, 97}},
		{"rdbu", 255, [3]uint8{103, 0, 31}},
	} {
		got := MustByName(tc.name).Index(tc.i)
		if want := (color.RGBA{tc.rgb[0], tc.rgb[1], tc.rgb[2], 255}); got != want {
			t.Errorf("%s[%d] = %v, want %v", tc.name, tc.i, got, want)
		}
	}
}

// TestAt checks At against matplotlib's float lookup: cmap(0.5) is entry 128,
// cmap(1.0) entry 255, out-of-range values clamp.
func TestAt(t *testing.T) {
	v := MustByName("viridis")
	for _, tc := range []struct {
		t float64
		i uint8
	}{
		{-1, 0}, {0, 0}, {0.5, 128}, {0.999, 255}, {1, 255}, {7, 255},
		{1.0 / 256, 1}, {math.NaN(), 0}, {math.Inf(1), 255}, {math.Inf(-1), 0},
	} {
		if got, want := v.At(tc.t), v.Index(tc.i); got != want {
			t.Errorf("At(%v) = %v, want entry %d = %v", tc.t, got, tc.i, want)
		}
	}
}

func TestSmooth(t *testing.T) {
	for _, m := range All() {
		for _, i := range []int{0, 1, 100, 254, 255} {
			if got, want := m.Smooth(float64(i)/255), m.Index(uint8(i)); got != want {
				t.Errorf("%s Smooth(%d/255) = %v, want %v", m.Name, i, got, want)
			}
		}
		// Halfway between two entries lies between them, channel by channel.
		a, b, mid := m.Index(10), m.Index(11), m.Smooth(10.5/255)
		for k, c := range [][3]uint8{{a.R, b.R, mid.R}, {a.G, b.G, mid.G}, {a.B, b.B, mid.B}} {
			lo, hi := min(c[0], c[1]), max(c[0], c[1])
			if c[2]+1 < lo || c[2] > hi+1 {
				t.Errorf("%s Smooth(10.5/255) channel %d = %d not within [%d, %d]", m.Name, k, c[2], lo, hi)
			}
		}
	}
}

// TestMonotoneLightness: the perceptually uniform maps and gray rise in CIE L*
// at every step (viridis' 8-bit rounding dips by at most 0.02).
func TestMonotoneLightness(t *testing.T) {
	for _, name := range []string{"viridis", "magma", "inferno", "plasma", "cividis", "gray"} {
		m := MustByName(name)
		for i := 0; i < 255; i++ {
			if d := m.Lightness(uint8(i+1)) - m.Lightness(uint8(i)); d < -0.05 {
				t.Errorf("%s: L* falls by %.3f from entry %d to %d", name, -d, i, i+1)
			}
		}
		if span := m.Lightness(255) - m.Lightness(0); span < 70 {
			t.Errorf("%s: L* spans only %.1f", name, span)
		}
	}
}

// TestDivergingSymmetric: the diverging maps are lightest in the middle, fall
// off symmetrically (entries i and 255−i have nearly equal L*), and run from
// blue (low) to red (high).
func TestDivergingSymmetric(t *testing.T) {
	for _, tc := range []struct {
		name string
		tol  float64 // max |L*(i) − L*(255−i)|
	}{{"coolwarm", 1}, {"rdbu", 5}} {
		m := MustByName(tc.name)
		if m.Kind != Diverging {
			t.Errorf("%s: kind %v", tc.name, m.Kind)
		}
		for i := 0; i < 128; i++ {
			lo, hi := m.Lightness(uint8(i)), m.Lightness(uint8(255-i))
			if math.Abs(lo-hi) > tc.tol {
				t.Errorf("%s: L*[%d] = %.2f but L*[%d] = %.2f", tc.name, i, lo, 255-i, hi)
			}
			if i > 0 && m.Lightness(uint8(i)) < m.Lightness(uint8(i-1))-1 {
				t.Errorf("%s: L* falls before the middle at %d", tc.name, i)
			}
		}
		if m.Lightness(128) < m.Lightness(0)+40 {
			t.Errorf("%s: middle is not much lighter than the ends", tc.name)
		}
		if c := m.Index(0); c.B <= c.R {
			t.Errorf("%s: low end %v is not blue", tc.name, c)
		}
		if c := m.Index(255); c.R <= c.B {
			t.Errorf("%s: high end %v is not red", tc.name, c)
		}
	}
}

func TestByName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"viridis", "viridis"}, {" Viridis ", "viridis"}, {"GREY", "gray"}, {"RdBu_r", "rdbu"},
	} {
		m, err := ByName(tc.in)
		if err != nil || m.Name != tc.want {
			t.Errorf("ByName(%q) = %v, %v; want %s", tc.in, m, err, tc.want)
		}
	}
	_, err := ByName("jet")
	if err == nil || !strings.Contains(err.Error(), `"jet"`) || !strings.Contains(err.Error(), strings.Join(Names(), ", ")) {
		t.Errorf("ByName(jet) error %v does not name the input and list the valid names", err)
	}
	if Names()[0] != Default {
		t.Errorf("Names()[0] = %s, want %s", Names()[0], Default)
	}
	for _, m := range All() {
		if m.LUT()[0][3] != 255 || m.LUT()[255][3] != 255 || m.Source == "" {
			t.Errorf("%s: alpha or source missing", m.Name)
		}
	}
}

func BenchmarkAt(b *testing.B) {
	m := MustByName("viridis")
	var s int
	for i := 0; b.Loop(); i++ {
		s += int(m.At(float64(i&1023) / 1023).R)
	}
	_ = s
}
