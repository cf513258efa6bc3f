package session

import (
	"slices"
	"testing"

	"github.com/convscope/convscope/internal/testutil"
	"github.com/convscope/convscope/nn"
)

// The session keeps Grad-CAM's layers of the last 4 models it was given;
// ExplainLayersOf answers from the newest entry for a model and computes
// the layers of a model it does not hold. The cached entries are made up
// ("a", "b", …) so that an answer from the cache cannot be mistaken for a
// computed one (the tiny network's layers are conv2d_1, conv2d_2, …).
func TestExplainLayersCache(t *testing.T) {
	models := make([]*Model, 6)
	for i := range models {
		models[i] = tinyModel(t, 12)
	}
	s := &Session{}
	for i, m := range models {
		s.cacheExplainLayers(m)
		if want := min(i+1, 4); len(s.explainLayers) != want {
			t.Fatalf("after %d models: %d cached, want %d", i+1, len(s.explainLayers), want)
		}
	}
	for i, c := range s.explainLayers {
		if c.m != models[i+2] || c.def != "conv2d_2" || len(c.layers) != 3 {
			t.Errorf("entry %d: model %d, layers %v, default %q; want model %d, 3 layers, conv2d_2", i, slices.Index(models, c.m), c.layers, c.def, i+2)
		}
	}
	s.explainLayers = []explainLayersOf{
		{models[4], []string{"e"}, "e"},
		{models[0], []string{"a"}, "a"},
		{models[1], []string{"b"}, "b"},
		{models[0], []string{"c"}, "c"},
		{models[2], []string{"d"}, "d"},
	}
	for _, c := range []struct {
		m      *Model
		layers []string
		def    string
	}{
		{models[0], []string{"c"}, "c"}, // the newer of two entries
		{models[1], []string{"b"}, "b"},
		{models[2], []string{"d"}, "d"},                                              // the last entry
		{models[4], []string{"e"}, "e"},                                              // the first entry
		{models[3], []string{"conv2d_1", "max_pooling2d_1", "conv2d_2"}, "conv2d_2"}, // not cached: computed
	} {
		layers, def := s.ExplainLayersOf(c.m)
		if !slices.Equal(layers, c.layers) || def != c.def {
			t.Errorf("model %d: %v %q, want %v %q", slices.Index(models, c.m), layers, def, c.layers, c.def)
		}
	}
}

// ClassNames has one name per output, and two for a single (sigmoid)
// output; classes without a name are "class i".
func TestClassNamesPerOutput(t *testing.T) {
	three := nn.Arch{InputShape: []int{4, 4, 1}, Layers: []nn.LayerConfig{
		{ClassName: "Flatten"},
		{ClassName: "Dense", Units: 3, Activation: "softmax"},
	}}
	net, err := three.Build()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		m    *Model
		want []string
	}{
		{tinyModel(t, 12), []string{"dark", "light"}},
		{&Model{Net: testutil.TinyNet(t, 12)}, []string{"class 0", "class 1"}},
		{&Model{Net: net, Classes: []string{"x", "y"}}, []string{"x", "y", "class 2"}},
	} {
		if got := ClassNames(c.m); !slices.Equal(got, c.want) {
			t.Errorf("ClassNames = %q, want %q", got, c.want)
		}
	}
}
