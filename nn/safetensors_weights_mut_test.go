package nn

import (
	"bytes"
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
