package nn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
)

// Append's panics: a programmer error, each with its message.
func TestHistoryAppendPanics(t *testing.T) {
	two := []string{"loss", "accuracy"}
	tests := []struct {
		name  string
		first []string // appended first, when non-nil
		names []string
		vals  []float64
		want  string
	}{
		{"count", nil, two, []float64{1}, "nn: History.Append: 2 names for 1 values"},
		{"fewer metrics", two, []string{"loss"}, []float64{1}, "nn: History.Append: expected metrics [loss accuracy], received [loss]"},
		{"other metric", two, []string{"loss", "val_loss"}, []float64{1, 2}, "nn: History.Append: expected metrics [loss accuracy], received [loss val_loss]"},
	}
	for _, tt := range tests {
		h := &History{}
		if tt.first != nil {
			h.Append(0, tt.first, make([]float64, len(tt.first)))
		}
		func() {
			defer func() {
				if r := recover(); r != tt.want {
					t.Errorf("%s: panic %v, want %q", tt.name, r, tt.want)
				}
			}()
			h.Append(1, tt.names, tt.vals)
		}()
	}
	// A history whose first Append had no metrics records epochs only.
	h := &History{}
	h.Append(0, nil, nil)
	h.Append(1, nil, nil)
	if h.Len() != 2 || len(h.Keys()) != 0 {
		t.Errorf("metric-less history: %d epochs, keys %v", h.Len(), h.Keys())
	}
}

func TestHistoryExtendCases(t *testing.T) {
	ab := func(epochs ...int) *History {
		h := &History{}
		for _, e := range epochs {
			h.Append(e, []string{"a", "b"}, []float64{float64(e), float64(10 * e)})
		}
		return h
	}
	ba := &History{}
	ba.Append(2, []string{"b", "a"}, []float64{20, 2})
	ac := &History{}
	ac.Append(2, []string{"a", "c"}, []float64{2, 0})
	tests := []struct {
		name  string
		h, o  *History
		err   bool
		epoch string
		a     string
	}{
		{"empty into empty", &History{}, &History{}, false, "[]", "[]"},
		{"empty into one", ab(0), &History{}, false, "[0]", "[0]"},
		{"one into empty", &History{}, ab(3), false, "[3]", "[3]"},
		{"same metrics", ab(0, 1), ab(2), false, "[0 1 2]", "[0 1 2]"},
		{"other order", ab(0, 1), ba, false, "[0 1 2]", "[0 1 2]"},
		{"other metric", ab(0), ac, true, "[0]", "[0]"},
		{"fewer metrics", ab(0), func() *History { h := &History{}; h.Append(1, []string{"a"}, []float64{1}); return h }(), true, "[0]", "[0]"},
	}
	for _, tt := range tests {
		err := tt.h.Extend(tt.o)
		if (err != nil) != tt.err {
			t.Errorf("%s: error %v", tt.name, err)
		}
		if got := fmt.Sprint(tt.h.Epoch) + fmt.Sprint(tt.h.Values("a")); got != tt.epoch+tt.a {
			t.Errorf("%s: epochs and a %s, want %s%s", tt.name, got, tt.epoch, tt.a)
		}
	}
	if got := ab(0, 1); got.Extend(ba) == nil && got.Values("b")[2] != 20 {
		t.Errorf("b after extending with (b, a): %v", got.Values("b"))
	}
}

// Python's repr of the non-finite values, and a metric name that needs
// quoting in CSV.
func TestHistoryCSVSpecial(t *testing.T) {
	h := &History{}
	h.Append(0, []string{"loss", "f1,macro"}, []float64{math.Inf(1), math.Inf(-1)})
	h.Append(1, []string{"loss", "f1,macro"}, []float64{math.NaN(), -0.25})
	var b bytes.Buffer
	if err := h.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	want := "epoch,\"f1,macro\",loss\n0,-inf,inf\n1,-0.25,nan\n"
	if b.String() != want {
		t.Errorf("CSV %q, want %q", b.String(), want)
	}
	for _, tt := range []struct{ in, want string }{{"a", "a"}, {"a\"b", `"a\"b"`}, {"a\nb", `"a\nb"`}, {"a\rb", `"a\rb"`}} {
		if got := csvField(tt.in); got != tt.want {
			t.Errorf("csvField(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestHistoryJSONCases(t *testing.T) {
	tests := []struct {
		in, want string // want: the error, or the history written back
	}{
		{`{"epoch":[0,2147483647],"loss":[1,null]}`, `{"epoch":[0,2147483647],"loss":[1,null]}`},
		{`{"epoch":[2147483648]}`, "epoch 2.147483648e+09 is not a non-negative integer"},
		{`{"epoch":[-1]}`, "epoch -1 is not a non-negative integer"},
		{`{"epoch":[0],"epoch":[1]}`, `duplicate key "epoch"`},
		{`{"epoch":[]}`, `{"epoch":[]}`},
		{`{"loss":[0.5],"epoch":[3]}`, `{"epoch":[3],"loss":[0.5]}`},
		{`{"epoch":[0],"b":[1],"a":[2]}`, `{"epoch":[0],"b":[1],"a":[2]}`},
		{`{"epoch":[0],"loss":[1,2]}`, `"loss": expected 1 values, received 2`},
	}
	for _, tt := range tests {
		var h History
		err := json.Unmarshal([]byte(tt.in), &h)
		if strings.HasPrefix(tt.want, "{") {
			out, _ := json.Marshal(&h)
			if err != nil || string(out) != tt.want {
				t.Errorf("%s: %s, %v; want %s", tt.in, out, err, tt.want)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.in, err, tt.want)
		}
	}
	// A metric-less history decodes with no values map (Values is nil).
	var h History
	if err := json.Unmarshal([]byte(`{"epoch":[4]}`), &h); err != nil || h.Values("loss") != nil || h.values != nil || h.Len() != 1 {
		t.Errorf("metric-less: %v, %+v", err, h)
	}
}

// UnmarshalJSON is also called on text json.Unmarshal has not checked (a
// model file's metadata, safetensors_meta.go): a truncated object or data
// after it is refused there too.
func TestHistoryUnmarshalJSONDirect(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"epoch":[0]}`, ""},
		{` {"epoch":[0]} `, ""},
		{`{"epoch":[0]`, "nn: history: expected a JSON object"},
		{`{"epoch":[0],"loss":[1]`, "nn: history: expected a JSON object"},
		{`{"epoch":[0]} {}`, "nn: history: expected one JSON object, received more data after it"},
		{`{"epoch":[0]}]`, "nn: history: expected one JSON object, received more data after it"},
	}
	for _, tt := range tests {
		var h History
		err := h.UnmarshalJSON([]byte(tt.in))
		if (tt.want == "") != (err == nil) || err != nil && err.Error() != tt.want {
			t.Errorf("%s: error %v, want %q", tt.in, err, tt.want)
		}
	}
}
