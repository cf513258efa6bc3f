package nn

import "fmt"

// window is the geometry of a sliding 2-D window (a convolution kernel or a
// pooling window) over an NHWC image, shared by Conv2D and the pooling layers.
type window struct {
	h, w, c        int // input height, width, channels
	kh, kw, sh, sw int // window size and strides
	dh, dw         int // dilation (1: adjacent taps)
	oh, ow         int // output height and width
	pt, pl         int // padding before (top, left)
	pb, pr         int // padding after (bottom, right); windows may end past it in ceil mode
}

// outSize returns the output length and the padding before it along one
// axis of length in, for a window k and stride s (TensorFlow's rules, which
// Keras uses):
//
//	valid: out = floor((in-k)/s) + 1, no padding (needs in >= k)
//	same:  out = ceil(in/s), pad_total = max((out-1)·s + k - in, 0),
//	       pad_before = floor(pad_total/2), the rest after.
func outSize(in, k, s int, same bool) (out, before int) {
	if !same {
		return (in-k)/s + 1, 0
	}
	out = (in + s - 1) / s
	total := max((out-1)*s+k-in, 0)
	return out, total / 2
}

// setup fills the geometry for input (h, w, c), checking that a valid window
// fits. what names the window in errors ("kernel", "pool").
func (g *window) setup(kind, what string, in []int, size, strides [2]int, padding string) error {
	return g.setupFull(kind, what, in, size, strides, [2]int{1, 1}, padding, [4]int{}, false)
}

// setupFull is setup with a dilation, explicit padding pads (top, left,
// bottom, right; with padding "valid") and ceil mode:
//
//	out = floor((in + before + after - k_eff)/s) + 1,  k_eff = (k-1)·d + 1
//
// rounded up instead in ceil mode, where a last window that would start in
// the padding after the image is dropped (PyTorch's rule, which ONNX
// Runtime follows).
func (g *window) setupFull(kind, what string, in []int, size, strides, dilation [2]int, padding string, pads [4]int, ceil bool) error {
	if err := checkImage(kind, in); err != nil {
		return err
	}
	g.h, g.w, g.c = in[0], in[1], in[2]
	g.kh, g.kw, g.sh, g.sw = size[0], size[1], strides[0], strides[1]
	g.dh, g.dw = dilation[0], dilation[1]
	ekh, ekw := (g.kh-1)*g.dh+1, (g.kw-1)*g.dw+1
	if padding == "same" {
		g.oh, g.pt = outSize(g.h, ekh, g.sh, true)
		g.ow, g.pl = outSize(g.w, ekw, g.sw, true)
		g.pb = max((g.oh-1)*g.sh+ekh-g.h, 0) - g.pt
		g.pr = max((g.ow-1)*g.sw+ekw-g.w, 0) - g.pl
		return nil
	}
	g.pt, g.pl, g.pb, g.pr = pads[0], pads[1], pads[2], pads[3]
	ph, pw := g.h+g.pt+g.pb, g.w+g.pl+g.pr
	if ekh > ph || ekw > pw {
		if pads == ([4]int{}) {
			return fmt.Errorf("%s: %s %d×%d larger than input %d×%d (use padding \"same\" or a larger input)", kind, what, ekh, ekw, g.h, g.w)
		}
		return fmt.Errorf("%s: %s %d×%d larger than the padded input %d×%d", kind, what, ekh, ekw, ph, pw)
	}
	g.oh, g.ow = (ph-ekh)/g.sh+1, (pw-ekw)/g.sw+1
	if ceil {
		g.oh, g.ow = (ph-ekh+g.sh-1)/g.sh+1, (pw-ekw+g.sw-1)/g.sw+1
		if (g.oh-1)*g.sh >= g.h+g.pt {
			g.oh--
		}
		if (g.ow-1)*g.sw >= g.w+g.pl {
			g.ow--
		}
	}
	return nil
}

// spanD is span for taps d apart: the first input row a window at output
// position o covers and the range [lo, hi) of tap indexes inside the input.
func spanD(o, s, pad, k, in, d int) (start, lo, hi int) {
	start = o*s - pad
	if start < 0 {
		lo = (-start + d - 1) / d
	}
	hi = k
	if last := in - start; last <= 0 {
		hi = 0
	} else {
		hi = min(k, (last+d-1)/d)
	}
	return start, lo, max(hi, lo)
}

// span returns the first input row (or column) a window at output position o
// covers and the range [lo, hi) of window offsets that fall inside the input.
func span(o, s, pad, k, in int) (start, lo, hi int) {
	start = o*s - pad
	lo, hi = max(0, -start), min(k, in-start)
	if hi <= lo { // the window lies wholly in the padding: nothing to read
		return 0, 0, 0
	}
	return start, lo, hi
}

