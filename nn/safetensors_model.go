package nn

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// FormatVersion is the version of Convscope's safetensors metadata written
// in "format_version"; files with a larger version are refused.
const FormatVersion = 1

// DefaultRescale is Keras' ImageDataGenerator(rescale=1./255).
const DefaultRescale = 1.0 / 255

// Metadata is what a Convscope model file records besides the weights and
// the architecture: how to turn an image into the model's input and how to
// name its outputs.
type Metadata struct {
	// ClassNames names the classes, in class-index order (the sorted
	// subfolder names of flow_from_directory). A model with one sigmoid
	// output has two; empty if unknown.
	ClassNames []string
	// Rescale multiplies pixel values 0..255; 0 means DefaultRescale.
	Rescale float64
	// ColorMode is Keras' color_mode: "grayscale", "rgb" or "rgba". Empty
	// means the one matching the input's channels (1, 3 or 4).
	ColorMode string
	// Interpolation is the resampling used to resize images to the input
	// size (Keras' interpolation); empty means "nearest", Keras' default.
	Interpolation string
	// History is the training history, if any.
	History *History
	// Extra holds any other __metadata__ entries: written as given, and
	// filled with the unknown entries on load.
	Extra map[string]string
}

// reservedMeta are the __metadata__ keys Convscope writes itself.
var reservedMeta = []string{"format", "format_version", "arch", "input_shape", "class_names", "rescale", "color_mode", "interpolation", "history"}

// colorModes maps Keras' color modes to their channel counts.
var colorModes = map[string]int{"grayscale": 1, "rgb": 3, "rgba": 4}

// encodeMeta builds the __metadata__ map for m, validating meta against it.
func encodeMeta(m *Sequential, meta Metadata) (map[string]string, error) {
	meta, err := completeMeta(m, meta)
	if err != nil {
		return nil, err
	}
	arch, err := m.Arch().MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("nn: save: architecture: %w", err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, arch); err != nil {
		return nil, fmt.Errorf("nn: save: architecture: %w", err)
	}
	kv := map[string]string{}
	for k, v := range meta.Extra {
		for _, r := range reservedMeta {
			if k == r {
				return nil, fmt.Errorf("nn: save: metadata key %q is reserved; set the Metadata field instead", k)
			}
		}
		kv[k] = v
	}
	names := meta.ClassNames
	if names == nil {
		names = []string{}
	}
	cn, _ := json.Marshal(names)
	in, _ := json.Marshal(m.InputShape())
	kv["format"] = "convscope"
	kv["format_version"] = strconv.Itoa(FormatVersion)
	kv["arch"] = compact.String()
	kv["input_shape"] = string(in)
	kv["class_names"] = string(cn)
	kv["rescale"] = strconv.FormatFloat(meta.Rescale, 'g', -1, 64)
	kv["color_mode"] = meta.ColorMode
	kv["interpolation"] = meta.Interpolation
	if meta.History != nil {
		hj, err := meta.History.MarshalJSON()
		if err != nil {
			return nil, err
		}
		kv["history"] = string(hj)
	}
	return kv, nil
}

// completeMeta fills meta's defaults for m and checks it fits m.
func completeMeta(m *Sequential, meta Metadata) (Metadata, error) {
	in := m.InputShape()
	channels := in[len(in)-1]
	if meta.Rescale == 0 {
		meta.Rescale = DefaultRescale
	}
	if meta.Interpolation == "" {
		meta.Interpolation = "nearest"
	}
	if meta.ColorMode == "" && len(in) == 3 {
		for mode, c := range colorModes {
			if c == channels {
				meta.ColorMode = mode
			}
		}
	}
	if meta.ColorMode != "" {
		c, ok := colorModes[meta.ColorMode]
		if !ok {
			return meta, fmt.Errorf("nn: metadata: color_mode: expected grayscale, rgb or rgba, received %q", meta.ColorMode)
		}
		if len(in) != 3 || c != channels {
			return meta, fmt.Errorf("nn: metadata: color_mode %q needs an input of shape (height, width, %d), the model's is %s", meta.ColorMode, c, shapeString(in))
		}
	}
	if math64IsBad(meta.Rescale) {
		return meta, fmt.Errorf("nn: metadata: rescale must be finite, received %v", meta.Rescale)
	}
	if n := len(meta.ClassNames); n > 0 {
		out := shapeSize(m.OutputShape())
		want := out
		if out == 1 {
			want = 2 // one sigmoid output: classes 0 and 1
		}
		if n != want {
			return meta, fmt.Errorf("nn: metadata: class_names: expected %d names for a model with %d output(s), received %d", want, out, n)
		}
	}
	return meta, nil
}

