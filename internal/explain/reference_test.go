package explain

// Parity with PyTorch: testdata/reference.json comes from
// testdata/make_reference.py (float64 autograd) on the tutorial's model with
// nn's parity formula weights and input (nn/testdata/torch), rebuilt here
// bit for bit. Tolerance: |got − want| ≤ refTol · max|want| over the map
// (the map's scale: elementwise relative errors mean nothing where a map
// crosses zero).

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/convscope/convscope/nn"
)

const refTol = 1e-4

type refSamples struct {
	Name   string    `json:"name"`
	Size   int       `json:"size"`
	Sum    float64   `json:"sum"`
	Sumabs float64   `json:"sumabs"`
	Maxabs float64   `json:"maxabs"`
	Idx    []int     `json:"idx"`
	Val    []float64 `json:"val"`
}

type refCAM struct {
	Method  string    `json:"method"`
	Layer   string    `json:"layer"`
	Class   int       `json:"class"`
	Shape   []int     `json:"shape"`
	Map     []float64 `json:"map"`
	Weights []float64 `json:"weights"`
}

type refFile struct {
	InputSalt      uint32       `json:"input_salt"`
	InputPatch     [][2]float64 `json:"input_patch"`
	Logit          float64      `json:"logit"`
	Class          int          `json:"class"`
	Score          float64      `json:"score"`
	Cams           []refCAM     `json:"cams"`
	Gradient       refSamples   `json:"gradient"`
	Guided         refSamples   `json:"guided"`
	IG             refSamples   `json:"ig"`
	IGCompleteness Completeness `json:"ig_completeness"`
	Graph          refGraph     `json:"graph"`
}

// hash01 is nn/testdata/torch/make_reference.py's hash of (index, salt)
// to [0, 1).
func hash01(i, salt uint32) float64 {
	h := i*0x9E3779B1 + salt*0x85EBCA77 + 1
	h ^= h >> 16
	h *= 0x7FEB352D
	h ^= h >> 15
	h *= 0x846CA68B
	h ^= h >> 16
	return float64(h) / 4294967296
}

// setFormulaWeights sets the parity script's weights: kernels
// sqrt(6/(fan_in+fan_out))·(2·hash01(i, t) − 1), biases 0.01·cos(0.5·i + t),
// t the parameter's position.
func setFormulaWeights(t testing.TB, params []*nn.Param) {
	for ti, p := range params {
		var fanIn, fanOut int
		switch len(p.Shape) {
		case 1:
			for i := range p.Value {
				p.Value[i] = float32(0.01 * math.Cos(0.5*float64(i)+float64(ti)))
			}
			continue
		case 2:
			fanIn, fanOut = p.Shape[0], p.Shape[1]
		case 4:
			r := p.Shape[0] * p.Shape[1]
			fanIn, fanOut = r*p.Shape[2], r*p.Shape[3]
		default:
			t.Fatalf("%s: shape %v", p.Name, p.Shape)
		}
		scale := math.Sqrt(6 / float64(fanIn+fanOut))
		for i := range p.Value {
			p.Value[i] = float32(scale * (2*hash01(uint32(i), uint32(ti)) - 1))
		}
	}
}

var refOnce struct {
	sync.Once
	ref refFile
	err error
}

func loadRef(t testing.TB) *refFile {
	refOnce.Do(func() {
		b, err := os.ReadFile(filepath.Join("testdata", "reference.json"))
		if err == nil {
			err = json.Unmarshal(b, &refOnce.ref)
		}
		refOnce.err = err
	})
	if refOnce.err != nil {
		t.Fatalf("reference data (testdata/make_reference.py): %v", refOnce.err)
	}
	return &refOnce.ref
}

// tutorialModel returns the tutorial's model with the formula weights and
// the reference input (one sample).
func tutorialModel(t testing.TB) (*nn.Sequential, []float32) {
	ref := loadRef(t)
	m, err := nn.ReferenceModel()
	if err != nil {
		t.Fatal(err)
	}
	setFormulaWeights(t, m.Params())
	x := make([]float32, 150*150*3)
	for i := range x {
		x[i] = float32(hash01(uint32(i), ref.InputSalt))
	}
	for _, p := range ref.InputPatch {
		x[int(p[0])] = float32(p[1])
	}
	return m, x
}

// compareMap checks got against want within refTol of want's scale and
// returns the worst error relative to that scale.
func compareMap(t *testing.T, name string, want []float64, got []float32) float64 {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("%s: expected %d values, received %d", name, len(want), len(got))
	}
	var scale float64
	for _, v := range want {
		scale = max(scale, math.Abs(v))
	}
	worst := 0.0
	for i, v := range want {
		e := math.Abs(float64(got[i])-v) / scale
		if !(e <= worst) {
			worst = e
		}
	}
	if !(worst <= refTol) {
		t.Errorf("%s: error %.3g of the map's scale %.3g (tolerance %g)", name, worst, scale, refTol)
	}
	t.Logf("%s: worst error %.2g of scale %.3g", name, worst, scale)
	return worst
}

