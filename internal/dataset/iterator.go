package dataset

import (
	"errors"
	"fmt"
	"image"
	"sync"
	"sync/atomic"

	"github.com/convscope/convscope/nn"
)

// ErrClosed is returned by Next after Close.
var ErrClosed = errors.New("dataset: iterator is closed")

// loader produces preprocessed 8-bit samples for an Iterator.
type loader interface {
	// count is the number of distinct samples, or 0 for an endless stream.
	count() int
	// load writes sample i to dst (len H·W·C).
	load(ws *workspace, i int, dst []uint8) error
	// class is sample i's class index.
	class(i int) int
	// name is sample i's name in reports.
	name(i int) string
}

// workspace is one decoding goroutine's reusable scratch memory.
type workspace struct {
	r      resizer
	file   []byte
	canvas *image.RGBA // generated images
}

// slot is one prefetched sample.
type slot struct {
	idx   int     // sample index
	data  []uint8 // the sample: buf, or a cached copy
	buf   []uint8
	class int
	err   error
	ready chan struct{}
}

// Iterator is an endless stream of batches, Keras' DirectoryIterator: pass
// after pass over its samples, in a new order each pass when shuffling. It
// implements nn.BatchSource.
//
// Samples are decoded and resized by Workers goroutines into a ring of
// prefetched samples, so decoding overlaps training; the order is
// nevertheless fixed by the seed alone. Memory is bounded: the ring holds
// Prefetch() samples of H·W·C bytes (40 × 67.5 KB = 2.7 MB for batches of 20
// at 150×150×3), each worker holds one encoded file and one decoded image
// (at most MaxPixels pixels; a 12-megapixel JPEG is 18 MB decoded) and, for
// bilinear resizing, a source-height × W × C byte buffer. A dataset whose
// samples all fit in CacheBytes (256 MiB by default: ~3,970 samples of
// 150×150×3) is decoded once and then served from memory.
//
// Files that fail to decode are skipped (the batch takes the next sample),
// reported once by Skipped, and left out of later passes.
//
// Next is not safe for concurrent use; Close may be called from any
// goroutine. Call Close to stop the workers.
type Iterator struct {
	src       loader
	h, w, c   int
	classes   int
	mode      ClassMode
	lut       *[256]float32
	batchSize int
	shuffle   bool
	seed      uint64
	workers   int

	startOnce sync.Once
	closeOnce sync.Once
	ring      []slot
	free      chan struct{}
	jobs      chan *slot
	stop      chan struct{}
	wg        sync.WaitGroup
	next      int   // sequence number of the next slot to consume
	last      []int // source indexes of the last batch's samples
	skipN     int64 // samples of the sequence to skip (SkipSamples)
	started   bool  // the workers have started (first Next)

	bad    []atomic.Bool
	nbad   int
	mu     sync.Mutex
	report []BadFile
	err    error

	cache []atomic.Pointer[[]uint8]
}

// newIterator prepares an Iterator; workers start on the first Next.
func newIterator(src loader, o Options, classes, batchSize int, shuffle bool, seed int64) *Iterator {
	if batchSize < 1 {
		panic(fmt.Sprintf("dataset: batch size must be at least 1, received %d", batchSize))
	}
	it := &Iterator{
		src: src, h: o.Height, w: o.Width, c: o.ColorMode.Channels(),
		classes: classes, mode: o.ClassMode, lut: rescaleTable(o.Rescale),
		batchSize: batchSize, shuffle: shuffle, seed: uint64(seed), workers: o.Workers,
		stop: make(chan struct{}),
	}
	n := src.count()
	it.bad = make([]atomic.Bool, n)
	if n > 0 && o.CacheBytes > 0 && int64(n)*int64(o.sampleLen()) <= o.CacheBytes {
		it.cache = make([]atomic.Pointer[[]uint8], n)
	}
	return it
}

// Prefetch is the number of samples decoded ahead: two batches, and at
// least four per worker.
func (it *Iterator) Prefetch() int { return max(2*it.batchSize, 4*it.workers) }

// Len is the number of samples in one pass (Keras' samples), or 0 for an
// endless generated stream.
func (it *Iterator) Len() int { return it.src.count() }

// StepsPerEpoch is the number of batches that cover one pass, ⌈Len/batch⌉.
func (it *Iterator) StepsPerEpoch() int {
	return (it.src.count() + it.batchSize - 1) / it.batchSize
}

// BatchSize is the batch size the iterator was made for.
func (it *Iterator) BatchSize() int { return it.batchSize }

// NewBatch allocates x (batch, H, W, C) and y (batch, k) tensors for Next.
func (it *Iterator) NewBatch() (x, y *nn.Tensor) {
	return nn.NewTensor(it.batchSize, it.h, it.w, it.c), nn.NewTensor(it.batchSize, it.targetWidth())
}

// targetWidth is y's second dimension: classes for one-hot, else 1.
func (it *Iterator) targetWidth() int {
	if it.mode == Categorical {
		return it.classes
	}
	return 1
}

// Skipped returns the files skipped so far because they failed to decode,
// in the order they were met. (Files that Scan already left out, such as
// empty ones, are in Folder.Bad.)
func (it *Iterator) Skipped() []BadFile {
	it.mu.Lock()
	defer it.mu.Unlock()
	return append([]BadFile(nil), it.report...)
}

// Report describes the skipped files for a person, or returns "".
func (it *Iterator) Report() string { return skippedReport(it.Skipped()) }
