package exemplars

import (
	"context"
	"image"
	"image/color"
	"image/png"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/convscope/convscope/assets"
	"github.com/convscope/convscope/internal/dataset"
	"github.com/convscope/convscope/internal/model"
	"github.com/convscope/convscope/internal/receptive"
)

// writeImages writes n random images (blobs of colour on noise) of varied
// sizes into a temporary folder, and one file that is not an image.
func writeImages(t *testing.T, n int) string {
	dir := t.TempDir()
	rng := rand.New(rand.NewSource(3))
	for i := range n {
		w, h := 60+rng.Intn(120), 60+rng.Intn(120)
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		for p := range img.Pix {
			img.Pix[p] = uint8(rng.Intn(60))
		}
		for range 3 {
			cx, cy, r := rng.Intn(w), rng.Intn(h), 5+rng.Intn(20)
			col := color.RGBA{uint8(rng.Intn(256)), uint8(rng.Intn(256)), uint8(rng.Intn(256)), 255}
			for y := max(cy-r, 0); y < min(cy+r, h); y++ {
				for x := max(cx-r, 0); x < min(cx+r, w); x++ {
					img.Set(x, y, col)
				}
			}
		}
		f, err := os.Create(filepath.Join(dir, "img"+string(rune('a'+i))+".png"))
		if err != nil {
			t.Fatal(err)
		}
		png.Encode(f, img)
		f.Close()
	}
	os.WriteFile(filepath.Join(dir, "broken.png"), []byte("not a png"), 0o644)
	return dir
}

func defaultModel(t testing.TB) *model.Model {
	m, err := model.Read(assets.DefaultModel, "default")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// graphModel is the tutorial's architecture exported from PyTorch to ONNX
// (62×62 input; Conv, Relu and MaxPool nodes): a graph.
func graphModel(t testing.TB) *model.Model {
	m, err := model.Open("../onnx/testdata/parity/tutorial.onnx")
	if err != nil {
		t.Fatal(err)
	}
	if m.Graph == nil {
		t.Fatal("tutorial.onnx: not a graph")
	}
	return m
}

// A brute-force scan — every image alone, every value of every map — finds
// the same top 9, with the same values and positions, on the tutorial's
// Sequential model (8 map layers) and on a graph (12 nodes with maps, each
// ReLU read by a 2×2 max pooling).
func TestScanMatchesBruteForce(t *testing.T) {
	dir := writeImages(t, 14)
	files, err := ListImages(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		m       *model.Model
		layers  int
		scanned bool // the maps scanned after the forward pass, not its block maxima
	}{{"sequential", defaultModel(t), 8, false}, {"sequential, scanned", defaultModel(t), 8, true}, {"graph", graphModel(t), 12, false}} {
		t.Run(tc.name, func(t *testing.T) {
			noForwardMaxima = tc.scanned
			defer func() { noForwardMaxima = false }()
			checkScan(t, tc.m, files, tc.layers)
			if tc.m.Net == nil {
				return
			}
			for i := 1; i < 8; i += 2 { // the poolings' maxima came from the forward pass
				if _, _, ok := tc.m.Net.PoolMaxima(i); ok == tc.scanned {
					t.Errorf("layer %d: forward-pass maxima %v, want %v", i, ok, !tc.scanned)
				}
			}
		})
	}
}

func checkScan(t *testing.T, m *model.Model, files []string, layers int) {
	var net Network = m.Net
	var rf *receptive.Net
	var err error
	if m.Graph != nil {
		net = m.Graph
		rf, err = receptive.FromGraph(m.Graph)
	} else {
		rf, err = receptive.FromSequential(m.Net)
	}
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewCollector(net, nil, DefaultTop)
	if err != nil {
		t.Fatal(err)
	}
	var calls []int
	skipped, err := ScanFiles(context.Background(), m, files, c, 4, func(done, total int) { calls = append(calls, done) })
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) != 1 || len(calls) != 4 || calls[3] != 15 {
		t.Fatalf("skipped %v, progress %v", skipped, calls)
	}
	// Scanning again changes nothing: an image enters a list once.
	if _, err := ScanFiles(context.Background(), m, files[:5], c, 3, nil); err != nil {
		t.Fatal(err)
	}

	type cand struct {
		img  string
		v    float32
		y, x int
	}
	all := map[string][][]cand{} // layer → channel → candidates
	for _, f := range files {
		img, err := dataset.LoadImageFile(f, dataset.DefaultMaxPixels)
		if err != nil {
			continue
		}
		in, err := m.Prepare(f, f, img)
		if err != nil {
			t.Fatal(err)
		}
		outs := m.Activations(in.Tensor)
		for _, ly := range c.Layers {
			if all[ly.Name] == nil {
				all[ly.Name] = make([][]cand, ly.C)
			}
			o := outs[ly.Index]
			for ch := range ly.C {
				best := cand{img: f, v: o.Data[ch]}
				for y := range ly.H {
					for x := range ly.W {
						if v := o.Data[(y*ly.W+x)*ly.C+ch]; v > best.v {
							best.v, best.y, best.x = v, y, x
						}
					}
				}
				all[ly.Name][ch] = append(all[ly.Name][ch], best)
			}
		}
	}
	if len(c.Layers) != layers {
		t.Fatalf("%d map layers, want %d", len(c.Layers), layers)
	}
	for _, ly := range c.Layers {
		for ch := range ly.C {
			want := all[ly.Name][ch]
			sort.SliceStable(want, func(i, j int) bool { return want[i].v > want[j].v })
			want = want[:DefaultTop]
			got := ly.Top[ch]
			if len(got) != len(want) {
				t.Fatalf("%s/%d: %d exemplars, want %d", ly.Name, ch, len(got), len(want))
			}
			for r := range want {
				g, w := got[r], want[r]
				if g.Value != w.v || (g.Image != w.img && g.Value != got[min(r+1, len(got)-1)].Value) {
					t.Errorf("%s/%d rank %d: got %s %g, want %s %g", ly.Name, ch, r, g.Image, g.Value, w.img, w.v)
				}
				if g.Image == w.img && (g.Y != w.y || g.X != w.x) {
					t.Errorf("%s/%d rank %d: at (%d, %d), want (%d, %d)", ly.Name, ch, r, g.Y, g.X, w.y, w.x)
				}
				if p, _ := rf.Field(ly.Name, g.Y, g.X); p != g.Patch {
					t.Errorf("%s/%d rank %d: patch %v, want %v", ly.Name, ch, r, g.Patch, p)
				}
			}
		}
	}
}

func TestCollectorErrors(t *testing.T) {
	m := defaultModel(t)
	if _, err := NewCollector(m.Net, []string{"dense_1"}, 9); err == nil {
		t.Error("dense_1 accepted as a map layer")
	}
	if _, err := NewCollector(m.Net, nil, 0); err == nil {
		t.Error("k = 0 accepted")
	}
	if _, err := ListImages(t.TempDir()); err == nil {
		t.Error("empty folder: no error")
	}
}
