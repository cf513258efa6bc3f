package onnx

import "math"

// planFusion finds each Conv whose output only an inference
// BatchNormalization reads (ImportOptions.FoldBatchNorm), and each Conv
// (or Conv with folded BatchNormalization) whose output only a Relu or a
// Clip(0, 6) reads (ImportOptions.FuseActivations).
func (im *importer) planFusion(nodes []*Node, opts ImportOptions) {
	im.fuse, im.fused = map[*Node]string{}, map[*Node]bool{}
	im.foldBN, im.foldedBN = map[*Node]*Node{}, map[*Node]*Node{}
	producer := map[string]*Node{}
	for _, n := range nodes {
		if len(n.Outputs) > 0 {
			producer[n.Outputs[0]] = n
		}
	}
	std := func(n *Node) bool { return n.Domain == "" || n.Domain == "ai.onnx" }
	if opts.FoldBatchNorm {
		for _, b := range nodes {
			if b.OpType != "BatchNormalization" || !std(b) || len(b.Inputs) != 5 || attrInt(b, "training_mode", 0) != 0 || !im.allInitializers(b.Inputs[1:]) {
				continue
			}
			if c := producer[b.Inputs[0]]; c != nil && c.OpType == "Conv" && std(c) && im.uses[c.Outputs[0]] == 1 {
				im.foldBN[c], im.foldedBN[b] = b, c
				producer[b.Outputs[0]] = c // an activation after the BN fuses into the Conv
			}
		}
	}
	if !opts.FuseActivations {
		return
	}
	im.planGates(nodes)
	for _, r := range nodes {
		if len(r.Inputs) == 0 || !std(r) {
			continue
		}
		c := producer[r.Inputs[0]]
		if c == nil || c.OpType != "Conv" || im.uses[r.Inputs[0]] != 1 {
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

// allInitializers reports whether every name is a float initializer.
func (im *importer) allInitializers(names []string) bool {
	for _, n := range names {
		v := im.vals[n]
		if v == nil || v.k == nil || v.k.Float == nil {
			return false
		}
	}
	return true
}

// foldedWeights scales the Conv's ONNX weight w (M, C/g, kh, kw) and bias b
// by the BatchNormalization bn that reads it (Ioffe & Szegedy 2015, as
// PyTorch's fuse_conv_bn_eval):
//
//	s = γ / sqrt(σ² + ε),  w' = w·s (per output channel),  b' = (b − μ)·s + β
func (im *importer) foldedWeights(bn *Node, w, b *Tensor) (*Tensor, *Tensor, bool) {
	m := int(w.Dims[0])
	var p [4][]float32 // gamma, beta, mean, var
	for i := range p {
		p[i] = im.vals[bn.Inputs[i+1]].k.Float
		if len(p[i]) != m {
			return nil, nil, false
		}
	}
	eps, _ := bnEpsilon(bn)
	wf := floats(w)
	per := len(wf) / m
	nw := &Tensor{Name: w.Name, Dims: w.Dims, DataType: TypeFloat, Float: make([]float32, len(wf))}
	nb := &Tensor{Name: bn.Name + "/bias", Dims: []int64{int64(m)}, DataType: TypeFloat, Float: make([]float32, m)}
	for o := range m {
		s := float64(p[0][o]) / math.Sqrt(float64(p[3][o])+eps)
		for i := range per {
			nw.Float[o*per+i] = float32(float64(wf[o*per+i]) * s)
		}
		bias := 0.0
		if b != nil {
			bias = float64(floats(b)[o])
		}
		nb.Float[o] = float32((bias-float64(p[2][o]))*s + float64(p[1][o]))
	}
	return nw, nb, true
}
