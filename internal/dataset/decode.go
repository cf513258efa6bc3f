package dataset

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"io"
	"os"

	// Decoders for every format a folder dataset may hold.
	_ "image/gif"
	_ "image/jpeg"
	_ "image/png"

	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/tiff"
	_ "golang.org/x/image/webp"
)

// ErrEmpty is returned for a zero-byte file.
var ErrEmpty = errors.New("empty file (0 bytes)")

// ErrUnknownFormat is returned for data that is none of the supported
// formats, such as a text file or a HEIC photo named .jpg.
var ErrUnknownFormat = errors.New("not a PNG, JPEG, GIF, BMP, TIFF or WebP image")

// PixelLimitError is returned for an image whose header declares more
// pixels than the limit. Such an image is refused before it is decoded.
type PixelLimitError struct {
	Width, Height int
	Limit         int
}

func (e *PixelLimitError) Error() string {
	return fmt.Sprintf("image is %d×%d (%.1f megapixels), more than the %.1f-megapixel limit",
		e.Width, e.Height, float64(e.Width)*float64(e.Height)/1e6, float64(e.Limit)/1e6)
}

// decodeBytes checks the header of an encoded image against maxPixels
// (negative: no limit), decodes it and reads its EXIF orientation (JPEG
// only; 1 otherwise). A panicking decoder is reported as an error.
func decodeBytes(data []byte, maxPixels int) (img image.Image, o orientation, err error) {
	if len(data) == 0 {
		return nil, 1, ErrEmpty
	}
	format, err := checkHeader(bytes.NewReader(data), maxPixels)
	if err != nil {
		return nil, 1, err
	}
	defer func() {
		if r := recover(); r != nil {
			img, err = nil, fmt.Errorf("corrupt %s data: the decoder failed: %v", format, r)
		}
	}()
	img, _, err = image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, 1, fmt.Errorf("corrupt or truncated %s data: %w", format, err)
	}
	img = fixDecoded(img, format, data)
	o = 1
	if format == "jpeg" {
		o = jpegOrientation(data)
	}
	return img, o, nil
}

// checkHeader reads only the header from r and returns the format name if
// it is a supported image whose size is within maxPixels (negative: no
// limit).
func checkHeader(r io.Reader, maxPixels int) (format string, err error) {
	cfg, format, err := image.DecodeConfig(r)
	if err != nil {
		if errors.Is(err, image.ErrFormat) {
			return "", ErrUnknownFormat
		}
		return "", fmt.Errorf("corrupt header: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return "", fmt.Errorf("corrupt header: %s declares %d×%d pixels", format, cfg.Width, cfg.Height)
	}
	if maxPixels >= 0 && int64(cfg.Width)*int64(cfg.Height) > int64(maxPixels) {
		return "", &PixelLimitError{Width: cfg.Width, Height: cfg.Height, Limit: maxPixels}
	}
	return format, nil
}

// LoadImage decodes one image of any supported format from r, upright: a
// JPEG's EXIF orientation is applied (Keras, through PIL, ignores it, so a
// phone photo taken in portrait comes out sideways there; Convscope shows
// and trains on it as the phone shows it). Images whose header declares
// more than maxPixels pixels (0: DefaultMaxPixels; negative: no limit) are
// refused before decoding with a *PixelLimitError.
//
// The image keeps its decoded type unless it had to be turned, in which case
// it is an *image.NRGBA.
func LoadImage(r io.Reader, maxPixels int) (image.Image, error) {
	if maxPixels == 0 {
		maxPixels = DefaultMaxPixels
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	img, o, err := decodeBytes(data, maxPixels)
	if err != nil {
		return nil, err
	}
	return o.apply(img), nil
}

// LoadImageFile is LoadImage for a file on disk; errors name the file.
func LoadImageFile(path string, maxPixels int) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := LoadImage(f, maxPixels)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return img, nil
}
