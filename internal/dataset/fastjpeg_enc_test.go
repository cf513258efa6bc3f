package dataset

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"testing"
)

// testJPEG describes a baseline JPEG for encodeTestJPEG, which writes what
// image/jpeg's encoder cannot: any luma sampling (4:4:4, 4:2:2, 4:4:0,
// 4:2:0), gray, restart intervals, coefficient noise. Its Huffman and
// quantisation tables are taken from image/jpeg's encoder output at the
// given quality (the standard tables of T.81 Annex K, scaled).
type testJPEG struct {
	w, h    int
	hy, vy  int  // luma sampling factors (chroma is 1×1)
	gray    bool // one component
	ri      int  // restart interval in MCUs (0: none)
	quality int
	noise   int  // add up to ±noise to every quantised AC coefficient
	jfif    bool // write a JFIF APP0
	seed    uint64
}

// encodeTestJPEG encodes a random photo-like image as t describes.
func encodeTestJPEG(tb testing.TB, t testJPEG) []byte {
	tb.Helper()
	rng := rand.New(rand.NewPCG(t.seed, 7))
	// Tables: from image/jpeg's encoding of a tiny image.
	var ref bytes.Buffer
	if err := jpeg.Encode(&ref, image.NewRGBA(image.Rect(0, 0, 8, 8)), &jpeg.Options{Quality: t.quality}); err != nil {
		tb.Fatal(err)
	}
	dqt, dht := segment(ref.Bytes(), 0xDB), segment(ref.Bytes(), 0xC4)
	codes := huffCodes(dht) // [tc·2+th][symbol] → code, length

	ncomp, hy, vy := 3, t.hy, t.vy
	if t.gray {
		ncomp, hy, vy = 1, 1, 1
	}
	mcuw, mcuh := (t.w+8*hy-1)/(8*hy), (t.h+8*vy-1)/(8*vy)
	// Planes, MCU-padded by repeating the edge.
	pw, ph := mcuw*8*hy, mcuh*8*vy
	planes := [3][]float64{}
	for c := range ncomp {
		planes[c] = make([]float64, pw*ph)
	}
	ox, oy := rng.IntN(256), rng.IntN(256)
	for y := range ph {
		for x := range pw {
			sx, sy := min(x, t.w-1), min(y, t.h-1)
			r := uint8(sx*3 + ox + rng.IntN(24))
			g := uint8(sy*5 + (sx*sy)%13 + oy)
			b := uint8((sx + sy) * 2)
			yy, cb, cr := color.RGBToYCbCr(r, g, b)
			planes[0][y*pw+x] = float64(yy)
			if ncomp == 3 {
				planes[1][y*pw+x], planes[2][y*pw+x] = float64(cb), float64(cr)
			}
		}
	}
	var quant [2][64]int
	for i := 0; i+65 <= len(dqt); i += 65 {
		for k := range 64 {
			quant[dqt[i]&15][k] = int(dqt[i+1+k])
		}
	}

	var out bytes.Buffer
	out.Write([]byte{0xFF, 0xD8})
	if t.jfif {
		writeSeg(&out, 0xE0, []byte("JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"))
	}
	writeSeg(&out, 0xDB, dqt)
	sof := []byte{8, byte(t.h >> 8), byte(t.h), byte(t.w >> 8), byte(t.w), byte(ncomp)}
	sof = append(sof, 1, byte(hy<<4|vy), 0)
	if ncomp == 3 {
		sof = append(sof, 2, 0x11, 1, 3, 0x11, 1)
	}
	writeSeg(&out, 0xC0, sof)
	writeSeg(&out, 0xC4, dht)
	if t.ri > 0 {
		writeSeg(&out, 0xDD, []byte{byte(t.ri >> 8), byte(t.ri)})
	}
	sos := []byte{byte(ncomp), 1, 0x00}
	if ncomp == 3 {
		sos = append(sos, 2, 0x11, 3, 0x11)
	}
	writeSeg(&out, 0xDA, append(sos, 0, 63, 0))

	bw := &bitWriter{out: &out}
	var pred [3]int
	rst := 0
	for my := range mcuh {
		for mx := range mcuw {
			mcu := my*mcuw + mx
			if t.ri > 0 && mcu > 0 && mcu%t.ri == 0 {
				bw.flush()
				out.Write([]byte{0xFF, byte(0xD0 + rst%8)})
				rst++
				pred = [3]int{}
			}
			for c := range ncomp {
				h, v, sub := 1, 1, 1
				if c == 0 {
					h, v = hy, vy
				} else {
					sub = 0
				}
				for j := range h * v {
					var blk [64]float64
					bx, by := mx*h+j%h, my*v+j/h
					for y := range 8 {
						for x := range 8 {
							if sub == 1 {
								blk[y*8+x] = planes[c][(by*8+y)*pw+bx*8+x]
							} else { // average the luma-resolution pixels
								s := 0.0
								for dy := range vy {
									for dx := range hy {
										s += planes[c][((by*8+y)*vy+dy)*pw+(bx*8+x)*hy+dx]
									}
								}
								blk[y*8+x] = s / float64(hy*vy)
							}
						}
					}
					q := &quant[min(c, 1)]
					coef := fdctQuant(&blk, q)
					for k := 1; k < 64 && t.noise > 0; k++ {
						coef[k] = max(-1023, min(1023, coef[k]+rng.IntN(2*t.noise+1)-t.noise))
					}
					coef[0] = max(-2047+pred[c], min(2047+pred[c], coef[0]))
					tab := min(c, 1)
					bw.encodeBlock(&coef, coef[0]-pred[c], codes[tab], codes[2+tab])
					pred[c] = coef[0]
				}
			}
		}
	}
	bw.flush()
	out.Write([]byte{0xFF, 0xD9})
	return out.Bytes()
}

