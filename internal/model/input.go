package model

import (
	"fmt"
	"image"
	"path/filepath"
	"strings"

	xdraw "golang.org/x/image/draw"

	"github.com/convscope/convscope/internal/dataset"
	"github.com/convscope/convscope/nn"
)

// Input is an image ready for a model.
type Input struct {
	// Name is what the user calls it: a file name or "sample 3 (circle)".
	Name string
	// Path is the file it came from, if any.
	Path string
	// Original is the decoded, upright image.
	Original image.Image
	// Preview is Original scaled to fit PreviewSize (Original itself when
	// it is small enough): for display, so a large photo is not uploaded
	// to the GPU at full size.
	Preview image.Image
	// Seen is the preprocessed image the network sees, before rescaling.
	Seen *image.RGBA
	// Tensor is the preprocessed batch of one, shape (1, H, W, C).
	Tensor *nn.Tensor
}

// Loader produces an image: decoding a file, a dropped URI or a sample.
type Loader func() (image.Image, error)

// FileLoader decodes the image file at path (upright, EXIF applied). A
// large baseline JPEG comes back as a *dataset.Photo, decoded only as far
// as Prepare needs (the network's nearest-resized input, byte for byte
// what the full decode gives, and a 1/8-scale preview).
func FileLoader(path string) Loader {
	return func() (image.Image, error) { return dataset.LoadPhotoFile(path, dataset.DefaultMaxPixels) }
}

// OpenError is reported when an image cannot be opened.
type OpenError struct {
	Name string
	Err  error
}

func (e *OpenError) Error() string { return fmt.Sprintf("cannot open %s: %v", e.Name, e.Err) }
func (e *OpenError) Unwrap() error { return e.Err }

// Prepare preprocesses img for m: one resize yields both the network's
// input tensor and the image it sees.
func (m *Model) Prepare(name, path string, img image.Image) (*Input, error) {
	in := m.InputShape()
	t := nn.NewTensor(append([]int{1}, in...)...)
	_, seen, err := dataset.PreprocessImage(t.Data, img, m.Prep())
	if err != nil {
		return nil, &OpenError{Name: name, Err: err}
	}
	if c := in[len(in)-1]; len(m.Meta.Mean) == c {
		for i := range t.Data {
			t.Data[i] = m.Meta.Normalize(t.Data[i], i%c)
		}
	}
	return &Input{Name: name, Path: path, Original: img, Preview: preview(img), Seen: seen, Tensor: t}, nil
}

// Fits reports whether in was preprocessed for m's input shape.
func (m *Model) Fits(in *Input) bool {
	s := m.InputShape()
	t := in.Tensor.Shape
	if len(t) != len(s)+1 {
		return false
	}
	for i, d := range s {
		if t[i+1] != d {
			return false
		}
	}
	return true
}

// PreviewSize is the largest edge of Input.Preview in pixels.
const PreviewSize = 512

// previewMinSide is the least short edge of a scaled-down Input.Preview (or
// the image's own short edge, if smaller): a very thin image keeps its rows
// instead of being averaged into one (a 10000×3 image became 512×1, and its
// thumbnail showed one colour).
const previewMinSide = 16

// preview scales img down to fit PreviewSize×PreviewSize, keeping its
// aspect ratio (bilinear, sampling only the output pixels) but no less than
// min(short edge, previewMinSide) pixels across.
func preview(img image.Image) image.Image {
	if p, ok := img.(*dataset.Photo); ok {
		if pv := p.Preview(); pv != nil {
			img = pv // 1/8 scale from the DC coefficients: no full decode
		}
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= PreviewSize && h <= PreviewSize {
		return img
	}
	if w >= h {
		w, h = PreviewSize, max(min(h, previewMinSide), h*PreviewSize/w)
	} else {
		w, h = max(min(w, previewMinSide), w*PreviewSize/h), PreviewSize
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	xdraw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, xdraw.Src, nil)
	return dst
}

// ImageExtensions are the image file extensions Convscope opens.
func ImageExtensions() []string { return append([]string(nil), dataset.Extensions...) }

// IsImageName reports whether a file name has an image extension
// (dataset.Extensions).
func IsImageName(name string) bool {
	ext := strings.ToLower(filepath.Ext(name))
	for _, e := range dataset.Extensions {
		if e == ext {
			return true
		}
	}
	return false
}
