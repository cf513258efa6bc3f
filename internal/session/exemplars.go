package session

import (
	"context"
	"image"

	"github.com/convscope/convscope/internal/dataset"
	"github.com/convscope/convscope/internal/exemplars"
	"github.com/convscope/convscope/internal/model"
	"github.com/convscope/convscope/nn"
)

// Exemplar is one of a channel's top images, as the network saw it, with
// the receptive-field patch around the channel's maximum drawn on it.
type Exemplar struct {
	exemplars.Entry
	Image *image.RGBA
}

// exemplarSet is a finished scan (kept on the UI goroutine).
type exemplarSet struct {
	model *Model
	c     *exemplars.Collector
}

// FindExemplars scans every image under dir with the model on screen,
// Sequential or graph (a copy of its network, in the background), for every map layer's top 9
// per channel. progress (done of total images) and done run on the UI
// goroutine; cancel stops the scan.
func (s *Session) FindExemplars(dir string, progress func(done, total int), finished func(images int, err error)) (cancel func()) {
	ctx, cancel := context.WithCancel(context.Background())
	s.Do(func(m *Model) {
		s.opts.OnWork("exemplars")
		cp := *m
		var net exemplars.Network
		var err error
		if m.Graph != nil {
			if cp.Graph, err = copyGraph(m.Graph); err == nil {
				cp.Graph.SetEngine(m.Graph.Engine())
			}
			net = cp.Graph
		} else {
			cp.Net, err = m.CloneNet()
			net = cp.Net
		}
		if err != nil {
			s.post(func() { finished(0, err) })
			return
		}
		s.call(func() {
			files, err := exemplars.ListImages(dir)
			var c *exemplars.Collector
			if err == nil {
				c, err = exemplars.NewCollector(net, nil, exemplars.DefaultTop)
			}
			if err == nil {
				var latest Latest[[2]int]
				_, err = exemplars.ScanFiles(ctx, &cp, files, c, 8, func(d, t int) {
					deliver(&latest, s.post, [2]int{d, t}, func(p [2]int) { progress(p[0], p[1]) })
				})
			}
			s.post(func() {
				if err == nil {
					s.exemplars = &exemplarSet{model: m, c: c}
				}
				finished(len(files), err)
			})
		})
	})
	return cancel
}

// HasExemplars reports whether a scan for the model on screen is done.
func (s *Session) HasExemplars() bool { return s.exemplars != nil && s.exemplars.model == s.model }

// Exemplars loads channel ch of layer's top images (as the network sees
// them, patch boxed) in the background and hands them to done on the UI
// goroutine; nil when there is no scan for the model on screen.
func (s *Session) Exemplars(layer string, ch int, done func([]Exemplar)) {
	if !s.HasExemplars() {
		done(nil)
		return
	}
	ly := s.exemplars.c.Layer(layer)
	if ly == nil || ch < 0 || ch >= len(ly.Top) {
		done(nil)
		return
	}
	entries := append([]exemplars.Entry(nil), ly.Top[ch]...)
	prep := s.model.Prep()
	s.call(func() {
		s.opts.OnWork("exemplar images")
		out := make([]Exemplar, 0, len(entries))
		for _, e := range entries {
			var seen *image.RGBA
			if img, err := model.FileLoader(e.Image)(); err == nil {
				_, seen, _ = dataset.PreprocessImage(nil, img, prep)
			}
			if seen == nil {
				seen = image.NewRGBA(image.Rect(0, 0, prep.Width, prep.Height))
			}
			exemplars.DrawBox(seen, e.Patch, max(2, prep.Width/75), exemplars.BoxColor)
			out = append(out, Exemplar{Entry: e, Image: seen})
		}
		s.post(func() { done(out) })
	})
}

// gatherExemplars collects exemplars during the validation passes of a
// run (nn.FitConfig.OnValidationBatch): each pass fills a fresh collector,
// which replaces the returned one's lists when the pass completes, so the
// result always describes one set of weights. It returns nil when the
// validation source does not name its images.
func gatherExemplars(fc *nn.FitConfig, net *nn.Sequential, val nn.BatchSource) *exemplars.Collector {
	named, ok := val.(exemplars.Named)
	if !ok {
		return nil
	}
	done, err := exemplars.NewCollector(net, nil, exemplars.DefaultTop)
	if err != nil {
		return nil
	}
	cur, _ := exemplars.NewCollector(net, nil, exemplars.DefaultTop)
	steps := fc.ValidationSteps
	fc.OnValidationBatch = func(epoch, step int) {
		if step == 0 {
			for _, l := range cur.Layers {
				clear(l.Top)
			}
		}
		cur.Observe(net.Outputs(), named.LastNames())
		if step == steps-1 {
			for i, l := range cur.Layers {
				for ch := range l.Top {
					done.Layers[i].Top[ch] = append(done.Layers[i].Top[ch][:0], l.Top[ch]...)
				}
			}
		}
	}
	return done
}
