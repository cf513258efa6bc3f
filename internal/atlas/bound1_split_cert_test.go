package atlas

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/convscope/convscope/assets"
	"github.com/convscope/convscope/internal/atomicfile"
	"github.com/convscope/convscope/internal/model"
	"github.com/convscope/convscope/nn"
)

// provenSplit1 are the channels of the default model's conv2d_1 that
// SplitBound1 (strips of 6 rows of cells coupled by functions of the
// cells around their shared pixels) proves unable to reach 5× their
// baseline where TileBound1 could not. Their parameters are in
// splitCertFile, written by
//
//	CONVSCOPE_ATLAS_PROVE=1 go test -tags ci -run TestSplitConv1ProvenBelow5 -v ./internal/atlas/
//
// which optimises them from scratch (proveSplit1) for the conv2d_1
// channels of below5 and of this list.
var provenSplit1 = []int{17}

const splitCertFile = "testdata/conv2d_1_split_certificates.bin"

// splitCert is one channel's certificate: the strips' heights and
// SplitBound1's parameters (stored as float32: any parameters give a
// valid bound, so the stored ones are the certificate).
type splitCert struct {
	k       int
	heights []int
	p       []float64
}

// splitConv1 is the default model's conv2d_1 channel o as a SplitBound1
// with strips of the given heights, pixels in [0, 1].
func splitConv1(net *nn.Sequential, o int, heights []int) *SplitBound1 {
	tb := tileConv1(net, o, 1)
	return &SplitBound1{S: StripBound1{K: tb.K, B: tb.B, KH: tb.KH, KW: tb.KW, C: tb.C, H: tb.H, W: tb.W, Heights: heights, Lo: tb.Lo, Hi: tb.Hi, MaxBits: 15}}
}

// stripHeights is total rows of cells as strips of g and one of the rest
// (at the bottom).
func stripHeights(g, total int) []int {
	var hs []int
	for ; total >= g; total -= g {
		hs = append(hs, g)
	}
	if total > 0 {
		hs = append(hs, total)
	}
	return hs
}

// proveSplit1 optimises a certificate for conv2d_1's channel o from
// scratch: StripBound1's prices on strips of 4 rows of cells (300 Adam
// steps at 0.02, 400 at 0.005), carried to strips of 6 (their top and
// bottom two rows of pixels; 200 steps at 0.005), turned into
// SplitBound1's functions (FromPrices) and optimised (Adam restarted:
// 100 and 200 steps at 0.002, 200 at 0.001).
func proveSplit1(net *nn.Sequential, o int) splitCert {
	tb := tileConv1(net, o, 1)
	strips := func(g int) *StripBound1 {
		return &StripBound1{K: tb.K, B: tb.B, KH: tb.KH, KW: tb.KW, C: tb.C, H: tb.H, W: tb.W, Heights: stripHeights(g, tb.H-tb.KH+1), Lo: tb.Lo, Hi: tb.Hi, MaxBits: 15}
	}
	s4 := strips(4)
	_, _, n4 := s4.Offsets()
	a4 := make([]float64, n4)
	s4.Optimise(a4, 300, 0.02)
	s4.Optimise(a4, 400, 0.005)
	s6 := strips(6)
	hs, off, n6 := s6.Offsets()
	a6 := make([]float64, n6)
	row := tb.W * tb.C
	for k, g := range hs {
		a := a6[off[k]:]
		copy(a[:2*row], a4[:2*row])
		copy(a[g*row:(g+2)*row], a4[4*row:6*row])
	}
	s6.Optimise(a6, 200, 0.005)
	sp := splitConv1(net, o, s6.Heights)
	p := sp.FromPrices(a6, 6, a6)
	sp.Optimise(p, 100, 0.002)
	sp.Optimise(p, 200, 0.002)
	sp.Optimise(p, 200, 0.001)
	for i, v := range p {
		p[i] = float64(float32(v))
	}
	return splitCert{o, s6.Heights, p}
}

