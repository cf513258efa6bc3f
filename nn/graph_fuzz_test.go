package nn

import (
	"strings"
	"testing"
)

// FuzzParseGraphArch feeds ParseGraphArch and GraphArch.build (what
// LoadGraph runs on a file's architecture) arbitrary JSON: errors are
// fine, panics are not, and nothing may allocate more weights than the
// budget.
func FuzzParseGraphArch(f *testing.F) {
	b, err := everyClassGraph(f).Arch().MarshalJSON()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(b))
	f.Add(strings.Replace(string(b), `"pads": [0, 1, 1, 0]`, `"pads": [9, 9, 9, 9]`, 1))
	f.Add(strings.Replace(string(b), `"groups": 4`, `"groups": 0`, 1))
	f.Add(`{"class_name": "Functional", "config": {"layers": [{"class_name": "InputLayer", "name": "i", "config": {"batch_input_shape": [null, 3]}, "inbound_nodes": []},
		{"class_name": "Add", "name": "a", "config": {}, "inbound_nodes": [[["i", 0, 0, {}], ["a", 0, 0, {}]]]}], "output_layers": [["a", 0, 0]]}}`)
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseGraphArch([]byte(s))
		if err != nil || shapeSize(a.InputShape) > 1<<16 {
			return
		}
		g, err := a.build(1 << 16)
		if err != nil {
			return
		}
		if n := countValues(g.Weights()); n > 1<<16 {
			t.Errorf("built %d weights on a budget of %d", n, 1<<16)
		}
	})
}
