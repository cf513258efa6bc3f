package dataset

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
)

// IDX is an MNIST-style dataset read from a pair of IDX files: N grayscale
// images of Rows×Cols pixels and one label per image.
//
// The IDX format (Y. LeCun, C. Cortes, C. Burges, "The MNIST database",
// http://yann.lecun.com/exdb/mnist/; Fashion-MNIST uses the same files) is a
// big-endian header followed by the raw data:
//
//	bytes 0–1   0x00 0x00
//	byte  2     element type: 0x08 = unsigned byte (the only one read here)
//	byte  3     number of dimensions d (3 for images, 1 for labels)
//	d × uint32  the size of each dimension (N, rows, cols for images; N for labels)
//	data        N·rows·cols bytes (row-major, 0 = background) or N labels
//
// so an image file starts with the magic number 0x00000803 (2051) and a
// label file with 0x00000801 (2049). Either may be gzipped, as they are
// distributed.
type IDX struct {
	N, Rows, Cols int
	// Pixels holds the images one after the other, row-major, 0..255.
	Pixels []uint8
	// Labels holds the class index of each image.
	Labels []uint8
}

// IDX magic numbers: 0x00 0x00, element type 0x08 (unsigned byte), dimensions.
const (
	idxImagesMagic = 0x00000803
	idxLabelsMagic = 0x00000801
	// idxMaxBytes bounds the data a header may announce (1 GiB), so that a
	// corrupt header is refused before anything is allocated for it.
	idxMaxBytes = 1 << 30
)

// LoadIDX reads an image file and a label file (each gzipped or not) and
// checks that they agree. Every problem — a missing file, a wrong magic
// number, a truncated file, counts that disagree — is one error that names
// the file and says what was expected.
func LoadIDX(imagesPath, labelsPath string) (*IDX, error) {
	var d IDX
	err := withIDXFile(imagesPath, func(r io.Reader) (err error) {
		d.Pixels, d.N, d.Rows, d.Cols, err = ReadIDXImages(r)
		return err
	})
	if err != nil {
		return nil, err
	}
	err = withIDXFile(labelsPath, func(r io.Reader) (err error) {
		d.Labels, err = ReadIDXLabels(r)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(d.Labels) != d.N {
		return nil, fmt.Errorf("dataset: %s and %s disagree: expected as many labels as images (%d), received %d labels", imagesPath, labelsPath, d.N, len(d.Labels))
	}
	return &d, nil
}

// withIDXFile opens path and calls read with its (decompressed) content,
// prefixing errors with the path.
func withIDXFile(path string, read func(io.Reader) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("dataset: cannot read %s: %w", path, unwrapPath(err))
	}
	defer f.Close()
	if err := read(f); err != nil {
		return fmt.Errorf("dataset: %s: %w", path, err)
	}
	return nil
}

// ReadIDXImages reads an IDX image file (magic 2051, gzipped or not) and
// returns its pixels, the number of images and their size.
func ReadIDXImages(r io.Reader) (pixels []uint8, n, rows, cols int, err error) {
	dims, br, err := readIDXHeader(r, idxImagesMagic, 3, "an IDX image file")
	if err != nil {
		return nil, 0, 0, 0, err
	}
	n, rows, cols = dims[0], dims[1], dims[2]
	if n > 0 && (rows == 0 || cols == 0) {
		return nil, 0, 0, 0, fmt.Errorf("expected images of at least 1×1 pixels, received %d×%d", rows, cols)
	}
	pixels, err = readIDXData(br, n*rows*cols, fmt.Sprintf("%d images of %d×%d pixels", n, rows, cols))
	return pixels, n, rows, cols, err
}

// ReadIDXLabels reads an IDX label file (magic 2049, gzipped or not).
func ReadIDXLabels(r io.Reader) ([]uint8, error) {
	dims, br, err := readIDXHeader(r, idxLabelsMagic, 1, "an IDX label file")
	if err != nil {
		return nil, err
	}
	return readIDXData(br, dims[0], fmt.Sprintf("%d labels", dims[0]))
}

// readIDXHeader decompresses r if it is gzipped, checks the magic number
// and returns the dimensions and a reader positioned at the data.
func readIDXHeader(r io.Reader, magic uint32, ndim int, what string) ([]int, io.Reader, error) {
	br := bufio.NewReader(r)
	var src io.Reader = br
	if head, _ := br.Peek(2); len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, fmt.Errorf("not a valid gzip file: %v", err)
		}
		src = zr
	}
	hdr := make([]byte, 4+4*ndim)
	if k, err := io.ReadFull(src, hdr[:4]); err != nil {
		return nil, nil, idxReadError(err, fmt.Sprintf("expected %s (a 4-byte magic number), received %d bytes", what, k))
	}
	if got := binary.BigEndian.Uint32(hdr); got != magic {
		return nil, nil, fmt.Errorf("expected %s (magic number 0x%08x), received magic number 0x%08x%s", what, magic, got, idxMagicHint(got))
	}
	if k, err := io.ReadFull(src, hdr[4:]); err != nil {
		return nil, nil, idxReadError(err, fmt.Sprintf("truncated header: expected %d bytes, received %d", len(hdr), 4+k))
	}
	dims := make([]int, ndim)
	total := uint64(1)
	for i := range dims {
		v := binary.BigEndian.Uint32(hdr[4+4*i:])
		dims[i] = int(v)
		total *= uint64(v)
		if total > idxMaxBytes {
			return nil, nil, fmt.Errorf("expected at most %d bytes of data, the header announces more (dimensions %v…)", idxMaxBytes, dims[:i+1])
		}
	}
	return dims, src, nil
}

