package workbench

import (
	"errors"
	"image"
	"sync"
	"time"

	"github.com/convscope/convscope/internal/dataset"
	"github.com/convscope/convscope/internal/model"
	"github.com/convscope/convscope/nn"
)

// Timing says where a frame's time went.
type Timing struct {
	Load, Forward, Render time.Duration
	// Total runs from the request (Open, SetView, …) to the frame.
	Total time.Duration
}

// Frame is everything the Activations page shows for one image, model and
// view. A frame is immutable once published: the next one uses new buffers.
type Frame struct {
	Model      *Model
	Input      *Input
	Prediction Prediction
	Layers     []*LayerView
	View       View
	Timing     Timing
	// Live is set for frames computed from a training snapshot.
	Live bool
}

// LayerView is one conv or pool layer of a frame.
type LayerView struct {
	// Index is the layer's position in the model.
	Index int
	Name  string
	Kind  string
	// Shape is the per-sample output shape (H, W, C).
	Shape []int
	// Act is the layer's activation for the image, shape (1, H, W, C).
	Act *nn.Tensor
	// Min and Max are the range of Act.
	Min, Max float32
	// Sheet is the rendered grid of channels.
	Sheet *Sheet
}

// Bench holds the model and image on screen and computes frames on its own
// goroutine: requests (a new image, model, view or live weights) coalesce,
// and a new image or model abandons work for the previous one.
type Bench struct {
	// OnFrame receives each new frame, on the bench goroutine.
	OnFrame func(*Frame)
	// OnError receives images that failed to open, on the bench goroutine.
	OnError func(error)

	mu      sync.Mutex
	model   *Model
	input   *Input
	loader  Loader // pending image load
	ldName  string
	ldPath  string
	ldPrev  uint64 // dataGen before the pending load
	view    View
	dataGen uint64 // bumped by a new image or model: abandons work
	viewGen uint64 // bumped by a new view: abandons rendering
	wGen    uint64 // bumped by new live weights: recompute, no abandon
	reqTime time.Time
	live    bool
	frame   *Frame
	cache   *actCache
	free    map[string][]*Sheet // released sheets by layer name, for reuse

	netMu sync.Mutex // guards model.Net's weights and buffers

	wake chan struct{}
	quit chan struct{}
	done chan struct{}
	idle *sync.Cond
	busy bool
}

// actCache keeps the activations of the last forward pass for re-renders.
type actCache struct {
	dataGen, wGen uint64
	layers        []*LayerView // Sheet unset
	pred          Prediction
	forward       time.Duration
	load          time.Duration
}

// NewBench starts a bench for model m with the default view.
func NewBench(m *Model) *Bench {
	b := &Bench{model: m, view: DefaultView(), wake: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	b.idle = sync.NewCond(&b.mu)
	go b.run()
	return b
}

// Close stops the bench goroutine and waits for it.
func (b *Bench) Close() {
	select {
	case <-b.quit:
	default:
		close(b.quit)
	}
	<-b.done
}

// Model returns the model on the bench.
func (b *Bench) Model() *Model {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.model
}

// Input returns the image on the bench (nil before the first one).
func (b *Bench) Input() *Input {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.input
}

// Frame returns the last frame published (nil before the first one).
func (b *Bench) Frame() *Frame {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.frame
}

// View returns the current view settings.
func (b *Bench) View() View {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.view
}

func (b *Bench) signal() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// Open replaces the image: load runs on the bench goroutine, then the
// image is preprocessed, run through the model and rendered. Failures go
// to OnError as *OpenError and leave the current image on screen.
func (b *Bench) Open(name, path string, load Loader) {
	b.mu.Lock()
	if b.loader == nil {
		b.ldPrev = b.dataGen
	}
	b.loader, b.ldName, b.ldPath = load, name, path
	b.dataGen++
	b.reqTime = time.Now()
	b.mu.Unlock()
	b.signal()
}

// OpenFile opens an image file.
func (b *Bench) OpenFile(path string) {
	b.Open(baseName(path), path, func() (image.Image, error) { return dataset.LoadImageFile(path, 0) })
}

// SetModel replaces the model (the image stays). The bench owns m.Net
// from now on.
func (b *Bench) SetModel(m *Model) {
	b.netMu.Lock() // wait for a forward pass on the old model
	b.mu.Lock()
	b.model = m
	b.dataGen++
	b.ldPrev = b.dataGen // a failing pending load must not revive the old model's activations
	b.live = false
	b.reqTime = time.Now()
	b.mu.Unlock()
	b.netMu.Unlock()
	b.signal()
}

// SetView changes colormap, scale, tile size or columns; only rendering is
// redone.
func (b *Bench) SetView(v View) {
	b.mu.Lock()
	if v == b.view {
		b.mu.Unlock()
		return
	}
	b.view = v
	b.viewGen++
	b.reqTime = time.Now()
	b.mu.Unlock()
	b.signal()
}

// LiveWeights copies src's weights into the model on the bench and
// recomputes the frame. Call it from the goroutine that owns src (a
// training batch callback); src must have the bench model's architecture.
func (b *Bench) LiveWeights(src *nn.Sequential) error {
	b.netMu.Lock()
	b.mu.Lock()
	m := b.model
	b.mu.Unlock()
	err := m.Net.CopyWeightsFrom(src)
	b.netMu.Unlock()
	if err != nil {
		return err
	}
	b.mu.Lock()
	b.wGen++
	b.live = true
	b.reqTime = time.Now()
	b.mu.Unlock()
	b.signal()
	return nil
}

// WithNet runs fn with the bench's network while no forward pass or live
// update touches it: for saving the model.
func (b *Bench) WithNet(fn func(m *Model) error) error {
	b.netMu.Lock()
	defer b.netMu.Unlock()
	return fn(b.Model())
}

// Wait blocks until the bench has nothing left to do (for tests and for
// measuring).
func (b *Bench) Wait() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.busy || b.pendingLocked() {
		b.idle.Wait()
	}
}

