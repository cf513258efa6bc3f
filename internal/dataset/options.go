package dataset

import (
	"fmt"
	"runtime"
)

// ClassMode is how class indices become targets, as Keras' class_mode.
type ClassMode string

// Class modes, with Keras' names.
const (
	// Binary targets are 0 or 1, shape (n, 1): exactly two classes.
	Binary ClassMode = "binary"
	// Categorical targets are one-hot, shape (n, classes). Keras' default.
	Categorical ClassMode = "categorical"
	// Sparse targets hold the class index as a float, shape (n, 1).
	Sparse ClassMode = "sparse"
)

// ColorMode is the number and meaning of channels, as Keras' color_mode.
type ColorMode string

// Colour modes, with Keras' names.
const (
	// RGB gives 3 channels; Keras' default.
	RGB ColorMode = "rgb"
	// Grayscale gives 1 channel of ITU-R 601-2 luma, L = 0.299R + 0.587G +
	// 0.114B, computed as PIL's convert("L") does.
	Grayscale ColorMode = "grayscale"
)

// Channels returns 3 for RGB and 1 for Grayscale.
func (m ColorMode) Channels() int {
	if m == Grayscale {
		return 1
	}
	return 3
}

// Interpolation is the resampling filter used to reach the target size.
type Interpolation string

// Interpolations.
const (
	// Nearest is Keras' default (load_img's interpolation="nearest", PIL
	// NEAREST): output pixel (x, y) copies source pixel
	// (⌊(x+½)·sw/dw⌋, ⌊(y+½)·sh/dh⌋). It is Convscope's default so that a
	// model trained here sees the very pixels Keras would feed it, and it is
	// the cheapest. It aliases when shrinking a large photo.
	Nearest Interpolation = "nearest"
	// Bilinear is PIL's BILINEAR resize: a separable triangle filter whose
	// support widens with the shrink factor (so it antialiases when
	// shrinking), with 8-bit rounding between the two passes as PIL does.
	// It matches PIL 9.4 byte for byte (testdata/pil). Of x/image/draw's
	// kernels, BiLinear is within one level of PIL (it also widens its
	// support when shrinking) and ApproxBiLinear is up to 63 levels off
	// when shrinking 500×375 to 150×150 (it does not antialias).
	Bilinear Interpolation = "bilinear"
)

// Defaults.
const (
	// DefaultSize is the default target height and width: the reference
	// model's 150×150 input. (Keras' flow_from_directory defaults to 256×256;
	// the tutorial passes target_size=(150, 150).)
	DefaultSize = 150
	// DefaultRescale multiplies every 8-bit pixel value, giving [0, 1].
	DefaultRescale = 1.0 / 255
	// DefaultMaxPixels is the largest width×height accepted: 50 megapixels.
	// Larger images are refused from their header, before decoding, so a
	// decompression bomb cannot exhaust memory.
	DefaultMaxPixels = 50_000_000
	// DefaultCacheBytes is the budget for keeping a whole small dataset's
	// preprocessed samples in memory (8 bits per value): 256 MiB holds
	// about 3,970 samples of 150×150×3, so the tutorial's 2,000 training
	// and 1,000 validation images (203 MB together) are decoded only once.
	DefaultCacheBytes = 256 << 20
)

// Options configure Scan and the samples a Folder produces. The zero value
// means: Keras' defaults, except for the noted Convscope choices.
type Options struct {
	// Height and Width are the target size (Keras' target_size is
	// (height, width)). Zero means DefaultSize.
	Height, Width int
	// ClassMode defaults to Categorical, as in Keras.
	ClassMode ClassMode
	// ColorMode defaults to RGB.
	ColorMode ColorMode
	// Interpolation defaults to Nearest, as in Keras.
	Interpolation Interpolation
	// Rescale multiplies each 8-bit value. Zero means DefaultRescale
	// (Keras' own default is no rescaling; pass 1 for values in [0, 255]).
	Rescale float32
	// Classes, if set, lists the class subfolders to use and fixes their
	// order, as Keras' classes argument. Otherwise every visible subfolder
	// is a class, in sorted order.
	Classes []string
	// MaxPixels is the pixel limit (width×height from the header). Zero
	// means DefaultMaxPixels; negative means no limit.
	MaxPixels int
	// Workers is the number of decoding goroutines. Zero means GOMAXPROCS.
	Workers int
	// CacheBytes is the memory budget for caching a whole dataset's
	// preprocessed samples after their first decoding. A dataset is cached
	// only if all of it fits. Zero means DefaultCacheBytes; negative
	// disables the cache.
	CacheBytes int64
}

// withDefaults returns o with zero fields replaced by defaults, or an error
// naming the first invalid field.
func (o Options) withDefaults() (Options, error) {
	if o.Height == 0 {
		o.Height = DefaultSize
	}
	if o.Width == 0 {
		o.Width = DefaultSize
	}
	if o.Height < 0 || o.Width < 0 {
		return o, fmt.Errorf("dataset: target size must be positive, received %d×%d (height×width)", o.Height, o.Width)
	}
	switch o.ClassMode {
	case "":
		o.ClassMode = Categorical
	case Binary, Categorical, Sparse:
	default:
		return o, fmt.Errorf("dataset: class mode must be %q, %q or %q, received %q", Binary, Categorical, Sparse, o.ClassMode)
	}
	switch o.ColorMode {
	case "":
		o.ColorMode = RGB
	case RGB, Grayscale:
	default:
		return o, fmt.Errorf("dataset: color mode must be %q or %q, received %q", RGB, Grayscale, o.ColorMode)
	}
	switch o.Interpolation {
	case "":
		o.Interpolation = Nearest
	case Nearest, Bilinear:
	default:
		return o, fmt.Errorf("dataset: interpolation must be %q or %q, received %q", Nearest, Bilinear, o.Interpolation)
	}
	if o.Rescale == 0 {
		o.Rescale = DefaultRescale
	}
	if o.MaxPixels == 0 {
		o.MaxPixels = DefaultMaxPixels
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.CacheBytes == 0 {
		o.CacheBytes = DefaultCacheBytes
	}
	return o, nil
}

// sampleLen is the number of values in one preprocessed sample.
func (o Options) sampleLen() int { return o.Height * o.Width * o.ColorMode.Channels() }
