package nn

// Window returns the sliding window of a convolution or pooling layer,
// (rows, columns) each: the kernel or pool size k, the strides s and the
// dilation d, with Keras' defaults for zero entries (pool size 2; strides
// 1 for a convolution and the pool size for pooling; dilation 1). Output
// cell i of an axis reads the input positions i·s − pad + j·d,
// 0 ≤ j < k, pad the leading zero padding (Dumoulin & Visin 2016, "A guide
// to convolution arithmetic for deep learning", §2–5). ok is false for a
// class without a window (element-wise layers, Dense, padding, ...).
func (c LayerConfig) Window() (k, s, d [2]int, ok bool) {
	conv := false
	switch c.ClassName {
	case "Conv2D", "DepthwiseConv2D":
		k, s, d, conv = c.KernelSize, c.Strides, c.DilationRate, true
	case "MaxPooling2D", "AveragePooling2D":
		k, s = c.PoolSize, c.Strides
	default:
		return k, s, d, false
	}
	for i := range 2 {
		if k[i] == 0 && !conv {
			k[i] = 2
		}
		if s[i] == 0 {
			s[i] = 1
			if !conv {
				s[i] = k[i]
			}
		}
		if d[i] == 0 {
			d[i] = 1
		}
	}
	return k, s, d, true
}
