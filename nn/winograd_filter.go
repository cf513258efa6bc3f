package nn

// The kernel transforms of the Winograd path (winograd.go): U = G g Gᵀ for
// each of the n = cin·cout 3×3 filters g_p of a kernel k in Keras' layout
// (3, 3, cin, cout), g_p[i][j] = k[(3i + j)·n + p], written position-major:
// U_ξ[p] at u[ξ·n + p], ξ = α·i + j. Computed in float64 and rounded once.

// winoFilter2 writes F(2×2, 3×3)'s U (α = 4).
func winoFilter2(u, k []float32, n int) {
	g2 := func(a, b, c float64) [4]float64 { return [4]float64{a, (a + b + c) / 2, (a - b + c) / 2, c} }
	winoFilter(u, k, n, 4, func(a, b, c float64, out []float64) { r := g2(a, b, c); copy(out, r[:]) })
}

// winoFilter4 writes F(4×4, 3×3)'s U (α = 6).
func winoFilter4(u, k []float32, n int) {
	winoFilter(u, k, n, 6, func(a, b, c float64, out []float64) {
		out[0] = a / 4
		out[1] = -(a + b + c) / 6
		out[2] = -(a - b + c) / 6
		out[3] = a/24 + b/12 + c/6
		out[4] = a/24 - b/12 + c/6
		out[5] = c
	})
}

// winoFilter applies the 1-D transform gt (three taps to α values, a row of
// G times them) to the columns and then the rows of every filter.
func winoFilter(u, k []float32, n, alpha int, gt func(a, b, c float64, out []float64)) {
	var r [6][3]float64 // G g
	var col, row [6]float64
	for p := 0; p < n; p++ {
		for j := 0; j < 3; j++ {
			gt(float64(k[j*n+p]), float64(k[(3+j)*n+p]), float64(k[(6+j)*n+p]), col[:alpha])
			for i := 0; i < alpha; i++ {
				r[i][j] = col[i]
			}
		}
		for i := 0; i < alpha; i++ {
			gt(r[i][0], r[i][1], r[i][2], row[:alpha])
			for j := 0; j < alpha; j++ {
				u[(alpha*i+j)*n+p] = float32(row[j])
			}
		}
	}
}
