package dataset

import (
	"fmt"
	"image"
	"image/color"
	"io"
	"os"
	"sync"
)

// PhotoMinEdge is the long edge, in pixels, from which LoadPhoto takes the
// fast path: below it a full decode costs little, and the 1/8-scale
// preview would be too coarse.
const PhotoMinEdge = 2048

// Photo is a large baseline JPEG opened without decoding it. Its pixels
// are decoded as far as each use needs:
//
//   - Preprocess and PreprocessImage with nearest interpolation (Keras'
//     default) Huffman-decode the file once and inverse-transform only the
//     8×8 blocks that hold the sampled pixels: the same values, byte for
//     byte, as resizing the fully decoded image (TestPhotoMatchesFullDecode);
//   - Preview gives the picture at 1/8 scale from the DC coefficients that
//     pass keeps (no inverse transform at all);
//   - everything else (At, bilinear resizing, Image) decodes the whole file
//     with image/jpeg once, exactly as LoadImage does.
//
// A Photo is safe for concurrent use.
type Photo struct {
	name string // the file, for errors; "" for a reader
	data []byte
	f    *fjFrame
	o    orientation
	w, h int // upright size

	mu      sync.Mutex
	dc      *fjPass // the last pass: its DC planes make the preview
	preview *image.RGBA

	once    sync.Once
	full    image.Image
	fullErr error
}

// LoadPhoto is LoadImage for photos: a baseline JPEG at least PhotoMinEdge
// pixels on its long edge comes back as a *Photo, decoded only as far as
// it is used; anything else is decoded by LoadImage. Errors in the
// entropy-coded data of a Photo surface when its pixels are first needed.
func LoadPhoto(r io.Reader, maxPixels int) (image.Image, error) {
	var data []byte
	var err error
	if sized, ok := r.(interface{ Len() int }); ok { // one allocation, no regrowing
		data = make([]byte, sized.Len())
		_, err = io.ReadFull(r, data)
	} else {
		data, err = io.ReadAll(r)
	}
	if err != nil {
		return nil, err
	}
	return loadPhotoBytes(data, maxPixels)
}

// loadPhotoBytes is LoadPhoto for the whole file in memory.
func loadPhotoBytes(data []byte, maxPixels int) (image.Image, error) {
	if maxPixels == 0 {
		maxPixels = DefaultMaxPixels
	}
	if p := newPhoto(data, maxPixels); p != nil {
		return p, nil
	}
	img, o, err := decodeBytes(data, maxPixels)
	if err != nil {
		return nil, err
	}
	return o.apply(img), nil
}

// LoadPhotoFile is LoadPhoto for a file on disk; errors name the file.
func LoadPhotoFile(path string, maxPixels int) (image.Image, error) {
	data, err := os.ReadFile(path) // sized from the file: one allocation
	if err != nil {
		return nil, err
	}
	img, err := loadPhotoBytes(data, maxPixels)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if p, ok := img.(*Photo); ok {
		p.name = path
	}
	return img, nil
}

// newPhoto returns a Photo for data if the fast path takes it, else nil.
func newPhoto(data []byte, maxPixels int) *Photo {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return nil
	}
	f, err := parseFastJPEG(data)
	if err != nil || max(f.w, f.h) < PhotoMinEdge {
		return nil
	}
	if maxPixels >= 0 && int64(f.w)*int64(f.h) > int64(maxPixels) {
		return nil // LoadImage reports the limit
	}
	return openPhoto(data, f)
}

// openPhoto wraps a parsed frame.
func openPhoto(data []byte, f *fjFrame) *Photo {
	p := &Photo{data: data, f: f, o: jpegOrientation(data), w: f.w, h: f.h}
	if p.o.swapsAxes() {
		p.w, p.h = f.h, f.w
	}
	return p
}

// Bounds is the upright picture's size, from (0, 0).
func (p *Photo) Bounds() image.Rectangle { return image.Rect(0, 0, p.w, p.h) }

// ColorModel is the fully decoded image's.
func (p *Photo) ColorModel() color.Model {
	if img, err := p.Image(); err == nil {
		return img.ColorModel()
	}
	return color.RGBAModel
}

// At decodes the whole photo (once) and returns one of its pixels; a photo
// whose data turns out corrupt reads as transparent black.
func (p *Photo) At(x, y int) color.Color {
	img, err := p.Image()
	if err != nil {
		return color.RGBA{}
	}
	return img.At(x, y)
}

// Image decodes the whole photo with image/jpeg, once, and returns exactly
// what LoadImage returns for the same file.
func (p *Photo) Image() (image.Image, error) {
	p.once.Do(func() {
		img, o, err := decodeBytes(p.data, -1)
		if err != nil {
			p.fullErr = err
			if p.name != "" {
				p.fullErr = fmt.Errorf("%s: %w", p.name, err)
			}
			return
		}
		p.full = o.apply(img)
	})
	return p.full, p.fullErr
}

