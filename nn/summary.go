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
	const width = 65
	positions := []int{29, 55, 65}
	var b strings.Builder
	row := func(fields ...string) {
		var line string
		for i, f := range fields {
			if i > 0 {
				line = line[:len(line)-1] + " "
			}
			line += f
			if len(line) > positions[i] {
				line = line[:positions[i]]
			}
			line += strings.Repeat(" ", positions[i]-len(line))
		}
		b.WriteString(line + "\n")
	}
	fmt.Fprintf(&b, "Model: %q\n", m.name)
	b.WriteString(strings.Repeat("_", width) + "\n")
	row("Layer (type)", "Output Shape", "Param #")
	b.WriteString(strings.Repeat("=", width) + "\n")
	for i, l := range m.layers {
		n := 0
		for _, p := range l.Params() {
			n += len(p.Value)
		}
		shape := "(None, " + strings.TrimPrefix(shapeString(m.shapes[i]), "(")
		if len(m.shapes[i]) == 1 {
			shape = strings.Replace(shape, ",)", ")", 1)
		}
		row(l.Name()+" ("+l.Kind()+")", shape, strconv.Itoa(n))
		sep := "_"
		if i == len(m.layers)-1 {
			sep = "="
		}
		b.WriteString(strings.Repeat(sep, width) + "\n")
	}
	total := m.CountParams()
	fmt.Fprintf(&b, "Total params: %s\n", commas(total))
	fmt.Fprintf(&b, "Trainable params: %s\n", commas(total))
	fmt.Fprintf(&b, "Non-trainable params: 0\n")
	b.WriteString(strings.Repeat("_", width) + "\n")
	_, err := io.WriteString(w, b.String())
	return err
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
