package sgemm

// goKernel is the portable micro-kernel: plain Go, 2×4 register blocks. It is
// the kernel on every platform without an assembly one and the reference the
// assembly kernels are tested against.
var goKernel = kernel{name: "go", mr: 2, nr: 4, run: kernelGo}

// kernelGo is kernel.run for goKernel; see kernel for the contract.
func kernelGo(mr, nr, k int, a []float32, rsa, csa int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32) {
	if mr == 2 && nr == 4 {
		kernelGo2x4(k, a, rsa, csa, b, ldb, c, ldc, alpha, beta)
		return
	}
	for i := 0; i < mr; i++ {
		for j := 0; j < nr; j++ {
			var s float32
			for p := 0; p < k; p++ {
				s += a[i*rsa+p*csa] * b[p*ldb+j]
			}
			ci := &c[i*ldc+j]
			if beta == 0 {
				*ci = alpha * s
			} else {
				*ci = alpha*s + beta**ci
			}
		}
	}
}

// kernelGo2x4 is kernelGo for a whole 2×4 tile, with the tile in registers.
func kernelGo2x4(k int, a []float32, rsa, csa int, b []float32, ldb int, c []float32, ldc int, alpha, beta float32) {
	var c00, c01, c02, c03, c10, c11, c12, c13 float32
	a0 := a[:(k-1)*csa+1]
	a1 := a[rsa : rsa+(k-1)*csa+1]
	b = b[:(k-1)*ldb+4]
	for p := 0; p < k; p++ {
		x0, x1 := a0[p*csa], a1[p*csa]
		row := b[p*ldb : p*ldb+4 : p*ldb+4]
		y0, y1, y2, y3 := row[0], row[1], row[2], row[3]
		c00 += x0 * y0
		c01 += x0 * y1
		c02 += x0 * y2
		c03 += x0 * y3
		c10 += x1 * y0
		c11 += x1 * y1
		c12 += x1 * y2
		c13 += x1 * y3
	}
	r0 := c[:4:4]
	r1 := c[ldc : ldc+4 : ldc+4]
	if beta == 0 {
		r0[0], r0[1], r0[2], r0[3] = alpha*c00, alpha*c01, alpha*c02, alpha*c03
		r1[0], r1[1], r1[2], r1[3] = alpha*c10, alpha*c11, alpha*c12, alpha*c13
		return
	}
	r0[0] = alpha*c00 + beta*r0[0]
	r0[1] = alpha*c01 + beta*r0[1]
	r0[2] = alpha*c02 + beta*r0[2]
	r0[3] = alpha*c03 + beta*r0[3]
	r1[0] = alpha*c10 + beta*r1[0]
	r1[1] = alpha*c11 + beta*r1[1]
	r1[2] = alpha*c12 + beta*r1[2]
	r1[3] = alpha*c13 + beta*r1[3]
}
