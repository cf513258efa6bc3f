package nn

import (
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
	t := newSummaryTable(g.name, 98, []int{32, 53, 65, 98}, // int(98 · (0.33, 0.55, 0.67, 1))
		"Layer (type)", "Output Shape", "Param #", "Connected to")
	t.row(GraphInput+" (InputLayer)", "[(None, "+strings.TrimPrefix(kerasShape(g.input), "(None, ")+"]", "0", "")
	for i, n := range g.order {
		t.rule('_')
		l := n.base()
		conn := make([]string, len(n.inputs))
		for j, in := range n.inputs {
			conn[j] = in + "[0][0]"
		}
		t.row(n.name+" ("+l.Kind()+")", kerasShape(n.shape), strconv.Itoa(countValues(layerWeights(l))), conn[0])
		for _, c := range conn[1:] {
			t.row("", "", "", c)
		}
		if i == len(g.order)-1 {
			t.rule('=')
		}
	}
	return t.finish(w, countValues(g.weights), g.CountParams())
}
