package nn

import (
	"bytes"
	"errors"
	"io"
	"slices"
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
		{"second layer does not build", Arch{[]int{2, 2, 1}, []LayerConfig{flat, conv(1, 1, 1)}}, 100, "layer 2 (Conv2D): "},
		{"second layer unknown", Arch{[]int{2, 2, 1}, []LayerConfig{flat, {ClassName: "Conv3D"}}}, 100, "layer 2: "},
		{"output too large", Arch{[]int{64, 64, 1}, []LayerConfig{conv(1<<20+1, 1, 1)}}, 1<<20 + 1, "layer 1 (Conv2D) output (64, 64, 1048577) is too large"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkArchSize(tt.arch, tt.values)
			checkErrContains(t, err, tt.want)
		})
	}
}

// seekFailer is a ReadSeeker over b whose Seek fails on the call numbered
// failAt (0: the first), to reach readerSize's fallback to streaming.
type seekFailer struct {
	r             *bytes.Reader
	failAt, calls int
}

func (s *seekFailer) Read(p []byte) (int, error) { return s.r.Read(p) }

func (s *seekFailer) Seek(off int64, whence int) (int64, error) {
	s.calls++
	if s.calls-1 == s.failAt {
		return 0, errors.New("seek failed")
	}
	return s.r.Seek(off, whence)
}

// onlyReadSeeker hides bytes.Reader's Len, so readerSize seeks.
type onlyReadSeeker struct{ rs io.ReadSeeker }

func (o onlyReadSeeker) Read(p []byte) (int, error)           { return o.rs.Read(p) }
func (o onlyReadSeeker) Seek(off int64, w int) (int64, error) { return o.rs.Seek(off, w) }

// TestLoadReaderSize checks how Load measures its input: a seeker's length
// counts from its current position, and a seeker that fails falls back to
// streaming (the header's length is then checked only as it is read).
func TestLoadReaderSize(t *testing.T) {
	m := smallConvNet(t, 1, 1)
	good := savedBytes(t, m, Metadata{})
	past := headerFile(64, `{"a":1}`) // a header longer than the file
	prefixed := func(b []byte) io.ReadSeeker {
		r := bytes.NewReader(append([]byte("skip!"), b...))
		r.Seek(5, io.SeekStart)
		return onlyReadSeeker{r}
	}
	tests := []struct {
		name string
		r    io.Reader
		want string // "" = loads
	}{
		{"seeker at 0", onlyReadSeeker{bytes.NewReader(good)}, ""},
		{"seeker past a prefix", prefixed(good), ""},
		{"seeker past a prefix, one byte short", prefixed(good[:len(good)-1]), "truncated: the header declares 740 data bytes, the file holds 739"},
		{"seeker past a prefix, one byte more", prefixed(append(slices.Clone(good), 0)), "1 bytes after the last tensor"},
		{"seeker, header past the end", onlyReadSeeker{bytes.NewReader(past)}, "header length 64 is larger than the file (15 bytes)"},
		{"first seek fails", &seekFailer{bytes.NewReader(past), 0, 0}, "truncated: header length is 64 bytes, the file ends after 7"},
		{"seek to the end fails", &seekFailer{bytes.NewReader(past), 1, 0}, "truncated: header length is 64 bytes"},
		{"first seek fails, whole file", &seekFailer{bytes.NewReader(good), 0, 0}, ""},
		{"seek to the end fails, whole file", &seekFailer{bytes.NewReader(good), 1, 0}, ""},
		{"seek back fails", &seekFailer{bytes.NewReader(past), 2, 0}, "file too short"}, // left at the end
		{"stream", io.MultiReader(bytes.NewReader(past)), "truncated: header length is 64 bytes"},
		// A stream's data is read whole before the model is built.
		{"stream cut in the data", io.MultiReader(bytes.NewReader(good[:len(good)-1])), "truncated: the header declares 740 data bytes, the file holds 739"},
		{"whole stream", io.MultiReader(bytes.NewReader(good)), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, err := Load(tt.r)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if !bitEqual(weights(got), weights(m)) {
					t.Error("weights differ")
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestLoadWeightBudgetCountsValues: the budget is the number of values the
// file's tensors hold (bytes / dtype size, summed over tensors), so an
// architecture needing one more value than that is refused before Build.
func TestLoadWeightBudgetCountsValues(t *testing.T) {
	meta := map[string]string{"format": "convscope", "format_version": "1", "input_shape": "[2,2,1]",
		"arch": `{"input_shape":[2,2,1],"layers":[{"class_name":"Flatten"},{"class_name":"Dense","config":{"units":3}}]}`}
	tests := []struct {
		name    string
		entries []stEntry
		want    string
	}{
		// 5 + 6 values of 4 bytes: 11 < 12 (Dense's 4·3 kernel).
		{"11 values", []stEntry{{"a", "F32", []int{5}, [2]int64{0, 20}}, {"b", "F32", []int{6}, [2]int64{20, 44}}}, "layer 2 (Dense) needs more weights than the file holds (11 values)"},
		// 12 values, of 1 and 8 bytes: the budget passes, the names do not.
		{"12 values", []stEntry{{"a", "U8", []int{4}, [2]int64{0, 4}}, {"b", "F64", []int{8}, [2]int64{4, 68}}}, "not in the model"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			end := tt.entries[len(tt.entries)-1].offsets[1]
			_, _, err := Load(bytes.NewReader(craft(meta, tt.entries, make([]byte, end))))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}
