package nn

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// smallConvNet is a (6, 6, channels) → 1 sigmoid convnet with 193+channels·36 weights.
func smallConvNet(t testing.TB, channels int, seed int64) *Sequential {
	t.Helper()
	m, err := NewSequential([]int{6, 6, channels},
		NewConv2D(4, 3, 3, WithActivation("relu")),
		NewMaxPooling2D(2, 2),
		NewFlatten(),
		NewDense(8, WithActivation("relu")),
		NewDense(1, WithActivation("sigmoid")))
	if err != nil {
		t.Fatal(err)
	}
	m.Init(seed)
	return m
}

func savedBytes(t testing.TB, m *Sequential, meta Metadata) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, m, meta); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSaveLoadRoundTrip(t *testing.T) {
	m := smallConvNet(t, 3, 5)
	// Values a lossy path would change (NaN and ±Inf are refused on load).
	k := m.Params()[0].Value
	k[0], k[1], k[2], k[3] = float32(math.Copysign(0, -1)), math.MaxFloat32, math.Float32frombits(1), -math.SmallestNonzeroFloat32
	h := sampleHistory()
	meta := Metadata{ClassNames: []string{"cats", "dogs"}, Interpolation: "bilinear", History: h, Extra: map[string]string{"author": "test"}}
	path := filepath.Join(t.TempDir(), "model.safetensors")
	if err := SaveFile(path, m, meta); err != nil {
		t.Fatal(err)
	}
	got, gmeta, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bitEqual(weights(got), weights(m)) {
		t.Error("weights differ after the round trip")
	}
	a1, _ := m.Arch().MarshalJSON()
	a2, _ := got.Arch().MarshalJSON()
	if !bytes.Equal(a1, a2) {
		t.Errorf("architecture differs:\n%s\n%s", a1, a2)
	}
	for i, p := range got.Params() {
		if p.Name != m.Params()[i].Name {
			t.Errorf("param %d named %s, want %s", i, p.Name, m.Params()[i].Name)
		}
	}
	if strings.Join(gmeta.ClassNames, ",") != "cats,dogs" || gmeta.Rescale != DefaultRescale || gmeta.ColorMode != "rgb" ||
		gmeta.Interpolation != "bilinear" || gmeta.Extra["author"] != "test" || len(gmeta.Extra) != 1 {
		t.Errorf("metadata %+v", gmeta)
	}
	hj1, _ := json.Marshal(h)
	hj2, _ := json.Marshal(gmeta.History)
	if !bytes.Equal(hj1, hj2) {
		t.Errorf("history %s, want %s", hj2, hj1)
	}
	// The reader and writer variants produce and accept the same bytes.
	file, _ := os.ReadFile(path)
	if !bytes.Equal(file, savedBytes(t, m, meta)) {
		t.Error("SaveFile and Write wrote different bytes")
	}
	got2, _, err := Load(bytes.NewReader(file))
	if err != nil || !bitEqual(weights(got2), weights(m)) {
		t.Errorf("Load from a reader: %v", err)
	}
	// A plain io.Reader (no length) works too.
	got3, _, err := Load(io.MultiReader(bytes.NewReader(file)))
	if err != nil || !bitEqual(weights(got3), weights(m)) {
		t.Errorf("Load from a stream: %v", err)
	}
}

// TestFileLayout decodes a saved file independently of the package's reader.
func TestFileLayout(t *testing.T) {
	m := smallConvNet(t, 1, 2)
	data := savedBytes(t, m, Metadata{})
	n := binary.LittleEndian.Uint64(data)
	if n%8 != 0 {
		t.Errorf("header length %d is not a multiple of 8", n)
	}
	var header map[string]json.RawMessage
	if err := json.Unmarshal(data[8:8+n], &header); err != nil {
		t.Fatal(err)
	}
	var meta map[string]string
	json.Unmarshal(header["__metadata__"], &meta)
	wantMeta := map[string]string{"format": "convscope", "format_version": "1", "input_shape": "[6,6,1]", "class_names": "[]",
		"rescale": "0.00392156862745098", "color_mode": "grayscale", "interpolation": "nearest"}
	for k, v := range wantMeta {
		if meta[k] != v {
			t.Errorf("metadata %s = %q, want %q", k, meta[k], v)
		}
	}
	if _, err := ParseArch([]byte(meta["arch"])); err != nil {
		t.Errorf("metadata arch: %v", err)
	}
	body := data[8+n:]
	var end int64
	for _, p := range m.Params() {
		var e struct {
			DType   string   `json:"dtype"`
			Shape   []int    `json:"shape"`
			Offsets [2]int64 `json:"data_offsets"`
		}
		if err := json.Unmarshal(header[p.Name], &e); err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
		if e.DType != "F32" || !slices.Equal(e.Shape, p.Shape) || e.Offsets[0] != end {
			t.Errorf("%s: entry %+v", p.Name, e)
		}
		for i, v := range p.Value {
			if got := math.Float32frombits(binary.LittleEndian.Uint32(body[e.Offsets[0]+4*int64(i):])); math.Float32bits(got) != math.Float32bits(v) {
				t.Fatalf("%s[%d] = %v on disk, want %v", p.Name, i, got, v)
			}
		}
		end = e.Offsets[1]
	}
	if int64(len(body)) != end {
		t.Errorf("data section has %d bytes, tensors end at %d", len(body), end)
	}
	if got := m.Params()[0].Name; got != "conv2d_1/kernel" || len(header) != len(m.Params())+1 {
		t.Errorf("first tensor %s, %d header entries", got, len(header))
	}
}

