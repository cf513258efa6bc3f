package cli

import (
	"bytes"
	"testing"
	"time"

	"github.com/convscope/convscope/nn"
)

func TestTrainLogPiped(t *testing.T) {
	var b bytes.Buffer
	l := newTrainLog(&b, false, 2)
	l.begin(0, 2)
	for e := 0; e < 2; e++ {
		for s := 0; s < 2; s++ {
			l.batch(nn.BatchLog{Epoch: e, Epochs: 2, Step: s, Steps: 2, Loss: 0.7, Accuracy: 0.5, Elapsed: time.Duration(s+1) * time.Second})
		}
		l.epoch(nn.EpochLog{Epoch: e, Epochs: 2, Loss: 0.69, Accuracy: 0.55, Validated: e == 1, ValLoss: 0.6, ValAccuracy: 0.75, Duration: 3 * time.Second})
	}
	want := "Epoch 1/2\n" +
		"2/2 [==============================] - 3s 2s/step - loss: 0.6900 - acc: 0.5500\n" +
		"Epoch 2/2\n" +
		"2/2 [==============================] - 3s 2s/step - loss: 0.6900 - acc: 0.5500 - val_loss: 0.6000 - val_acc: 0.7500\n"
	if b.String() != want {
		t.Errorf("got:\n%q\nwant:\n%q", b.String(), want)
	}
}

func TestTrainLogStop(t *testing.T) {
	tests := []struct {
		name    string
		dynamic bool
		batches int
		want    string
	}{
		{"piped, mid-epoch", false, 1, "Epoch 1/3\n1/4 [======>.......................] - 2s 2s/step - loss: 0.5000 - acc: 0.2500\n"},
		{"piped, before a batch", false, 0, "Epoch 1/3\n"},
		{"terminal, before a batch", true, 0, "Epoch 1/3\n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			l := newTrainLog(&b, tt.dynamic, 4)
			l.begin(0, 3)
			for s := 0; s < tt.batches; s++ {
				l.batch(nn.BatchLog{Epoch: 0, Epochs: 3, Step: s, Steps: 4, Loss: 0.5, Accuracy: 0.25, Elapsed: 2 * time.Second})
			}
			l.stop()
			l.stop()
			if b.String() != tt.want {
				t.Errorf("got %q, want %q", b.String(), tt.want)
			}
		})
	}
}
