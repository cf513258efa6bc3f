package app

import (
	"github.com/convscope/convscope/assets"
	"github.com/convscope/convscope/internal/workbench"
)

// embeddedModel returns the default model's safetensors bytes. If they fail
// to load, workbench.DefaultModel falls back to the reference architecture
// with fresh weights and says so.
func embeddedModel() []byte { return assets.DefaultModel }

// defaultSamples returns the embedded sample images, or images drawn by the
// built-in generator should there be none.
func defaultSamples() []workbench.Sample {
	if s := workbench.SamplesFromFS(assets.Samples); len(s) > 0 {
		return s
	}
	return workbench.GeneratedSamples(8)
}