func (b *Bench) pendingLocked() bool {
	if b.loader != nil {
		return true
	}
	if b.input == nil {
		return false
	}
	c := b.cache
	f := b.frame
	return c == nil || c.dataGen != b.dataGen || c.wGen != b.wGen || f == nil || f.View != b.view
}

// Release gives the sheets of a frame that is no longer on screen back to
// the bench, which renders later frames into them (saving the allocation
// and background fill of fresh images). Call it only once nothing reads
// f's sheet images any more; f's activations stay valid.
func (b *Bench) Release(f *Frame) {
	if f == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.frame == f {
		return // never recycle the bench's current frame
	}
	if b.free == nil {
		b.free = map[string][]*Sheet{}
	}
	for _, l := range f.Layers {
		if l.Sheet == nil || len(b.free[l.Name]) >= 2 {
			continue
		}
		b.free[l.Name] = append(b.free[l.Name], l.Sheet)
		l.Sheet = nil
	}
}

// takeSheet returns a released sheet for the layer, or nil.
func (b *Bench) takeSheet(name string) *Sheet {
	b.mu.Lock()
	defer b.mu.Unlock()
	fl := b.free[name]
	if len(fl) == 0 {
		return nil
	}
	s := fl[len(fl)-1]
	b.free[name] = fl[:len(fl)-1]
	return s
}

// errStale aborts work that a newer request made pointless.
var errStale = errors.New("stale")

func (b *Bench) run() {
	defer close(b.done)
	for {
		select {
		case <-b.quit:
			b.mu.Lock()
			b.busy = false
			b.idle.Broadcast()
			b.mu.Unlock()
			return
		case <-b.wake:
		}
		for {
			b.mu.Lock()
			if !b.pendingLocked() {
				b.busy = false
				b.idle.Broadcast()
				b.mu.Unlock()
				break
			}
			b.busy = true
			b.mu.Unlock()
			b.step()
		}
	}
}

