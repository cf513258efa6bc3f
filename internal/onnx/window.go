package onnx

import "github.com/convscope/convscope/nn"

// window reads the kernel/stride/dilation/padding attributes of a Conv or
// pooling node over an h×w input and returns the output size.
type window struct {
	k, s, d [2]int
	pads    [4]int // top, left, bottom, right
	ceil    bool
}

func (im *importer) window(n *Node, h, w int, k [2]int) (window, int, int, error) {
	win := window{k: k, s: [2]int{1, 1}, d: [2]int{1, 1}} // ONNX: strides default to 1
	get := func(name string, dst *[2]int) error {
		v := attrInts(n, name)
		if v == nil {
			return nil
		}
		if len(v) != 2 || v[0] < 1 || v[1] < 1 || v[0] > 1<<16 || v[1] > 1<<16 {
			return im.errf(n, "%s: expected 2 positive values (2-D), received %v", name, v)
		}
		*dst = [2]int{int(v[0]), int(v[1])}
		return nil
	}
	if err := get("strides", &win.s); err != nil {
		return win, 0, 0, err
	}
	if err := get("dilations", &win.d); err != nil {
		return win, 0, 0, err
	}
	win.ceil = attrInt(n, "ceil_mode", 0) != 0
	in := [2]int{h, w}
	span := func(a int) int { return (win.k[a]-1)*win.d[a] + 1 }
	switch ap := string(attrBytes(n, "auto_pad")); ap {
	case "", "NOTSET":
		if p := attrInts(n, "pads"); p != nil {
			if len(p) != 4 {
				return win, 0, 0, im.errf(n, "pads: expected 4 values (2-D), received %v", p)
			}
			for i, v := range p {
				if v < 0 || v > 1<<16 {
					return win, 0, 0, im.errf(n, "pads: expected values from 0 to 65536, received %v", p)
				}
				win.pads[i] = int(v)
			}
		}
	case "VALID":
	case "SAME_UPPER", "SAME_LOWER":
		for a := range 2 {
			out := (in[a] + win.s[a] - 1) / win.s[a]
			total := max(0, (out-1)*win.s[a]+span(a)-in[a])
			small := total / 2
			if ap == "SAME_UPPER" {
				win.pads[a], win.pads[a+2] = small, total-small
			} else {
				win.pads[a], win.pads[a+2] = total-small, small
			}
		}
	default:
		return win, 0, 0, im.errf(n, "auto_pad: expected NOTSET, VALID, SAME_UPPER or SAME_LOWER, received %q", ap)
	}
	var out [2]int
	for a := range 2 {
		room := in[a] + win.pads[a] + win.pads[a+2] - span(a)
		if room < 0 {
			return win, 0, 0, im.errf(n, "expected an input of at least %d×%d pixels (with padding), received %d×%d", span(0), span(1), h, w)
		}
		if win.ceil {
			out[a] = (room+win.s[a]-1)/win.s[a] + 1
			if (out[a]-1)*win.s[a] >= in[a]+win.pads[a] { // the last window starts in the padding
				out[a]--
			}
		} else {
			out[a] = room/win.s[a] + 1
		}
	}
	return win, out[0], out[1], nil
}

// options returns the engine options for the window's strides and pads
// (pads only when there are some).
func (win window) options() []nn.Option {
	opts := []nn.Option{nn.WithStrides(win.s[0], win.s[1])}
	if win.pads != [4]int{} {
		opts = append(opts, nn.WithPads(win.pads[0], win.pads[1], win.pads[2], win.pads[3]))
	}
	return opts
}

func attrBytes(n *Node, name string) []byte {
	if a := n.Attr(name); a != nil {
		return a.S
	}
	return nil
}
