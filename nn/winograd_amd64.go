//go:build amd64 && !purego

package nn

// winoIn2AVX2 is winoIn for channels [0, nc) (nc % 8 == 0, nc ≥ 8, n ≥ 1).
//
//go:noescape
func winoIn2AVX2(v *float32, ldv int, x *float32, ldx, cin, nc, n int)

// winoOut2AVX2 is winoOut for channels [0, nc) (nc % 8 == 0, nc ≥ 8, n ≥ 1),
// with a bias.
//
//go:noescape
func winoOut2AVX2(y *float32, ldy, pf int, m *float32, ldm, cw, nc int, bias *float32, n int, lo, hi float32)

// winoIn4AVX2 is winoIn4 for channels [0, nc) (nc % 8 == 0, nc ≥ 8, n ≥ 1);
// tmp holds 36·8 values.
//
//go:noescape
func winoIn4AVX2(v *float32, ldv int, x *float32, ldx, cin, nc, n int, tmp *float32)

// winoOut4AVX2 is winoOut4 for channels [0, nc) (nc % 8 == 0, nc ≥ 8,
// n ≥ 1), with a bias; tmp holds 24·8 values.
//
//go:noescape
func winoOut4AVX2(y *float32, ldy, pf int, m *float32, ldm, cw, nc int, bias *float32, n int, lo, hi float32, tmp *float32)