// step does one unit of pending work: load an image, or compute a frame.
func (b *Bench) step() {
	b.mu.Lock()
	if load := b.loader; load != nil {
		name, path, gen, prev := b.ldName, b.ldPath, b.dataGen, b.ldPrev
		m := b.model
		b.loader = nil
		b.mu.Unlock()
		t0 := time.Now()
		in, err := prepareInput(m, name, path, load)
		b.mu.Lock()
		if gen != b.dataGen { // a newer image or model arrived
			b.mu.Unlock()
			return
		}
		if err != nil {
			// The image on screen stays; so do its activations if they
			// were current before the failed open.
			if b.cache != nil && b.cache.dataGen == prev {
				b.cache.dataGen = gen
			}
			b.mu.Unlock()
			b.report(&OpenError{Name: name, Err: err})
			return
		}
		b.input = in
		b.cache = &actCache{dataGen: ^uint64(0), load: time.Since(t0)}
		b.mu.Unlock()
		return
	}
	m, in, view := b.model, b.input, b.view
	dataGen, viewGen, wGen := b.dataGen, b.viewGen, b.wGen
	start, live := b.reqTime, b.live
	cache := b.cache
	b.mu.Unlock()

	if cache == nil || cache.dataGen != dataGen || cache.wGen != wGen {
		if !fits(m, in) { // the model changed: preprocess the image again
			in2, err := prepareInput(m, in.Name, in.Path, func() (image.Image, error) { return in.Original, nil })
			if err != nil {
				b.report(&OpenError{Name: in.Name, Err: err})
				b.mu.Lock()
				if dataGen == b.dataGen {
					b.input = nil
				}
				b.mu.Unlock()
				return
			}
			b.mu.Lock()
			if dataGen != b.dataGen {
				b.mu.Unlock()
				return
			}
			b.input, in = in2, in2
			b.mu.Unlock()
		}
		c, err := b.forward(m, in, dataGen, wGen)
		if err != nil {
			return
		}
		if cache != nil {
			c.load = cache.load
		}
		b.mu.Lock()
		if dataGen != b.dataGen {
			b.mu.Unlock()
			return
		}
		b.cache = c
		b.mu.Unlock()
		cache = c
	}
	t0 := time.Now()
	stale := func() bool {
		b.mu.Lock()
		defer b.mu.Unlock()
		return dataGen != b.dataGen || viewGen != b.viewGen
	}
	layers := make([]*LayerView, len(cache.layers))
	for i, l := range cache.layers {
		if stale() {
			return
		}
		lv := *l
		lv.Sheet = renderInto(b.takeSheet(l.Name), l.Act, view)
		layers[i] = &lv
	}
	f := &Frame{Model: m, Input: in, Prediction: cache.pred, Layers: layers, View: view, Live: live}
	f.Timing = Timing{Load: cache.load, Forward: cache.forward, Render: time.Since(t0), Total: time.Since(start)}
	b.mu.Lock()
	if dataGen != b.dataGen || viewGen != b.viewGen {
		b.mu.Unlock()
		return
	}
	b.frame = f
	cache.load = 0
	b.mu.Unlock()
	if b.OnFrame != nil {
		b.OnFrame(f)
	}
}

// forward runs in through m and copies out the map layers' activations.
func (b *Bench) forward(m *Model, in *Input, dataGen, wGen uint64) (*actCache, error) {
	t0 := time.Now()
	b.netMu.Lock()
	b.mu.Lock()
	if dataGen != b.dataGen || m != b.model {
		b.mu.Unlock()
		b.netMu.Unlock()
		return nil, errStale
	}
	wGen = b.wGen // weights copied so far are included in this pass
	b.mu.Unlock()
	outs := m.Net.Activations(in.Tensor)
	c := &actCache{dataGen: dataGen, wGen: wGen}
	for i, l := range m.Net.Layers() {
		shape := m.Net.LayerOutputShape(i)
		if !model.IsMapLayer(l, shape) {
			continue
		}
		act := outs[i].Clone()
		lo, hi := valueRange(act.Data)
		c.layers = append(c.layers, &LayerView{Index: i, Name: l.Name(), Kind: l.Kind(), Shape: shape, Act: act, Min: lo, Max: hi})
	}
	c.pred = predict(m, outs[len(outs)-1].Sample(0))
	b.netMu.Unlock()
	c.forward = time.Since(t0)
	return c, nil
}

func (b *Bench) report(err error) {
	if b.OnError != nil {
		b.OnError(err)
	}
}

// fits reports whether in was preprocessed for m's input shape.
func fits(m *Model, in *Input) bool {
	s := m.Net.InputShape()
	t := in.Tensor.Shape
	if len(t) != len(s)+1 {
		return false
	}
	for i, d := range s {
		if t[i+1] != d {
			return false
		}
	}
	return true
}

// prepareInput loads an image and preprocesses it for m.
func prepareInput(m *Model, name, path string, load Loader) (*Input, error) {
	img, err := load()
	if err != nil {
		return nil, err
	}
	return m.Prepare(name, path, img)
}

// valueRange returns the minimum and maximum finite values of x.
func valueRange(x []float32) (lo, hi float32) {
	first := true
	for _, v := range x {
		if v != v || v > 3.4e38 || v < -3.4e38 {
			continue
		}
		if first {
			lo, hi, first = v, v, false
			continue
		}
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi
}

// baseName returns the last element of a slash- or backslash-separated path.
func baseName(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' || p[i] == '\\' {
			return p[i+1:]
		}
	}
	return p
}
