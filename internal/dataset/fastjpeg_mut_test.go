package dataset

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"testing"
)

// The fastjpeg_*_mut_test.go files test the fast JPEG path against files
// that encodeTestJPEG cannot write: any component ids and samplings, any
// Huffman tables (short end-of-block, sixteen-zero and EOB-run codes, codes
// of 10 to 16 bits only), 16-bit quantisation tables, extra segments, fill
// bytes, restart intervals, hand-placed bits. fjmBuild assembles such a
// file from coefficients (no DCT: any coefficients make a valid file), and
// fjmCheck requires the fast path either to refuse it or to give
// image/jpeg's pixels, every one.

// fjmComp is one component of a built frame.
type fjmComp struct {
	id          byte
	h, v        int
	tq, td, ta  byte
	sofH, sofV  int // written sampling factors, if not h, v (a gray frame's)
	noHV, noSOS bool
}

// fjmTable is a DHT table: code counts per length and symbols.
type fjmTable struct {
	tc, th byte
	counts [16]byte
	vals   []byte
}

func (t fjmTable) payload() []byte {
	p := append([]byte{t.tc<<4 | t.th}, t.counts[:]...)
	return append(p, t.vals...)
}

// fjmSpec describes a baseline JPEG for fjmBuild.
type fjmSpec struct {
	w, h   int
	comps  []fjmComp
	pre    [][]byte   // whole segments (marker first) written after SOI
	dqt    [][]byte   // DQT payloads (nil: one 8-bit table per tq used, q = 1…4)
	dht    []fjmTable // (nil: image/jpeg's standard tables)
	ri     int
	marker byte // frame marker (0: SOF0)
	// coef returns block (bx, by) of component c in zig-zag order, DC
	// level first (nil: fjmRandom(1, 30, 0.2)).
	coef func(c, bx, by int) [64]int
	// post is written between the entropy-coded data and EOI.
	post []byte
	// headersOnly stops after SOS (fjmHeaders).
	headersOnly bool
}

// fjmRandom returns a coefficient source: DC levels in ±dc·8 (divided by
// the quantiser: levels stay in range), AC coefficients nonzero with
// probability density, of magnitude up to mag, with long zero runs.
func fjmRandom(seed uint64, mag int, density float64) func(c, bx, by int) [64]int {
	rng := rand.New(rand.NewPCG(seed, 11))
	return func(c, bx, by int) [64]int {
		var b [64]int
		b[0] = rng.IntN(121) - 60
		for k := 1; k < 64; k++ {
			if rng.Float64() < density {
				b[k] = rng.IntN(2*mag+1) - mag
			}
		}
		return b
	}
}

// fjmStdTables returns image/jpeg's encoder tables (T.81 Annex K) as
// fjmTables.
func fjmStdTables(tb testing.TB) []fjmTable {
	tb.Helper()
	var ref bytes.Buffer
	if err := jpeg.Encode(&ref, image.NewRGBA(image.Rect(0, 0, 8, 8)), nil); err != nil {
		tb.Fatal(err)
	}
	dht := segment(ref.Bytes(), 0xC4)
	var ts []fjmTable
	for len(dht) > 0 {
		t := fjmTable{tc: dht[0] >> 4, th: dht[0] & 15}
		n := 0
		for i := range 16 {
			t.counts[i] = dht[1+i]
			n += int(dht[1+i])
		}
		t.vals = append([]byte(nil), dht[17:17+n]...)
		ts = append(ts, t)
		dht = dht[17+n:]
	}
	return ts
}

// fjmGray and fjmYCbCr are the usual component lists.
func fjmGray() []fjmComp { return []fjmComp{{id: 1, h: 1, v: 1}} }

func fjmYCbCr(h, v int) []fjmComp {
	return []fjmComp{{id: 1, h: h, v: v}, {id: 2, h: 1, v: 1, tq: 1, td: 1, ta: 1}, {id: 3, h: 1, v: 1, tq: 1, td: 1, ta: 1}}
}

