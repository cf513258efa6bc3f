package nn

import (
	"bytes"
	"strings"
	"testing"
)

// TestLoadGroupedConv2D saves and loads Sequential models with grouped
// convolutions: the size check before Build counts a grouped kernel as
// (kh, kw, cin/groups, filters), as Build allocates it (it used to count
// cin·filters, refusing a depthwise model whose file is smaller than that).
func TestLoadGroupedConv2D(t *testing.T) {
	for _, groups := range []int{1, 2, 16} {
		m, err := NewSequential([]int{6, 6, 16}, NewConv2D(16, 3, 3, WithGroups(groups)), NewGlobalAveragePooling2D(), NewDense(2))
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := Write(&b, m, Metadata{}); err != nil {
			t.Fatal(err)
		}
		got, _, err := Load(bytes.NewReader(b.Bytes()))
		if err != nil {
			t.Fatalf("groups %d: %v", groups, err)
		}
		if !bitEqual(weights(got), weights(m)) {
			t.Errorf("groups %d: weights changed on the round trip", groups)
		}
	}
}

// TestCheckArchSizeBudget checks the weight budget a file's size sets,
// exactly at the kernels' total and one value short, and the bounds on the
// input's and each output's size.
func TestCheckArchSizeBudget(t *testing.T) {
	conv := func(filters, k, groups int) LayerConfig {
		return LayerConfig{ClassName: "Conv2D", Filters: filters, KernelSize: [2]int{k, k}, Groups: groups}
	}
	dense := func(units int) LayerConfig { return LayerConfig{ClassName: "Dense", Units: units} }
	flat := LayerConfig{ClassName: "Flatten"}
	tests := []struct {
		name   string
		arch   Arch
		values int64
		want   string // "" = accepted
	}{
		// 3·3·4·8 = 288 kernel values, then (4·4·8)·3 = 384: 672.
		{"exact", Arch{[]int{6, 6, 4}, []LayerConfig{conv(8, 3, 1), flat, dense(3)}}, 672, ""},
		{"one short in the last layer", Arch{[]int{6, 6, 4}, []LayerConfig{conv(8, 3, 1), flat, dense(3)}}, 671, "layer 3 (Dense) needs more weights than the file holds (671 values)"},
		{"one short in the first", Arch{[]int{6, 6, 4}, []LayerConfig{conv(8, 3, 1), flat, dense(3)}}, 287, "layer 1 (Conv2D) needs more weights than the file holds (287 values)"},
		// groups 4: 3·3·1·8 = 72.
		{"grouped, exact", Arch{[]int{6, 6, 4}, []LayerConfig{conv(8, 3, 4)}}, 72, ""},
		{"grouped, one short", Arch{[]int{6, 6, 4}, []LayerConfig{conv(8, 3, 4)}}, 71, "layer 1 (Conv2D) needs more weights"},
		{"groups 2", Arch{[]int{6, 6, 4}, []LayerConfig{conv(8, 3, 2)}}, 144, ""},
		{"groups 2, one short", Arch{[]int{6, 6, 4}, []LayerConfig{conv(8, 3, 2)}}, 143, "needs more weights"},
		// 2^26 input values is the limit.
		{"largest input", Arch{[]int{1 << 13, 1 << 13, 1}, []LayerConfig{flat}}, 0, ""},
		{"input one row too large", Arch{[]int{1<<13 + 1, 1 << 13, 1}, []LayerConfig{flat}}, 0, "input_shape (8193, 8192, 1) is larger than 67108864 values"},
		// An output of 64·2^26 = 2^32 values is the limit: 64·64 positions
		// of a 1×1 convolution with 2^20 filters.
		{"largest output", Arch{[]int{64, 64, 1}, []LayerConfig{conv(1<<20, 1, 1)}}, 1 << 20, ""},
		{"output too large", Arch{[]int{64, 64, 1}, []LayerConfig{conv(1<<20+1, 1, 1)}}, 1<<20 + 1, "layer 1 (Conv2D) output (64, 64, 1048577) is too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkArchSize(tt.arch, tt.values)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}
