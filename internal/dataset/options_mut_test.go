package dataset

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// withDefaults fills every zero field with its default, keeps what is set
// (a negative MaxPixels or CacheBytes means none), and names the first
// invalid field.
func TestOptionsDefaults(t *testing.T) {
	procs := runtime.GOMAXPROCS(0)
	for _, c := range []struct {
		in      Options
		want    Options
		wantErr string
	}{
		{Options{}, Options{Height: 150, Width: 150, ClassMode: Categorical, ColorMode: RGB, Interpolation: Nearest, Rescale: 1.0 / 255, MaxPixels: 50_000_000, Workers: procs, CacheBytes: 256 << 20}, ""},
		{Options{Height: 1, Width: 2, ClassMode: Sparse, ColorMode: Grayscale, Interpolation: Bilinear, Rescale: 2, MaxPixels: -1, Workers: 7, CacheBytes: -1},
			Options{Height: 1, Width: 2, ClassMode: Sparse, ColorMode: Grayscale, Interpolation: Bilinear, Rescale: 2, MaxPixels: -1, Workers: 7, CacheBytes: -1}, ""},
		{Options{ClassMode: Binary, Workers: -3, MaxPixels: 1, CacheBytes: 1}, Options{Height: 150, Width: 150, ClassMode: Binary, ColorMode: RGB, Interpolation: Nearest, Rescale: 1.0 / 255, MaxPixels: 1, Workers: procs, CacheBytes: 1}, ""},
		{Options{Height: -1}, Options{}, "target size must be positive, received -1×150"},
		{Options{Width: -2}, Options{}, "target size must be positive, received 150×-2"},
		{Options{ClassMode: "int"}, Options{}, `class mode must be "binary", "categorical" or "sparse", received "int"`},
		{Options{ColorMode: "rgba"}, Options{}, `color mode must be "rgb" or "grayscale", received "rgba"`},
		{Options{Interpolation: "bicubic"}, Options{}, `interpolation must be "nearest" or "bilinear", received "bicubic"`},
	} {
		got, err := c.in.withDefaults()
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("%+v: error %v, want %q", c.in, err, c.wantErr)
			}
			continue
		}
		if err != nil || fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("%+v:\n%+v, %v\nwant %+v", c.in, got, err, c.want)
		}
	}
	for _, c := range []struct {
		o    Options
		want int
	}{
		{Options{Height: 5, Width: 7, ColorMode: RGB}, 105},
		{Options{Height: 5, Width: 7, ColorMode: Grayscale}, 35},
		{Options{Height: 2, Width: 3, ColorMode: ""}, 18},
	} {
		if got := c.o.sampleLen(); got != c.want {
			t.Errorf("%+v: sample length %d, want %d", c.o, got, c.want)
		}
	}
}
