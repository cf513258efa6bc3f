package exemplars

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/convscope/convscope/nn"
)

// scanItem is one map a Collector scans per image.
type scanItem struct {
	index   int // position in the model's outputs
	h, w, c int
	// pooled is the plan index of the 2×2/2 "valid" max pooling that
	// follows this layer (its maxima give most of this layer's), or -1.
	pooled int
}

// makePlan lists the maps to scan: the collected layers and, for a
// collected layer read by a 2×2, stride 2, "valid" max pooling (the next
// layer of a Sequential model, any node reading only it in a graph), that
// pooling's map too. Each pooling comes before the layer it pools.
func (c *Collector) makePlan(nodes []netNode) {
	at := map[int]int{}
	add := func(i int) int {
		if k, ok := at[i]; ok {
			return k
		}
		s := nodes[i].shape
		c.plan = append(c.plan, scanItem{index: i, h: s[0], w: s[1], c: s[2], pooled: -1})
		at[i] = len(c.plan) - 1
		return at[i]
	}
	for j := len(c.Layers) - 1; j >= 0; j-- {
		ly := c.Layers[j]
		pooled := -1
		for i, nd := range nodes {
			if len(nd.inputs) == 1 && nd.inputs[0] == ly.Name && halves(nd.cfg) {
				pooled = add(i)
				break
			}
		}
		ly.plan = add(ly.Index)
		c.plan[ly.plan].pooled = pooled
	}
}

// halves reports whether cfg is a 2×2, stride 2, "valid" max pooling
// without explicit padding or ceil mode.
func halves(cfg nn.LayerConfig) bool {
	return cfg.ClassName == "MaxPooling2D" && cfg.PoolSize == [2]int{2, 2} &&
		(cfg.Strides == [2]int{2, 2} || cfg.Strides == [2]int{}) &&
		(cfg.Padding == "" || cfg.Padding == "valid") && cfg.Pads == [4]int{} && !cfg.CeilMode
}

// sampleMax is one sample's per-channel maximum of one map and where it
// first occurs (row-major position y·W + x).
type sampleMax struct {
	maxv  []float32
	arg   []int
	block []float32 // per-block maxima, scanBlock positions at a time
	// blocks: block holds this map's block maxima (scan, fromMaxima; not
	// scanPooled); rowBlocks: 0 when they cover scanBlock positions of
	// the flattened map (scan), else blocks per row of PoolMaxBlock
	// positions (fromMaxima)
	blocks    bool
	rowBlocks int
	ext       []float32 // fromMaxima: the forward pass's block maxima (the model's)
	rowMax    []float32 // fromMaxima: each row's maxima
	sink      float32   // the values read ahead of the searches (kept so they are read)
}

// blockMax returns the maxima of block b (channels).
func (m *sampleMax) blockMax(b, c int) []float32 {
	if m.rowBlocks > 0 {
		return m.ext[b*c : (b+1)*c]
	}
	return m.block[b*c : (b+1)*c]
}

func (m *sampleMax) size(c, blocks int) {
	if len(m.maxv) < c {
		m.maxv, m.arg = make([]float32, c), make([]int, c)
	}
	if len(m.block) < blocks*c {
		m.block = make([]float32, blocks*c)
	}
}

// scanBlock is the number of map positions per block in sampleMax.scan.
const scanBlock = 16

// scan finds each channel's maximum over an HWC map and where it first
// occurs in row-major order (a NaN never wins unless it comes first, and
// then the position is 0). One vector pass (nn.MaxInto) gives the maxima
// of blocks of scanBlock positions and of the map; the position is then
// looked for only inside the first block holding the maximum.
func (m *sampleMax) scan(data []float32, c int) {
	p := len(data) / c
	nb := (p + scanBlock - 1) / scanBlock
	m.size(c, nb)
	m.blocks, m.rowBlocks = true, 0
	maxv, arg := m.maxv[:c], m.arg[:c]
	for b := range nb {
		bm := m.block[b*c : (b+1)*c]
		first, last := b*scanBlock, min((b+1)*scanBlock, p)
		copy(bm, data[first*c:(first+1)*c])
		nn.MaxRowsInto(bm, data[(first+1)*c:last*c])
		if b == 0 {
			copy(maxv, bm)
		} else {
			nn.MaxInto(maxv, bm)
		}
	}
	for ch, v := range maxv {
		arg[ch] = 0
		for b := range nb {
			if m.block[b*c+ch] != v {
				continue
			}
			for q := b * scanBlock; q < min((b+1)*scanBlock, p); q++ {
				if data[q*c+ch] == v {
					arg[ch] = q
					break
				}
			}
			break
		}
	}
}

