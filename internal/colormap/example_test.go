package colormap_test

import (
	"fmt"

	"github.com/convscope/convscope/internal/colormap"
)

func ExampleByName() {
	m, _ := colormap.ByName("viridis")
	fmt.Println(m.At(0), m.At(0.5), m.At(1))
	_, err := colormap.ByName("jet")
	fmt.Println(err)
	// Output:
	// {68 1 84 255} {32 144 140 255} {253 231 36 255}
	// colormap: unknown colormap "jet"; valid names are viridis, magma, inferno, plasma, cividis, gray, coolwarm, rdbu, turbo
}

func ExampleMap_LUT() {
	lut := colormap.MustByName("gray").LUT()
	pix := make([]byte, 4)
	copy(pix, lut[200][:]) // fast path: one 4-byte copy per pixel
	fmt.Println(pix)
	// Output: [200 200 200 255]
}
