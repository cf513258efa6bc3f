package nn

import "math"

// Vector loops of the layers' element-wise passes. Each has a plain Go
// version, the reference and the fallback, and on amd64 with AVX2 (the CPUs
// nn/sgemm runs its assembly kernels on) an assembly version that handles
// 8 floats per instruction (simd_amd64.s); the Go compiler does not
// vectorise loops, and these passes touch every activation of a training
// step two or three times. The assembly versions need a row length c that
// is a multiple of 8 (every layer of the reference model has 32, 64 or 128
// channels); other shapes use the Go versions. Both give bit-identical
// results, except axpyRows, whose assembly fuses multiply and add.

// biasReLU computes dst = max(src + bias, 0) for len(dst) values in rows of
// len(bias); NaN stays NaN. src may be dst.
func biasReLU(dst, src, bias []float32) {
	c := len(bias)
	if len(dst)%c != 0 || len(src) < len(dst) {
		panic("nn: biasReLU: bad lengths")
	}
	if useSIMD && c%8 == 0 && len(dst) > 0 {
		biasReLUAVX2(&dst[0], &src[0], &bias[0], len(dst), c)
		return
	}
	biasReLUGo(dst, src, bias)
}

func biasReLUGo(dst, src, bias []float32) {
	c := len(bias)
	for r := 0; r+c <= len(dst); r += c {
		d, s, b := dst[r:r+c:r+c], src[r:r+c:r+c], bias[:c:c]
		for i, v := range s {
			d[i] = reluOf(v + b[i])
		}
	}
}

// reluOf is max(v, 0) with NaN kept, as the assembly's VMAXPS computes it.
func reluOf(v float32) float32 {
	if 0 > v {
		return 0
	}
	return v
}

// reluGrad computes dz = dy where y > 0 and 0 elsewhere (relu' from the
// output: y > 0 exactly when its bits, read as an int32, are positive). dz
// may be dy.
func reluGrad(dz, dy, y []float32) {
	n := len(y)
	if len(dz) < n || len(dy) < n {
		panic("nn: reluGrad: bad lengths")
	}
	if useSIMD && n >= 8 {
		m := n &^ 7
		reluGradAVX2(&dz[0], &dy[0], &y[0], m)
		dz, dy, y = dz[m:], dy[m:], y[m:]
	}
	reluGradGo(dz, dy, y)
}

func reluGradGo(dz, dy, y []float32) {
	dz, dy = dz[:len(y)], dy[:len(y)]
	for i, v := range y {
		m := uint32(-int64(int32(math.Float32bits(v))) >> 63) // all ones if y > 0
		dz[i] = math.Float32frombits(math.Float32bits(dy[i]) & m)
	}
}

// addRows adds the rows of src (len(dst) values each) into dst.
func addRows(dst, src []float32) {
	c := len(dst)
	if c == 0 {
		return
	}
	if len(src)%c != 0 {
		panic("nn: addRows: bad lengths")
	}
	if useSIMD && c%8 == 0 && len(src) > 0 {
		addRowsAVX2(&dst[0], &src[0], len(src), c)
		return
	}
	for r := 0; r+c <= len(src); r += c {
		addTo(dst, src[r:r+c])
	}
}

// maxPool2 computes one output row of a 2×2, stride 2 max pooling: y holds
// ow pixels of c channels, x0 and x1 the two input rows (at least 2·ow
// pixels). Each output is the first maximum of its window in row-major
// order (a later value wins only if it is greater; NaN never wins).
func maxPool2(y, x0, x1 []float32, c int) {
	ow := len(y) / c
	if len(y)%c != 0 || len(x0) < 2*len(y) || len(x1) < 2*len(y) {
		panic("nn: maxPool2: bad lengths")
	}
	if useSIMD && c%8 == 0 && ow > 0 {
		maxPool2AVX2(&y[0], &x0[0], &x1[0], ow, c)
		return
	}
	maxPool2Go(y, x0, x1, c)
}

func maxPool2Go(y, x0, x1 []float32, c int) {
	for o := 0; o+c <= len(y); o += c {
		out := y[o : o+c : o+c]
		a, b := x0[2*o:2*o+c:2*o+c], x0[2*o+c:2*o+2*c:2*o+2*c]
		d, e := x1[2*o:2*o+c:2*o+c], x1[2*o+c:2*o+2*c:2*o+2*c]
		for k := range out {
			m := a[k]
			if b[k] > m {
				m = b[k]
			}
			if d[k] > m {
				m = d[k]
			}
			if e[k] > m {
				m = e[k]
			}
			out[k] = m
		}
	}
}

// maxPool2Back is maxPool2's backward pass for one output row: each dy goes
// to the first input of its window equal to the output y (the window's first
// maximum), and the other three inputs get 0, so dx0 and dx1 (the input
// gradient's two rows, 2·ow pixels each) are written in full.
func maxPool2Back(dx0, dx1, x0, x1, y, dy []float32, c int) {
	ow := len(y) / c
	n := 2 * len(y)
	if len(y)%c != 0 || len(dy) < len(y) || len(dx0) < n || len(dx1) < n || len(x0) < n || len(x1) < n {
		panic("nn: maxPool2Back: bad lengths")
	}
	if useSIMD && c%8 == 0 && ow > 0 {
		maxPool2BackAVX2(&dx0[0], &dx1[0], &x0[0], &x1[0], &y[0], &dy[0], ow, c)
		return
	}
	maxPool2BackGo(dx0, dx1, x0, x1, y, dy, c)
}

