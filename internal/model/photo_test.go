package model

import (
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"

	"github.com/convscope/convscope/internal/dataset"
)

// TestFileLoaderPhotoExact: a photo large enough for the fast JPEG path
// opens as a *dataset.Photo, and Prepare gives exactly the tensor and the
// seen image that the fully decoded file gives (nearest, the tutorial's
// preprocessing), with a preview no larger than PreviewSize that did not
// need the full decode.
func TestFileLoaderPhotoExact(t *testing.T) {
	w, h := dataset.PhotoMinEdge+100, 1200
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			o := img.PixOffset(x, y)
			img.Pix[o], img.Pix[o+1], img.Pix[o+2], img.Pix[o+3] = uint8(x/9+y%5), uint8(y/5+(x*y)%11), uint8((x+y)/13), 255
		}
	}
	path := filepath.Join(t.TempDir(), "photo.jpg")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(f, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	m := tinyModel(t, 150)
	lazy, err := FileLoader(path)()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := lazy.(*dataset.Photo); !ok {
		t.Fatalf("FileLoader gave %T, want a *dataset.Photo", lazy)
	}
	full, err := dataset.LoadImageFile(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.Prepare("photo.jpg", path, lazy)
	if err != nil {
		t.Fatal(err)
	}
	want, err := m.Prepare("photo.jpg", path, full)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want.Tensor.Data {
		if got.Tensor.Data[i] != want.Tensor.Data[i] {
			t.Fatalf("tensor value %d = %v, full decode %v", i, got.Tensor.Data[i], want.Tensor.Data[i])
		}
	}
	for i := range want.Seen.Pix {
		if got.Seen.Pix[i] != want.Seen.Pix[i] {
			t.Fatalf("seen image byte %d differs", i)
		}
	}
	b := got.Preview.Bounds()
	if b.Dx() > PreviewSize || b.Dy() > PreviewSize || b.Dx() < PreviewSize/2 {
		t.Errorf("preview %v for a %d×%d photo", b, w, h)
	}
}