func math64IsBad(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }

// stExcerpt shortens s for an error message.
func stExcerpt(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// decodeMeta reads Convscope's entries of a __metadata__ map.
func decodeMeta(kv map[string]string) (Metadata, error) {
	var meta Metadata
	for k, v := range kv {
		switch k {
		case "format", "format_version", "arch", "input_shape":
		case "class_names":
			if err := json.Unmarshal([]byte(v), &meta.ClassNames); err != nil {
				return meta, fmt.Errorf("nn: metadata: class_names: expected a JSON list of strings, received %q", stExcerpt((v)))
			}
		case "rescale":
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || math64IsBad(f) {
				return meta, fmt.Errorf("nn: metadata: rescale: expected a number, received %q", stExcerpt((v)))
			}
			meta.Rescale = f
		case "color_mode":
			meta.ColorMode = v
		case "interpolation":
			meta.Interpolation = v
		case "history":
			meta.History = &History{}
			if err := meta.History.UnmarshalJSON([]byte(v)); err != nil {
				return meta, fmt.Errorf("nn: metadata: %w", err)
			}
		default:
			if meta.Extra == nil {
				meta.Extra = map[string]string{}
			}
			meta.Extra[k] = v
		}
	}
	return meta, nil
}

// Write writes m's weights and architecture with meta to w in the
// safetensors format (see FORMAT.md): tensors "<layer>/kernel" and
// "<layer>/bias" as F32 in Keras' layouts, in layer order.
func Write(w io.Writer, m *Sequential, meta Metadata) error {
	kv, err := encodeMeta(m, meta)
	if err != nil {
		return err
	}
	return writeModel(w, m, kv)
}

func writeModel(w io.Writer, m *Sequential, kv map[string]string) error {
	bw := bufio.NewWriterSize(w, stChunk)
	params := m.Params()
	names := make([]string, len(params))
	shapes := make([][]int, len(params))
	for i, p := range params {
		names[i], shapes[i] = p.Name, p.Shape
	}
	if err := writeHeader(bw, kv, names, shapes); err != nil {
		return err
	}
	buf := make([]byte, stChunk)
	for _, p := range params {
		if err := writeF32(bw, p.Value, buf); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// saveWrapper, when non-nil, wraps the temporary file SaveFile writes to
// (tests use it to simulate a full disk).
var saveWrapper func(io.Writer) io.Writer

// SaveFile writes the model to path as Write does, atomically: it writes a
// temporary file in the same directory, syncs it to disk and renames it over
// path, so a crash or an error never leaves a half-written file, and an
// existing file at path is replaced only by a complete one.
func SaveFile(path string, m *Sequential, meta Metadata) (err error) {
	kv, err := encodeMeta(m, meta)
	if err != nil {
		return err
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("nn: save %s: not a regular file", path)
		}
		mode = fi.Mode().Perm()
	}
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return fmt.Errorf("nn: save: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	var w io.Writer = f
	if saveWrapper != nil {
		w = saveWrapper(w)
	}
	if err = writeModel(w, m, kv); err != nil {
		return fmt.Errorf("nn: save %s: %w", path, err)
	}
	if err = f.Chmod(mode); err != nil {
		return fmt.Errorf("nn: save %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("nn: save %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("nn: save %s: %w", path, err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("nn: save: %w", err)
	}
	// Make the rename itself durable; not possible everywhere (Windows),
	// and the file is complete either way.
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// Load reads a model written by Write or SaveFile: it builds the
// architecture recorded in the metadata and fills its weights. Anything
// wrong with the input (not safetensors, truncated, not a Convscope model,
// weights that do not fit the architecture) is returned as an error.
//
// Nothing large is allocated before the input is known to hold the data
// its header declares: when r has a length (a *bytes.Reader, say, for a
// model embedded in the program) or can seek, the header is checked against
// it, as LoadFile does; otherwise the data is read into memory first.
func Load(r io.Reader) (*Sequential, Metadata, error) {
	return load(newBufReader(r), readerSize(r))
}

// readerSize returns the number of bytes left in r if it can tell, or -1.
func readerSize(r io.Reader) int64 {
	switch v := r.(type) {
	case interface{ Len() int }:
		return int64(v.Len())
	case io.Seeker:
		cur, err := v.Seek(0, io.SeekCurrent)
		if err != nil {
			return -1
		}
		end, err := v.Seek(0, io.SeekEnd)
		if _, err2 := v.Seek(cur, io.SeekStart); err != nil || err2 != nil {
			return -1
		}
		return end - cur
	}
	return -1
}

// LoadFile reads a model file written by SaveFile (see Load).
func LoadFile(path string) (*Sequential, Metadata, error) {
	f, size, err := openSized(path)
	if err != nil {
		return nil, Metadata{}, err
	}
	defer f.Close()
	m, meta, err := load(bufio.NewReaderSize(f, stChunk), size)
	if err != nil {
		return nil, Metadata{}, fmt.Errorf("%s: %w", path, err)
	}
	return m, meta, nil
}

func openSized(path string) (*os.File, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("nn: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("nn: %w", err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, 0, fmt.Errorf("nn: %s: not a regular file", path)
	}
	return f, fi.Size(), nil
}

func load(r io.Reader, size int64) (*Sequential, Metadata, error) {
	h, err := readHeader(r, size)
	if err != nil {
		return nil, Metadata{}, err
	}
	if size < 0 {
		if r, err = bufferData(r, h); err != nil {
			return nil, Metadata{}, err
		}
	}
	kv := h.Meta
	if kv["format"] != "convscope" {
		return nil, Metadata{}, errors.New(`nn: not a Convscope model: the safetensors metadata has no "format": "convscope" (load plain safetensors weights into a model of the right architecture with LoadWeights)`)
	}
	if v, err := strconv.Atoi(kv["format_version"]); err != nil || v < 1 {
		return nil, Metadata{}, fmt.Errorf("nn: model file: format_version: expected a positive integer, received %q", kv["format_version"])
	} else if v > FormatVersion {
		return nil, Metadata{}, fmt.Errorf("nn: model file: format_version %d was written by a newer Convscope (this one reads up to %d)", v, FormatVersion)
	}
	arch, err := ParseArch([]byte(kv["arch"]))
	if err != nil {
		return nil, Metadata{}, fmt.Errorf("nn: model file: %w", err)
	}
	var in []int
	if err := json.Unmarshal([]byte(kv["input_shape"]), &in); err != nil || !equalShapes(in, arch.InputShape) {
		return nil, Metadata{}, fmt.Errorf("nn: model file: input_shape %q does not match the architecture's %s", stExcerpt((kv["input_shape"])), shapeString(arch.InputShape))
	}
	var total int64
	for _, t := range h.Tensors {
		total += (t.End - t.Begin) / int64(dtypeSizes[t.DType])
	}
	if err := checkArchSize(arch, total); err != nil {
		return nil, Metadata{}, err
	}
	m, err := arch.Build()
	if err != nil {
		return nil, Metadata{}, fmt.Errorf("nn: model file: %w", err)
	}
	meta, err := decodeMeta(kv)
	if err != nil {
		return nil, Metadata{}, err
	}
	if meta, err = completeMeta(m, meta); err != nil {
		return nil, Metadata{}, err
	}
	if err := readWeights(r, h, m); err != nil {
		return nil, Metadata{}, err
	}
	return m, meta, nil
}

// bufferData reads the data section of h from r, a stream of unknown
// length, into memory and returns a reader over it, so that nothing is
// allocated for the model before the data is known to be complete (the
// buffer grows with what the stream actually holds).
func bufferData(r io.Reader, h *stHeader) (io.Reader, error) {
	data, err := io.ReadAll(io.LimitReader(r, h.DataLen+1))
	if err != nil {
		return nil, fmt.Errorf("nn: safetensors: reading the data: %w", err)
	}
	if int64(len(data)) < h.DataLen {
		return nil, fmt.Errorf("nn: safetensors: truncated: the header declares %d data bytes, the file holds %d", h.DataLen, len(data))
	}
	if int64(len(data)) > h.DataLen {
		return nil, errors.New("nn: safetensors: unexpected data after the last tensor")
	}
	return bytes.NewReader(data), nil
}

// maxInputSize bounds the per-sample input size a model file may declare
// (64 Mi values, e.g. 4096×4096×4).
const maxInputSize = 1 << 26

// checkArchSize refuses architectures whose weights could not come from a
// file holding `values` numbers, before Build allocates them: a hostile or
// corrupt file must not make Load allocate gigabytes. It walks the layers
// the way Build does, on throwaway layers, checking each Conv2D and Dense
// kernel size before that layer allocates it.
func checkArchSize(a Arch, values int64) error {
	if int64(shapeSize(a.InputShape)) > maxInputSize {
		return fmt.Errorf("nn: model file: input_shape %s is larger than %d values", shapeString(a.InputShape), maxInputSize)
	}
	shape := a.InputShape
	var need float64
	for i, c := range a.Layers {
		switch c.ClassName {
		case "Conv2D":
			need += float64(c.KernelSize[0]) * float64(c.KernelSize[1]) * float64(shape[len(shape)-1]) * float64(c.Filters)
		case "Dense":
			need += float64(shapeSize(shape)) * float64(c.Units)
		}
		if need > float64(values) {
			return fmt.Errorf("nn: model file: layer %d (%s) needs more weights than the file holds (%d values)", i+1, c.ClassName, values)
		}
		l, err := c.Layer()
		if err != nil {
			return fmt.Errorf("nn: model file: layer %d: %w", i+1, err)
		}
		out, err := l.Build(shape)
		if err != nil {
			return fmt.Errorf("nn: model file: layer %d (%s): %w", i+1, c.ClassName, err)
		}
		if int64(shapeSize(out)) > maxInputSize*64 {
			return fmt.Errorf("nn: model file: layer %d (%s) output %s is too large", i+1, c.ClassName, shapeString(out))
		}
		shape = out
	}
	return nil
}

// LoadWeights reads the weights of a safetensors file into m, strictly: the
// file must hold exactly m's tensors ("<layer>/kernel", "<layer>/bias"), as
// F32 with m's shapes. Otherwise it returns an error listing every missing,
// unexpected and mis-shaped tensor, and m is unchanged. The file need not
// have been written by Convscope.
func LoadWeights(path string, m *Sequential) error {
	f, size, err := openSized(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, stChunk)
	h, err := readHeader(r, size)
	if err == nil {
		err = readWeights(r, h, m)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// ReadWeights is LoadWeights from a reader.
func ReadWeights(r io.Reader, m *Sequential) error {
	size := readerSize(r)
	r = newBufReader(r)
	h, err := readHeader(r, size)
	if err != nil {
		return err
	}
	if size < 0 {
		if _, err := checkWeights(h, m); err != nil {
			return err
		}
		if r, err = bufferData(r, h); err != nil {
			return err
		}
	}
	return readWeights(r, h, m)
}

// checkWeights returns an error listing every tensor of h that does not
// match m's parameters (missing, unexpected, wrong dtype or shape), or the
// parameter each tensor of h goes to.
func checkWeights(h *stHeader, m *Sequential) ([]*Param, error) {
	index := map[string]int{}
	for i, t := range h.Tensors {
		index[t.Name] = i
	}
	var problems []string
	dst := make([]*Param, len(h.Tensors)) // by position in h.Tensors
	for _, p := range m.Params() {
		i, ok := index[p.Name]
		if !ok {
			problems = append(problems, p.Name+": missing from the file")
			continue
		}
		t := &h.Tensors[i]
		switch {
		case t.DType != "F32":
			problems = append(problems, fmt.Sprintf("%s: expected dtype F32, received %s", p.Name, t.DType))
		case !equalShapes(t.Shape, p.Shape):
			problems = append(problems, fmt.Sprintf("%s: expected shape %s, received %s", p.Name, shapeString(p.Shape), shapeString(t.Shape)))
		}
		dst[i] = p
	}
	for i, t := range h.Tensors {
		if dst[i] == nil {
			problems = append(problems, t.Name+": not in the model")
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("nn: weights do not match the model: %s", strings.Join(problems, "; "))
	}
	return dst, nil
}

// readWeights checks h against m's parameters, then reads the data section
// from r straight into them. r must hold the whole data section (its length
// was checked, or it was buffered); if it still ends early (a file cut while
// being read), m is left partly updated and the error says so.
func readWeights(r io.Reader, h *stHeader, m *Sequential) error {
	dst, err := checkWeights(h, m)
	if err != nil {
		return err
	}
	buf := make([]byte, stChunk)
	for i, t := range h.Tensors {
		if err := readF32(r, dst[i].Value, buf); err != nil {
			return fmt.Errorf("nn: safetensors: truncated: %s: the data ends early; the model's weights are incomplete", t.Name)
		}
	}
	if n, _ := io.ReadFull(r, buf[:1]); n > 0 {
		return errors.New("nn: safetensors: unexpected data after the last tensor")
	}
	return nil
}
