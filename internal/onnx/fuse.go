package onnx

// planFusion finds each Conv whose output only a Relu or a Clip(0, 6)
// reads (ImportOptions.FuseActivations).
func (im *importer) planFusion(nodes []*Node) {
	im.fuse, im.fused = map[*Node]string{}, map[*Node]bool{}
	producer := map[string]*Node{}
	for _, n := range nodes {
		if len(n.Outputs) > 0 {
			producer[n.Outputs[0]] = n
		}
	}
	for _, r := range nodes {
		if len(r.Inputs) == 0 || (r.Domain != "" && r.Domain != "ai.onnx") {
			continue
		}
		c := producer[r.Inputs[0]]
		if c == nil || c.OpType != "Conv" || im.uses[c.Outputs[0]] != 1 {
			continue
		}
		act := ""
		switch r.OpType {
		case "Relu":
			act = "relu"
		case "Clip":
			if lo, hi, ok := im.clipBounds(r, producer); ok && lo == 0 && hi == 6 {
				act = "relu6"
			}
		}
		if act != "" {
			im.fuse[c], im.fused[r] = act, true
		}
	}
}

// clipBounds reads a Clip's bounds before conversion: attributes before
// opset 11, else initializers or Constant nodes (ok false otherwise).
func (im *importer) clipBounds(n *Node, producer map[string]*Node) (lo, hi float32, ok bool) {
	if im.opset < 11 {
		return attrFloat(n, "min", -1), attrFloat(n, "max", -1), n.Attr("min") != nil && n.Attr("max") != nil
	}
	get := func(i int) (float32, bool) {
		if i >= len(n.Inputs) || n.Inputs[i] == "" {
			return 0, false
		}
		var t *Tensor
		if v := im.vals[n.Inputs[i]]; v != nil && v.k != nil {
			t = v.k
		} else if p := producer[n.Inputs[i]]; p != nil && p.OpType == "Constant" && len(p.Attrs) == 1 {
			t = p.Attrs[0].T
		}
		if t == nil || len(t.Float) != 1 {
			return 0, false
		}
		return t.Float[0], true
	}
	lo, ok1 := get(1)
	hi, ok2 := get(2)
	return lo, hi, ok1 && ok2
}
