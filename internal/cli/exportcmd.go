package cli

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/convscope/convscope/internal/onnx"
	"github.com/convscope/convscope/nn"
)

const exportHelp = `Writes the model as an ONNX file (opset 13, or 14 for HardSwish; NCHW
input (N, C, H, W) with a dynamic batch) that ONNX Runtime, Netron and
other ONNX tools open. Class names and preprocessing go into the file's
metadata_props. Importing the file back gives the same outputs.
Without --model, the embedded default model.
`

// runExport writes a model as ONNX.
func runExport(e *env, args []string) error {
	fs := newFlagSet("export", "convscope export [--model FILE] --out FILE.onnx", exportHelp)
	model := fs.String("model", "", "the model `FILE` (.safetensors, .h5, .keras, or .onnx to re-export), or builtin:shapes (the default) or builtin:fashion")
	out := fs.String("out", "", "the ONNX `FILE` to write")
	preset := fs.String("preprocess", "", preprocessUsage)
	if err := fs.parseNoArgs(e.stdout, args); err != nil {
		return err
	}
	if *out == "" {
		return fs.bad("--out is required")
	}
	if err := checkPreprocess(fs, *model, *preset); err != nil {
		return err
	}
	var om *onnx.Model
	if isONNX(*model) {
		m, err := loadONNX(*model, *preset, false)
		if err != nil {
			return err
		}
		if om, err = onnx.ExportGraph(m.g, m.meta); err != nil {
			return err
		}
	} else if strings.EqualFold(filepath.Ext(*model), ".safetensors") {
		g, meta, err := nn.LoadGraphFile(*model) // Sequential files load as a chain
		if err != nil {
			return err
		}
		if om, err = onnx.ExportGraph(g, meta); err != nil {
			return err
		}
	} else { // the default, builtin:NAME, Keras .h5/.keras (read as Keras' files, not as safetensors)
		m, err := loadModel(*model, "", e.stderr)
		if err != nil {
			return err
		}
		meta := m.Meta
		meta.ClassNames = m.Classes
		if m.Graph != nil {
			om, err = onnx.ExportGraph(m.Graph, meta)
		} else {
			om, err = onnx.ExportSequential(m.Net, meta)
		}
		if err != nil {
			return err
		}
	}
	if err := onnx.WriteFile(*out, om); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s (opset %d, %d nodes)\n", *out, om.Opset(), len(om.Graph.Nodes))
	return nil
}
