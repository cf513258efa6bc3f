package nn

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Summary prints the model's layer table exactly as Keras 2's
// model.summary() does for a Sequential model (keras.utils.print_summary:
// line length 65, columns ending at 29, 55 and 65 characters, cells cut to
// their column, per-layer parameter counts without separators, totals with
// thousands commas):
//
//	Model: "sequential_1"
//	_________________________________________________________________
//	Layer (type)                 Output Shape              Param #
//	=================================================================
//	conv2d_1 (Conv2D)            (None, 148, 148, 32)      896
//	_________________________________________________________________
//	max_pooling2d_1 (MaxPooling2 (None, 74, 74, 32)        0
//	…
//	=================================================================
//	Total params: 3,453,121
//	Trainable params: 3,453,121
//	Non-trainable params: 0
//	_________________________________________________________________
//
// Like Keras, it pads every row with spaces to 65 characters.
func (m *Sequential) Summary(w io.Writer) error {
	t := newSummaryTable(m.name, 65, []int{29, 55, 65}, "Layer (type)", "Output Shape", "Param #")
	for i, l := range m.layers {
		n := 0
		for _, p := range l.Params() {
			n += len(p.Value)
		}
		t.row(l.Name()+" ("+l.Kind()+")", kerasShape(m.shapes[i]), strconv.Itoa(n))
		if i == len(m.layers)-1 {
			t.rule('=')
		} else {
			t.rule('_')
		}
	}
	total := m.CountParams()
	return t.finish(w, total, total)
}

// summaryTable is a model summary being written as Keras 2's
// keras.utils.print_summary writes it: a rule width characters long
// between rows, columns ending at positions.
type summaryTable struct {
	b         strings.Builder
	width     int
	positions []int
}

// newSummaryTable starts a table with the model's name and the column
// headers between rules of "_" and "=".
func newSummaryTable(name string, width int, positions []int, headers ...string) *summaryTable {
	t := &summaryTable{width: width, positions: positions}
	fmt.Fprintf(&t.b, "Model: %q\n", name)
	t.rule('_')
	t.row(headers...)
	t.rule('=')
	return t
}

// rule writes a line of width copies of c.
func (t *summaryTable) rule(c byte) {
	t.b.WriteString(strings.Repeat(string(c), t.width) + "\n")
}

// row writes one row as Keras' print_row: each field starts where the
// previous column ends (overwriting its last character with a space), is
// cut to its column's end and padded to it.
func (t *summaryTable) row(fields ...string) {
	var line string
	for i, f := range fields {
		if i > 0 {
			line = line[:len(line)-1] + " "
		}
		line += f
		if len(line) > t.positions[i] {
			line = line[:t.positions[i]]
		}
		line += strings.Repeat(" ", t.positions[i]-len(line))
	}
	t.b.WriteString(line + "\n")
}

// finish writes the parameter totals (total, of which trainable are
// trainable) and a last rule, then the whole table to w.
func (t *summaryTable) finish(w io.Writer, total, trainable int) error {
	fmt.Fprintf(&t.b, "Total params: %s\n", commas(total))
	fmt.Fprintf(&t.b, "Trainable params: %s\n", commas(trainable))
	fmt.Fprintf(&t.b, "Non-trainable params: %s\n", commas(total-trainable))
	t.rule('_')
	_, err := io.WriteString(w, t.b.String())
	return err
}

// kerasShape formats a per-sample shape with the batch as None, as Keras
// prints it: "(None, 32, 32, 16)", "(None, 10)".
func kerasShape(s []int) string {
	out := "(None, " + strings.TrimPrefix(shapeString(s), "(")
	return strings.Replace(out, ",)", ")", 1)
}

// commas formats n with thousands separators, as Python's "{:,}".
func commas(n int) string {
	s := strconv.Itoa(n)
	start := len(s) % 3
	if start == 0 {
		start = 3
	}
	out := s[:start]
	for i := start; i < len(s); i += 3 {
		out += "," + s[i:i+3]
	}
	return out
}
