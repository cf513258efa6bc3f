package app

import (
	"image"
	"testing"

	"github.com/convscope/convscope/internal/session"
)

func sheetOf(bytes int) *session.Sheet {
	return &session.Sheet{Image: &image.RGBA{Pix: make([]byte, bytes)}}
}

// TestSheetCacheBound: the cache keeps the most recently used sheets
// within its byte budget and draws each band once.
func TestSheetCacheBound(t *testing.T) {
	c := newSheetCache(300)
	f := &session.Frame{}
	key := func(i int) bandKey { return bandKey{f, session.Band{Layer: i}} }
	for i := range 3 {
		if !c.request(key(i)) || c.request(key(i)) {
			t.Fatalf("band %d: requested twice or not at all", i)
		}
		c.put(key(i), sheetOf(100))
	}
	if c.request(key(1)) {
		t.Error("a cached band was requested again")
	}
	c.get(key(0)) // 0 is now the most recent: 1 goes first
	c.put(key(3), sheetOf(100))
	if _, ok := c.get(key(1)); ok || c.len() != 3 || c.bytes != 300 {
		t.Errorf("after a fourth sheet: band 1 kept %v, %d sheets, %d bytes", ok, c.len(), c.bytes)
	}
	for _, i := range []int{0, 2, 3} {
		if _, ok := c.get(key(i)); !ok {
			t.Errorf("band %d dropped", i)
		}
	}
	c.put(key(4), sheetOf(1000)) // larger than the budget: kept alone
	if c.len() != 1 || c.bytes != 1000 {
		t.Errorf("an oversized sheet: %d sheets, %d bytes", c.len(), c.bytes)
	}
	c.clear()
	if c.len() != 0 || c.bytes != 0 || !c.request(key(4)) {
		t.Error("clear left sheets or pending requests")
	}
}
