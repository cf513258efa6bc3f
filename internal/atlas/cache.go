package atlas

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"strings"

	xdraw "golang.org/x/image/draw"

	"github.com/convscope/convscope/nn"
)

// Atlas is a layer's pictures, one per channel, as cached in a model file.
type Atlas struct {
	Layer string
	// Weights is WeightsHash of the network the pictures were made for:
	// a cached atlas is used only while the weights are unchanged.
	Weights string
	// Param is the image parameterisation the pictures were made with
	// (ParamPixel or ParamFourier): each has its own cache entry (MetaKey).
	Param    string
	Steps    int
	Channels []int
	Flat     []bool
	Values   []float64 // the objective J at the last step
	Tiles    []*image.RGBA
}

// MetaPrefix starts the metadata keys (nn.Metadata.Extra) that hold the
// pixel parameterisation's atlases: MetaPrefix + layer name (the key of
// files saved before the Fourier atlas was cached).
const MetaPrefix = "convscope.atlas."

// MetaPrefixFourier starts the keys of the Fourier parameterisation's
// atlases, kept beside the pixel ones ("_fourier." so that no layer name
// after MetaPrefix can produce it).
const MetaPrefixFourier = "convscope.atlas_fourier."

// MetaKey is the metadata key of layer's atlas made with param ("" means
// the default, ParamPixel).
func MetaKey(layer, param string) string {
	if param == ParamFourier {
		return MetaPrefixFourier + layer
	}
	return MetaPrefix + layer
}

// CacheTile is the edge of the tiles stored in a model file, in pixels
// (the app's atlas tiles are smaller; the command line recomputes).
const CacheTile = 96

