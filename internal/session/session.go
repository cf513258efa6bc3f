// Package session is what is on Convscope's screen, without Fyne: the
// model, the image, the current frame of channel maps, the training run,
// and the inspector's and colour bar's images. It computes and renders
// all of them off the UI goroutine and hands the results to the UI
// through the Post function it is given (fyne.Do in the app).
//
// One worker goroutine owns the network on screen. Requests (a new image,
// model or view, live weights from training, a function to run with the
// network) go into a slot where they merge while the worker is busy; the
// worker loads, runs the forward pass and renders in one pass and
// publishes an immutable Frame. Frames and training progress reach the UI
// through a Latest, so a slow UI skips values instead of queueing them.
//
// The app calls Session methods on the UI goroutine; callbacks (OnFrame,
// OnError, the done functions) run on the UI goroutine, through Post.
package session

import (
	"strings"
	"sync"
	"time"

	"github.com/convscope/convscope/internal/model"
	"github.com/convscope/convscope/nn"
)

// Options configure a Session.
type Options struct {
	// Model is the first model on screen (required).
	Model *Model
	// View is the first view (zero: DefaultView).
	View View
	// Post runs a function on the UI goroutine (fyne.Do). Required.
	Post func(func())
	// OnFrame receives each new frame on the UI goroutine; frames the UI
	// had no time for are skipped.
	OnFrame func(*Frame)
	// OnError receives images that could not be opened (*OpenError), on the
	// UI goroutine.
	OnError func(error)
	// OnWork, if set, is called on the goroutine doing a piece of work
	// ("load", "forward", "render", "inspect") as it starts: tests use it
	// to check that none of it runs on the UI goroutine.
	OnWork func(what string)
	// OnRenderBand, if set, is called on the worker for every band it
	// draws (tests count them: only bands on screen are drawn).
	OnRenderBand func(Band)
}

// Session is the state behind the window. Its methods are for the UI
// goroutine unless they say otherwise.
type Session struct {
	opts   Options
	slot   *slot
	frames Latest[*Frame]
	done   chan struct{}
	bg     tasks // background tasks (loading and saving models, preparing training, atlas, compare)

	// UI goroutine state: what the UI asked for last.
	model *Model
	arch  Arch // model's architecture, read before the worker owned it
	// explainLayers caches ExplainLayers for the models set last, read
	// before the worker owned them (same reason as arch).
	explainLayers []explainLayersOf
	view          View
	frame         *Frame // the frame last delivered to OnFrame

	exemplars *exemplarSet // the last finished exemplar scan
}

// New starts a session and its worker, which waits for the first request
// (the first frame comes with the first image or view change).
func New(o Options) *Session {
	if o.View == (View{}) {
		o.View = DefaultView()
	}
	if o.OnWork == nil {
		o.OnWork = func(string) {}
	}
	s := &Session{opts: o, slot: newSlot(), done: make(chan struct{}), model: o.Model, view: o.View}
	if o.Model != nil {
		if o.Model.Net != nil {
			s.arch = o.Model.Net.Arch()
		}
		s.cacheExplainLayers(o.Model)
	}
	w := &worker{s: s, model: o.Model, view: o.View, dirty: true}
	go func() {
		useInferenceEngine(w.model) // engine.go
		defer close(s.done)
		for {
			r, ok := s.slot.take()
			if !ok {
				return
			}
			func() {
				defer catch("the image worker", s.postError)
				w.handle(r)
			}()
			s.slot.done()
		}
	}()
	return s
}

// Close stops the worker and waits for it.
func (s *Session) Close() {
	s.slot.close()
	<-s.done
}

// Wait blocks until the worker and the session's background tasks have
// nothing left to do (for tests and measurements). It does not run what
// they posted.
func (s *Session) Wait() {
	for {
		s.bg.Wait()
		s.slot.idle()
		if s.bg.zero() { // the worker started no background task meanwhile
			return
		}
	}
}

// tasks counts background tasks. Unlike a sync.WaitGroup, a task may
// start while Wait waits at zero: the worker starts some (Atlas, Compare),
// and the race detector flags a WaitGroup's Add racing its Wait.
type tasks struct {
	mu   sync.Mutex
	n    int
	cond *sync.Cond
}

func (t *tasks) c() *sync.Cond {
	if t.cond == nil {
		t.cond = sync.NewCond(&t.mu)
	}
	return t.cond
}

// Add adds d to the count.
func (t *tasks) Add(d int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n += d
	if t.n <= 0 {
		t.c().Broadcast()
	}
}

// Done ends one task.
func (t *tasks) Done() { t.Add(-1) }

// Wait waits until no task runs.
func (t *tasks) Wait() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for t.n > 0 {
		t.c().Wait()
	}
}

func (t *tasks) zero() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.n == 0
}

