package cli

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestProgbarLine(t *testing.T) {
	p := NewProgbar(nil, 100, false)
	m := []Metric{{"loss", 0.52101}, {"acc", 0.74}}
	tests := []struct {
		name    string
		current int
		elapsed time.Duration
		final   bool
		metrics []Metric
		want    string
	}{
		{"finished", 100, 12 * time.Second, true, append(m, Metric{"val_loss", 0.553}, Metric{"val_acc", 0.715}),
			"100/100 [==============================] - 12s 120ms/step - loss: 0.5210 - acc: 0.7400 - val_loss: 0.5530 - val_acc: 0.7150"},
		{"start", 0, 0, false, nil, "  0/100 [..............................] - ETA: 0s"},
		{"partial", 37, 3700 * time.Millisecond, false, m, " 37/100 [==========>...................] - ETA: 6s - loss: 0.5210 - acc: 0.7400"},
		{"one step", 1, time.Second, false, nil, "  1/100 [..............................] - ETA: 1:39"},
		{"hours", 4, 4 * time.Minute, false, nil, "  4/100 [>.............................] - ETA: 1:36:00"},
		{"slow steps", 100, 250 * time.Second, true, nil, "100/100 [==============================] - 250s 2s/step"},
		{"fast steps", 100, 50 * time.Millisecond, true, nil, "100/100 [==============================] - 0s 500us/step"},
		{"tiny metric", 100, time.Second, true, []Metric{{"loss", 0.0001234}}, "100/100 [==============================] - 1s 10ms/step - loss: 1.2340e-04"},
		{"nan metric", 100, time.Second, true, []Metric{{"loss", nan()}}, "100/100 [==============================] - 1s 10ms/step - loss: nan"},
		{"interrupted", 40, 4 * time.Second, true, nil, " 40/100 [===========>..................] - 4s 100ms/step"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := p.Line(tt.current, tt.metrics, tt.elapsed, tt.final); got != tt.want {
				t.Errorf("Line:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func nan() float64 { var z float64; return z / z }

// fakeClock advances by step at every call.
func fakeClock(step time.Duration) func() time.Time {
	t := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	return func() time.Time { t = t.Add(step); return t }
}

func TestProgbarPipedWritesOnlyTheFinishedLine(t *testing.T) {
	var b bytes.Buffer
	p := NewProgbar(&b, 3, false)
	for i := 1; i <= 3; i++ {
		p.Update(i, []Metric{{"loss", float64(i)}}, time.Duration(i)*time.Second)
	}
	p.Finish(3, []Metric{{"loss", 3}}, 3*time.Second)
	p.Finish(3, nil, time.Hour) // already finished: ignored
	want := "3/3 [==============================] - 3s 1s/step - loss: 3.0000\n"
	if b.String() != want {
		t.Errorf("piped output:\n got %q\nwant %q", b.String(), want)
	}
}

func TestProgbarTerminalRedraws(t *testing.T) {
	var b bytes.Buffer
	p := NewProgbar(&b, 2, true)
	p.Now = fakeClock(time.Second)
	p.Update(1, []Metric{{"loss", 0.123456}}, time.Second)
	p.Finish(2, nil, 2*time.Second)
	out := b.String()
	lines := strings.Split(out, "\r")
	if len(lines) != 3 || lines[0] != "" {
		t.Fatalf("want two \\r-separated redraws, got %q", out)
	}
	if lines[1] != "1/2 [==============>...............] - ETA: 1s - loss: 0.1235" {
		t.Errorf("first redraw %q", lines[1])
	}
	// The final line is shorter: it must be padded to erase the first.
	if len(lines[2]) < len(lines[1]) || !strings.HasPrefix(lines[2], "2/2 [==============================] - 2s 1s/step ") || !strings.HasSuffix(lines[2], "\n") {
		t.Errorf("final redraw %q does not cover %q or lacks a newline", lines[2], lines[1])
	}
}

func TestProgbarTerminalThrottles(t *testing.T) {
	var b bytes.Buffer
	p := NewProgbar(&b, 100, true)
	p.Now = fakeClock(time.Millisecond)
	for i := 1; i <= 100; i++ {
		p.Update(i, nil, time.Duration(i)*time.Millisecond)
	}
	// Steps 1 and 51 (50 ms apart), and the last step.
	if n := strings.Count(b.String(), "\r"); n != 3 {
		t.Errorf("got %d redraws, want 3: %q", n, b.String())
	}
	if strings.Contains(b.String(), "\n") {
		t.Errorf("Update ended the line: %q", b.String())
	}
}

func ExampleProgbar() {
	p := NewProgbar(nil, 100, false)
	fmt.Println(p.Line(100, []Metric{{"loss", 0.521}, {"acc", 0.74}}, 12*time.Second, true))
	// Output:
	// 100/100 [==============================] - 12s 120ms/step - loss: 0.5210 - acc: 0.7400
}
