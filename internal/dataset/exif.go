package dataset

import (
	"encoding/binary"
	"image"
	"image/color"
)

// orientation is an EXIF Orientation tag value, 1 to 8: how the stored
// pixels must be turned to show the picture upright (TIFF 6.0 / EXIF 2.3,
// tag 0x0112). 1 is "as stored".
type orientation int

// jpegOrientation finds the EXIF Orientation tag in a JPEG's APP1 segment.
// It returns 1 when there is none or anything about it is malformed.
func jpegOrientation(data []byte) orientation {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return 1
	}
	p := 2
	for p+4 <= len(data) {
		if data[p] != 0xFF {
			return 1
		}
		marker := data[p+1]
		if marker == 0xFF { // fill byte
			p++
			continue
		}
		if marker == 0xDA || marker == 0xD9 { // start of scan, end of image
			return 1
		}
		n := int(binary.BigEndian.Uint16(data[p+2:]))
		if n < 2 || p+2+n > len(data) {
			return 1
		}
		seg := data[p+4 : p+2+n]
		if marker == 0xE1 && len(seg) >= 6 && string(seg[:6]) == "Exif\x00\x00" {
			return tiffOrientation(seg[6:])
		}
		p += 2 + n
	}
	return 1
}

// tiffOrientation reads tag 0x0112 from IFD0 of a TIFF-structured EXIF block.
func tiffOrientation(t []byte) orientation {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	if bo.Uint16(t[2:]) != 42 {
		return 1
	}
	ifd := int(bo.Uint32(t[4:]))
	if ifd < 8 || ifd+2 > len(t) {
		return 1
	}
	count := int(bo.Uint16(t[ifd:]))
	for i := 0; i < count; i++ {
		e := ifd + 2 + 12*i
		if e+12 > len(t) {
			return 1
		}
		if bo.Uint16(t[e:]) != 0x0112 {
			continue
		}
		if bo.Uint16(t[e+2:]) != 3 { // type SHORT
			return 1
		}
		if v := orientation(bo.Uint16(t[e+8:])); v >= 1 && v <= 8 {
			return v
		}
		return 1
	}
	return 1
}

// swapsAxes reports whether the upright picture is the stored one transposed
// (orientations 5 to 8), so its width is the stored height.
func (o orientation) swapsAxes() bool { return o >= 5 && o <= 8 }

// affine returns the map from upright coordinates (x, y), 0-based in a
// picture whose stored size is w×h, to stored coordinates:
// sx = ax·x + bx·y + cx, sy = ay·x + by·y + cy.
func (o orientation) affine(w, h int) (ax, bx, cx, ay, by, cy int) {
	switch o {
	case 2: // mirrored horizontally
		return -1, 0, w - 1, 0, 1, 0
	case 3: // turned 180°
		return -1, 0, w - 1, 0, -1, h - 1
	case 4: // mirrored vertically
		return 1, 0, 0, 0, -1, h - 1
	case 5: // transposed
		return 0, 1, 0, 1, 0, 0
	case 6: // stored turned 90° anticlockwise: turn clockwise
		return 0, 1, 0, -1, 0, h - 1
	case 7: // transverse
		return 0, -1, w - 1, -1, 0, h - 1
	case 8: // stored turned 90° clockwise: turn anticlockwise
		return 0, -1, w - 1, 1, 0, 0
	}
	return 1, 0, 0, 0, 1, 0
}

// apply returns img turned upright: img itself for orientation 1, otherwise
// a new *image.NRGBA (alpha kept, colours not premultiplied).
func (o orientation) apply(img image.Image) image.Image {
	if o <= 1 || o > 8 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	ow, oh := w, h
	if o.swapsAxes() {
		ow, oh = h, w
	}
	ax, bx, cx, ay, by, cy := o.affine(w, h)
	dst := image.NewNRGBA(image.Rect(0, 0, ow, oh))
	if fast := applyFast(img, dst, ax, bx, cx, ay, by, cy); fast != nil {
		return fast
	}
	return applyGeneric(img, dst, ax, bx, cx, ay, by, cy)
}

// applyGeneric is apply for any image type, through At and NRGBAModel.
func applyGeneric(img image.Image, dst *image.NRGBA, ax, bx, cx, ay, by, cy int) *image.NRGBA {
	b := img.Bounds()
	ow, oh := dst.Rect.Dx(), dst.Rect.Dy()
	for y := 0; y < oh; y++ {
		for x := 0; x < ow; x++ {
			sx, sy := ax*x+bx*y+cx, ay*x+by*y+cy
			c := color.NRGBAModel.Convert(img.At(b.Min.X+sx, b.Min.Y+sy)).(color.NRGBA)
			i := dst.PixOffset(x, y)
			dst.Pix[i], dst.Pix[i+1], dst.Pix[i+2], dst.Pix[i+3] = c.R, c.G, c.B, c.A
		}
	}
	return dst
}
