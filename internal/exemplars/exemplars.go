// Package exemplars finds, for every channel of a network's map layers, the
// dataset images that excite it most: the K images (DeepVis' top 9; Yosinski
// et al., "Understanding neural networks through deep visualization", 2015)
// with the highest maximum activation over the channel's map, each with the
// position of that maximum and its receptive field on the network input
// (the image patch the channel saw there).
//
// A Collector observes the layer outputs of forward passes as they happen —
// the validation passes of training (nn.FitConfig.OnValidationBatch) or a
// scan over a folder (ScanFolder) — so gathering costs one pass over each
// map per image and no extra forward pass; for a Sequential model whose
// 2×2 poolings run fused with their convolutions, the forward pass itself
// records each pooled row's per-channel block maxima while the row is in
// cache (nn.Sequential.SetPoolMaxima, turned on by NewCollector for
// inference passes), and the collector reads only those and a few values
// around each maximum. Each image enters a channel's
// list at most once (its best position); an image seen again (the same
// validation set every epoch) keeps its newest value.
package exemplars

import (
	"fmt"
	"sort"

	"github.com/convscope/convscope/internal/model"
	"github.com/convscope/convscope/internal/receptive"
	"github.com/convscope/convscope/nn"
)

// DefaultTop is the number of exemplars kept per channel (DeepVis' top 9).
const DefaultTop = 9

// Entry is one exemplar of a channel.
type Entry struct {
	Image string  // the image's name (its file path for a folder scan)
	Value float32 // the channel's maximum over the image's map
	Y, X  int     // where the maximum is (the first in row-major order)
	// Patch is the receptive field of (Y, X): the input pixels behind it.
	Patch receptive.Box

	id int32 // the collector's number for Image (Collector.ids), 0: none
}

// Layer holds one map layer's exemplars.
type Layer struct {
	Name    string
	Index   int // position in the model's outputs (Sequential layers, graph nodes)
	H, W, C int
	// Top[c] lists channel c's exemplars, highest value first (ties keep
	// the order the images came in).
	Top [][]Entry

	rows, cols [][2]int // receptive field of each row and column
	plan       int      // index in Collector.plan
}

// Collector gathers exemplars for some map layers of a Sequential model or
// a graph.
// It is not safe for concurrent use.
type Collector struct {
	K       int
	Layers  []*Layer
	byName  map[string]*Layer
	plan    []scanItem
	scratch [][]sampleMax // [sample][plan item]
	// src gives the block maxima of the pooled maps that the forward pass
	// computed (nn.Sequential.PoolMaxima) for the net NewCollector got,
	// or nil.
	src maximaSource
	// ids numbers the image names seen (from 1), so that offer compares
	// numbers, not strings, for each of a layer's channels.
	ids    map[string]int32
	idsNow []int32 // this Observe's samples' numbers
}

// maximaSource is a network that computes its fused poolings' block
// maxima during inference forward passes (*nn.Sequential).
type maximaSource interface {
	SetPoolMaxima(on bool)
	PoolMaxima(i int) ([]float32, int, bool)
	Outputs() []*nn.Tensor
}

// Network is a model a Collector observes: *nn.Sequential or *nn.Graph.
type Network interface {
	InputShape() []int
}

// netNode is one layer or node of a Network, in the order of its outputs
// (Sequential.Outputs, Graph.Activations).
type netNode struct {
	name   string
	cfg    nn.LayerConfig
	inputs []string
	shape  []int
	isMap  bool // a default layer to collect
}

// nodesOf lists net's layers and its receptive fields.
func nodesOf(net Network) ([]netNode, *receptive.Net, error) {
	var out []netNode
	switch n := net.(type) {
	case *nn.Sequential:
		prev := nn.InputName
		for i, l := range n.Layers() {
			shape := n.LayerOutputShape(i)
			out = append(out, netNode{name: l.Name(), cfg: l.Config(), inputs: []string{prev}, shape: shape, isMap: model.IsMapLayer(l, shape)})
			prev = l.Name()
		}
		rf, err := receptive.FromSequential(n)
		return out, rf, err
	case *nn.Graph:
		for _, info := range n.Nodes() {
			out = append(out, netNode{name: info.Name, cfg: info.Layer.Config(), inputs: info.Inputs, shape: info.OutputShape, isMap: len(info.OutputShape) == 3})
		}
		rf, err := receptive.FromGraph(n)
		return out, rf, err
	}
	return nil, nil, fmt.Errorf("exemplars: expected a Sequential or graph model, received %T", net)
}

// NewCollector prepares a collector for the named map layers of net, a
// Sequential model or a graph (all of them when names is empty: the
// convolutions and poolings of a Sequential model, every node with channel
// maps of a graph), keeping k exemplars per channel.
func NewCollector(net Network, names []string, k int) (*Collector, error) {
	if k < 1 {
		return nil, fmt.Errorf("exemplars: expected at least 1 exemplar per channel, received %d", k)
	}
	nodes, rf, err := nodesOf(net)
	if err != nil {
		return nil, err
	}
	c := &Collector{K: k, byName: map[string]*Layer{}}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	var mapNames []string
	for i, nd := range nodes {
		if !nd.isMap && !(want[nd.name] && len(nd.shape) == 3) {
			continue
		}
		mapNames = append(mapNames, nd.name)
		if len(names) > 0 && !want[nd.name] {
			continue
		}
		delete(want, nd.name)
		shape := nd.shape
		ly := &Layer{Name: nd.name, Index: i, H: shape[0], W: shape[1], C: shape[2], Top: make([][]Entry, shape[2])}
		for y := range ly.H {
			b, _ := rf.Field(ly.Name, y, 0)
			ly.rows = append(ly.rows, [2]int{b.Y0, b.Y1})
		}
		for x := range ly.W {
			b, _ := rf.Field(ly.Name, 0, x)
			ly.cols = append(ly.cols, [2]int{b.X0, b.X1})
		}
		c.Layers = append(c.Layers, ly)
		c.byName[ly.Name] = ly
	}
	for n := range want {
		return nil, fmt.Errorf("exemplars: expected a map layer (%v), received %q", mapNames, n)
	}
	c.makePlan(nodes)
	if src, ok := net.(maximaSource); ok && !noForwardMaxima {
		src.SetPoolMaxima(true)
		c.src = src
	}
	return c, nil
}