// im2col writes the patches of output rows [r0, r1) of one NHWC sample x
// into cols, one row of K = kh·kw·c values per output pixel in (kh, kw, c)
// order, so cols·kernel, with the kernel in Keras' (kh, kw, cin, cout) layout
// read as a K×cout matrix, is the convolution. Padding reads as zeros. For a
// fixed kernel row the kw·c values are contiguous in NHWC, so each is one
// copy.
func (g *window) im2col(cols, x []float32, r0, r1 int) {
	c, rowLen := g.c, g.kw*g.c
	k := g.kh * rowLen
	p := 0
	for oy := r0; oy < r1; oy++ {
		iy0, ilo, ihi := span(oy, g.sh, g.pt, g.kh, g.h)
		for ox := 0; ox < g.ow; ox++ {
			ix0, jlo, jhi := span(ox, g.sw, g.pl, g.kw, g.w)
			dst := cols[p*k : (p+1)*k]
			p++
			if ilo == 0 && ihi == g.kh && jlo == 0 && jhi == g.kw {
				// Inside the image: kh contiguous runs of kw·c values.
				src := x[(iy0*g.w+ix0)*c:]
				for i := 0; i < g.kh; i++ {
					copy(dst[i*rowLen:(i+1)*rowLen], src[i*g.w*c:])
				}
				continue
			}
			if ilo > 0 {
				clear(dst[:ilo*rowLen])
			}
			if ihi < g.kh {
				clear(dst[ihi*rowLen:])
			}
			for i := ilo; i < ihi; i++ {
				seg := dst[i*rowLen : (i+1)*rowLen]
				if jlo > 0 {
					clear(seg[:jlo*c])
				}
				if jhi < g.kw {
					clear(seg[jhi*c:])
				}
				src := ((iy0+i)*g.w + ix0) * c
				copy(seg[jlo*c:jhi*c], x[src+jlo*c:src+jhi*c])
			}
		}
	}
}

// col2im is the adjoint of im2col: it adds every patch row of cols (output
// rows [r0, r1)) back into the sample gradient dx at the pixels it was read
// from. Padding positions are dropped.
func (g *window) col2im(dx, cols []float32, r0, r1 int) {
	c, rowLen := g.c, g.kw*g.c
	k := g.kh * rowLen
	p := 0
	for oy := r0; oy < r1; oy++ {
		iy0, ilo, ihi := span(oy, g.sh, g.pt, g.kh, g.h)
		for ox := 0; ox < g.ow; ox++ {
			ix0, jlo, jhi := span(ox, g.sw, g.pl, g.kw, g.w)
			src := cols[p*k : (p+1)*k]
			p++
			for i := ilo; i < ihi; i++ {
				s := src[i*rowLen+jlo*c : i*rowLen+jhi*c]
				d0 := ((iy0+i)*g.w+ix0)*c + jlo*c
				d := dx[d0 : d0+len(s)]
				for j, v := range s {
					d[j] += v
				}
			}
		}
	}
}

// im2colG is im2col for dilated windows and channel groups: the patch of
// each output pixel holds, for every tap (u, v) in (kh, kw) order, the cg
// channels from c0 of the pixel the tap reads (zeros in the padding).
func (g *window) im2colG(cols, x []float32, r0, r1, c0, cg int) {
	g.patchesG(cols, x, r0, r1, c0, cg, false)
}

// col2imG is the adjoint of im2colG: it adds each patch back into dx.
func (g *window) col2imG(dx, cols []float32, r0, r1, c0, cg int) {
	g.patchesG(cols, dx, r0, r1, c0, cg, true)
}

// patchesG walks the taps of im2colG's patches for output rows [r0, r1):
// forward (adjoint false) it copies the pixels of x into cols, zeroing the
// taps that fall in the padding; adjoint it adds cols back into x.
func (g *window) patchesG(cols, x []float32, r0, r1, c0, cg int, adjoint bool) {
	k := g.kh * g.kw * cg
	p := 0
	for oy := r0; oy < r1; oy++ {
		iy0, ulo, uhi := spanD(oy, g.sh, g.pt, g.kh, g.h, g.dh)
		for ox := 0; ox < g.ow; ox++ {
			ix0, vlo, vhi := spanD(ox, g.sw, g.pl, g.kw, g.w, g.dw)
			patch := cols[p*k : (p+1)*k]
			p++
			if !adjoint && (ulo > 0 || uhi < g.kh || vlo > 0 || vhi < g.kw) {
				clear(patch)
			}
			for u := ulo; u < uhi; u++ {
				row := (iy0 + u*g.dh) * g.w
				for v := vlo; v < vhi; v++ {
					px := x[(row+ix0+v*g.dw)*g.c+c0:][:cg]
					tap := patch[(u*g.kw+v)*cg : (u*g.kw+v+1)*cg]
					if !adjoint {
						copy(tap, px)
						continue
					}
					for j, val := range tap {
						px[j] += val
					}
				}
			}
		}
	}
}

// scratch makes sure n per-worker buffers of size elements exist.
func scratch(bufs [][]float32, n, size int) [][]float32 {
	for len(bufs) < n {
		bufs = append(bufs, nil)
	}
	for i := range bufs[:n] {
		if len(bufs[i]) < size {
			bufs[i] = make([]float32, size)
		}
	}
	return bufs
}

// sumInto makes grad the first of the per-slot sums: slot 0 adds straight
// into the parameter's gradient.
func sumInto(sums [][]float32, grad []float32) [][]float32 {
	if len(sums) == 0 {
		sums = make([][]float32, 1)
	}
	sums[0] = grad
	return sums
}

// addTo adds src into dst element-wise.
func addTo(dst, src []float32) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] += v
	}
}