// WeightsHash is the SHA-256 of every weight of net (shapes and values,
// in order), hex-encoded.
func WeightsHash(net Network) string {
	h := sha256.New()
	var buf [4]byte
	for _, p := range net.Weights() {
		h.Write([]byte(p.Name))
		for _, d := range p.Shape {
			binary.LittleEndian.PutUint32(buf[:], uint32(d))
			h.Write(buf[:])
		}
		b := make([]byte, 4*len(p.Value))
		for i, v := range p.Value {
			binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
		}
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// New makes an Atlas from results for net's layer, computed with o (its
// steps and parameterisation are recorded; zero values are the defaults).
func New(net Network, layer string, o Options, res []Result) *Atlas {
	return newAtlas(layer, WeightsHash(net), o, res)
}

func newAtlas(layer, weights string, o Options, res []Result) *Atlas {
	o = o.withDefaults()
	a := &Atlas{Layer: layer, Weights: weights, Param: o.Param, Steps: o.Steps}
	for _, r := range res {
		a.Channels = append(a.Channels, r.Channel)
		a.Flat = append(a.Flat, r.Flat)
		a.Values = append(a.Values, r.Value)
		a.Tiles = append(a.Tiles, r.Image)
	}
	return a
}

// cached is the JSON stored under MetaPrefix + layer.
type cached struct {
	Weights  string    `json:"weights_sha256"`
	Param    string    `json:"param,omitempty"` // "": pixel (files saved before the field)
	Steps    int       `json:"steps"`
	Tile     int       `json:"tile"`
	Channels []int     `json:"channels"`
	Flat     []bool    `json:"flat"`
	Values   []float64 `json:"values"`
	PNG      string    `json:"png"` // base64: the tiles, SheetCols per row, no gaps
}

// Store puts a into meta.Extra (tiles scaled to CacheTile pixels), to be
// saved with the model.
func Store(meta *nn.Metadata, a *Atlas) error {
	n := len(a.Tiles)
	if n == 0 {
		return fmt.Errorf("atlas: no tiles to store")
	}
	rows := (n + SheetCols - 1) / SheetCols
	cols := min(n, SheetCols)
	sheet := image.NewRGBA(image.Rect(0, 0, cols*CacheTile, rows*CacheTile))
	for i, t := range a.Tiles {
		r := image.Rect(0, 0, CacheTile, CacheTile).Add(image.Pt((i%SheetCols)*CacheTile, (i/SheetCols)*CacheTile))
		xdraw.ApproxBiLinear.Scale(sheet, r, t, t.Bounds(), xdraw.Src, nil)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, sheet); err != nil {
		return err
	}
	c := cached{Weights: a.Weights, Param: a.Param, Steps: a.Steps, Tile: CacheTile, Channels: a.Channels, Flat: a.Flat, Values: a.Values,
		PNG: base64.StdEncoding.EncodeToString(buf.Bytes())}
	js, err := json.Marshal(c)
	if err != nil {
		return err
	}
	if meta.Extra == nil {
		meta.Extra = map[string]string{}
	}
	meta.Extra[MetaKey(a.Layer, a.Param)] = string(js)
	return nil
}

// Cached returns the atlas of layer made with param ("": ParamPixel)
// stored in meta when it was made for net's current weights; ok is false
// when there is none or it is stale. Each parameterisation has its own
// entry: the other's atlas is never returned.
func Cached(meta nn.Metadata, net Network, layer, param string) (a *Atlas, ok bool, err error) {
	if param == "" {
		param = ParamPixel
	}
	s, found := meta.Extra[MetaKey(layer, param)]
	if !found {
		return nil, false, nil
	}
	var c cached
	if err := json.Unmarshal([]byte(s), &c); err != nil {
		return nil, false, fmt.Errorf("atlas: %s: %w", layer, err)
	}
	if c.Param == "" {
		c.Param = ParamPixel
	}
	if c.Param != param || c.Weights != WeightsHash(net) {
		return nil, false, nil
	}
	raw, err := base64.StdEncoding.DecodeString(c.PNG)
	if err != nil {
		return nil, false, fmt.Errorf("atlas: %s: %w", layer, err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, false, fmt.Errorf("atlas: %s: %w", layer, err)
	}
	n := len(c.Channels)
	if c.Tile <= 0 || len(c.Flat) != n || len(c.Values) != n || img.Bounds().Dx() < min(n, SheetCols)*c.Tile || img.Bounds().Dy() < ((n+SheetCols-1)/SheetCols)*c.Tile {
		return nil, false, fmt.Errorf("atlas: %s: expected %d tiles of %d px, received a %v sheet", layer, n, c.Tile, img.Bounds().Size())
	}
	a = &Atlas{Layer: layer, Weights: c.Weights, Param: c.Param, Steps: c.Steps, Channels: c.Channels, Flat: c.Flat, Values: c.Values}
	for i := range n {
		t := image.NewRGBA(image.Rect(0, 0, c.Tile, c.Tile))
		draw.Draw(t, t.Rect, img, image.Pt((i%SheetCols)*c.Tile, (i/SheetCols)*c.Tile), draw.Src)
		a.Tiles = append(a.Tiles, t)
	}
	return a, true, nil
}

// CachedLayers lists the layers meta holds atlases for (fresh or stale)
// made with param ("": ParamPixel).
func CachedLayers(meta nn.Metadata, param string) []string {
	prefix := MetaKey("", param)
	var out []string
	for k := range meta.Extra {
		if l, ok := strings.CutPrefix(k, prefix); ok {
			out = append(out, l)
		}
	}
	return out
}

// SheetCols is the number of tiles per row of an atlas, as the grid's 16.
const SheetCols = 16

// FlatColor marks the tile of a channel that stayed flat.
var FlatColor = color.RGBA{220, 40, 40, 255}

// Sheet lays the tiles out SheetCols per row, each scaled to tile pixels,
// gap pixels apart; a flat channel's tile gets a red frame.
func Sheet(tiles []*image.RGBA, flat []bool, tile, gap int) *image.RGBA {
	n := max(len(tiles), 1)
	rows, cols := (n+SheetCols-1)/SheetCols, min(n, SheetCols)
	out := image.NewRGBA(image.Rect(0, 0, cols*(tile+gap)+gap, rows*(tile+gap)+gap))
	draw.Draw(out, out.Rect, image.NewUniform(color.RGBA{30, 30, 30, 255}), image.Point{}, draw.Src)
	for i, t := range tiles {
		r := image.Rect(0, 0, tile, tile).Add(image.Pt(gap+(i%SheetCols)*(tile+gap), gap+(i/SheetCols)*(tile+gap)))
		xdraw.ApproxBiLinear.Scale(out, r, t, t.Bounds(), xdraw.Src, nil)
		if i < len(flat) && flat[i] {
			u := image.NewUniform(FlatColor)
			for _, e := range []image.Rectangle{
				{r.Min, image.Pt(r.Max.X, r.Min.Y+2)}, {image.Pt(r.Min.X, r.Max.Y-2), r.Max},
				{r.Min, image.Pt(r.Min.X+2, r.Max.Y)}, {image.Pt(r.Max.X-2, r.Min.Y), r.Max},
			} {
				draw.Draw(out, e, u, image.Point{}, draw.Src)
			}
		}
	}
	return out
}
