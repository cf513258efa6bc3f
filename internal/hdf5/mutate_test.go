package hdf5

import (
	"math/rand"
	"os"
	"testing"
	"time"
)

func TestMutationsAreQuick(t *testing.T) {
	for _, name := range []string{"latest.h5", "userblock.h5", "bad_cycle.h5", "earliest.h5"} {
		good, _ := os.ReadFile("testdata/" + name)
		rng := rand.New(rand.NewSource(1))
		for i := 0; i < 200; i++ {
			b := append([]byte(nil), good...)
			for k := 0; k < 1+rng.Intn(4); k++ {
				b[rng.Intn(len(b))] = byte(rng.Intn(256))
			}
			if i%5 == 0 {
				b = b[:rng.Intn(len(b))]
			}
			start := time.Now()
			readAll(b)
			if d := time.Since(start); d > 2*time.Second {
				os.WriteFile("/tmp/slow.h5", b, 0o644)
				t.Fatalf("%s mutation %d took %v", name, i, d)
			}
		}
	}
}
