package nn

import (
	"bytes"
	"io"
	"runtime"
	"strings"
	"testing"
)

// TestCheckWeightsCheckpointNames checks the "optimizer/" names a
// checkpoint's training state uses: skipped by ReadWeights when F32,
// refused in another dtype, and refused as a model parameter's name.
func TestCheckWeightsCheckpointNames(t *testing.T) {
	m := smallConvNet(t, 1, 1)
	es, data := entriesOf(m)
	end := int64(len(data))
	slot := func(dtype string) []stEntry {
		return append(append([]stEntry(nil), es...), stEntry{checkpointPrefix + "slot", dtype, []int{2}, [2]int64{end, end + 8}})
	}
	tests := []struct {
		name    string
		entries []stEntry
		want    string // "" = loads
	}{
		{"F32 slot skipped", slot("F32"), ""},
		{"I32 slot", slot("I32"), "optimizer/slot: expected dtype F32, received I32"},
		{"F64 slot", append(append([]stEntry(nil), es...), stEntry{checkpointPrefix + "s", "F64", []int{1}, [2]int64{end, end + 8}}), "optimizer/s: expected dtype F32, received F64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			other := smallConvNet(t, 1, 2)
			err := ReadWeights(bytes.NewReader(craft(nil, tt.entries, append(append([]byte(nil), data...), make([]byte, 8)...))), other)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if !bitEqual(weights(other), weights(m)) {
					t.Error("weights not copied")
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}

	// A model whose layer is called "optimizer" cannot take weights: its
	// names would read as a checkpoint's state.
	bad, err := NewSequential([]int{2}, NewDense(1, WithName("optimizer")))
	if err != nil {
		t.Fatal(err)
	}
	bes, bdata := entriesOf(bad)
	err = ReadWeights(bytes.NewReader(craft(nil, bes, bdata)), bad)
	if want := "optimizer/kernel: a parameter name may not start with optimizer/"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want one containing %q", err, want)
	}
}

// TestReadWeightsStream reads weights from a reader of known length and
// from a bare stream (no Len, no Seek: ReadWeights checks the header
// against the model, then buffers the data section): matching weights are
// copied; a mismatch or a short data section is an error.
func TestReadWeightsStream(t *testing.T) {
	src := smallConvNet(t, 1, 1)
	es, data := entriesOf(src)
	rgb := smallConvNet(t, 3, 1)
	wrong, wdata := entriesOf(rgb)
	tests := []struct {
		name string
		file []byte
		want string // "" = loads
	}{
		{"matching", craft(nil, es, data), ""},
		{"wrong shape", craft(nil, wrong, wdata), "conv2d_1/kernel: expected shape (3, 3, 1, 4), received (3, 3, 3, 4)"},
		{"short data", craft(nil, es, data)[:len(craft(nil, es, data))-4], "truncated"},
	}
	for _, tt := range tests {
		for _, stream := range []bool{false, true} {
			var r io.Reader = bytes.NewReader(tt.file)
			if stream {
				r = struct{ io.Reader }{r}
			}
			dst := smallConvNet(t, 1, 2)
			before := weights(dst)
			err := ReadWeights(r, dst)
			if tt.want == "" {
				if err != nil || !bitEqual(weights(dst), weights(src)) {
					t.Errorf("%s, stream %v: error %v, weights copied %v", tt.name, stream, err, bitEqual(weights(dst), weights(src)))
				}
				continue
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s, stream %v: error %v, want one containing %q", tt.name, stream, err, tt.want)
			}
			if !bitEqual(weights(dst), before) {
				t.Errorf("%s, stream %v: weights changed by a refused file", tt.name, stream)
			}
		}
	}
}

// TestReadWeightsSizedNoCopy checks that ReadWeights reads a reader of
// known length straight into the model, in 64 KB chunks, without holding
// a copy of the data section (a bare stream is buffered whole first).
func TestReadWeightsSizedNoCopy(t *testing.T) {
	m, err := NewSequential([]int{1024}, NewDense(1024))
	if err != nil {
		t.Fatal(err)
	}
	m.Init(1)
	es, data := entriesOf(m)
	file := craft(nil, es, data)
	dst, err := NewSequential([]int{1024}, NewDense(1024))
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	err = ReadWeights(bytes.NewReader(file), dst)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > uint64(len(data)/4) {
		t.Errorf("reading %d bytes of weights allocated %d bytes, expected well under a copy", len(data), got)
	}
	if !bitEqual(weights(dst), weights(m)) {
		t.Error("weights not copied")
	}
}
