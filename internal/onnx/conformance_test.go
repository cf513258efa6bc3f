package onnx

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/convscope/convscope/nn"
)

// conformanceRoot is where Debian's libonnx-testdata installs ONNX's
// per-operator backend tests.
const conformanceRoot = "/usr/share/libonnx-testdata/data/node"

// elementwise ops compute each value independently: their tests, written on
// tensors such as (3, 4, 5), are run on the same data viewed as (1, 60).
var elementwise = []string{"Relu", "LeakyRelu", "Sigmoid", "Tanh", "HardSigmoid", "HardSwish", "Clip", "Identity", "Dropout"}

// conformanceCase loads one test directory: the model with inputs 1…
// promoted to initializers (the engine takes one runtime input), input 0
// and the expected output 0.
func conformanceCase(dir string) (m *Model, x, want *Tensor, err error) {
	if m, err = ReadModelFile(filepath.Join(dir, "model.onnx")); err != nil {
		return
	}
	read := func(name string) (*Tensor, error) {
		b, err := os.ReadFile(filepath.Join(dir, "test_data_set_0", name))
		if err != nil {
			return nil, err
		}
		return ParseTensor(b)
	}
	if x, err = read("input_0.pb"); err != nil {
		return
	}
	for i := 1; i < len(m.Graph.Inputs); i++ {
		t, err := read(fmt.Sprintf("input_%d.pb", i))
		if err != nil {
			return nil, nil, nil, err
		}
		t.Name = m.Graph.Inputs[i].Name
		m.Graph.Initializers = append(m.Graph.Initializers, t)
	}
	m.Graph.Inputs = m.Graph.Inputs[:1]
	if s := m.Graph.Inputs[0].Shape; len(s) > 0 && s[0].Value > 1 {
		s[0] = Dim{Param: "N"} // the engine runs the test's batch as a dynamic batch
	}
	want, err = read("output_0.pb")
	return
}

// flatView rewrites the model's input and output to (1, N).
func flatView(m *Model, x *Tensor) {
	n := int64(x.Len())
	m.Graph.Inputs[0].Shape = []Dim{{Value: 1}, {Value: n}}
	x.Dims = []int64{1, n}
}

// TestConformance runs ONNX's node tests (libonnx-testdata) of every
// supported operator: output within 1e-5 of the expected one. Tests the
// engine cannot express (batch > 1, 1-D or 3-D data, integer types,
// broadcasting two computed tensors, …) are listed as not applicable with
// the importer's own error; every supported operator must pass at least one.
func TestConformance(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join(conformanceRoot, "test_*"))
	if len(dirs) == 0 {
		t.Skipf("libonnx-testdata is not installed (%s missing): ONNX conformance NOT checked; apt-get install libonnx-testdata", conformanceRoot)
	}
	passed := map[string]int{}
	var notApplicable []string
	for _, dir := range dirs {
		name := filepath.Base(dir)
		if strings.HasSuffix(name, "_expanded") {
			continue // the same test written with several primitive ops
		}
		m, x, want, err := conformanceCase(dir)
		if err != nil || len(m.Graph.Nodes) == 0 {
			continue
		}
		op := m.Graph.Nodes[len(m.Graph.Nodes)-1].OpType
		if !slices.Contains(SupportedOps, op) {
			continue
		}
		t.Run(name, func(t *testing.T) {
			im, err := importModel(m, ImportOptions{})
			if err != nil && slices.Contains(elementwise, op) && len(m.Graph.Nodes) == 1 && x.IsFloat() {
				flatView(m, x)
				im, err = importModel(m, ImportOptions{})
			}
			if err != nil {
				notApplicable = append(notApplicable, name+": "+err.Error())
				t.Skipf("not applicable: %v", err)
			}
			in := im.vals[m.Graph.Inputs[0].Name]
			batch := int(x.Dims[0])
			xt := &nn.Tensor{Shape: append([]int{batch}, in.nnShape...), Data: toEngine(in, &nn.Tensor{Shape: dimsInt(x.Dims), Data: floats(x)})}
			im.g.Forward(xt, false)
			out := im.vals[m.Graph.Outputs[0].Name]
			got := im.g.Output(out.node).Data
			exp := toEngine(out, &nn.Tensor{Shape: dimsInt(want.Dims), Data: floats(want)})
			if len(got) != len(exp) {
				t.Fatalf("%d outputs, want %d", len(got), len(exp))
			}
			for i := range exp {
				if d := math.Abs(float64(got[i] - exp[i])); !(d <= 1e-5*math.Max(1, math.Abs(float64(exp[i])))) {
					t.Fatalf("output %d = %v, want %v (|Δ| %.3g > 1e-5)", i, got[i], exp[i], d)
				}
			}
			passed[op]++
		})
	}
	sort.Strings(notApplicable)
	for _, s := range notApplicable {
		t.Logf("not applicable: %s", s)
	}
	ops := slices.Sorted(func(yield func(string) bool) {
		for op := range passed {
			if !yield(op) {
				return
			}
		}
	})
	total := 0
	for _, op := range ops {
		total += passed[op]
	}
	t.Logf("passed %d conformance tests (%d not applicable) covering %s", total, len(notApplicable), strings.Join(ops, ", "))
	// Operators no applicable node test exercises must appear in the parity
	// fixtures (TestParity checks every node's output there).
	inParity := map[string]bool{}
	files, _ := filepath.Glob("testdata/parity/*.onnx")
	for _, f := range files {
		if pm, err := ReadModelFile(f); err == nil {
			for _, n := range pm.Graph.Nodes {
				inParity[n.OpType] = true
			}
		}
	}
	var parityOnly []string
	for _, op := range SupportedOps {
		switch {
		case passed[op] > 0:
		case inParity[op]:
			parityOnly = append(parityOnly, op)
		default:
			t.Errorf("%s is exercised neither by a conformance test nor by a parity fixture", op)
		}
	}
	t.Logf("covered by the parity fixtures only: %s", strings.Join(parityOnly, ", "))
}
