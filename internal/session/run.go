package session

import (
	"fmt"

	"github.com/convscope/convscope/internal/model"
	"github.com/convscope/convscope/nn"
)

// TrainRequest is what the Training page asks for.
type TrainRequest struct {
	// Arch is the architecture trained from fresh weights (drawn from
	// Config.Seed), unless Continue is set: then the model on screen is
	// trained further.
	Arch     Arch
	Continue bool
	Config   TrainConfig
	Data     DataSpec
	// Live shows the training weights in the grid every few steps.
	Live bool
	// Resume, if non-nil, continues the run an autosave recorded
	// (LoadAutosave): its network and optimizer state, from its progress;
	// Arch and Continue are ignored. Config and Data must be the stopped
	// run's (the autosave's Config says what the caller needs to rebuild
	// them).
	Resume *Autosave
}

// RunCallbacks receive a run's events on the UI goroutine.
type RunCallbacks struct {
	// OnStart is called once the data is open and the run started (run is
	// nil and err says why when it could not start). The model on screen
	// is then the network being trained, labelled "training…".
	OnStart func(run *Training, data *Data, err error)
	// OnProgress receives the newest progress, a few times per second.
	OnProgress func(Progress)
	// OnDone is called once, when the run has ended; the trained weights
	// are then the model on screen.
	OnDone func(TrainResult)
}

// Train prepares a run off the UI goroutine (builds the networks, opens
// the data) and starts it; see RunCallbacks.
func (s *Session) Train(req TrainRequest, cb RunCallbacks) {
	s.call(func() {
		display, train, data, err := s.prepare(req)
		s.post(func() {
			if err != nil {
				cb.OnStart(nil, nil, err)
				return
			}
			s.launch(req, display, train, data, cb)
		})
	})
}

// prepare builds the display and training networks (same weights) and
// opens the data. It runs off the UI goroutine.
func (s *Session) prepare(req TrainRequest) (display, train *nn.Sequential, data *model.Data, err error) {
	if r := req.Resume; r != nil {
		// The autosave's own network trains on: it carries the random
		// streams (Dropout) the checkpoint restored.
		train = r.Net
		if display, err = (&Model{Net: r.Net}).CloneNet(); err != nil {
			return nil, nil, nil, err
		}
	} else if req.Continue {
		done := make(chan struct{})
		s.Do(func(m *Model) {
			defer close(done)
			if display, err = m.CloneNet(); err == nil {
				train, err = m.CloneNet()
			}
		})
		<-done
		if err != nil {
			return nil, nil, nil, fmt.Errorf("the current model cannot be trained further: %w", err)
		}
	} else {
		if display, err = req.Arch.Build(); err != nil {
			return nil, nil, nil, err
		}
		display.Init(req.Config.Seed)
		if train, err = req.Arch.Build(); err != nil {
			return nil, nil, nil, err
		}
		if err = train.CopyWeightsFrom(display); err != nil {
			return nil, nil, nil, err
		}
	}
	c := req.Config
	if err = model.CheckBatch(train, c.BatchSize); err != nil {
		return nil, nil, nil, err
	}
	data, err = model.OpenData(req.Data, train.InputShape(), model.Outputs(train), c.BatchSize, c.ValidationSteps)
	return display, train, data, err
}

// launch starts the run (UI goroutine).
func (s *Session) launch(req TrainRequest, display, train *nn.Sequential, data *model.Data, cb RunCallbacks) {
	cfg := req.Config
	cfg.Train, cfg.Validation = data.Train, data.Validation
	cfg.Init = false // prepare drew the weights
	if cfg.Checkpoint != "" {
		cfg.Classes = data.Classes
	}
	if r := req.Resume; r != nil {
		cfg.Resume, cfg.History = r.Checkpoint, r.Meta.History
	}
	// A run that continues trained weights shows trained weights.
	m := &Model{Net: display, Classes: data.Classes, Label: "training…", Trained: req.Continue || req.Resume != nil}
	prev := s.model
	s.SetModel(m) // before the run starts: live weights are for m
	var progress Latest[Progress]
	run, err := StartTraining(train, cfg, TrainCallbacks{
		OnProgress: func(p Progress) { deliver(&progress, s.post, p, cb.OnProgress) },
		OnWeights: func(net *nn.Sequential) {
			if req.Live {
				_ = s.LiveWeights(net)
			}
		},
		OnDone: func(r TrainResult) { // once, last
			s.post(func() {
				data.Close()
				r.Skipped = data.SkippedReport()
				s.finished(r, m)
				cb.OnDone(r)
			})
		},
	})
	if err != nil {
		data.Close()
		s.SetModel(prev)
		cb.OnStart(nil, nil, err)
		return
	}
	cb.OnStart(run, data, nil)
}

// finished puts the trained network on screen (UI goroutine): the run has
// ended, so its network is free to hand to the worker.
func (s *Session) finished(r TrainResult, m *Model) {
	trained := &Model{Net: r.Net, Classes: m.Classes, Label: "trained here (unsaved)", Trained: true, Meta: nn.Metadata{History: r.History}}
	if (r.History == nil || r.History.Len() == 0) && !m.Trained {
		// The weights did change, but not for a whole epoch.
		trained.Label, trained.Trained = "untrained (stopped before the first epoch)", false
	}
	s.SetModel(trained)
	if r.Exemplars != nil {
		s.exemplars = &exemplarSet{model: trained, c: r.Exemplars}
	}
}
