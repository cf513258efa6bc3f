// Package assets embeds what Convscope ships with: the app icon, the default
// model's weights and sample images.
package assets

import _ "embed"

// Icon is the 512×512 application icon (drawn by internal/tools/mkicon).
//
//go:embed icon.png
var Icon []byte
