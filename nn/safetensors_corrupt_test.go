package nn

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadCorruptInputs(t *testing.T) {
	m := smallConvNet(t, 1, 1)
	good := savedBytes(t, m, Metadata{})
	n := binary.LittleEndian.Uint64(good)
	header := good[8 : 8+n]
	data := good[8+n:]
	var meta map[string]string
	var hdr map[string]json.RawMessage
	json.Unmarshal(header, &hdr)
	json.Unmarshal(hdr["__metadata__"], &meta)
	es, _ := entriesOf(m)
	withMeta := func(k, v string) []byte {
		mm := map[string]string{}
		for a, b := range meta {
			mm[a] = b
		}
		if v == "" {
			delete(mm, k)
		} else {
			mm[k] = v
		}
		return craft(mm, es, data)
	}
	withEntry := func(i int, f func(e *stEntry)) []byte {
		es2 := append([]stEntry(nil), es...)
		f(&es2[i])
		return craft(meta, es2, data)
	}
	huge := binary.LittleEndian.AppendUint64(nil, 1<<40)
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "file too short"},
		{"short", []byte{1, 2, 3}, "file too short"},
		{"png", []byte("\x89PNG\r\n\x1a\n0000000000000000"), "out of range"},
		{"huge header", append(huge, '{', '}'), "out of range"},
		{"header past the end", append(binary.LittleEndian.AppendUint64(nil, 64), []byte(`{"a":1}`)...), "larger than the file"},
		{"not JSON", rawFile([]byte("{nope}  "), nil), "not valid JSON"},
		{"not an object", rawFile([]byte("[1,2,3] "), nil), "does not start with '{'"},
		{"truncated header JSON", rawFile([]byte(`{"a":{"dtype":"F32"`), nil), "unexpected end of JSON"},
		{"trailing garbage", rawFile([]byte(`{} x`), nil), "unexpected data after the JSON object"},
		{"duplicate", rawFile([]byte(`{"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]}}`), make([]byte, 4)), `duplicate entry "a"`},
		{"metadata not strings", rawFile([]byte(`{"__metadata__":{"a":1}}`), nil), "expected an object of strings"},
		{"missing dtype", rawFile([]byte(`{"a":{"shape":[1],"data_offsets":[0,4]}}`), make([]byte, 4)), `expected "dtype", "shape" and "data_offsets"`},
		{"unknown dtype", withEntry(0, func(e *stEntry) { e.dtype = "F33" }), `unknown dtype "F33"`},
		{"wrong dtype", withEntry(1, func(e *stEntry) { e.dtype = "I32" }), "conv2d_1/bias: expected dtype F32, received I32"},
		{"negative dim", withEntry(1, func(e *stEntry) { e.shape = []int{-4} }), "negative dimension"},
		{"shape too large", withEntry(1, func(e *stEntry) { e.shape = []int{5} }), "needs more bytes than data_offsets [144, 160] hold"},
		{"shape too small", withEntry(1, func(e *stEntry) { e.shape = []int{3} }), "needs 12 bytes, data_offsets [144, 160] hold 16"},
		{"overflowing shape", withEntry(1, func(e *stEntry) { e.shape = []int{1 << 40, 1 << 40} }), "needs more bytes"},
		{"fractional offsets", rawFile([]byte(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0.5,4.5]}}`), make([]byte, 5)), "not a valid byte range"},
		{"fractional end", rawFile([]byte(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4.25]}}`), make([]byte, 5)), "not a valid byte range"},
		{"offsets reversed", withEntry(1, func(e *stEntry) { e.offsets = [2]int64{e.offsets[1], e.offsets[0]} }), "not a valid byte range"},
		{"overlap", withEntry(2, func(e *stEntry) { e.offsets[0] -= 4; e.offsets[1] -= 4 }), "overlap"},
		{"gap", withEntry(len(es)-1, func(e *stEntry) { e.offsets[0] += 4; e.offsets[1] += 4 }), "gap"},
		{"offsets past the data", craft(meta, es, data[:len(data)-4]), "truncated"},
		{"trailing data", craft(meta, es, append(append([]byte(nil), data...), 0, 0, 0, 0)), "after the last tensor"},
		{"not convscope", craft(nil, es, data), "not a Convscope model"},
		{"newer format", withMeta("format_version", "2"), "newer Convscope"},
		{"bad arch", withMeta("arch", `{"input_shape":[6,6,1],"layers":[{"class_name":"Conv3D"}]}`), "Conv3D"},
		{"arch not JSON", withMeta("arch", `{`), "arch"},
		{"input_shape mismatch", withMeta("input_shape", "[6,6,3]"), "does not match"},
		{"arch too big", withMeta("arch", `{"input_shape":[6,6,1],"layers":[{"class_name":"Flatten"},{"class_name":"Dense","config":{"units":1000000000}}]}`), "needs more weights than the file holds"},
		{"arch other weights", withMeta("arch", `{"input_shape":[6,6,1],"layers":[{"class_name":"Flatten"},{"class_name":"Dense","config":{"units":2}}]}`), "not in the model"},
		{"class names", withMeta("class_names", `["a","b","c"]`), "expected 2 names"},
		{"class names not JSON", withMeta("class_names", `a,b`), "class_names"},
		{"rescale", withMeta("rescale", "x"), "rescale"},
		{"color mode", withMeta("color_mode", "rgb"), `color_mode "rgb" needs an input of shape (height, width, 3)`},
		{"history", withMeta("history", `{"loss":[1]}`), "history"},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Load(bytes.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load error %v, want one containing %q", err, tt.want)
			}
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_"))
			os.WriteFile(path, tt.in, 0o644)
			_, _, err = LoadFile(path)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("LoadFile error %v, want one containing %q", err, tt.want)
			}
		})
	}
	// Every proper prefix of a good file is an error, from a reader with
	// or without a known length.
	for cut := 0; cut < len(good); cut += 1 + cut/8 {
		if _, _, err := Load(bytes.NewReader(good[:cut])); err == nil {
			t.Fatalf("Load of the first %d of %d bytes succeeded", cut, len(good))
		}
		if _, _, err := Load(io.MultiReader(bytes.NewReader(good[:cut]))); err == nil {
			t.Fatalf("Load of a stream of the first %d of %d bytes succeeded", cut, len(good))
		}
	}
}

