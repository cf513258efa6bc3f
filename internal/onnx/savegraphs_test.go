package onnx

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/convscope/convscope/nn"
)

// TestSaveImportedGraphs writes the torchvision models of
// CONVSCOPE_ONNX_DIR, imported as BenchmarkImportedInference imports them
// (BatchNorm folded, activations fused), as graph .safetensors files into
// CONVSCOPE_SAVE_GRAPHS, for nn's benchmarks that read a folder of graphs
// (BenchmarkGraphNodes, BenchmarkFastPathsAB). Skipped unless both are set.
func TestSaveImportedGraphs(t *testing.T) {
	out := os.Getenv("CONVSCOPE_SAVE_GRAPHS")
	if out == "" || os.Getenv("CONVSCOPE_ONNX_DIR") == "" {
		t.Skip("set CONVSCOPE_ONNX_DIR and CONVSCOPE_SAVE_GRAPHS")
	}
	for _, name := range []string{"mobilenet_v2", "squeezenet1_1", "mobilenet_v3_small", "efficientnet_b0", "resnet18"} {
		path := filepath.Join(onnxBenchDir(), name+".onnx")
		if _, err := os.Stat(path); err != nil {
			continue
		}
		g, meta, err := Load(path, Options{ImportOptions: ImportOptions{FuseActivations: true, FoldBatchNorm: true}})
		if err != nil {
			t.Fatal(err)
		}
		if err := nn.SaveGraphFile(filepath.Join(out, name+".safetensors"), g, meta); err != nil {
			t.Fatal(err)
		}
	}
}
