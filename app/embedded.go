package app

import (
	"github.com/convscope/convscope/internal/workbench"
)

// embeddedModel returns the default model's safetensors bytes, or nil
// while assets has none: the app then shows the reference architecture
// with fresh weights (workbench.DefaultModel), which is also what happens
// when the embedded bytes fail to load.
//
// Once assets embeds the trained model this becomes
// `return assets.DefaultModel`.
func embeddedModel() []byte { return nil }

// defaultSamples returns the sample images. Once assets embeds sample
// PNGs this becomes
//
//	if s := workbench.SamplesFromFS(assets.Samples); len(s) > 0 {
//		return s
//	}
//
// before falling back to images drawn by the built-in generator.
func defaultSamples() []workbench.Sample { return workbench.GeneratedSamples(8) }
