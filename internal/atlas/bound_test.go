package atlas

import (
	"math"

	"github.com/convscope/convscope/nn"
)

// upperBounds returns, for every layer of a Sequential ReLU convnet (conv,
// pooling), an upper bound of each channel's activation at any position
// for inputs in [0, 1]: interval bound propagation (Gowal et al. 2018).
// The same interval holds at every position of a valid-padded map, so one
// (lo, hi) pair per channel describes a layer.
func upperBounds(net *nn.Sequential, rescale float64) [][]float64 {
	in := net.InputShape()
	lo := make([]float64, in[2])
	hi := make([]float64, in[2])
	for i := range hi {
		hi[i] = 255 * rescale
	}
	var out [][]float64
	for _, l := range net.Layers() {
		if l.Kind() == "Conv2D" {
			ps := l.Params()
			k, b := ps[0], ps[1]
			cin, cout := k.Shape[2], k.Shape[3]
			nlo, nhi := make([]float64, cout), make([]float64, cout)
			for o := range cout {
				l0, h0 := float64(b.Value[o]), float64(b.Value[o])
				for i := o; i < len(k.Value); i += cout {
					w := float64(k.Value[i])
					c := (i / cout) % cin
					l0 += math.Min(w*lo[c], w*hi[c])
					h0 += math.Max(w*lo[c], w*hi[c])
				}
				nlo[o], nhi[o] = math.Max(l0, 0), math.Max(h0, 0) // relu
			}
			lo, hi = nlo, nhi
		}
		if len(l.Params()) == 0 && l.Kind() != "MaxPooling2D" {
			break
		}
		out = append(out, hi)
	}
	return out
}
