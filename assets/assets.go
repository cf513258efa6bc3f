// Package assets embeds what Convscope ships with: the app icon, the built-in
// models and their sample images. The icon is drawn by internal/tools/mkicon;
// the default (shapes) model was trained by Convscope on its built-in
// generated dataset and its samples come from that generator; the fashion
// model was trained by Convscope on Fashion-MNIST (MIT licence) and its
// samples are ten of Fashion-MNIST's test images (see README.md for the
// exact commands). Builtins lists the models; LookupBuiltin resolves the
// command line's builtin:NAME.
package assets

import (
	"embed"
	"io/fs"
)

// Icon is the 512×512 application icon.
//
//go:embed icon.png
var Icon []byte

// DefaultModel is the tutorial's network trained on the built-in generated
// dataset (circles vs crosses), as a Convscope safetensors file.
//
//go:embed default.safetensors
var DefaultModel []byte

//go:embed samples
var samples embed.FS

// Samples holds the sample images, one folder per class
// (circles/…, crosses/…).
var Samples fs.FS = mustSub(samples, "samples")

func mustSub(fsys fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(fsys, dir)
	if err != nil {
		panic(err)
	}
	return sub
}
