package nn

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"os"
	"strings"
	"testing"
)

func sampleHistory() *History {
	h := &History{}
	names := []string{"loss", "accuracy", "val_loss", "val_accuracy"}
	h.Append(0, names, []float64{0.6931, 0.5, 0.6, 0.65})
	h.Append(1, names, []float64{0.5, 0.75, math.NaN(), 1e-05})
	return h
}

func TestHistoryCSV(t *testing.T) {
	var b bytes.Buffer
	if err := sampleHistory().WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	// Keras' CSVLogger: epoch first, then the keys sorted, Python float repr.
	want := "epoch,accuracy,loss,val_accuracy,val_loss\n" +
		"0,0.5,0.6931,0.65,0.6\n" +
		"1,0.75,0.5,1e-05,nan\n"
	if b.String() != want {
		t.Errorf("CSV\n%q\nwant\n%q", b.String(), want)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil || len(rows) != 3 || len(rows[1]) != 5 {
		t.Errorf("CSV does not parse back: %v %v", rows, err)
	}
}

func TestHistoryJSONRoundTrip(t *testing.T) {
	h := sampleHistory()
	data, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"epoch":[0,1],"loss":[0.6931,0.5],"accuracy":[0.5,0.75],"val_loss":[0.6,null],"val_accuracy":[0.65,1e-05]}`
	if string(data) != want {
		t.Errorf("JSON %s\nwant %s", data, want)
	}
	var back History
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if strings.Join(back.Keys(), ",") != strings.Join(h.Keys(), ",") || back.Len() != 2 {
		t.Fatalf("round trip keys %v len %d", back.Keys(), back.Len())
	}
	for _, k := range h.Keys() {
		for i, v := range h.Values(k) {
			got := back.Values(k)[i]
			if got != v && !(math.IsNaN(got) && math.IsNaN(v)) {
				t.Errorf("%s[%d] = %v, want %v", k, i, got, v)
			}
		}
	}
	empty, _ := json.Marshal(&History{})
	if string(empty) != `{"epoch":[]}` {
		t.Errorf("empty history JSON %s", empty)
	}
}

func TestHistoryJSONErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{`[1]`, "expected a JSON object"},
		{`{"loss":[1]}`, `missing "epoch"`},
		{`{"epoch":[0,1],"loss":[1]}`, `"loss": expected 2 values, received 1`},
		{`{"epoch":[0.5]}`, "not a non-negative integer"},
		{`{"epoch":[0],"loss":"x"}`, `"loss": expected a list of numbers`},
		{`{"epoch":[0],"loss":[1],"loss":[2]}`, `duplicate key "loss"`},
	}
	for _, tt := range tests {
		var h History
		err := json.Unmarshal([]byte(tt.in), &h)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Unmarshal(%s) error %v, want %q", tt.in, err, tt.want)
		}
	}
}

func TestHistoryExtend(t *testing.T) {
	h := &History{}
	if err := h.Extend(sampleHistory()); err != nil {
		t.Fatal(err)
	}
	if err := h.Extend(sampleHistory()); err != nil {
		t.Fatal(err)
	}
	if h.Len() != 4 || len(h.Values("val_accuracy")) != 4 || h.Values("loss")[2] != 0.6931 {
		t.Errorf("extended history %v %v", h.Epoch, h.Values("loss"))
	}
	other := &History{}
	other.Append(0, []string{"loss", "accuracy"}, []float64{1, 0})
	if err := h.Extend(other); err == nil {
		t.Error("extending with other metrics did not fail")
	}
}

func ExampleHistory_WriteCSV() {
	h := &History{}
	names := []string{"loss", "accuracy"}
	h.Append(0, names, []float64{0.69, 0.55})
	h.Append(1, names, []float64{0.52, 0.75})
	h.WriteCSV(os.Stdout)
	// Output:
	// epoch,accuracy,loss
	// 0,0.55,0.69
	// 1,0.75,0.52
}
