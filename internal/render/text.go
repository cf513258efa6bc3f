package render

import (
	"image"
	"image/color"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

var (
	labelSrc = image.NewUniform(LabelColor)
	deadSrc  = image.NewUniform(DeadColor)
	constSrc = image.NewUniform(ConstantColor)
)

// drawLabel draws b in basicfont's 7×13 face with its top-left at (x, y).
// It does not allocate.
func drawLabel(dst *image.RGBA, x, y int, b []byte, src *image.Uniform) {
	d := font.Drawer{Dst: dst, Src: src, Face: basicfont.Face7x13, Dot: fixed.P(x, y+labelAscent)}
	d.DrawBytes(b)
}

// textFace is Go Regular at 12 px, for colour bars and headers (it has σ, μ and −).
var textFace = sync.OnceValue(func() font.Face {
	f, err := opentype.Parse(goregular.TTF)
	if err != nil {
		panic(err)
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: 12, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		panic(err)
	}
	return face
})

// textMu serialises use of textFace (opentype faces are not safe for concurrent use).
var textMu sync.Mutex

// textHeight is the line height of textFace in pixels.
const textHeight = 15

// drawText draws s in textFace with its baseline at (x, y).
func drawText(dst *image.RGBA, x, y int, s string, col color.RGBA) {
	textMu.Lock()
	defer textMu.Unlock()
	d := font.Drawer{Dst: dst, Src: image.NewUniform(col), Face: textFace(), Dot: fixed.P(x, y)}
	d.DrawString(s)
}

// textWidth returns the advance of s in textFace, in pixels.
func textWidth(s string) int {
	textMu.Lock()
	defer textMu.Unlock()
	return font.MeasureString(textFace(), s).Ceil()
}
