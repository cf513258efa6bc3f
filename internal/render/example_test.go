package render_test

import (
	"fmt"

	"github.com/convscope/convscope/internal/render"
)

// A 2×2 layer with three channels: the second is a dead ReLU.
func ExampleLayerSheet() {
	act := []float32{
		0, 0, 1, 1, 0, 2, // pixel (0, 0), pixel (0, 1)
		2, 0, 3, 3, 0, 4, // pixel (1, 0), pixel (1, 1)
	}
	o := render.DefaultSheetOptions()
	o.TileSize = 8
	s := render.LayerSheet(nil, act, 2, 2, 3, o)
	fmt.Println(s.Image.Bounds(), s.Layout.Tile(1))
	fmt.Println(s.Stats.Dead, s.Stats.Channels[1].Dead, s.Stats.Channels[0].Mean)
	ch, ok := s.Layout.ChannelAt(13, 5)
	fmt.Println(ch, ok)
	// Output:
	// (0,0)-(32,25) (12,2)-(20,10)
	// 1 true 1.5
	// 1 true
}

func ExampleParseScaleMode() {
	m, _ := render.ParseScaleMode("minmax")
	fmt.Println(m, render.ScaleModeNames())
	// Output: minmax [standardize minmax layer]
}

func ExampleColorBarTicks() {
	fmt.Println(render.ColorBarTicks(render.Standardize, 0, 0))
	fmt.Println(render.ColorBarTicks(render.Layer, 0, 2))
	// Output:
	// [−2σ −1σ μ +1σ +2σ]
	// [0 0.5 1 1.5 2]
}
