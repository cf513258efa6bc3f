package dataset

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/png"
	"slices"
	"strings"
	"testing"
)

// Hand-built byte strings for the small binary parsers (GIF blocks, EXIF),
// one per bound: a block that ends exactly at the end of the data is read,
// one byte short is refused without a panic. They came from mutation
// testing (TESTING.md).

// gifBytes is a GIF header with a logical screen descriptor whose packed
// byte is packed, followed by rest.
func gifBytes(packed byte, rest ...byte) []byte {
	return append([]byte{'G', 'I', 'F', '8', '9', 'a', 2, 0, 2, 0, packed, 0, 0}, rest...)
}

// gce is a graphic control extension whose transparent index is trans
// (flags bit 0 set when on).
func gce(on bool, trans byte) []byte {
	flags := byte(0)
	if on {
		flags = 1
	}
	return []byte{0x21, 0xF9, 4, flags, 0, 0, trans, 0}
}

// descriptor is an image descriptor (10 bytes with its 0x2C) with the
// given packed byte.
func descriptor(packed byte) []byte { return []byte{0x2C, 0, 0, 0, 0, 2, 0, 2, 0, packed} }

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func TestGIFFirstFrameTableBounds(t *testing.T) {
	global := []byte{10, 20, 30, 40, 50, 60} // 2 colours: packed 0x80 | 0
	local := []byte{1, 2, 3, 4, 5, 6}
	for _, tc := range []struct {
		name  string
		data  []byte
		table []byte
		trans int
	}{
		{"global table, GCE, descriptor ending the data", gifBytes(0x80, cat(global, gce(true, 1), descriptor(0))...), global, 1},
		{"transparency flag off", gifBytes(0x80, cat(global, gce(false, 1), descriptor(0))...), global, -1},
		{"local table ending the data", gifBytes(0, cat(gce(true, 0), descriptor(0x80), local)...), local, 0},
		{"local table one byte short", gifBytes(0, cat(gce(true, 0), descriptor(0x80), local[:5])...), nil, -1},
		{"descriptor one byte short", gifBytes(0x80, cat(global, descriptor(0)[:9])...), nil, -1},
		{"global table one byte short", gifBytes(0x80, global[:5]...), nil, -1},
		{"extension introducer alone", gifBytes(0, 0x21), nil, -1},
		{"GCE cut before its index", gifBytes(0, 0x21, 0xF9, 4, 1, 0, 0), nil, -1},
		{"sub-block without terminator", gifBytes(0, 0x21, 0xFE, 2, 'h', 'i'), nil, -1},
		{"extension then end", gifBytes(0, gce(true, 1)...), nil, -1},
		{"unknown block", gifBytes(0, 0x3B), nil, -1},
		{"too short", []byte("GIF89a"), nil, -1},
	} {
		table, trans := gifFirstFrameTable(slices.Clip(tc.data)) // cap = len: reading past the end panics
		if !bytes.Equal(table, tc.table) || trans != tc.trans {
			t.Errorf("%s: table %v, transparent %d; want %v, %d", tc.name, table, trans, tc.table, tc.trans)
		}
	}
}

func TestRestoreGIFTransparent(t *testing.T) {
	clear := color.RGBA{}
	white := color.RGBA{255, 255, 255, 255}
	global := []byte{10, 20, 30, 40, 50, 60}
	for _, tc := range []struct {
		name string
		pal  color.Palette
		data []byte
		want color.Palette
	}{
		{"index 0 restored", color.Palette{clear, white},
			gifBytes(0x80, cat(global, gce(true, 0), descriptor(0))...),
			color.Palette{color.NRGBA{10, 20, 30, 0}, white}},
		{"index 1 restored", color.Palette{white, clear},
			gifBytes(0x80, cat(global, gce(true, 1), descriptor(0))...),
			color.Palette{white, color.NRGBA{40, 50, 60, 0}}},
		{"index past the table", color.Palette{white, white, clear, white},
			gifBytes(0x80, cat(global, gce(true, 2), descriptor(0))...),
			color.Palette{white, white, clear, white}},
		{"index past the palette", color.Palette{white, clear},
			gifBytes(0x81, cat(global, global, gce(true, 2), descriptor(0))...),
			color.Palette{white, clear}},
		{"entry not transparent black", color.Palette{white, white},
			gifBytes(0x80, cat(global, gce(true, 1), descriptor(0))...),
			color.Palette{white, white}},
	} {
		p := image.NewPaletted(image.Rect(0, 0, 1, 1), tc.pal)
		restoreGIFTransparent(p, slices.Clip(tc.data))
		if !slices.Equal(p.Palette, tc.want) {
			t.Errorf("%s: palette %v, want %v", tc.name, p.Palette, tc.want)
		}
	}
}

