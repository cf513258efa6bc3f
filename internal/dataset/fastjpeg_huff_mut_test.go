package dataset

import (
	"bytes"
	"fmt"
	"testing"
)

// fjmShortAC is an AC table that gives the end of block, the sixteen-zero
// code (0xF0), an EOB run (0x10, progressive only) and run-15 symbols
// short codes, and holds every baseline symbol plus the EOB runs: its
// codes run from 2 to 12 bits.
func fjmShortAC(tc, th byte) fjmTable {
	syms := []byte{0x00, 0xF0, 0x10, 0x01, 0xF1, 0x11, 0x02, 0x21, 0xF2, 0x03}
	seen := map[byte]bool{}
	for _, s := range syms {
		seen[s] = true
	}
	for r := range 16 {
		for s := range 11 {
			v := byte(r<<4 | s)
			if (s == 0 && (r == 0 || r == 15)) || seen[v] {
				continue
			}
			seen[v] = true
			syms = append(syms, v)
		}
	}
	// 1, 2, 2, 4, 4, 8, 8, 16, 16, 32 codes of 2 to 11 bits, the rest 12.
	counts := [16]byte{0, 1, 2, 2, 4, 4, 8, 8, 16, 16, 32}
	counts[11] = byte(len(syms) - 93)
	return fjmTable{tc: tc, th: th, counts: counts, vals: syms}
}

// fjmCanon returns each symbol's canonical code and length (T.81 C.2).
func fjmCanon(t fjmTable) (codes []uint32, lens []uint) {
	code := uint32(0)
	for l := 1; l <= 16; l++ {
		for range t.counts[l-1] {
			codes, lens = append(codes, code), append(lens, uint(l))
			code++
		}
		code <<= 1
	}
	return codes, lens
}

// TestFJHuffTables builds tables of several shapes and checks, against
// codes computed here, that every code decodes to its symbol and length
// whatever follows it, that a bit string that is no code decodes to
// length 0, that maxcode is -1 for lengths without codes, and that the
// AC fast table holds exactly the entries its comment promises: end of
// block, sixteen zeros, a coefficient whose code and extra bits fit in
// fjLutBits — and nothing for an EOB run or a longer pair.
func TestFJHuffTables(t *testing.T) {
	std := fjmStdTables(t)
	cases := []struct {
		name string
		tab  fjmTable
	}{
		{"std-dc-luma", std[0]}, {"std-dc-chroma", std[2]}, {"std-ac-luma", std[1]}, {"std-ac-chroma", std[3]},
		// Only long codes: no lookup entry at all, every code slow.
		{"long-only", fjmTable{tc: 0, counts: [16]byte{11: 5, 15: 3}, vals: []byte{0, 1, 2, 3, 4, 5, 6, 7}}},
		{"long-only-ac", fjmTable{tc: 1, counts: [16]byte{9: 2, 12: 4}, vals: []byte{0x00, 0x01, 0x02, 0xF0, 0x11, 0x12}}},
		{"one-and-sixteen", fjmTable{tc: 1, counts: [16]byte{0: 1, 15: 6}, vals: []byte{0x01, 0x00, 0x02, 0x11, 0xF0, 0x31, 0x0A}}},
		{"short-specials", fjmShortAC(1, 0)},
	}
	for _, c := range cases {
		var counts [16]int
		for i, n := range c.tab.counts {
			counts[i] = int(n)
		}
		h, err := newFJHuff(counts, c.tab.vals)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		codes, lens := fjmCanon(c.tab)
		for i, code := range codes {
			l := lens[i]
			for _, tail := range []uint64{0, ^uint64(0) >> l} {
				acc := uint64(code)<<(64-l) | tail
				s, n := h.decode(acc)
				if s != c.tab.vals[i] || n != l {
					t.Fatalf("%s: code %0*b+tail %x decodes to (%#x, %d), want (%#x, %d)", c.name, l, code, tail, s, n, c.tab.vals[i], l)
				}
			}
		}
		// Kraft sum < 1 in every table here: all ones is no code.
		if s, n := h.decode(^uint64(0)); n != 0 {
			t.Fatalf("%s: all ones decodes to (%#x, %d), want length 0", c.name, s, n)
		}
		for l := 1; l <= 16; l++ {
			if c.tab.counts[l-1] == 0 && h.maxcode[l] != -1 {
				t.Fatalf("%s: maxcode[%d] = %d for a length without codes", c.name, l, h.maxcode[l])
			}
		}
		if c.tab.tc == 0 {
			continue
		}
		for i := range 1 << fjLutBits {
			want := int32(0)
			for k, code := range codes {
				l := lens[k]
				if l > fjLutBits || uint32(i)>>(fjLutBits-l) != code {
					continue
				}
				r, s := int32(c.tab.vals[k]>>4), uint(c.tab.vals[k]&15)
				switch {
				case s == 0 && r == 0:
					want = fjFastEOB | int32(l)
				case s == 0 && r == 15:
					want = 15<<8 | int32(l)
				case s == 0:
				case l+s <= fjLutBits:
					bits := int32(i) >> (fjLutBits - l - s) & (1<<s - 1)
					if bits < 1<<(s-1) {
						bits -= 1<<s - 1
					}
					want = bits<<16 | r<<8 | int32(l+s)
				}
			}
			if h.fast[i] != want {
				t.Fatalf("%s: fast[%09b] = %#x, want %#x", c.name, i, h.fast[i], want)
			}
		}
	}
}