// noForwardMaxima keeps NewCollector from using the forward pass's
// maxima (tests and BenchmarkObserveOverhead's comparison).
var noForwardMaxima bool

// Layer returns the named layer's exemplars, or nil.
func (c *Collector) Layer(name string) *Layer { return c.byName[name] }

// Observe takes the outputs of a forward pass (Sequential.Outputs or
// Graph.Activations: one tensor per layer or node, batch first) and the names of the batch's images
// (names[i] for sample i; an empty name skips the sample). The maps are
// scanned in parallel, one goroutine per sample up to GOMAXPROCS.
func (c *Collector) Observe(outs []*nn.Tensor, names []string) {
	n := min(len(names), outs[0].Shape[0])
	for len(c.scratch) < n {
		c.scratch = append(c.scratch, make([]sampleMax, len(c.plan)))
	}
	parallelFor(n, func(s int) {
		if names[s] == "" {
			return
		}
		sm := c.scratch[s]
		for k, it := range c.plan {
			size := it.h * it.w * it.c
			data := outs[it.index].Data[s*size : (s+1)*size]
			if mx, nb, ok := c.maxima(outs, it.index); ok {
				per := it.h * nb * it.c
				sm[k].fromMaxima(data, mx[s*per:(s+1)*per], it.w, it.c, nb)
				continue
			}
			if it.pooled >= 0 {
				p := c.plan[it.pooled]
				psize := p.h * p.w * p.c
				pdata := outs[p.index].Data[s*psize : (s+1)*psize]
				sm[k].scanPooled(data, it.h, it.w, it.c, &sm[it.pooled], pdata, p.h, p.w)
			} else {
				sm[k].scan(data, it.c)
			}
		}
	})
	if c.ids == nil {
		c.ids = map[string]int32{}
	}
	c.idsNow = c.idsNow[:0]
	for _, name := range names[:n] {
		id, ok := c.ids[name]
		if !ok {
			id = int32(len(c.ids) + 1)
			c.ids[name] = id
		}
		c.idsNow = append(c.idsNow, id)
	}
	for _, ly := range c.Layers { // channel by channel: its list stays in cache for the batch
		for ch := range ly.C {
			for s, name := range names[:n] {
				if name != "" {
					sm := &c.scratch[s][ly.plan]
					c.offer(ly, ch, name, c.idsNow[s], sm.maxv[ch], sm.arg[ch])
				}
			}
		}
	}
}

// maxima returns the block maxima the forward pass computed for output
// i, when outs are the outputs of c.src's last forward pass.
func (c *Collector) maxima(outs []*nn.Tensor, i int) ([]float32, int, bool) {
	if c.src == nil {
		return nil, 0, false
	}
	own := c.src.Outputs()
	if i >= len(own) || own[i] != outs[i] {
		return nil, 0, false
	}
	return c.src.PoolMaxima(i)
}

// offer puts (name, v) into channel ch's list if it belongs there; id is
// name's number (c.ids).
func (c *Collector) offer(ly *Layer, ch int, name string, id int32, v float32, at int) {
	top := ly.Top[ch]
	for i := range top {
		if top[i].id == id || top[i].id == 0 && top[i].Image == name { // seen before: drop the old entry
			top = append(top[:i], top[i+1:]...)
			break
		}
	}
	if len(top) == c.K && !(v > top[len(top)-1].Value) {
		ly.Top[ch] = top
		return
	}
	i := sort.Search(len(top), func(i int) bool { return top[i].Value < v })
	y, x := at/ly.W, at%ly.W
	r, q := ly.rows[y], ly.cols[x]
	e := Entry{Image: name, Value: v, Y: y, X: x, Patch: receptive.Box{Y0: r[0], X0: q[0], Y1: r[1], X1: q[1]}, id: id}
	top = append(top, Entry{})
	copy(top[i+1:], top[i:])
	top[i] = e
	if len(top) > c.K {
		top = top[:c.K]
	}
	ly.Top[ch] = top
}

// Named is a batch source that names the samples of its last batch
// (dataset.Iterator: file paths; the generated data: "generated image N").
type Named interface {
	LastNames() []string
}

// ValidationHook returns a function for nn.FitConfig.OnValidationBatch
// that shows every validation batch's outputs of net to c, naming the
// images as val does. val must implement Named.
func (c *Collector) ValidationHook(net *nn.Sequential, val nn.BatchSource) (func(epoch, step int), error) {
	named, ok := val.(Named)
	if !ok {
		return nil, fmt.Errorf("exemplars: expected a validation source that names its images, received %T", val)
	}
	return func(epoch, step int) { c.Observe(net.Outputs(), named.LastNames()) }, nil
}
