package nn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
)

// History records per-epoch metrics, as the object Keras' fit returns:
// Values(name) is history.history[name] and Epoch is history.epoch. Fit
// records "loss" and "accuracy", then "val_loss" and "val_accuracy" when it
// validates, in that order.
type History struct {
	// Epoch holds the 0-based index of each recorded epoch.
	Epoch  []int
	keys   []string
	values map[string][]float64
}

// Keys returns the metric names in the order they were first recorded.
func (h *History) Keys() []string { return h.keys }

// Values returns one value per recorded epoch for the metric, or nil.
func (h *History) Values(name string) []float64 { return h.values[name] }

// Len returns the number of recorded epochs.
func (h *History) Len() int { return len(h.Epoch) }

// Append records one epoch. names and values pair up; every epoch must
// report the same metrics (a programmer error otherwise, which panics).
func (h *History) Append(epoch int, names []string, values []float64) {
	if len(names) != len(values) {
		panic(fmt.Sprintf("nn: History.Append: %d names for %d values", len(names), len(values)))
	}
	if h.values == nil {
		h.values = map[string][]float64{}
	}
	if len(h.Epoch) == 0 && len(h.keys) == 0 {
		h.keys = append(h.keys, names...)
	}
	if len(names) != len(h.keys) {
		panic(fmt.Sprintf("nn: History.Append: expected metrics %v, received %v", h.keys, names))
	}
	for i, n := range names {
		if _, ok := h.values[n]; !ok && len(h.Epoch) > 0 {
			panic(fmt.Sprintf("nn: History.Append: expected metrics %v, received %v", h.keys, names))
		}
		h.values[n] = append(h.values[n], values[i])
	}
	h.Epoch = append(h.Epoch, epoch)
}

// Extend appends every epoch of o (a later Fit on the same model) to h. Both
// must record the same metrics, unless one of them is empty.
func (h *History) Extend(o *History) error {
	if o.Len() == 0 {
		return nil
	}
	if h.Len() > 0 && !sameSet(h.keys, o.keys) {
		return fmt.Errorf("nn: extend history: expected metrics %v, received %v", h.keys, o.keys)
	}
	vals := make([]float64, len(o.keys))
	for e := range o.Epoch {
		for i, k := range o.keys {
			vals[i] = o.values[k][e]
		}
		h.Append(o.Epoch[e], o.keys, vals)
	}
	return nil
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]bool{}
	for _, k := range a {
		m[k] = true
	}
	for _, k := range b {
		if !m[k] {
			return false
		}
	}
	return true
}

// WriteCSV writes the history as Keras' CSVLogger does: a header row
// "epoch" followed by the metric names sorted alphabetically
// (epoch,accuracy,loss,val_accuracy,val_loss), then one row per epoch with
// the shortest decimal that round-trips each value (nan, inf, -inf for the
// non-finite ones, as Python writes them). Rows end in "\n" (CSVLogger's
// Python csv module writes "\r\n"; CSV readers accept both).
func (h *History) WriteCSV(w io.Writer) error {
	keys := append([]string(nil), h.keys...)
	sort.Strings(keys)
	var b bytes.Buffer
	b.WriteString("epoch")
	for _, k := range keys {
		b.WriteByte(',')
		b.WriteString(csvField(k))
	}
	b.WriteByte('\n')
	for e, ep := range h.Epoch {
		b.WriteString(strconv.Itoa(ep))
		for _, k := range keys {
			b.WriteByte(',')
			b.WriteString(pyFloat(h.values[k][e]))
		}
		b.WriteByte('\n')
	}
	_, err := w.Write(b.Bytes())
	return err
}

// csvField quotes s if it needs quoting in CSV.
func csvField(s string) string {
	if bytes.ContainsAny([]byte(s), ",\"\r\n") {
		return strconv.Quote(s)
	}
	return s
}

// pyFloat formats v as Python's repr would, for the values CSVLogger writes.
func pyFloat(v float64) string {
	switch {
	case math.IsNaN(v):
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// MarshalJSON encodes the history as one object with "epoch" first and the
// metrics in recording order, e.g.
// {"epoch":[0,1],"loss":[0.69,0.61],"accuracy":[0.5,0.7]}. Non-finite values
// become null.
func (h *History) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	ep, _ := json.Marshal(h.Epoch)
	if h.Epoch == nil {
		ep = []byte("[]")
	}
	b.WriteString(`{"epoch":`)
	b.Write(ep)
	for _, k := range h.keys {
		name, _ := json.Marshal(k)
		b.WriteByte(',')
		b.Write(name)
		b.WriteString(":[")
		for i, v := range h.values[k] {
			if i > 0 {
				b.WriteByte(',')
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				b.WriteString("null")
			} else {
				b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
			}
		}
		b.WriteByte(']')
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON decodes what MarshalJSON writes, keeping the metric order;
// null becomes NaN.
func (h *History) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("nn: history: expected a JSON object")
	}
	var out History
	cols := map[string][]float64{}
	var order []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return fmt.Errorf("nn: history: %w", err)
		}
		key, _ := t.(string)
		var vals []*float64
		if err := dec.Decode(&vals); err != nil {
			return fmt.Errorf("nn: history: %q: expected a list of numbers: %w", key, err)
		}
		if _, dup := cols[key]; dup || (key == "epoch" && out.Epoch != nil) {
			return fmt.Errorf("nn: history: duplicate key %q", key)
		}
		f := make([]float64, len(vals))
		for i, v := range vals {
			f[i] = math.NaN()
			if v != nil {
				f[i] = *v
			}
		}
		if key == "epoch" {
			out.Epoch = make([]int, len(f))
			for i, v := range f {
				if v != math.Trunc(v) || v < 0 || v > math.MaxInt32 {
					return fmt.Errorf("nn: history: epoch %v is not a non-negative integer", v)
				}
				out.Epoch[i] = int(v)
			}
			continue
		}
		cols[key] = f
		order = append(order, key)
	}
	// The closing brace, then nothing: a caller can hand UnmarshalJSON text
	// that json.Unmarshal has not checked (a model file's metadata).
	if t, err := dec.Token(); err != nil || t != json.Delim('}') {
		return fmt.Errorf("nn: history: expected a JSON object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("nn: history: expected one JSON object, received more data after it")
	}
	if out.Epoch == nil {
		return fmt.Errorf("nn: history: missing \"epoch\"")
	}
	for _, k := range order {
		if len(cols[k]) != len(out.Epoch) {
			return fmt.Errorf("nn: history: %q: expected %d values, received %d", k, len(out.Epoch), len(cols[k]))
		}
	}
	out.keys = order
	out.values = cols
	if len(order) == 0 {
		out.values = nil
	}
	*h = out
	return nil
}