// compareSamples checks sampled values, the sum and the sum of |values|.
func compareSamples(t *testing.T, want refSamples, got []float32, tol float64) {
	t.Helper()
	if len(got) != want.Size {
		t.Fatalf("%s: expected %d values, received %d", want.Name, want.Size, len(got))
	}
	worst := 0.0
	for k, i := range want.Idx {
		e := math.Abs(float64(got[i])-want.Val[k]) / want.Maxabs
		if !(e <= worst) {
			worst = e
		}
	}
	var sum, sumabs, maxabs float64
	for _, v := range got {
		sum += float64(v)
		sumabs += math.Abs(float64(v))
		maxabs = max(maxabs, math.Abs(float64(v)))
	}
	if !(worst <= tol) {
		t.Errorf("%s: sampled values off by %.3g of the map's scale %.3g (tolerance %g)", want.Name, worst, want.Maxabs, tol)
	}
	if e := math.Abs(sumabs-want.Sumabs) / want.Sumabs; !(e <= tol) {
		t.Errorf("%s: Σ|v| = %.9g, expected %.9g (error %.3g)", want.Name, sumabs, want.Sumabs, e)
	}
	if e := math.Abs(maxabs-want.Maxabs) / want.Maxabs; !(e <= tol) {
		t.Errorf("%s: max|v| = %.9g, expected %.9g (error %.3g)", want.Name, maxabs, want.Maxabs, e)
	}
	t.Logf("%s: worst sampled error %.2g of scale %.3g; Σv %.6g (reference %.6g)", want.Name, worst, want.Maxabs, sum, want.Sum)
}

func TestReferenceGradCAM(t *testing.T) {
	ref := loadRef(t)
	m, x := tutorialModel(t)
	e := New(FromSequential(m))
	for _, c := range ref.Cams {
		r, err := e.Explain(context.Background(), x, Options{Method: Method(c.Method), Layer: c.Layer, Class: c.Class})
		if err != nil {
			t.Fatal(err)
		}
		name := c.Method + "/" + c.Layer
		if r.Class != c.Class || r.Predicted != ref.Class {
			t.Errorf("%s: class %d predicted %d, expected %d and %d", name, r.Class, r.Predicted, c.Class, ref.Class)
		}
		if c.Class == ref.Class && math.Abs(r.Score-ref.Score) > refTol*math.Abs(ref.Score) {
			t.Errorf("%s: score %.9g, expected %.9g", name, r.Score, ref.Score)
		}
		if r.RawShape[0] != c.Shape[0] || r.RawShape[1] != c.Shape[1] {
			t.Errorf("%s: shape %v, expected %v", name, r.RawShape, c.Shape)
		}
		compareMap(t, name+" map", c.Map, r.Raw)
		compareMap(t, name+" weights", c.Weights, r.Weights)
	}
}

func TestReferenceGradients(t *testing.T) {
	ref := loadRef(t)
	m, x := tutorialModel(t)
	e := New(FromSequential(m))
	for _, c := range []struct {
		method Method
		want   refSamples
	}{{Saliency, ref.Gradient}, {Guided, ref.Guided}} {
		r, err := e.Explain(context.Background(), x, Options{Method: c.method, Class: Predicted})
		if err != nil {
			t.Fatal(err)
		}
		compareSamples(t, c.want, r.Raw, refTol)
	}
}

func TestReferenceIntegratedGradients(t *testing.T) {
	ref := loadRef(t)
	m, x := tutorialModel(t)
	e := New(FromSequential(m))
	r, err := e.Explain(context.Background(), x, Options{Method: IntegratedGradients, Class: Predicted, Rule: Midpoint})
	if err != nil {
		t.Fatal(err)
	}
	compareSamples(t, ref.IG, r.Raw, refTol)
	c, w := r.Completeness, ref.IGCompleteness
	if math.Abs(c.Sum-w.Sum) > refTol*math.Abs(w.Delta) || math.Abs(c.Delta-w.Delta) > refTol*math.Abs(w.Delta) {
		t.Errorf("completeness: Σ %.9g, Δ %.9g; expected Σ %.9g, Δ %.9g", c.Sum, c.Delta, w.Sum, w.Delta)
	}
	t.Logf("completeness: Σ %.6g, Δ %.6g, gap %.3g", c.Sum, c.Delta, c.Gap)
}