func TestClipVP8(t *testing.T) {
	for v, want := range map[int]uint8{-1: 0, 0: 0, 63: 0, 64: 1, 256<<6 - 1: 255, 256 << 6: 255, 1 << 20: 255} {
		if got := clipVP8(v); got != want {
			t.Errorf("clipVP8(%d) = %d, want %d", v, got, want)
		}
	}
}

// tiffIFD is a little-endian TIFF block with IFD0 at offset 8 holding
// count (as written) and the given 12-byte entries, then tail.
func tiffIFD(count int, entries [][12]byte, tail ...byte) []byte {
	b := []byte{'I', 'I', 42, 0, 8, 0, 0, 0}
	b = binary.LittleEndian.AppendUint16(b, uint16(count))
	for _, e := range entries {
		b = append(b, e[:]...)
	}
	return append(b, tail...)
}

// entry is an IFD entry: tag, type, count 1, a SHORT value.
func entry(tag, typ, value uint16) [12]byte {
	var e [12]byte
	binary.LittleEndian.PutUint16(e[0:], tag)
	binary.LittleEndian.PutUint16(e[2:], typ)
	binary.LittleEndian.PutUint32(e[4:], 1)
	binary.LittleEndian.PutUint16(e[8:], value)
	return e
}

// jpegSegments is SOI followed by the segments (marker, payload) as given.
func jpegSegments(segs ...[]byte) []byte {
	b := []byte{0xFF, 0xD8}
	for _, s := range segs {
		b = append(b, 0xFF, s[0])
		b = binary.BigEndian.AppendUint16(b, uint16(len(s)+1))
		b = append(b, s[1:]...)
	}
	return b
}

func app1(tiff []byte) []byte { return append([]byte{0xE1, 'E', 'x', 'i', 'f', 0, 0}, tiff...) }

func TestJPEGOrientationBounds(t *testing.T) {
	orient := func(v uint16) [12]byte { return entry(0x0112, 3, v) }
	other := entry(0x0100, 3, 16)
	next := []byte{0, 0, 0, 0} // no next IFD
	for _, tc := range []struct {
		name string
		data []byte
		want orientation
	}{
		{"orientation 8", jpegSegments(app1(tiffIFD(1, [][12]byte{orient(8)}, next...))), 8},
		{"entry ending the block", jpegSegments(app1(tiffIFD(1, [][12]byte{orient(6)}))), 6},
		{"after an empty segment", jpegSegments([]byte{0xE0}, app1(tiffIFD(1, [][12]byte{orient(3)}, next...))), 3},
		{"after fill bytes", append([]byte{0xFF, 0xD8, 0xFF}, jpegSegments(app1(tiffIFD(1, [][12]byte{orient(5)}, next...)))[2:]...), 5},
		{"count 1, orientation-like bytes after", jpegSegments(app1(tiffIFD(1, [][12]byte{other, orient(6)}))), 1},
		{"count 2, one entry", jpegSegments(app1(tiffIFD(2, [][12]byte{other}))), 1},
		{"not SHORT", jpegSegments(app1(tiffIFD(1, [][12]byte{entry(0x0112, 4, 6)}, next...))), 1},
		{"IFD offset at the end", jpegSegments(app1([]byte{'I', 'I', 42, 0, 8, 0, 0, 0})), 1},
		{"segment running past the end", jpegSegments(app1(tiffIFD(1, [][12]byte{orient(6)})))[:30], 1},
		{"only APP0, no end marker", jpegSegments([]byte{0xE0, 'J', 'F', 'I', 'F', 0}), 1},
		{"not a marker", []byte{0xFF, 0xD8, 0x00, 0xE1, 0, 8}, 1},
	} {
		if got := jpegOrientation(slices.Clip(tc.data)); got != tc.want {
			t.Errorf("%s: orientation %d, want %d", tc.name, got, tc.want)
		}
	}
}

