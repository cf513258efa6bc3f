package cli

import "testing"

// TestOneLineDropsPackagePrefixes: errors printed "A.json: nn: layer 1 …"
// and "m.safetensors: nn: safetensors: …"; our Go packages' prefixes go
// wherever they are, format names stay (as in the app's dialogs).
func TestOneLineDropsPackagePrefixes(t *testing.T) {
	tests := []struct{ in, want string }{
		{"nn: safetensors: header too long", "safetensors: header too long"},
		{"A.json: nn: layer 1 (conv2d_1, Conv2D): Conv2D: too large", "A.json: layer 1 (conv2d_1, Conv2D): Conv2D: too large"},
		{"transfer: head: nn: graph: node \"d\"", "head: graph: node \"d\""},
		{"dataset: folder x\nhas one class", "folder x has one class"},
		{"m.onnx: onnx: unsupported operator", "m.onnx: onnx: unsupported operator"},
		{"reading nn", "reading nn"},
		{"value: nn", "value: nn"}, // the last part is the message itself
	}
	for _, tt := range tests {
		if got := oneLine(tt.in); got != tt.want {
			t.Errorf("oneLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestClassPhrase: "gradcam of class class 603" for a model whose classes
// have generic names.
func TestClassPhrase(t *testing.T) {
	tests := []struct{ in, want string }{
		{"class 603", "class 603"},
		{"cats", "class cats"},
		{"classic car", "class classic car"},
	}
	for _, tt := range tests {
		if got := classPhrase(tt.in); got != tt.want {
			t.Errorf("classPhrase(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
