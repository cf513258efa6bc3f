package session

import (
	"github.com/convscope/convscope/nn"
)

// checkpointer saves a run's epoch-end checkpoints (TrainConfig.Checkpoint).
type checkpointer struct {
	path    string
	net     *nn.Sequential
	tr      *nn.Trainer
	classes []string
	config  string
	prior   *nn.History // epochs before a resumed run
	epochs  nn.History  // epochs of this run
}

// save records epoch l and writes the checkpoint, atomically.
func (c *checkpointer) save(l nn.EpochLog) error {
	metric := c.tr.Metric.Name()
	names, values := []string{"loss", metric}, []float64{l.Loss, l.Accuracy}
	if l.Validated {
		names, values = append(names, "val_loss", "val_"+metric), append(values, l.ValLoss, l.ValAccuracy)
	}
	c.epochs.Append(l.Epoch, names, values)
	h := &nn.History{}
	if c.prior != nil {
		h.Extend(c.prior)
	}
	if h.Extend(&c.epochs) != nil {
		h = &c.epochs
	}
	so, ok := c.tr.Optimizer.(nn.StatefulOptimizer)
	if !ok {
		return nn.SaveFile(c.path, c.net, nn.Metadata{ClassNames: c.classes, History: h})
	}
	ck := nn.Checkpoint{Optimizer: so.State(), Progress: c.tr.Progress(), Config: c.config}
	return nn.SaveCheckpoint(c.path, c.net, nn.Metadata{ClassNames: c.classes, History: h}, ck, c.tr.Optimizer.LearningRate())
}