// fromMaxima is scan for a w-wide map whose per-channel maxima by row and
// block of nn.PoolMaxBlock positions the forward pass computed (bm:
// rows × nb blocks × c): the maximum is theirs, and its first position
// lies in the first block (row-major) holding it. Each row's maxima (one
// nn.MaxRowsInto over its blocks, NaNs left out) give the row to look in,
// so a channel reads a few row maxima, then at most nb blocks, then at
// most nn.PoolMaxBlock map values. The channels' first map values are
// read in a loop of their own before any search, so that their cache
// misses overlap instead of each waiting for the last (the map is large
// and, after the forward pass, out of cache).
func (m *sampleMax) fromMaxima(data, bm []float32, w, c, nb int) {
	m.size(c, 0)
	m.ext = bm
	m.blocks, m.rowBlocks = true, nb
	rows := len(bm) / (nb * c)
	if len(m.rowMax) < rows*c {
		m.rowMax = make([]float32, rows*c)
	}
	rm := m.rowMax[:rows*c]
	rm[0] = float32(math.Inf(-1))
	for n := 1; n < len(rm); n *= 2 {
		copy(rm[n:], rm[:n])
	}
	for r := range rows {
		nn.MaxRowsInto(rm[r*c:(r+1)*c], bm[r*nb*c:(r+1)*nb*c])
	}
	maxv, arg := m.maxv[:c], m.arg[:c]
	copy(maxv, bm[:c]) // a NaN first value stays, as in scan
	nn.MaxRowsInto(maxv, rm)
	for ch, v := range maxv {
		arg[ch] = -1
		for r := range rows {
			if rm[r*c+ch] != v {
				continue
			}
			for b := r * nb; b < (r+1)*nb; b++ {
				if bm[b*c+ch] == v {
					arg[ch] = (r*w + (b-r*nb)*nn.PoolMaxBlock) * c // the block's first value
					break
				}
			}
			break
		}
	}
	var sink float32
	for ch, a := range arg {
		if a >= 0 {
			sink += data[a+ch]
		}
	}
	m.sink = sink
	for ch, v := range maxv {
		a := arg[ch]
		arg[ch] = 0
		if a < 0 {
			continue
		}
		q0 := a / c
		for q := q0; q < min(q0+nn.PoolMaxBlock, (q0/w+1)*w); q++ {
			if data[q*c+ch] == v {
				arg[ch] = q
				break
			}
		}
	}
}

// blockOf returns the block holding pooled position q of a pw-wide map
// and the position after that block's last in its row.
func (m *sampleMax) blockOf(q, pw int) (b, end int) {
	if m.rowBlocks == 0 {
		return q / scanBlock, min((q/scanBlock+1)*scanBlock, (q/pw+1)*pw)
	}
	y, x := q/pw, q%pw
	return y*m.rowBlocks + x/nn.PoolMaxBlock, y*pw + min((x/nn.PoolMaxBlock+1)*nn.PoolMaxBlock, pw)
}

