package onnx

import "fmt"

// order sorts the nodes topologically (ONNX requires files to be sorted;
// some writers are not) and reports cycles and dangling inputs.
func (im *importer) order() ([]*Node, error) {
	nodes := im.m.Graph.Nodes
	producer := map[string]int{}
	for i, n := range nodes {
		for _, o := range n.Outputs {
			if o == "" {
				continue
			}
			if _, dup := producer[o]; dup || im.vals[o] != nil {
				return nil, fmt.Errorf("onnx: node %q (%s): value %q is defined twice", n.Name, printable(n.OpType), o)
			}
			producer[o] = i
		}
	}
	const (
		unseen = iota
		active
		done
	)
	state := make([]uint8, len(nodes))
	out := make([]*Node, 0, len(nodes))
	// Iterative depth-first search (deep graphs must not exhaust the stack).
	type frame struct{ i, next int }
	for root := range nodes {
		if state[root] != unseen {
			continue
		}
		stack := []frame{{root, 0}}
		state[root] = active
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			n := nodes[f.i]
			if f.next == len(n.Inputs) {
				state[f.i] = done
				out = append(out, n)
				stack = stack[:len(stack)-1]
				continue
			}
			in := n.Inputs[f.next]
			f.next++
			if in == "" || im.vals[in] != nil {
				continue
			}
			p, ok := producer[in]
			if !ok {
				return nil, fmt.Errorf("onnx: node %q (%s): input %q is not computed by any node, initializer or graph input (dangling input)", n.Name, printable(n.OpType), in)
			}
			switch state[p] {
			case active:
				return nil, fmt.Errorf("onnx: the graph has a cycle through node %q (%s) and its input %q: expected an acyclic graph", n.Name, printable(n.OpType), in)
			case unseen:
				state[p] = active
				stack = append(stack, frame{p, 0})
			}
		}
	}
	return out, nil
}