func maxPool2BackGo(dx0, dx1, x0, x1, y, dy []float32, c int) {
	for o := 0; o+c <= len(y); o += c {
		i := 2 * o
		for k := 0; k < c; k++ {
			m, g := y[o+k], dy[o+k]
			var ga, gb, gd, ge float32
			switch {
			case x0[i+k] == m:
				ga = g
			case x0[i+c+k] == m:
				gb = g
			case x1[i+k] == m:
				gd = g
			case x1[i+c+k] == m:
				ge = g
			}
			dx0[i+k], dx0[i+c+k], dx1[i+k], dx1[i+c+k] = ga, gb, gd, ge
		}
	}
}

// rmsprop applies one RMSprop step to w with gradient g and moving average
// v: v = rho·v + (1-rho)·g², w -= lr·g / (sqrt(v) + eps), in float32.
func rmsprop(w, g, v []float32, lr, rho, eps float32) {
	n := len(w)
	if len(g) < n || len(v) < n {
		panic("nn: rmsprop: bad lengths")
	}
	if useSIMD && n >= 8 {
		m := n &^ 7
		rmspropAVX2(&w[0], &g[0], &v[0], m, lr, rho, 1-rho, eps)
		w, g, v = w[m:], g[m:], v[m:]
	}
	rmspropGo(w, g, v, lr, rho, eps)
}

func rmspropGo(w, g, v []float32, lr, rho, eps float32) {
	g, v = g[:len(w)], v[:len(w)]
	for j, gj := range g {
		vj := rho*v[j] + (1-rho)*(gj*gj)
		v[j] = vj
		w[j] -= lr * gj / (float32(math.Sqrt(float64(vj))) + eps)
	}
}

// axpyRows adds x·W to y: y[j] += Σ_r x[r]·w[r·ldw + j] for j < len(y),
// r < len(x), streaming each row of W once. It is a vector-matrix product
// for a single sample (Dense); the assembly version (cols % 8 == 0) rounds
// each multiply-add once (FMA).
func axpyRows(y, w, x []float32, ldw int) {
	rows, cols := len(x), len(y)
	if rows == 0 || cols == 0 {
		return
	}
	if ldw < cols || len(w) < (rows-1)*ldw+cols {
		panic("nn: axpyRows: bad lengths")
	}
	if useSIMD && cols%8 == 0 {
		axpyRowsAVX2(&y[0], &w[0], &x[0], rows, cols, ldw)
		return
	}
	for r, xr := range x {
		row := w[r*ldw : r*ldw+cols]
		for j, v := range row {
			y[j] += xr * v
		}
	}
}

// codeBytes is the size of the window codes of one pooled pixel with c
// channels: two bit planes (bit 0, bit 1 of each channel's code), one byte
// pair per 8 channels.
func codeBytes(c int) int { return (c + 7) / 8 * 2 }

// maxPool2Codes is maxPool2 that also records, per output value, which
// input of its window is the first maximum: 0 top left, 1 top right, 2
// bottom left, 3 bottom right (a NaN maximum, which maxPool2Back routes
// nowhere, gets code 3). codes holds codeBytes(c) bytes per output pixel.
func maxPool2Codes(y []float32, codes []uint8, x0, x1 []float32, c int) {
	ow := len(y) / c
	if len(y)%c != 0 || len(x0) < 2*len(y) || len(x1) < 2*len(y) || len(codes) < ow*codeBytes(c) {
		panic("nn: maxPool2Codes: bad lengths")
	}
	if useSIMD && c%8 == 0 && ow > 0 {
		maxPool2CodesAVX2(&y[0], &codes[0], &x0[0], &x1[0], ow, c)
		return
	}
	maxPool2CodesGo(y, codes, x0, x1, c)
}

func maxPool2CodesGo(y []float32, codes []uint8, x0, x1 []float32, c int) {
	maxPool2Go(y, x0, x1, c)
	cb := codeBytes(c)
	for p := 0; p < len(y)/c; p++ {
		o, i := p*c, 2*p*c
		pc := codes[p*cb : (p+1)*cb]
		clear(pc)
		for k := 0; k < c; k++ {
			m := y[o+k]
			a, b, d := x0[i+k] == m, x0[i+c+k] == m, x1[i+k] == m
			bit := uint8(1) << (k % 8)
			if !a && (b || !d) {
				pc[k/8*2] |= bit
			}
			if !a && !b {
				pc[k/8*2+1] |= bit
			}
		}
	}
}

// maxPool2BackCodes writes each gradient g (one pooled row, c channels per
// pixel) to the input its window code names, and 0 to the window's other
// three inputs: dx0 and dx1, the two input rows of 2·ow pixels, are written
// in full.
func maxPool2BackCodes(dx0, dx1, g []float32, codes []uint8, c int) {
	ow := len(g) / c
	if len(g)%c != 0 || len(dx0) < 2*len(g) || len(dx1) < 2*len(g) || len(codes) < ow*codeBytes(c) {
		panic("nn: maxPool2BackCodes: bad lengths")
	}
	if useSIMD && c%8 == 0 && ow > 0 {
		maxPool2BackCodesAVX2(&dx0[0], &dx1[0], &g[0], &codes[0], ow, c)
		return
	}
	maxPool2BackCodesGo(dx0, dx1, g, codes, c)
}

func maxPool2BackCodesGo(dx0, dx1, g []float32, codes []uint8, c int) {
	ow := len(g) / c
	cb := codeBytes(c)
	for p := 0; p < ow; p++ {
		o, i := p*c, 2*p*c
		pc := codes[p*cb : (p+1)*cb]
		for k := 0; k < c; k++ {
			code := pc[k/8*2]>>(k%8)&1 | pc[k/8*2+1]>>(k%8)&1<<1
			var v [4]float32
			v[code] = g[o+k]
			dx0[i+k], dx0[i+c+k], dx1[i+k], dx1[i+c+k] = v[0], v[1], v[2], v[3]
		}
	}
}
