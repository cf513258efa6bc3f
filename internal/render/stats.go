package render

import (
	"fmt"
	"math"
)

// ChannelStats summarises one channel of a layer's output for one sample.
type ChannelStats struct {
	Min, Max  float32 // over the finite values; 0 when there are none
	Mean, Std float64 // population standard deviation (ddof 0, as numpy's std)
	ZeroFrac  float64 // fraction of values exactly 0
	NonFinite int     // NaN and ±Inf values, left out of the other statistics
	Dead      bool    // every value is 0: a dead ReLU for this input
	Constant  bool    // Min == Max (also true for dead channels): nothing to see
	// Hist counts the finite values in len(Hist) equal bins over [Min, Max];
	// a constant channel puts every value in bin 0. Nil unless requested.
	Hist []int
}

// LayerStats holds per-channel statistics of one layer output (H×W×C).
type LayerStats struct {
	H, W, C  int
	Channels []ChannelStats
	Min, Max float32 // over all channels' finite values
	Dead     int     // number of dead channels
	Constant int     // number of constant channels (including dead ones)

	acc []accum // scratch, reused
}

type accum struct {
	shift, mn, mx float32
	sum, sq       float64
	zeros, nonfin int
}

// Compute fills s with the statistics of act (h·w·c values, NHWC, one
// sample). bins > 0 also fills each channel's Hist. Buffers are reused when
// the shape is unchanged, so repeated calls do not allocate. It panics if
// len(act) != h·w·c.
//
// Mean and variance use the shifted-data algorithm (shift = the channel's
// first value) in float64: var = (Σd² − (Σd)²/n)/n with d = x − shift, which
// stays accurate when the mean is large compared with the spread.
func (s *LayerStats) Compute(act []float32, h, w, c, bins int) {
	s.begin(act, h, w, c)
	s.accumulate(act, 0, c)
	s.finish(0, c)
	s.combine()
	if bins > 0 {
		s.histograms(act, 0, c, bins)
	}
}

// begin checks the shape and sizes the buffers.
func (s *LayerStats) begin(act []float32, h, w, c int) {
	if h <= 0 || w <= 0 || c <= 0 || len(act) != h*w*c {
		panic(fmt.Sprintf("render: activation of %d values does not match shape (%d, %d, %d)", len(act), h, w, c))
	}
	s.H, s.W, s.C = h, w, c
	if cap(s.Channels) < c {
		s.Channels = make([]ChannelStats, c)
		s.acc = make([]accum, c)
	}
	s.Channels = s.Channels[:c]
	s.acc = s.acc[:c]
}

// accumulate gathers sums for channels [c0, c1).
func (s *LayerStats) accumulate(act []float32, c0, c1 int) {
	c := s.C
	acc := s.acc[c0:c1]
	for j := range acc {
		x := act[c0+j]
		if x-x != 0 {
			x = 0
		}
		acc[j] = accum{shift: x, mn: float32(math.Inf(1)), mx: float32(math.Inf(-1))}
	}
	for p := 0; p < len(act); p += c {
		row := act[p+c0 : p+c1]
		acc := acc[:len(row)]
		for j, x := range row {
			a := &acc[j]
			if x-x != 0 { // NaN or ±Inf
				a.nonfin++
				continue
			}
			if x < a.mn {
				a.mn = x
			}
			if x > a.mx {
				a.mx = x
			}
			if x == 0 {
				a.zeros++
			}
			d := float64(x) - float64(a.shift)
			a.sum += d
			a.sq += d * d
		}
	}
}

// finish turns the sums of channels [c0, c1) into statistics.
func (s *LayerStats) finish(c0, c1 int) {
	n := s.H * s.W
	for ch := c0; ch < c1; ch++ {
		a := &s.acc[ch]
		cs := &s.Channels[ch]
		hist := cs.Hist
		*cs = ChannelStats{NonFinite: a.nonfin, Hist: hist[:0], ZeroFrac: float64(a.zeros) / float64(n)}
		m := n - a.nonfin
		if m == 0 {
			cs.Constant = true
			continue
		}
		cs.Min, cs.Max = a.mn, a.mx
		cs.Dead = a.zeros == n
		if a.mn == a.mx {
			cs.Constant = true
			cs.Mean = float64(a.mn)
			continue
		}
		mean := a.sum / float64(m)
		cs.Mean = float64(a.shift) + mean
		cs.Std = math.Sqrt(math.Max(0, a.sq/float64(m)-mean*mean))
	}
}

// combine computes the layer-wide fields from the channels.
func (s *LayerStats) combine() {
	s.Min, s.Max, s.Dead, s.Constant = 0, 0, 0, 0
	first := true
	for i := range s.Channels {
		cs := &s.Channels[i]
		if cs.Dead {
			s.Dead++
		}
		if cs.Constant {
			s.Constant++
		}
		if cs.NonFinite == s.H*s.W {
			continue
		}
		if first || cs.Min < s.Min {
			s.Min = cs.Min
		}
		if first || cs.Max > s.Max {
			s.Max = cs.Max
		}
		first = false
	}
}

// histograms fills Hist with bins counts for channels [c0, c1).
func (s *LayerStats) histograms(act []float32, c0, c1, bins int) {
	for ch := c0; ch < c1; ch++ {
		cs := &s.Channels[ch]
		if cap(cs.Hist) < bins {
			cs.Hist = make([]int, bins)
		}
		cs.Hist = cs.Hist[:bins]
		clear(cs.Hist)
	}
	for ch := c0; ch < c1; ch++ {
		cs := &s.Channels[ch]
		ChannelHistogram(cs.Hist, act, s.H, s.W, s.C, ch, cs.Min, cs.Max)
	}
}

// ChannelHistogram adds to counts the finite values of channel ch of act
// (h·w·c, NHWC), in len(counts) equal bins over [lo, hi]; values outside are
// counted in the end bins. With hi ≤ lo every value goes to bin 0.
func ChannelHistogram(counts []int, act []float32, h, w, c, ch int, lo, hi float32) {
	n := len(counts)
	if n == 0 {
		return
	}
	if len(act) != h*w*c || ch < 0 || ch >= c {
		panic(fmt.Sprintf("render: channel %d of %d values does not fit shape (%d, %d, %d)", ch, len(act), h, w, c))
	}
	scale := 0.0
	if hi > lo {
		scale = float64(n) / (float64(hi) - float64(lo))
	}
	for p := ch; p < len(act); p += c {
		x := act[p]
		if x-x != 0 {
			continue
		}
		f := (float64(x) - float64(lo)) * scale
		switch {
		case !(f > 0):
			counts[0]++
		case f >= float64(n):
			counts[n-1]++
		default:
			counts[int(f)]++
		}
	}
}
