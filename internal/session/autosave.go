package session

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/convscope/convscope/nn"
)

// Autosave is a training run's last epoch-end checkpoint
// (TrainConfig.Checkpoint), read back to offer resuming a run the app did
// not finish: it was killed, crashed, or the machine went down.
type Autosave struct {
	Path       string
	Net        *nn.Sequential // with the checkpoint's weights and random streams
	Meta       nn.Metadata    // class names and the history so far
	Checkpoint *nn.Checkpoint // optimizer state, progress and the caller's Config
	Saved      time.Time
}

// LoadAutosave reads the autosave at path. It returns nil and no error
// when there is none; a file that cannot be read, or that holds no
// training state, is an error (the caller may remove it).
func LoadAutosave(path string) (*Autosave, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	net, meta, ck, err := nn.LoadCheckpoint(path)
	if err != nil {
		return nil, err
	}
	if ck == nil {
		return nil, fmt.Errorf("%s holds no training state", path)
	}
	return &Autosave{Path: path, Net: net, Meta: meta, Checkpoint: ck, Saved: fi.ModTime()}, nil
}

// Describe says where the run stopped, for the offer to resume, e.g.
// "after epoch 3 (saved Sun 10:53)".
func (a *Autosave) Describe() string {
	p := a.Checkpoint.Progress
	at := fmt.Sprintf("after epoch %d", p.Epoch)
	if p.Step > 0 {
		at = fmt.Sprintf("in epoch %d after step %d", p.Epoch+1, p.Step)
	}
	return fmt.Sprintf("%s (saved %s)", at, a.Saved.Format("Mon 15:04"))
}

// RemoveAutosave deletes the autosave at path, if any.
func RemoveAutosave(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