// stEntry is a tensor for craft.
type stEntry struct {
	name, dtype string
	shape       []int
	offsets     [2]int64
}

// craft writes a safetensors file by hand, independently of writeHeader.
func craft(meta map[string]string, entries []stEntry, data []byte) []byte {
	h := map[string]any{}
	if meta != nil {
		h["__metadata__"] = meta
	}
	for _, e := range entries {
		h[e.name] = map[string]any{"dtype": e.dtype, "shape": e.shape, "data_offsets": e.offsets}
	}
	hj, _ := json.Marshal(h)
	return rawFile(hj, data)
}

func rawFile(header, data []byte) []byte {
	out := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	return append(append(out, header...), data...)
}

// entriesOf lists m's tensors as F32, laid out in order.
func entriesOf(m *Sequential) ([]stEntry, []byte) {
	var es []stEntry
	var data []byte
	for _, p := range m.Params() {
		b := int64(len(data))
		for _, v := range p.Value {
			data = binary.LittleEndian.AppendUint32(data, math.Float32bits(v))
		}
		es = append(es, stEntry{p.Name, "F32", p.Shape, [2]int64{b, int64(len(data))}})
	}
	return es, data
}

func TestLoadWeightsStrict(t *testing.T) {
	gray := smallConvNet(t, 1, 1)
	es, data := entriesOf(gray)
	rgb := smallConvNet(t, 3, 1)
	before := weights(rgb)

	path := filepath.Join(t.TempDir(), "gray.safetensors")
	os.WriteFile(path, craft(nil, es, data), 0o644)
	err := LoadWeights(path, rgb)
	want := "conv2d_1/kernel: expected shape (3, 3, 3, 4), received (3, 3, 1, 4)"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want %q", err, want)
	}
	if !bitEqual(before, weights(rgb)) {
		t.Error("a failed load changed the weights")
	}

	// Missing, unexpected and wrong-dtype tensors are all listed at once.
	es2 := append([]stEntry(nil), es...)
	es2[4].name = "dense_9/bias" // dense_2/kernel goes missing…
	es2[1].dtype = "I32"         // …conv2d_1/bias has the wrong dtype
	es2 = es2[:len(es2)-1]       // and dense_2/bias is dropped
	data2 := data[:es2[len(es2)-1].offsets[1]]
	err = ReadWeights(bytes.NewReader(craft(nil, es2, data2)), gray)
	for _, want := range []string{"conv2d_1/bias: expected dtype F32, received I32", "dense_2/kernel: missing from the file",
		"dense_2/bias: missing from the file", "dense_9/bias: not in the model"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v, want it to contain %q", err, want)
		}
	}

	// A plain safetensors file (no Convscope metadata) with the right
	// tensors loads into a model.
	other := smallConvNet(t, 1, 99)
	if err := ReadWeights(bytes.NewReader(craft(nil, es, data)), other); err != nil {
		t.Fatal(err)
	}
	if !bitEqual(weights(other), weights(gray)) {
		t.Error("ReadWeights did not copy the weights")
	}
}

func TestSaveMetadataErrors(t *testing.T) {
	m := smallConvNet(t, 3, 1)
	tests := []struct {
		meta Metadata
		want string
	}{
		{Metadata{ClassNames: []string{"only"}}, "expected 2 names for a model with 1 output(s), received 1"},
		{Metadata{ColorMode: "grayscale"}, `color_mode "grayscale" needs an input of shape (height, width, 1), the model's is (6, 6, 3)`},
		{Metadata{ColorMode: "cmyk"}, "expected grayscale, rgb or rgba"},
		{Metadata{Extra: map[string]string{"arch": "x"}}, `metadata key "arch" is reserved`},
		{Metadata{Rescale: math.Inf(1)}, "rescale must be finite"},
	}
	for _, tt := range tests {
		path := filepath.Join(t.TempDir(), "m.safetensors")
		err := SaveFile(path, m, tt.meta)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("SaveFile(%+v) error %v, want %q", tt.meta, err, tt.want)
		}
		if _, statErr := os.Stat(path); !errors.Is(statErr, os.ErrNotExist) {
			t.Errorf("a rejected save created %s", path)
		}
	}
}