// TestFJHuffUnusualTables decodes files with tables image/jpeg's encoder
// never writes — AC tables that give the end of block, sixteen zeros and
// run-15 pairs short codes (the fast table's special entries), and tables
// with only codes of 10 bits and more (every code through the slow path,
// lengths without codes below them) — with sparse blocks full of long
// zero runs, in every sampling: image/jpeg's pixels, every one.
func TestFJHuffUnusualTables(t *testing.T) {
	std := fjmStdTables(t)
	dcLong := fjmTable{tc: 0, counts: [16]byte{11: 8, 15: 4}, vals: []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}}
	acLong := fjmShortAC(1, 0)
	acLong.counts = [16]byte{9: 100}
	acLong.counts[13] = byte(len(acLong.vals) - 100)
	sets := map[string][]fjmTable{
		"short-ac": {std[0], std[2], fjmShortAC(1, 0), fjmShortAC(1, 1)},
		"long":     {dcLong, {tc: 0, th: 1, counts: dcLong.counts, vals: dcLong.vals}, acLong, {tc: 1, th: 1, counts: acLong.counts, vals: acLong.vals}},
	}
	for name, tables := range sets {
		for i, comps := range [][]fjmComp{fjmGray(), fjmYCbCr(1, 1), fjmYCbCr(2, 1), fjmYCbCr(2, 2)} {
			for j, density := range []float64{0.03, 0.1, 0.5} {
				data := fjmBuild(t, fjmSpec{w: 37, h: 21, comps: comps, dht: tables, ri: j, coef: fjmRandom(uint64(10*i+j), 40, density)})
				fjmMust(t, fmt.Sprintf("%s/comps%d/density%v", name, i, density), data)
			}
		}
	}
}

// TestFJHuffEOBRunRefused: an EOB run (AC symbol r/0 with 0 < r < 15) is
// progressive-only; in a baseline scan the fast path refuses it (image/jpeg
// reads it as a run of empty blocks), whether its code is short (fast
// table) or long (slow path). Each file is one gray block: DC 0, then
// the EOB run's code, then bits that other readings would take as a valid
// end of block.
func TestFJHuffEOBRunRefused(t *testing.T) {
	std := fjmStdTables(t)
	ac := fjmShortAC(1, 0)
	books := huffCodes(ac.payload())[2]
	dc := huffCodes(std[0].payload())[0]
	for _, c := range []struct {
		name string
		sym  byte
		pre  int // coefficients of ±1 before the run
	}{{"eob1-first", 0x10, 0}, {"eob1-late", 0x10, 20}, {"eob5-long-code", 0x50, 0}, {"eob2-mid", 0x20, 7}} {
		var data bytes.Buffer
		w := &bitWriter{out: &data}
		w.put(dc[0].code, dc[0].n)
		for range c.pre {
			w.put(books[0x01].code, books[0x01].n)
			w.put(1, 1)
		}
		w.put(books[c.sym].code, books[c.sym].n)
		w.put(0, uint(c.sym>>4)) // the run's extra bits
		w.put(books[0x00].code, books[0x00].n)
		w.flush()
		spec := fjmSpec{w: 8, h: 8, comps: fjmGray(), dht: []fjmTable{std[0], ac}, coef: func(int, int, int) [64]int { return [64]int{} }}
		d := fjmCat(fjmHeaders(t, spec), data.Bytes(), []byte{0xFF, 0xD9})
		if _, err := parseFastJPEG(d); err != nil {
			t.Fatalf("%s: the parser refused the headers: %v", c.name, err)
		}
		fjmRefused(t, c.name, d)
	}
}