// fjmBuild writes the file s describes.
func fjmBuild(tb testing.TB, s fjmSpec) []byte {
	tb.Helper()
	var out bytes.Buffer
	out.Write([]byte{0xFF, 0xD8})
	for _, seg := range s.pre {
		out.Write(seg)
	}
	dqt := s.dqt
	if dqt == nil {
		used := [4]bool{}
		for _, c := range s.comps {
			used[c.tq&3] = true
		}
		for tq := range byte(4) {
			if used[tq] {
				p := []byte{tq}
				for k := range 64 {
					p = append(p, byte(1+(k+int(tq))%4))
				}
				dqt = append(dqt, p)
			}
		}
	}
	for _, p := range dqt {
		writeSeg(&out, 0xDB, p)
	}
	marker := s.marker
	if marker == 0 {
		marker = 0xC0
	}
	sof := []byte{8, byte(s.h >> 8), byte(s.h), byte(s.w >> 8), byte(s.w), byte(len(s.comps))}
	for _, c := range s.comps {
		h, v := c.h, c.v
		if c.sofH != 0 {
			h, v = c.sofH, c.sofV
		}
		sof = append(sof, c.id, byte(h<<4|v), c.tq)
	}
	writeSeg(&out, marker, sof)
	tables := s.dht
	if tables == nil {
		tables = fjmStdTables(tb)
	}
	var dht []byte
	for _, t := range tables {
		dht = append(dht, t.payload()...)
	}
	writeSeg(&out, 0xC4, dht)
	if s.ri > 0 {
		writeSeg(&out, 0xDD, []byte{byte(s.ri >> 8), byte(s.ri)})
	}
	sos := []byte{byte(len(s.comps))}
	for _, c := range s.comps {
		sos = append(sos, c.id, c.td<<4|c.ta)
	}
	writeSeg(&out, 0xDA, append(sos, 0, 63, 0))
	if s.headersOnly {
		return out.Bytes()
	}
	fjmScan(&out, s, tables)
	out.Write(s.post)
	out.Write([]byte{0xFF, 0xD9})
	return out.Bytes()
}

// fjmScan writes the entropy-coded data of s.
func fjmScan(out *bytes.Buffer, s fjmSpec, tables []fjmTable) {
	var books [2][4][256]huffCode
	for _, t := range tables {
		b := huffCodes(t.payload())
		books[t.tc][t.th] = b[t.tc*2+t.th]
	}
	coef := s.coef
	if coef == nil {
		coef = fjmRandom(1, 30, 0.2)
	}
	hmax, vmax := 1, 1
	if len(s.comps) > 1 {
		for _, c := range s.comps {
			hmax, vmax = max(hmax, c.h), max(vmax, c.v)
		}
	}
	mcuw, mcuh := (s.w+8*hmax-1)/(8*hmax), (s.h+8*vmax-1)/(8*vmax)
	if len(s.comps) == 1 {
		mcuw, mcuh = (s.w+7)/8, (s.h+7)/8
	}
	bw := &bitWriter{out: out}
	var pred [4]int
	for mcu := range mcuw * mcuh {
		if s.ri > 0 && mcu > 0 && mcu%s.ri == 0 {
			bw.flush()
			out.Write([]byte{0xFF, byte(0xD0 + (mcu/s.ri-1)%8)})
			pred = [4]int{}
		}
		mx, my := mcu%mcuw, mcu/mcuw
		for ci, c := range s.comps {
			h, v := c.h, c.v
			if len(s.comps) == 1 {
				h, v = 1, 1
			}
			for j := range h * v {
				b := coef(ci, mx*h+j%h, my*v+j/h)
				bw.encodeBlock(&b, b[0]-pred[ci], books[0][c.td], books[1][c.ta])
				pred[ci] = b[0]
			}
		}
	}
	bw.flush()
}

// fjmCheck decodes data through the fast path, every pixel, and through
// image/jpeg. If the fast path accepts it, every pixel must be the same;
// it reports whether the fast path accepted the file. A file the fast
// path accepts must decode with image/jpeg.
func fjmCheck(tb testing.TB, name string, data []byte) bool {
	tb.Helper()
	got, w, h, err := fastRGB(tb, data)
	if err != nil {
		if !errors.Is(err, errFastJPEG) {
			tb.Fatalf("%s: fast path: %v, want errFastJPEG", name, err)
		}
		return false
	}
	if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil {
		tb.Fatalf("%s: the fast path decoded a file image/jpeg refuses (%v)", name, err)
	}
	want, ww, wh := uprightRGB(tb, data)
	if w != ww || h != wh {
		tb.Fatalf("%s: size %d×%d, image/jpeg %d×%d", name, w, h, ww, wh)
	}
	if i := firstDiff(got, want); i >= 0 {
		p := i / 3
		tb.Fatalf("%s: pixel (%d, %d) = %v, image/jpeg %v", name, p%ww, p/ww, got[3*p:3*p+3], want[3*p:3*p+3])
	}
	return true
}

// fjmMust requires the fast path to take data and give image/jpeg's
// pixels.
func fjmMust(tb testing.TB, name string, data []byte) {
	tb.Helper()
	if !fjmCheck(tb, name, data) {
		tb.Fatalf("%s: the fast path refused a file it decodes", name)
	}
}

// fjmRefused requires the fast path to refuse data: the parser or the
// decoder returns errFastJPEG.
func fjmRefused(tb testing.TB, name string, data []byte) {
	tb.Helper()
	if fjmCheck(tb, name, data) {
		tb.Fatalf("%s: the fast path took a file it must refuse", name)
	}
}

// fjmHeaders returns the file s describes up to the end of its SOS
// segment: entropy-coded data of one's own follows.
func fjmHeaders(tb testing.TB, s fjmSpec) []byte {
	tb.Helper()
	s.headersOnly = true
	file := fjmBuild(tb, s)
	return file[:len(file):len(file)]
}

// fjmCat concatenates byte slices into a new one.
func fjmCat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}