// Model returns the model on screen (the last one set).
func (s *Session) Model() *Model { return s.model }

// ModelArch returns the architecture of the model on screen, read when the
// model was set: the worker may change a layer's configuration for a moment
// (an explanation's backward pass from the logits turns the output
// activation off), so the UI must not read the network itself (a data race
// TestGUIRobustness found under -race). A graph model, which cannot be
// trained here, gives model.ErrNotSequential.
func (s *Session) ModelArch() (Arch, error) {
	if s.model == nil || s.model.Net == nil {
		return Arch{}, model.ErrNotSequential
	}
	return s.arch, nil
}

// ModelSummary builds Keras' summary of the model on screen (the
// functional table with "Connected to" for a graph) off the UI goroutine
// and hands it to done on the UI goroutine.
func (s *Session) ModelSummary(done func(string)) {
	m := s.model
	s.call(func() {
		var b strings.Builder
		if err := m.Summary(&b); err != nil {
			b.WriteString(err.Error())
		}
		text := strings.TrimRight(b.String(), "\n")
		s.post(func() { done(text) })
	})
}

// View returns the view last set.
func (s *Session) View() View { return s.view }

// Frame returns the frame last delivered (nil before the first).
func (s *Session) Frame() *Frame { return s.frame }

func (s *Session) post(fn func()) { s.opts.Post(fn) }

// Open replaces the image: load runs on the worker, then the image is
// preprocessed, run through the model and rendered. Failures go to
// OnError as *OpenError and leave the current image on screen.
func (s *Session) Open(name, path string, load Loader) {
	s.slot.put(request{open: &openRequest{name, path, load}, at: time.Now()})
}

// OpenFile opens an image file.
func (s *Session) OpenFile(path string) {
	s.Open(baseName(path), path, model.FileLoader(path))
}

// SetModel replaces the model (the image stays). The session's worker owns
// m.Net from now on: use Do to touch it.
func (s *Session) SetModel(m *Model) {
	s.model = m
	if m != nil {
		if m.Net != nil {
			s.arch = m.Net.Arch()
		}
		s.cacheExplainLayers(m)
	}
	s.slot.put(request{model: m, at: time.Now()})
}

// SetPreprocess changes how images become the input of the model on
// screen, an ONNX model (model.Model.WithPreprocess): the image is
// prepared again and run through the same network.
func (s *Session) SetPreprocess(preset string) error {
	m, err := s.model.WithPreprocess(preset)
	if err != nil {
		return err
	}
	s.SetModel(m)
	return nil
}

// SetView changes colormap, scale, tile size, columns or width; only
// rendering is redone.
func (s *Session) SetView(v View) {
	if v == s.view {
		return
	}
	s.view = v
	s.slot.put(request{view: &v, at: time.Now()})
}

// Do runs fn on the worker with the model on screen, after the requests
// made before it: the only way to touch the network.
func (s *Session) Do(fn func(m *Model)) {
	s.slot.put(request{calls: []func(*worker){func(w *worker) { fn(w.model) }}})
}

// call runs fn off the UI goroutine, counted by Wait.
func (s *Session) call(fn func()) {
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		defer catch("a background job", s.postError)
		fn()
	}()
}

// postError reports err on the UI goroutine (OnError).
func (s *Session) postError(err error) { s.post(func() { s.reportError(err) }) }

// LoadModel opens a model file (model.Open) off the UI goroutine and hands
// it to done on the UI goroutine. It does not put the model on screen.
func (s *Session) LoadModel(path string, done func(*Model, error)) {
	s.LoadModelWith(path, "", done)
}

// LoadModelWith is LoadModel with a preprocessing preset for an ONNX file
// (see model.OpenWith).
func (s *Session) LoadModelWith(path, preset string, done func(*Model, error)) {
	s.call(func() {
		m, err := OpenModelWith(path, preset)
		s.post(func() { done(m, err) })
	})
}

// SaveModel writes the model on screen to path (atomically), with history
// h if non-nil, on the worker, then calls done on the UI goroutine.
func (s *Session) SaveModel(path string, h *History, done func(error)) {
	s.Do(func(m *Model) {
		err := m.Save(path, h)
		s.post(func() { done(err) })
	})
}

// LiveWeights copies src's weights for the worker, which shows them in the
// next frame. Call it from the goroutine that owns src (a training
// callback); src must have the architecture of the model on screen.
func (s *Session) LiveWeights(src *nn.Sequential) error {
	snap := s.slot.spareNet()
	if snap == nil || snap.CopyWeightsFrom(src) != nil {
		var err error
		if snap, err = src.Arch().Build(); err != nil {
			return err
		}
		if err := snap.CopyWeightsFrom(src); err != nil {
			return err
		}
	}
	s.slot.put(request{weights: snap, at: time.Now()})
	return nil
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
