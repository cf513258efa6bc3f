package transfer

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
)

// DefaultCacheBytes is the memory a feature cache holds before it spills
// to a temporary file: 256 MiB, e.g. 10,000 samples of 7×7×128 features.
const DefaultCacheBytes = 256 << 20

// featureCache holds n feature vectors of size floats each, with their
// classes: the first ones in memory up to a byte limit, the rest in a
// temporary file (float32, little-endian), removed by Close.
type featureCache struct {
	n, size int
	mem     []float32 // the first memN vectors
	memN    int
	file    *os.File
	buf     []byte
	classes []int
}

// newFeatureCache returns a cache for n vectors of size floats, keeping at
// most limit bytes in memory (limit ≤ 0: DefaultCacheBytes); dir is where
// the spill file goes ("" for os.TempDir).
func newFeatureCache(n, size int, limit int64, dir string) (*featureCache, error) {
	if limit <= 0 {
		limit = DefaultCacheBytes
	}
	c := &featureCache{n: n, size: size, classes: make([]int, n), buf: make([]byte, 4*size)}
	c.memN = int(min(int64(n), limit/int64(4*size)))
	c.mem = make([]float32, c.memN*size)
	if c.memN < n {
		f, err := os.CreateTemp(dir, "convscope-features-*.bin")
		if err != nil {
			return nil, fmt.Errorf("transfer: feature cache: %w", err)
		}
		c.file = f
	}
	return c, nil
}

// Spilled is the number of vectors kept on disk.
func (c *featureCache) Spilled() int { return c.n - c.memN }

// put stores vector i.
func (c *featureCache) put(i int, v []float32, class int) error {
	c.classes[i] = class
	if i < c.memN {
		copy(c.mem[i*c.size:], v)
		return nil
	}
	for j, f := range v {
		binary.LittleEndian.PutUint32(c.buf[4*j:], math.Float32bits(f))
	}
	if _, err := c.file.WriteAt(c.buf, int64(i-c.memN)*int64(len(c.buf))); err != nil {
		return fmt.Errorf("transfer: feature cache: %w", err)
	}
	return nil
}

// get writes vector i into v and returns its class.
func (c *featureCache) get(i int, v []float32) (int, error) {
	if i < c.memN {
		copy(v, c.mem[i*c.size:(i+1)*c.size])
		return c.classes[i], nil
	}
	if _, err := c.file.ReadAt(c.buf, int64(i-c.memN)*int64(len(c.buf))); err != nil {
		return 0, fmt.Errorf("transfer: feature cache: %w", err)
	}
	for j := range v {
		v[j] = math.Float32frombits(binary.LittleEndian.Uint32(c.buf[4*j:]))
	}
	return c.classes[i], nil
}

// Close removes the spill file, if any.
func (c *featureCache) Close() error {
	if c.file == nil {
		return nil
	}
	name := c.file.Name()
	c.file.Close()
	c.file = nil
	return os.Remove(name)
}
