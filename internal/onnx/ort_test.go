package onnx

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/convscope/convscope/nn"
)

// ortScript runs an ONNX model with ONNX Runtime (onnxruntime-node) on the
// float32 NCHW input in argv[3] and prints the outputs as JSON.
const ortScript = `
const ort = require(process.argv[2]);
const fs = require('fs');
(async () => {
  const s = await ort.InferenceSession.create(process.argv[3]);
  const buf = fs.readFileSync(process.argv[4]);
  const shape = JSON.parse(process.argv[5]);
  const x = new ort.Tensor('float32', new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4), shape);
  const out = await s.run({[s.inputNames[0]]: x});
  console.log(JSON.stringify(s.outputNames.map(n => Array.from(out[n].data))));
})().catch(e => { console.error(String(e)); process.exit(1); });
`

// TestONNXRuntime runs exported models in ONNX Runtime and compares its
// outputs with the engine's (within 1e-5). It needs node and an
// onnxruntime-node package: set CONVSCOPE_ORT to its folder
// (npm install --ignore-scripts onnxruntime-node@1.30.0; then
// CONVSCOPE_ORT=$PWD/node_modules/onnxruntime-node). Skipped otherwise.
func TestONNXRuntime(t *testing.T) {
	ort := os.Getenv("CONVSCOPE_ORT")
	if ort == "" {
		t.Skip("CONVSCOPE_ORT not set: exported models not run in ONNX Runtime")
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node not installed")
	}
	g := zooGraph(t)
	se := seGraph(t) // Multiply (the gate, a square) and SiLU
	seq := tutorialNet(t)
	for name, c := range map[string]struct {
		export func() (*Model, error)
		in     []int
		run    func(x *nn.Tensor) []*nn.Tensor
	}{
		"graph": {func() (*Model, error) { return ExportGraph(g, nn.Metadata{}) }, g.InputShape(), func(x *nn.Tensor) []*nn.Tensor { g.Forward(x, false); return g.Outputs() }},
		"se":    {func() (*Model, error) { return ExportGraph(se, nn.Metadata{}) }, se.InputShape(), func(x *nn.Tensor) []*nn.Tensor { se.Forward(x, false); return se.Outputs() }},
		"sequential": {func() (*Model, error) { return ExportSequential(seq, nn.Metadata{}) }, seq.InputShape(),
			func(x *nn.Tensor) []*nn.Tensor { return []*nn.Tensor{seq.Forward(x, false)} }},
	} {
		t.Run(name, func(t *testing.T) {
			m, err := c.export()
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			path := filepath.Join(dir, "m.onnx")
			if err := WriteFile(path, m); err != nil {
				t.Fatal(err)
			}
			x := randomInput(c.in, 4)
			want := c.run(x)
			h, w, ch := c.in[0], c.in[1], c.in[2]
			var raw []byte
			for b := range 2 {
				for ci := range ch {
					for y := range h {
						for xx := range w {
							raw = binary.LittleEndian.AppendUint32(raw, math.Float32bits(x.Data[((b*h+y)*w+xx)*ch+ci]))
						}
					}
				}
			}
			os.WriteFile(filepath.Join(dir, "x.bin"), raw, 0o644)
			script := filepath.Join(dir, "run.js")
			os.WriteFile(script, []byte(ortScript), 0o644)
			shape, _ := json.Marshal([]int{2, ch, h, w})
			out, err := exec.Command("node", script, ort, path, filepath.Join(dir, "x.bin"), string(shape)).Output()
			if err != nil {
				t.Fatalf("onnxruntime: %v", err)
			}
			var got [][]float64
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			for i, o := range want {
				if len(got[i]) != len(o.Data) {
					t.Fatalf("output %d: %d values, want %d", i, len(got[i]), len(o.Data))
				}
				worst := 0.0
				for j, v := range o.Data {
					worst = math.Max(worst, math.Abs(got[i][j]-float64(v)))
				}
				if worst > 1e-5 {
					t.Errorf("output %d: ONNX Runtime differs by %.3g", i, worst)
				}
				t.Logf("output %d (%d values): max |ORT - engine| = %.3g", i, len(o.Data), worst)
			}
		})
	}
}
