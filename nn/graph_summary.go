package nn

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Summary prints the graph's layer table as Keras 2's model.summary() does
// for a functional model (keras.utils.print_summary: line length 98,
// columns ending at 32, 53, 65 and 98 characters, cells cut to their
// column), with a "Connected to" column naming each node's inputs as
// name[0][0], one per line:
//
//	Model: "model"
//	__________________________________________________________________________________________________
//	Layer (type)                    Output Shape         Param #     Connected to
//	==================================================================================================
//	input (InputLayer)              [(None, 32, 32, 3)]  0
//	__________________________________________________________________________________________________
//	conv2d_1 (Conv2D)               (None, 32, 32, 16)   448         input[0][0]
//	__________________________________________________________________________________________________
//	add_1 (Add)                     (None, 32, 32, 16)   0           conv2d_1[0][0]
//	                                                                 conv2d_2[0][0]
//	…
//	==================================================================================================
//	Total params: 1,234
//	Trainable params: 1,202
//	Non-trainable params: 32
//	__________________________________________________________________________________________________
//
// Param # counts every weight, BatchNormalization's moving statistics
// included, which are the non-trainable ones. Rows are padded with spaces
// to the column ends, as Keras does.
func (g *Graph) Summary(w io.Writer) error {
	g.mustBeBuilt("Summary")
	const width = 98
	positions := []int{32, 53, 65, 98} // int(98 · (0.33, 0.55, 0.67, 1))
	var b strings.Builder
	row := func(fields ...string) { summaryRow(&b, positions, fields...) }
	fmt.Fprintf(&b, "Model: %q\n", g.name)
	b.WriteString(strings.Repeat("_", width) + "\n")
	row("Layer (type)", "Output Shape", "Param #", "Connected to")
	b.WriteString(strings.Repeat("=", width) + "\n")
	row(GraphInput+" (InputLayer)", "[(None, "+strings.TrimPrefix(kerasShape(g.input), "(None, ")+"]", "0", "")
	for i, n := range g.order {
		b.WriteString(strings.Repeat("_", width) + "\n")
		l := n.base()
		conn := make([]string, len(n.inputs))
		for j, in := range n.inputs {
			conn[j] = in + "[0][0]"
		}
		row(n.name+" ("+l.Kind()+")", kerasShape(n.shape), strconv.Itoa(countValues(layerWeights(l))), conn[0])
		for _, c := range conn[1:] {
			row("", "", "", c)
		}
		if i == len(g.order)-1 {
			b.WriteString(strings.Repeat("=", width) + "\n")
		}
	}
	total := countValues(g.weights)
	fmt.Fprintf(&b, "Total params: %s\n", commas(total))
	fmt.Fprintf(&b, "Trainable params: %s\n", commas(g.CountParams()))
	fmt.Fprintf(&b, "Non-trainable params: %s\n", commas(total-g.CountParams()))
	b.WriteString(strings.Repeat("_", width) + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// kerasShape formats a per-sample shape with the batch as None, as Keras
// prints it: "(None, 32, 32, 16)", "(None, 10)".
func kerasShape(s []int) string {
	out := "(None, " + strings.TrimPrefix(shapeString(s), "(")
	return strings.Replace(out, ",)", ")", 1)
}

// summaryRow writes one row as Keras' print_row: each field starts where
// the previous column ends (overwriting its last character with a space),
// is cut to its column's end and padded to it.
func summaryRow(b *strings.Builder, positions []int, fields ...string) {
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