// fdctQuant returns the quantised DCT coefficients of a block, zig-zag
// order (a plain float DCT: any valid encoder will do).
func fdctQuant(blk *[64]float64, q *[64]int) [64]int {
	var out [64]int
	// Separable: rows first (tmp[y][u]), then columns.
	var tmp [8][8]float64
	for y := range 8 {
		for u := range 8 {
			t := 0.0
			for x := range 8 {
				t += (blk[y*8+x] - 128) * dctCos[x][u]
			}
			tmp[y][u] = t
		}
	}
	for zig := range 64 {
		nat := int(fjUnzig[zig])
		u, v := nat%8, nat/8
		s := 0.0
		for y := range 8 {
			s += tmp[y][u] * dctCos[y][v]
		}
		cu, cv := 1.0, 1.0
		if u == 0 {
			cu = 1 / math.Sqrt2
		}
		if v == 0 {
			cv = 1 / math.Sqrt2
		}
		out[zig] = int(math.Round(s * cu * cv / 4 / float64(q[zig])))
	}
	return out
}

// dctCos[x][u] = cos((2x+1)uπ/16).
var dctCos = func() (c [8][8]float64) {
	for x := range 8 {
		for u := range 8 {
			c[x][u] = math.Cos(float64(2*x+1) * float64(u) * math.Pi / 16)
		}
	}
	return c
}()

// segment returns the payload of the first marker m in a JPEG.
func segment(data []byte, m byte) []byte {
	for p := 2; p+4 <= len(data); {
		n := int(binary.BigEndian.Uint16(data[p+2:]))
		if data[p+1] == m {
			return data[p+4 : p+2+n]
		}
		p += 2 + n
	}
	return nil
}

func writeSeg(out *bytes.Buffer, m byte, payload []byte) {
	out.Write([]byte{0xFF, m})
	binary.Write(out, binary.BigEndian, uint16(len(payload)+2))
	out.Write(payload)
}

// huffCode is one symbol's code.
type huffCode struct {
	code uint32
	n    uint
}

// huffCodes reads a DHT payload into per-table code books, indexed
// tc·2+th (DC luma, DC chroma, AC luma, AC chroma).
func huffCodes(dht []byte) [4][256]huffCode {
	var books [4][256]huffCode
	for len(dht) > 0 {
		tc, th := dht[0]>>4, dht[0]&15
		vals := dht[17:]
		code, k := uint32(0), 0
		for l := 1; l <= 16; l++ {
			for range int(dht[l]) {
				books[tc*2+th][vals[k]] = huffCode{code, uint(l)}
				code++
				k++
			}
			code <<= 1
		}
		dht = dht[17+k:]
	}
	return books
}

// bitWriter writes entropy-coded bits with byte stuffing.
type bitWriter struct {
	out *bytes.Buffer
	acc uint32
	n   uint
}

func (w *bitWriter) put(bits uint32, n uint) {
	for i := int(n) - 1; i >= 0; i-- {
		w.acc = w.acc<<1 | (bits>>uint(i))&1
		w.n++
		if w.n == 8 {
			w.out.WriteByte(byte(w.acc))
			if byte(w.acc) == 0xFF {
				w.out.WriteByte(0)
			}
			w.acc, w.n = 0, 0
		}
	}
}

// flush pads the last byte with 1 bits (T.81 F.1.2.3).
func (w *bitWriter) flush() {
	for w.n != 0 {
		w.put(1, 1)
	}
}

// magnitude returns T.81's size category and the extra bits of v.
func magnitude(v int) (uint, uint32) {
	a := v
	if a < 0 {
		a = -a
	}
	s := uint(0)
	for a>>s != 0 {
		s++
	}
	if v < 0 {
		v += 1<<s - 1
	}
	return s, uint32(v) & (1<<s - 1)
}

func (w *bitWriter) encodeBlock(coef *[64]int, diff int, dc, ac [256]huffCode) {
	s, bits := magnitude(diff)
	w.put(dc[s].code, dc[s].n)
	w.put(bits, s)
	run := 0
	for k := 1; k < 64; k++ {
		if coef[k] == 0 {
			run++
			continue
		}
		for run > 15 {
			w.put(ac[0xF0].code, ac[0xF0].n)
			run -= 16
		}
		s, bits := magnitude(coef[k])
		sym := byte(run<<4) | byte(s)
		w.put(ac[sym].code, ac[sym].n)
		w.put(bits, s)
		run = 0
	}
	if run > 0 {
		w.put(ac[0].code, ac[0].n)
	}
}
