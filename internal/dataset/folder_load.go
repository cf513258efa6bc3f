package dataset

import (
	"bytes"
	"fmt"
)

// Iterator returns an endless batch stream over f's images, Keras'
// flow_from_directory(…, batch_size, shuffle, seed): each pass visits every
// image once, reshuffled with (seed, pass) when shuffle is true, in f's
// order otherwise. Batches run on across passes, so steps_per_epoch can be
// anything. Call Close when done.
func (f *Folder) Iterator(batchSize int, shuffle bool, seed int64) *Iterator {
	return newIterator(folderLoader{f}, f.opts, len(f.Classes), batchSize, shuffle, seed)
}

// folderLoader decodes a Folder's files.
type folderLoader struct{ f *Folder }

func (l folderLoader) count() int        { return len(l.f.Files) }
func (l folderLoader) class(i int) int   { return l.f.Files[i].Class }
func (l folderLoader) name(i int) string { return l.f.display(l.f.Files[i].Path) }

func (l folderLoader) load(ws *workspace, i int, dst []uint8) error {
	o := &l.f.opts
	file, err := l.f.fsys.Open(l.f.Files[i].Path)
	if err != nil {
		return unwrapPath(err)
	}
	buf := bytes.NewBuffer(ws.file[:0])
	_, err = buf.ReadFrom(file)
	file.Close()
	ws.file = buf.Bytes()
	if err != nil {
		return fmt.Errorf("read failed: %w", unwrapPath(err))
	}
	img, orient, err := decodeBytes(ws.file, o.MaxPixels)
	if err != nil {
		return err
	}
	ws.r.resize(dst, img, orient, o.Height, o.Width, o.ColorMode, o.Interpolation)
	return nil
}
