package session

import (
	"testing"
	"time"
)

func TestEpochETA(t *testing.T) {
	for _, c := range []struct {
		name        string
		doneTime    time.Duration
		done, total int
		want        time.Duration
	}{
		{"one of ten at 3 s", 3 * time.Second, 1, 10, 27 * time.Second},
		{"four of ten at 10 s", 10 * time.Second, 4, 10, 15 * time.Second},
		{"rounds to the second", 1400 * time.Millisecond, 2, 3, time.Second},
		{"rounds half up", 3 * time.Second, 2, 3, 2 * time.Second},
		{"last epoch done", 30 * time.Second, 10, 10, 0},
		{"nothing done yet", 0, 0, 10, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := epochETA(c.doneTime, c.done, c.total); got != c.want {
				t.Errorf("epochETA(%v, %d, %d) = %v, want %v", c.doneTime, c.done, c.total, got, c.want)
			}
		})
	}
}
