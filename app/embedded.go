package app

import (
	"github.com/convscope/convscope/internal/workbench"
)

// embeddedModel returns the default model's safetensors bytes, or nil
// while assets has none (the app then uses fresh reference weights).
func embeddedModel() []byte { return nil }

// defaultSamples returns the sample images: the embedded ones, or
// generated ones while assets has none.
func defaultSamples() []workbench.Sample { return workbench.GeneratedSamples(8) }
