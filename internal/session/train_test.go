package session

import (
	"math/rand"
	"sync"
	"testing"
	"time"

	"github.com/convscope/convscope/nn"
)

func tinyTrainConfig() TrainConfig {
	c := DefaultTrainConfig()
	c.Epochs, c.StepsPerEpoch, c.BatchSize, c.ValidationSteps = 3, 8, 4, 2
	c.LearningRate = 1e-2
	c.Train = &stripes{rand.New(rand.NewSource(1))}
	c.Validation = &stripes{rand.New(rand.NewSource(2))}
	c.UpdateEvery = time.Millisecond
	c.SnapshotEvery, c.SnapshotInterval = 2, time.Millisecond
	return c
}

func TestTrainingRunsToTheEnd(t *testing.T) {
	m := tinyModel(t, 12)
	net, err := m.CloneNet()
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var progs []Progress
	snaps := 0
	var done []TrainResult
	tr, err := StartTraining(net, tinyTrainConfig(), TrainCallbacks{
		OnProgress: func(p Progress) { mu.Lock(); progs = append(progs, p); mu.Unlock() },
		OnWeights:  func(*nn.Sequential) { mu.Lock(); snaps++; mu.Unlock() },
		OnDone:     func(r TrainResult) { mu.Lock(); done = append(done, r); mu.Unlock() },
	})
	if err != nil {
		t.Fatal(err)
	}
	res := tr.Wait()
	if res.Err != nil || res.Stopped {
		t.Fatalf("result %+v", res)
	}
	if res.History.Len() != 3 {
		t.Errorf("history has %d epochs, want 3", res.History.Len())
	}
	mu.Lock()
	defer mu.Unlock()
	if len(done) != 1 {
		t.Fatalf("OnDone called %d times", len(done))
	}
	if snaps < 3 {
		t.Errorf("%d weight snapshots, want at least one per epoch", snaps)
	}
	last := progs[len(progs)-1]
	if !last.Done || last.Fraction != 1 || last.Epoch != 3 || last.Step != 8 {
		t.Errorf("last progress %+v", last)
	}
	if last.LastEpoch.Epoch != 2 || !last.LastEpoch.Validated {
		t.Errorf("last epoch log %+v", last.LastEpoch)
	}
	names := map[string]int{}
	for _, s := range append(last.LossChart.Series, last.AccChart.Series...) {
		names[s.Name] = len(s.Points)
	}
	want := map[string]int{"loss (batch)": 24, "loss": 3, "val_loss": 3, "accuracy (batch)": 24, "accuracy": 3, "val_accuracy": 3}
	for k, n := range want {
		if names[k] != n {
			t.Errorf("series %q has %d points, want %d (all: %v)", k, names[k], n, names)
		}
	}
	for i := 1; i < len(progs); i++ {
		if progs[i].Fraction < progs[i-1].Fraction {
			t.Fatalf("progress went back: %v then %v", progs[i-1].Fraction, progs[i].Fraction)
		}
	}
}

func TestTrainingPauseResumeStop(t *testing.T) {
	net, _ := tinyModel(t, 12).CloneNet()
	cfg := tinyTrainConfig()
	cfg.Epochs, cfg.StepsPerEpoch = 1000, 50
	steps := make(chan int, 1)
	tr, err := StartTraining(net, cfg, TrainCallbacks{OnProgress: func(p Progress) {
		select {
		case steps <- p.Step:
		default:
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	<-steps
	tr.Pause()
	if !tr.Paused() {
		t.Fatal("not paused")
	}
	time.Sleep(50 * time.Millisecond) // let the current batch finish
	p1 := tr.Progress()
	time.Sleep(100 * time.Millisecond)
	if p2 := tr.Progress(); p2.Step != p1.Step || p2.Epoch != p1.Epoch {
		t.Fatalf("training went on while paused: %d/%d then %d/%d", p1.Epoch, p1.Step, p2.Epoch, p2.Step)
	}
	if !tr.Progress().Paused {
		t.Error("progress does not say paused")
	}
	tr.Resume()
	<-steps
	<-steps
	tr.Stop()
	select {
	case <-tr.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("Stop did not stop training")
	}
	res := tr.Wait()
	if !res.Stopped || res.Err != nil {
		t.Errorf("result after Stop: stopped %v, err %v", res.Stopped, res.Err)
	}
	if tr.Running() {
		t.Error("still running")
	}
}

func TestTrainingStopWhilePaused(t *testing.T) {
	net, _ := tinyModel(t, 12).CloneNet()
	cfg := tinyTrainConfig()
	cfg.Epochs = 1000
	tr, err := StartTraining(net, cfg, TrainCallbacks{})
	if err != nil {
		t.Fatal(err)
	}
	tr.Pause()
	tr.Stop()
	select {
	case <-tr.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("Stop did not end a paused run")
	}
}

func TestStartTrainingErrors(t *testing.T) {
	net, _ := tinyModel(t, 12).CloneNet()
	cases := []func(*TrainConfig){
		func(c *TrainConfig) { c.Train = nil },
		func(c *TrainConfig) { c.Optimizer = "adagrad" },
		func(c *TrainConfig) { c.Loss = "hinge" },
	}
	for i, f := range cases {
		c := tinyTrainConfig()
		f(&c)
		if _, err := StartTraining(net, c, TrainCallbacks{}); err == nil {
			t.Errorf("case %d: no error", i)
		}
	}
}

func TestFormatETA(t *testing.T) {
	cases := map[time.Duration]string{0: "0:00", 59 * time.Second: "0:59", 61 * time.Second: "1:01", 3723 * time.Second: "1:02:03"}
	for d, want := range cases {
		if got := FormatETA(d); got != want {
			t.Errorf("FormatETA(%v) = %q, want %q", d, got, want)
		}
	}
}