// failAfter is a writer that fails once n bytes have been written.
type failAfter struct {
	w io.Writer
	n int
}

func (f *failAfter) Write(p []byte) (int, error) {
	if len(p) > f.n {
		k, _ := f.w.Write(p[:f.n])
		f.n = 0
		return k, errors.New("no space left on device")
	}
	f.n -= len(p)
	return f.w.Write(p)
}

func TestSaveFileIsAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.safetensors")
	old := smallConvNet(t, 3, 1)
	if err := SaveFile(path, old, Metadata{}); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)

	full := func(w io.Writer) io.Writer { return &failAfter{w: w, n: 1000} }
	err := saveFile(path, smallConvNet(t, 3, 2), Metadata{}, full)
	if err == nil || !strings.Contains(err.Error(), "no space left on device") {
		t.Fatalf("error %v, want the write error", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("a failed save changed the existing file")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("%d files in the directory after a failed save, want 1 (no temporary left)", len(ents))
	}
	// A directory in the way, and a missing directory, are errors.
	if err := SaveFile(dir, old, Metadata{}); err == nil {
		t.Error("saving over a directory succeeded")
	}
	if err := SaveFile(filepath.Join(dir, "missing", "m.safetensors"), old, Metadata{}); err == nil {
		t.Error("saving into a missing directory succeeded")
	}
	// A successful save replaces the file.
	if err := SaveFile(path, smallConvNet(t, 3, 2), Metadata{}); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(path); bytes.Equal(before, after) {
		t.Error("a successful save did not replace the file")
	}
}

// TestReferenceModelRoundTrip saves the 3.4M-weight reference model and
// reads it back into the same model (one Build: the test runs under -race).
func TestReferenceModelRoundTrip(t *testing.T) {
	m, err := ReferenceModel()
	if err != nil {
		t.Fatal(err)
	}
	var file bytes.Buffer
	file.Grow(4*3453121 + 8192)
	if err := Write(&file, m, Metadata{ClassNames: []string{"cats", "dogs"}}); err != nil {
		t.Fatal(err)
	}
	if min := 4 * 3453121; file.Len() < min || file.Len() > min+8192 {
		t.Errorf("file is %d bytes, want 13,812,484 plus a small header", file.Len())
	}
	saved := file.Bytes()
	h, err := readHeader(bytes.NewReader(saved), int64(len(saved)))
	if err != nil {
		t.Fatal(err)
	}
	arch, err := ParseArch([]byte(h.Meta["arch"]))
	if err != nil {
		t.Fatal(err)
	}
	a1, _ := arch.MarshalJSON()
	a2, _ := ReferenceArch().MarshalJSON()
	if !bytes.Equal(a1, a2) {
		t.Errorf("saved architecture\n%s\nwant\n%s", a1, a2)
	}
	if err := checkArchSize(arch, 3453121); err != nil {
		t.Error(err)
	}
	for _, p := range m.Params() {
		clear(p.Value)
	}
	if err := ReadWeights(bytes.NewReader(saved), m); err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	again.Grow(file.Len())
	Write(&again, m, Metadata{ClassNames: []string{"cats", "dogs"}})
	if !bytes.Equal(again.Bytes(), saved) {
		t.Error("reference model weights differ after the round trip")
	}
}

func ExampleSaveFile() {
	m, _ := NewSequential([]int{150, 150, 3},
		NewConv2D(32, 3, 3, WithActivation("relu")),
		NewMaxPooling2D(2, 2),
		NewFlatten(),
		NewDense(1, WithActivation("sigmoid")))
	m.Init(42)

	dir, _ := os.MkdirTemp("", "convscope")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "cats_and_dogs.safetensors")
	if err := SaveFile(path, m, Metadata{ClassNames: []string{"cats", "dogs"}}); err != nil {
		fmt.Println(err)
		return
	}
	loaded, meta, err := LoadFile(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(loaded.CountParams(), "weights,", meta.ClassNames, meta.ColorMode, meta.Rescale)
	fmt.Println("same weights:", bitEqual(weights(loaded), weights(m)))
	// Output:
	// 176129 weights, [cats dogs] rgb 0.00392156862745098
	// same weights: true
}
