package model

import (
	"slices"
	"strings"
)

// goPackagePrefixes are the "pkg: " prefixes our Go packages put on their
// errors; they name code, not anything the user sees ("dataset: folder x
// has only one class subfolder", "…/m.safetensors: nn: safetensors:
// header length …"). Format names (onnx, keras, hdf5, safetensors, arch)
// stay: they say which kind of file was being read.
var goPackagePrefixes = []string{"nn", "dataset", "session", "explain", "atlas", "transfer", "exemplars", "receptive", "render"}

// UserMessage is an error message as the app's dialogs and the command
// line show it: goPackagePrefixes removed at its start and after each
// ": " ("A.json: nn: layer 1 …" → "A.json: layer 1 …").
func UserMessage(msg string) string {
	parts := strings.Split(msg, ": ")
	out := parts[:0]
	for i, p := range parts {
		if i < len(parts)-1 && slices.Contains(goPackagePrefixes, p) {
			continue
		}
		out = append(out, p)
	}
	return strings.Join(out, ": ")
}