// The proof behind provenSplit1: each stored certificate's bound
// (SplitBound1.Bound: every strip's exact maximum by dynamic programming,
// the shared pixels' terms by enumeration) is below 5× the channel's
// baseline and above every baseline image's mean activation, and the
// certified channels are exactly provenSplit1.
func TestSplitConv1ProvenBelow5(t *testing.T) {
	m, acts := defaultConv1Acts(t)
	avg := func(k int) (mean, top float64) {
		for _, a := range acts {
			mean += a[k]
			top = max(top, a[k])
		}
		return mean / float64(len(acts)), top
	}
	var certs []splitCert
	var err error
	if os.Getenv("CONVSCOPE_ATLAS_PROVE") != "" {
		cands := slices.Clone(provenSplit1)
		for _, b := range below5 {
			if b.layer == "conv2d_1" {
				cands = append(cands, b.ch)
			}
		}
		slices.Sort(cands)
		cands = slices.Compact(cands)
		for _, k := range cands {
			c := proveSplit1(m.Net, k)
			a, _ := avg(k)
			b := splitConv1(m.Net, k, c.heights).Bound(c.p, nil)
			t.Logf("conv2d_1/%d: strips %v: bound %.5g = %.4f× the baseline %.4g", k, c.heights, b, b/a, a)
			if b < 5*a {
				certs = append(certs, c)
			}
		}
		if err := writeSplitCerts(splitCertFile, certs); err != nil {
			t.Fatal(err)
		}
	} else if certs, err = readSplitCerts(splitCertFile); err != nil {
		t.Fatal(err)
	}
	bounds := splitConv1Bounds(t, m.Net) // read afresh from the file
	var proven []int
	for _, c := range certs {
		b := bounds[c.k]
		a, top := avg(c.k)
		if b < top {
			t.Errorf("conv2d_1/%d: bound %.5g below a baseline image's mean activation %.5g", c.k, b, top)
		}
		if b >= 5*a {
			t.Errorf("conv2d_1/%d: bound %.5g = %.4f× the baseline: not below 5×", c.k, b, b/a)
			continue
		}
		proven = append(proven, c.k)
		t.Logf("conv2d_1/%d: no image's mean activation exceeds %.5g = %.4f× the baseline %.4g (strips %v)", c.k, b, b/a, a, c.heights)
	}
	if !slices.Equal(proven, provenSplit1) {
		t.Errorf("proven below 5×: %v, want provenSplit1 %v", proven, provenSplit1)
	}
}

// splitConv1Bounds returns the bound of every certificate in
// splitCertFile (for TestSplitConv1ProvenBelow5,
// TestActivationMaximisation and TestSplitConv1BoundAboveImages), by
// channel, evaluated once per test binary and net (the file is read
// again after CONVSCOPE_ATLAS_PROVE rewrites it).
func splitConv1Bounds(t *testing.T, net *nn.Sequential) map[int]float64 {
	splitMemo.Lock()
	defer splitMemo.Unlock()
	if splitMemo.net == net && os.Getenv("CONVSCOPE_ATLAS_PROVE") == "" {
		return splitMemo.bounds
	}
	certs, err := readSplitCerts(splitCertFile)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int]float64{}
	for _, c := range certs {
		sp := splitConv1(net, c.k, c.heights)
		if err := sp.check(len(c.p)); err != nil {
			t.Fatalf("conv2d_1/%d: %v", c.k, err)
		}
		out[c.k] = sp.Bound(c.p, nil)
	}
	splitMemo.net, splitMemo.bounds = net, out
	return out
}

// defaultConv1Acts returns the embedded default model and its baseline
// images' mean activations on conv2d_1 (meanActs), computed once per
// test binary.
func defaultConv1Acts(t *testing.T) (*model.Model, [][]float64) {
	splitMemo.Lock()
	defer splitMemo.Unlock()
	if splitMemo.m == nil {
		m, err := model.Read(assets.DefaultModel, "default")
		if err != nil {
			t.Fatal(err)
		}
		splitMemo.m, splitMemo.acts = m, meanActs(t, m.Net, 0, baselineImages(t, m))
	}
	return splitMemo.m, splitMemo.acts
}

var splitMemo struct {
	sync.Mutex
	m      *model.Model
	acts   [][]float64
	net    *nn.Sequential
	bounds map[int]float64
}

// writeSplitCerts stores certificates little-endian: per channel int32
// channel, int32 number of strips, int32 heights, int32 number of
// parameters, float32 parameters.
func writeSplitCerts(path string, certs []splitCert) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		put := func(v any) {
			binary.Write(bw, binary.LittleEndian, v)
		}
		for _, c := range certs {
			put(int32(c.k))
			put(int32(len(c.heights)))
			for _, h := range c.heights {
				put(int32(h))
			}
			put(int32(len(c.p)))
			for _, v := range c.p {
				put(float32(v))
			}
		}
		return bw.Flush()
	})
}

func readSplitCerts(path string) ([]splitCert, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := bufio.NewReader(f)
	var out []splitCert
	for {
		var k, nh int32
		if err := binary.Read(r, binary.LittleEndian, &k); err == io.EOF {
			return out, nil
		} else if err != nil {
			return nil, err
		}
		if err := binary.Read(r, binary.LittleEndian, &nh); err != nil {
			return nil, err
		}
		if nh <= 0 || nh > 148 {
			return nil, fmt.Errorf("%s: channel %d: expected 1 to 148 strips, received %d", path, k, nh)
		}
		hs := make([]int32, nh)
		if err := binary.Read(r, binary.LittleEndian, hs); err != nil {
			return nil, err
		}
		var np int32
		if err := binary.Read(r, binary.LittleEndian, &np); err != nil {
			return nil, err
		}
		if np <= 0 || np > 1<<22 {
			return nil, fmt.Errorf("%s: channel %d: expected up to 2^22 parameters, received %d", path, k, np)
		}
		ps := make([]float32, np)
		if err := binary.Read(r, binary.LittleEndian, ps); err != nil {
			return nil, err
		}
		c := splitCert{k: int(k)}
		for _, h := range hs {
			c.heights = append(c.heights, int(h))
		}
		for _, v := range ps {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, fmt.Errorf("%s: channel %d: expected finite parameters", path, k)
			}
			c.p = append(c.p, float64(v))
		}
		out = append(out, c)
	}
}
