package app

import (
	"container/list"

	"github.com/convscope/convscope/internal/session"
)

// sheetCacheBytes bounds the pixels of the bands the grid keeps drawn.
const sheetCacheBytes = 96 << 20

// bandKey names one band of one frame.
type bandKey struct {
	f *session.Frame
	b session.Band
}

// sheetCache keeps the most recently shown bands' sheets up to a byte
// budget (least recently used dropped first), and which bands are being
// drawn. It is used on the UI goroutine only.
type sheetCache struct {
	budget, bytes int
	lru           *list.List // of *cacheEntry, most recent first
	byKey         map[bandKey]*list.Element
	pending       map[bandKey]bool
}

type cacheEntry struct {
	key   bandKey
	sheet *session.Sheet
}

func newSheetCache(budget int) *sheetCache {
	return &sheetCache{budget: budget, lru: list.New(), byKey: map[bandKey]*list.Element{}, pending: map[bandKey]bool{}}
}

// get returns the sheet of k, marking it recently used.
func (c *sheetCache) get(k bandKey) (*session.Sheet, bool) {
	e, ok := c.byKey[k]
	if !ok {
		return nil, false
	}
	c.lru.MoveToFront(e)
	return e.Value.(*cacheEntry).sheet, true
}

// request reports whether k should be drawn: it is neither cached nor
// already being drawn (it is then marked as being drawn).
func (c *sheetCache) request(k bandKey) bool {
	if _, ok := c.byKey[k]; ok || c.pending[k] {
		return false
	}
	c.pending[k] = true
	return true
}

// put stores the sheet of k and drops the least recently used sheets
// beyond the budget (never the one just stored).
func (c *sheetCache) put(k bandKey, sh *session.Sheet) {
	delete(c.pending, k)
	if e, ok := c.byKey[k]; ok {
		c.bytes -= len(e.Value.(*cacheEntry).sheet.Image.Pix)
		c.lru.Remove(e)
	}
	c.byKey[k] = c.lru.PushFront(&cacheEntry{k, sh})
	c.bytes += len(sh.Image.Pix)
	for c.bytes > c.budget && c.lru.Len() > 1 {
		e := c.lru.Back()
		ce := e.Value.(*cacheEntry)
		c.lru.Remove(e)
		delete(c.byKey, ce.key)
		c.bytes -= len(ce.sheet.Image.Pix)
	}
}

// clear forgets every sheet (a new frame: new activations or view).
func (c *sheetCache) clear() {
	c.lru.Init()
	clear(c.byKey)
	clear(c.pending)
	c.bytes = 0
}

// len returns the number of sheets kept.
func (c *sheetCache) len() int { return c.lru.Len() }