// TestCheckHeaderBounds: a header declaring 0 pixels is corrupt; the pixel
// limit admits an image of exactly the limit; 0 is a limit, −1 none.
func TestCheckHeaderBounds(t *testing.T) {
	encode := func(w, h int) []byte {
		var b bytes.Buffer
		if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	if _, err := checkHeader(bytes.NewReader(encode(2, 3)), 6); err != nil {
		t.Errorf("2×3 at a limit of 6 pixels: %v", err)
	}
	var pe *PixelLimitError
	if _, err := checkHeader(bytes.NewReader(encode(2, 3)), 5); !errors.As(err, &pe) {
		t.Errorf("2×3 at a limit of 5 pixels: %v, want a PixelLimitError", err)
	}
	if _, err := checkHeader(bytes.NewReader(encode(1, 1)), 0); !errors.As(err, &pe) {
		t.Errorf("1×1 at a limit of 0 pixels: %v, want a PixelLimitError", err)
	}
	if _, err := checkHeader(bytes.NewReader(encode(2, 3)), -1); err != nil {
		t.Errorf("no limit: %v", err)
	}
	for _, wh := range [][2]byte{{0, 2}, {2, 0}} {
		g := []byte{'G', 'I', 'F', '8', '9', 'a', wh[0], 0, wh[1], 0, 0, 0, 0, 0x3B}
		_, err := checkHeader(bytes.NewReader(g), -1)
		if err == nil || !strings.Contains(err.Error(), "declares") {
			t.Errorf("GIF declaring %d×%d: %v, want a corrupt-header error", wh[0], wh[1], err)
		}
	}
}

// TestOrientationOneIsTheImageItself: orientation 1 (and out-of-range
// values) return the decoded image, not a copy.
func TestOrientationOneIsTheImageItself(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 2, 1))
	for _, o := range []orientation{0, 1, 9} {
		if got := o.apply(img); got != image.Image(img) {
			t.Errorf("orientation %d: a new %T, want the image itself", o, got)
		}
	}
	if got := orientation(2).apply(img); got == image.Image(img) {
		t.Error("orientation 2: the image itself, want a mirrored copy")
	}
}

// TestOrientationOfPalettedImage: an image type without a fast path
// (paletted, as from a GIF) is turned through the generic path.
func TestOrientationOfPalettedImage(t *testing.T) {
	red, blue := color.RGBA{255, 0, 0, 255}, color.RGBA{0, 0, 255, 255}
	p := image.NewPaletted(image.Rect(0, 0, 2, 1), color.Palette{red, blue})
	p.SetColorIndex(1, 0, 1)                          // red, blue
	got, ok := orientation(2).apply(p).(*image.NRGBA) // mirrored: blue, red
	if !ok || got == nil || got.Rect != image.Rect(0, 0, 2, 1) {
		t.Fatalf("mirrored paletted image: %T %v", got, got)
	}
	if a, b := got.NRGBAAt(0, 0), got.NRGBAAt(1, 0); a != (color.NRGBA{0, 0, 255, 255}) || b != (color.NRGBA{255, 0, 0, 255}) {
		t.Errorf("mirrored pixels %v %v, want blue, red", a, b)
	}
}

// TestOrientationLargeOffsetImages: images wider and taller than one
// 32-pixel tile, with a negative, odd origin (a sub-image of a YCbCr 4:2:0
// picture), turned by every orientation, against the reference turns
// written with At alone.
func TestOrientationLargeOffsetImages(t *testing.T) {
	// 40×35, with the origin's x, y or both negative and odd.
	for _, r := range []image.Rectangle{image.Rect(-3, -5, 37, 30), image.Rect(-3, 0, 37, 35), image.Rect(0, -5, 40, 30)} {
		testOrientationAt(t, r)
	}
}

func testOrientationAt(t *testing.T, r image.Rectangle) {
	t.Helper()
	ycc := image.NewYCbCr(r, image.YCbCrSubsampleRatio420)
	rgba := image.NewRGBA(r)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			k := (x+7)*31 + (y+11)*17
			ycc.Y[ycc.YOffset(x, y)] = uint8(k)
			ycc.Cb[ycc.COffset(x, y)] = uint8(k * 3)
			ycc.Cr[ycc.COffset(x, y)] = uint8(k * 5)
			rgba.SetRGBA(x, y, color.RGBA{uint8(k), uint8(k * 7), uint8(k * 13), 255})
		}
	}
	for _, img := range []image.Image{ycc, rgba} {
		ref := image.NewNRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
		for y := range r.Dy() {
			for x := range r.Dx() {
				ref.Set(x, y, color.NRGBAModel.Convert(img.At(r.Min.X+x, r.Min.Y+y)))
			}
		}
		for o := 2; o <= 8; o++ {
			got := orientation(o).apply(img)
			want := uprightRef(ref, o)
			if got.Bounds() != want.Bounds() {
				t.Fatalf("%T at %v orientation %d: bounds %v, want %v", img, r.Min, o, got.Bounds(), want.Bounds())
			}
			for y := range want.Rect.Dy() {
				for x := range want.Rect.Dx() {
					if g, w := color.NRGBAModel.Convert(got.At(x, y)), want.At(x, y); g != w {
						t.Fatalf("%T at %v orientation %d: pixel (%d, %d) %v, want %v", img, r.Min, o, x, y, g, w)
					}
				}
			}
		}
	}
}