// idxMagicHint explains a magic number that belongs to the other kind of
// IDX file or to another element type.
func idxMagicHint(got uint32) string {
	switch {
	case got == idxImagesMagic:
		return " (an image file: were --images and --labels swapped?)"
	case got == idxLabelsMagic:
		return " (a label file: were --images and --labels swapped?)"
	case got>>16 == 0 && got>>8&0xff != 0x08:
		return fmt.Sprintf(" (IDX element type 0x%02x; only unsigned bytes, 0x08, are supported)", got>>8&0xff)
	}
	return ""
}

// readIDXData reads exactly size bytes and checks that nothing follows.
// Memory grows with what is actually read, so a header that announces more
// than the file holds costs nothing.
func readIDXData(r io.Reader, size int, what string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, int64(size)+1))
	if err != nil {
		return nil, idxReadError(err, fmt.Sprintf("truncated: expected %d bytes (%s), read %d before the error", size, what, len(data)))
	}
	switch {
	case len(data) < size:
		return nil, fmt.Errorf("truncated: expected %d bytes of data (%s), received %d", size, what, len(data))
	case len(data) > size:
		return nil, fmt.Errorf("expected %d bytes of data (%s), the file has more: not an IDX file, or a corrupt header", size, what)
	}
	return data, nil
}

// idxReadError turns a read error into a message; short reads and gzip
// errors both mean a damaged file.
func idxReadError(err error, msg string) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New(msg)
	}
	return fmt.Errorf("%s: %v", msg, err)
}

// Image returns image i as an *image.Gray sharing the dataset's pixels.
// It panics if i is out of range.
func (d *IDX) Image(i int) *image.Gray {
	if i < 0 || i >= d.N {
		panic(fmt.Sprintf("dataset: IDX.Image: index %d out of range [0, %d)", i, d.N))
	}
	size := d.Rows * d.Cols
	return &image.Gray{Pix: d.Pixels[i*size : (i+1)*size : (i+1)*size], Stride: d.Cols, Rect: image.Rect(0, 0, d.Cols, d.Rows)}
}

// MaxLabel returns the largest label, or -1 for an empty dataset.
func (d *IDX) MaxLabel() int {
	m := -1
	for _, l := range d.Labels {
		m = max(m, int(l))
	}
	return m
}