// scanPooled is scan for an h×w map whose 2×2/2 "valid" max pooling (ph×pw,
// pdata, already scanned into pool) covers all but an odd last row or
// column: the map's maximum is the pooling's or one of those left over,
// and its first occurrence is found by firstPooled.
func (m *sampleMax) scanPooled(data []float32, h, w, c int, pool *sampleMax, pdata []float32, ph, pw int) {
	m.size(c, 0)
	m.blocks = false
	maxv, arg := m.maxv[:c], m.arg[:c]
	copy(maxv, pool.maxv[:c])
	row := w * c
	for y := range 2 * ph {
		for x := 2 * pw; x < w; x++ {
			nn.MaxInto(maxv, data[y*row+x*c:])
		}
	}
	for y := 2 * ph; y < h; y++ {
		for x := range w {
			nn.MaxInto(maxv, data[y*row+x*c:])
		}
	}
	if !legacyFirst { // read each window ahead, so the cache misses overlap
		var sink float32
		for ch, v := range maxv {
			if pool.maxv[ch] == v {
				py, px := pool.arg[ch]/pw, pool.arg[ch]%pw
				i := (2*py*w+2*px)*c + ch
				sink += data[i] + data[i+row]
			}
		}
		m.sink = sink
	}
	for ch, v := range maxv {
		if legacyFirst {
			start := 0
			if pool.maxv[ch] == v {
				start = 2 * (pool.arg[ch] / pw)
			}
			arg[ch] = firstEqual(data, w, c, ch, v, start)
			continue
		}
		arg[ch] = firstPooled(data, h, w, c, ch, v, pool, pdata, ph, pw)
	}
}

// legacyFirst makes scanPooled find positions with firstEqual, the
// previous search (tests and BenchmarkObserveOverhead's comparison).
var legacyFirst bool

// firstPooled returns the first row-major position of channel ch equal to
// v (0 if none) in an h×w map, using its 2×2/2 pooling pdata (ph×pw,
// scanned into pool). Pooled positions before the pooling's first maximum
// (pool.arg, when the pooling reaches v) hold less than v, so in the map
// rows above that pooling row only the left-over columns can hold v; in
// the pooling row's two map rows, the windows from that maximum on whose
// pooled value is v (found by their scan blocks' maxima, then pdata) and
// the left-over columns; and when the pooling does not reach v, the
// left-over columns and rows. A few reads per channel instead of a scan
// of two map rows (firstEqual: one strided read per position).
func firstPooled(data []float32, h, w, c, ch int, v float32, pool *sampleMax, pdata []float32, ph, pw int) int {
	at := func(y, x int) bool { return data[(y*w+x)*c+ch] == v }
	py0, px0 := ph, 0
	if pool.maxv[ch] == v {
		py0, px0 = pool.arg[ch]/pw, pool.arg[ch]%pw
	}
	for y := range 2 * py0 {
		for x := 2 * pw; x < w; x++ {
			if at(y, x) {
				return y*w + x
			}
		}
	}
	if py0 < ph {
		for y := 2 * py0; y < 2*py0+2; y++ {
			for px := px0; px < pw; px++ {
				if px > px0 {
					q := py0*pw + px
					if b, end := pool.blockOf(q, pw); pool.blocks && pool.blockMax(b, c)[ch] != v { // the block holds less than v
						px = end - py0*pw - 1
						continue
					}
					if pdata[q*c+ch] != v {
						continue
					}
				}
				if at(y, 2*px) {
					return y*w + 2*px
				}
				if at(y, 2*px+1) {
					return y*w + 2*px + 1
				}
			}
			for x := 2 * pw; x < w; x++ {
				if at(y, x) {
					return y*w + x
				}
			}
		}
	}
	for y := 2 * ph; y < h; y++ {
		for x := range w {
			if at(y, x) {
				return y*w + x
			}
		}
	}
	return 0
}

// firstEqual returns the first row-major position of channel ch equal to
// v, looking at the columns right of the pooled ones in rows before start
// and then at every position from row start on (0 if none): the previous
// search (legacyFirst).
func firstEqual(data []float32, w, c, ch int, v float32, start int) int {
	ph2 := (w / 2) * 2
	for y := range start {
		for x := ph2; x < w; x++ {
			if data[(y*w+x)*c+ch] == v {
				return y*w + x
			}
		}
	}
	for q := start * w; q*c < len(data); q++ {
		if data[q*c+ch] == v {
			return q
		}
	}
	return 0
}

// parallelFor runs f(0..n-1) on up to GOMAXPROCS goroutines.
func parallelFor(n int, f func(int)) {
	w := min(runtime.GOMAXPROCS(0), n)
	if w <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range w {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				f(i)
			}
		}()
	}
	wg.Wait()
}