// nearest writes the RGB values of the upright pixels (xs[i], ys[j]) to
// dst[3·(j·len(xs)+i):], decoding only the blocks that hold them. It
// returns errFastJPEG if the entropy-coded data is not what the fast path
// decodes exactly (the caller then decodes the whole image).
func (p *Photo) nearest(dst []uint8, xs, ys []int32) error {
	f := p.f
	ax, bx, cx, ay, by, cy := p.o.affine(f.w, f.h)
	var cols, rows [3][]bool
	for c := range f.ncomp {
		cols[c] = make([]bool, f.comp[c].bw)
		rows[c] = make([]bool, f.comp[c].bh)
	}
	// The samples are a grid upright, so also stored (a turn swaps its
	// axes): marking each sample's block column and row marks exactly the
	// blocks that hold samples.
	for _, y := range ys {
		for _, x := range xs {
			sx, sy := ax*int(x)+bx*int(y)+cx, ay*int(x)+by*int(y)+cy
			cols[0][sx>>3], rows[0][sy>>3] = true, true
			if f.ncomp == 3 {
				cols[1][sx>>f.hs>>3], rows[1][sy>>f.vs>>3] = true, true
			}
		}
	}
	cols[2], rows[2] = cols[1], rows[1]
	pass := newFJPass(f, cols, rows)
	// Which pixel columns of each block column are read: the column pass
	// of the inverse DCT runs for those only.
	for c := range f.ncomp {
		pass.cmask[c] = make([]uint8, f.comp[c].bw)
	}
	for _, y := range ys {
		for _, x := range xs {
			sx := ax*int(x) + bx*int(y) + cx
			pass.cmask[0][sx>>3] |= 1 << (sx & 7)
			if f.ncomp == 3 {
				ch := sx >> f.hs
				pass.cmask[1][ch>>3] |= 1 << (ch & 7)
			}
		}
	}
	pass.cmask[2] = pass.cmask[1]
	if err := pass.run(); err != nil {
		return err
	}
	i := 0
	for _, y := range ys {
		for _, x := range xs {
			sx, sy := ax*int(x)+bx*int(y)+cx, ay*int(x)+by*int(y)+cy
			yy := pass.pixel(0, sx, sy)
			if f.ncomp == 1 {
				dst[i], dst[i+1], dst[i+2] = yy, yy, yy
			} else {
				cb, cr := pass.pixel(1, sx>>f.hs, sy>>f.vs), pass.pixel(2, sx>>f.hs, sy>>f.vs)
				dst[i], dst[i+1], dst[i+2] = color.YCbCrToRGB(yy, cb, cr)
			}
			i += 3
		}
	}
	p.mu.Lock()
	pass.pix = [3][]uint8{} // keep only the DC planes
	p.dc = pass
	p.mu.Unlock()
	return nil
}

// resizeNearest is the resizer's nearest for a photo: PIL's NEAREST
// positions (nearestIndex on both axes), RGB or PIL's L for c = 1.
func (p *Photo) resizeNearest(dst []uint8, h, w, c int) error {
	xs := nearestIndex(nil, p.w, w)
	ys := nearestIndex(nil, p.h, h)
	rgb := dst
	if c != 3 {
		rgb = make([]uint8, 3*h*w)
	}
	if err := p.nearest(rgb, xs, ys); err != nil {
		return err
	}
	if c != 3 {
		for i := range h * w {
			dst[i] = luma(rgb[3*i], rgb[3*i+1], rgb[3*i+2])
		}
	}
	return nil
}

// pixel returns the decoded sample (x, y) of component c, which must be in
// a needed block.
func (p *fjPass) pixel(c, x, y int) uint8 {
	slot := p.col[c][x>>3] + p.row[c][y>>3]
	return p.pix[c][64*int(slot)+(y&7)*8+(x&7)]
}

// Preview returns the upright photo at 1/8 scale (one pixel per 8×8 luma
// block, rounded up), from the blocks' DC coefficients: each pixel is its
// block's mean, as a box filter would give, up to rounding. It reuses the
// last pass's DC levels, or Huffman-decodes the file once for them. It
// returns nil if the data is corrupt.
func (p *Photo) Preview() *image.RGBA {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.preview != nil {
		return p.preview
	}
	if p.dc == nil {
		pass := newFJPass(p.f, [3][]bool{}, [3][]bool{})
		if pass.run() != nil {
			return nil
		}
		p.dc = pass
	}
	f, pass := p.f, p.dc
	sw, sh := (f.w+7)/8, (f.h+7)/8
	ow, oh := sw, sh
	if p.o.swapsAxes() {
		ow, oh = sh, sw
	}
	ax, bx, cx, ay, by, cy := p.o.affine(sw, sh)
	m := image.NewRGBA(image.Rect(0, 0, ow, oh))
	for y := range oh {
		for x := range ow {
			sx, sy := ax*x+bx*y+cx, ay*x+by*y+cy
			yy := dcLevel(pass.dc[0][sy*f.comp[0].bw+sx])
			r, g, b := yy, yy, yy
			if f.ncomp == 3 {
				ci := (sy>>f.vs)*f.comp[1].bw + sx>>f.hs
				r, g, b = color.YCbCrToRGB(yy, dcLevel(pass.dc[1][ci]), dcLevel(pass.dc[2][ci]))
			}
			o := m.PixOffset(x, y)
			m.Pix[o], m.Pix[o+1], m.Pix[o+2], m.Pix[o+3] = r, g, b, 0xFF
		}
	}
	p.dc, p.preview = nil, m
	return m
}

// dcLevel is the sample value of a block that has only its (dequantised)
// DC coefficient: DC/8, level-shifted and clamped.
func dcLevel(dc int32) uint8 { return fjSample((dc + 4) >> 3) }
