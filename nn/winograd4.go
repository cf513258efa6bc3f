package nn

// F(4×4, 3×3)'s tile transforms (winograd.go, winograd_tile.go): 6×6 input
// tiles, 4×4 output tiles, each 2-D transform as 1-D transforms of the
// rows, then of the columns. In assembly (winograd_amd64.s), 8 channels at
// a time with the first pass through tmp.

// winoIn4 is F(4×4)'s winoTransform.in.
func winoIn4(v []float32, ldv int, x []float32, ldx, cin, n int, tmp []float32) {
	_ = x[(n-1)*4*cin+5*ldx+6*cin-1] // bounds
	_ = v[35*ldv+n*cin-1]
	nc := 0
	if useSIMD {
		nc = cin &^ 7
		if nc > 0 {
			_ = tmp[36*8-1]
			winoIn4AVX2(&v[0], ldv, &x[0], ldx, cin, nc, n, &tmp[0])
		}
	}
	if nc < cin {
		winoIn4Go(v, ldv, x, ldx, cin, nc, n)
	}
}

// bt6 is the 1-D input transform of F(4×4): o = Bᵀ d.
func bt6(d0, d1, d2, d3, d4, d5 float32) [6]float32 {
	return [6]float32{
		d4 + 4*d0 - 5*d2,
		(d3 + d4) - 4*(d1+d2),
		(d4 - d3) + 4*(d1-d2),
		(d4 - d2) + 2*(d3-d1),
		(d4 - d2) - 2*(d3-d1),
		d5 + 4*d1 - 5*d3,
	}
}

// at6 is the 1-D output transform of F(4×4): y = Aᵀ m.
func at6(m0, m1, m2, m3, m4, m5 float32) [4]float32 {
	a, b, c, d := m1+m2, m1-m2, m3+m4, m3-m4
	return [4]float32{m0 + a + c, b + 2*d, a + 4*c, b + m5 + 8*d}
}

// winoIn4Go is winoIn4 for channels [c0, cin).
func winoIn4Go(v []float32, ldv int, x []float32, ldx, cin, c0, n int) {
	for t := 0; t < n; t++ {
		xt, vt := x[4*t*cin:], v[t*cin:]
		for ch := c0; ch < cin; ch++ {
			var r [6][6]float32 // d B
			for i := 0; i < 6; i++ {
				d := xt[i*ldx+ch:]
				r[i] = bt6(d[0], d[cin], d[2*cin], d[3*cin], d[4*cin], d[5*cin])
			}
			for j := 0; j < 6; j++ {
				o := bt6(r[0][j], r[1][j], r[2][j], r[3][j], r[4][j], r[5][j])
				for k, val := range o {
					vt[(6*k+j)*ldv+ch] = val
				}
			}
		}
	}
}

// winoOut4 is F(4×4)'s winoTransform.out; b may be nil (no bias).
func winoOut4(y []float32, ldy, pf int, m []float32, ldm, cw int, b []float32, n int, lo, hi float32, tmp []float32) {
	_ = y[(n-1)*4*pf+3*ldy+3*pf+cw-1] // bounds
	_ = m[35*ldm+n*cw-1]
	nc := 0
	if useSIMD && b != nil {
		nc = cw &^ 7
		if nc > 0 {
			_ = tmp[24*8-1]
			winoOut4AVX2(&y[0], ldy, pf, &m[0], ldm, cw, nc, &b[0], n, lo, hi, &tmp[0])
		}
	}
	if nc < cw {
		winoOut4Go(y, ldy, pf, m, ldm, cw, nc, b, n, lo, hi)
	}
}

// winoOut4Go is winoOut4 for channels [c0, cw).
func winoOut4Go(y []float32, ldy, pf int, m []float32, ldm, cw, c0 int, b []float32, n int, lo, hi float32) {
	for t := 0; t < n; t++ {
		mt, yt := m[t*cw:], y[4*t*pf:]
		for ch := c0; ch < cw; ch++ {
			var s [4][6]float32 // Aᵀ M
			for j := 0; j < 6; j++ {
				col := at6(mt[j*ldm+ch], mt[(6+j)*ldm+ch], mt[(12+j)*ldm+ch], mt[(18+j)*ldm+ch], mt[(24+j)*ldm+ch], mt[(30+j)*ldm+ch])
				for k := range col {
					s[k][j] = col[k]
				}
			}
			var bias float32
			if b != nil {
				bias = b[ch]
			}
			for k := 0; k < 4; k++ {
				row := at6(s[k][0], s[k][1], s[k][2], s[k][3], s[k][4], s[k][5])
				for l, val := range row {
					yt[k*ldy+l*pf+ch] = min(max(val+bias, lo), hi)
				}
			}
		}
	}
}
