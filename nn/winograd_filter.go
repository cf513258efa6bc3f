package nn

// The kernel transforms of the Winograd path (winograd.go): U = G g Gᵀ for
// each of the n = cin·cout 3×3 filters g_p of a kernel k in Keras' layout
// (3, 3, cin, cout), g_p[a][b] = k[(3a + b)·n + p], written position-major:
// U_ξ[p] at u[ξ·n + p], ξ = α·i + j. Each U_ξ is a combination of the nine
// taps with coefficients G[i][a]·G[j][b], so it is computed for every filter
// at once as nine multiply-adds over rows of n values (axpyRows: vector
// code, a few milliseconds of scalar code less per layer, which every
// inference after a weight change pays).

// winoG2 and winoG4 are G of F(2×2, 3×3) and F(4×4, 3×3).
var (
	winoG2 = [][3]float64{{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}}
	winoG4 = [][3]float64{
		{1.0 / 4, 0, 0},
		{-1.0 / 6, -1.0 / 6, -1.0 / 6},
		{-1.0 / 6, 1.0 / 6, -1.0 / 6},
		{1.0 / 24, 1.0 / 12, 1.0 / 6},
		{1.0 / 24, -1.0 / 12, 1.0 / 6},
		{0, 0, 1},
	}
)

// winoFilter2 writes F(2×2, 3×3)'s U (α = 4).
func winoFilter2(u, k []float32, n int) { winoFilter(u, k, n, winoG2) }

// winoFilter4 writes F(4×4, 3×3)'s U (α = 6).
func winoFilter4(u, k []float32, n int) { winoFilter(u, k, n, winoG4) }

// winoFilter writes U = G g Gᵀ for G with α = len(g) rows.
func winoFilter(u, k []float32, n int, g [][3]float64) {
	alpha := len(g)
	var c [9]float32
	for i := 0; i < alpha; i++ {
		for j := 0; j < alpha; j++ {
			for a := 0; a < 3; a++ {
				for b := 0; b < 3; b++ {
					c[3*a+b] = float32(g[i][a] * g[j][b])
				}
			}
			row := u[(alpha*i+j)*n:][:n]
			clear(row)
			axpyRows(row, k[:9*n], c[:], n)
		}
	}
}