// FuzzLoad runs Load, ReadWeights and LoadGraph on arbitrary bytes.
func FuzzLoad(f *testing.F) {
	m := smallConvNet(f, 1, 1)
	good := savedBytes(f, m, Metadata{ClassNames: []string{"a", "b"}, History: sampleHistory()})
	es, data := entriesOf(m)
	n := binary.LittleEndian.Uint64(good)
	f.Add(good)
	f.Add(good[:8+n])
	f.Add(good[:len(good)-3])
	f.Add(good[:40])
	f.Add(craft(nil, es, data))
	f.Add(craft(map[string]string{"format": "convscope"}, es, data))
	f.Add(rawFile([]byte(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`), make([]byte, 8)))
	f.Add([]byte{})
	target := smallConvNet(f, 1, 2)
	f.Fuzz(func(t *testing.T, in []byte) {
		got, meta, err := Load(bytes.NewReader(in))
		_, _, err2 := Load(io.MultiReader(bytes.NewReader(in)))
		if (err == nil) != (err2 == nil) {
			t.Fatalf("Load from a bytes.Reader: %v; from a stream: %v", err, err2)
		}
		ReadWeights(bytes.NewReader(in), target)
		// The graph reader takes the same files (and graph ones): it must
		// refuse or load, never panic, and agree with Load on Sequential ones.
		if g, _, gerr := LoadGraph(bytes.NewReader(in)); err == nil && gerr != nil {
			t.Fatalf("Load accepts the file, LoadGraph refuses it: %v", gerr)
		} else if gerr == nil && g == nil {
			t.Fatal("LoadGraph returned no graph and no error")
		}
		if err != nil {
			return
		}
		// Whatever loads must save and load again unchanged.
		var b bytes.Buffer
		if err := Write(&b, got, meta); err != nil {
			t.Fatalf("re-saving a loaded model: %v", err)
		}
		again, _, err := Load(&b)
		if err != nil {
			t.Fatalf("re-loading: %v", err)
		}
		if !bitEqual(weights(again), weights(got)) {
			t.Fatal("weights changed on a second round trip")
		}
	})
}
