package nn

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
)

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
	return loadFile(path, load)
}

// loadFile opens the model file at path and reads it with load, naming
// the file in any error about its content.
func loadFile[M any](path string, load func(io.Reader, int64) (M, Metadata, error)) (M, Metadata, error) {
	var none M
	f, size, err := openSized(path)
	if err != nil {
		return none, Metadata{}, err
	}
	defer f.Close()
	m, meta, err := load(bufio.NewReaderSize(f, stChunk), size)
	if err != nil {
		return none, Metadata{}, fmt.Errorf("%s: %w", path, err)
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

// readModelHeader reads and checks the header of a Convscope model file
// and returns it with a reader positioned at the data (buffered in memory
// when size is unknown).
func readModelHeader(r io.Reader, size int64) (*stHeader, io.Reader, error) {
	h, err := readHeader(r, size)
	if err != nil {
		return nil, nil, err
	}
	if size < 0 {
		if r, err = bufferData(r, h); err != nil {
			return nil, nil, err
		}
	}
	kv := h.Meta
	if kv["format"] != "convscope" {
		return nil, nil, errors.New(`nn: not a Convscope model: the safetensors metadata has no "format": "convscope" (load plain safetensors weights into a model of the right architecture with LoadWeights)`)
	}
	if v, err := strconv.Atoi(kv["format_version"]); err != nil || v < 1 {
		return nil, nil, fmt.Errorf("nn: model file: format_version: expected a positive integer, received %q", kv["format_version"])
	} else if v > FormatVersion {
		return nil, nil, fmt.Errorf("nn: model file: format_version %d was written by a newer Convscope (this one reads up to %d)", v, FormatVersion)
	}
	return h, r, nil
}

func load(r io.Reader, size int64) (*Sequential, Metadata, error) {
	m, meta, _, err := loadRaw(r, size, nil)
	return m, meta, err
}

// loadRaw is load that also returns the raw __metadata__ and reads a
// checkpoint's "optimizer/…" tensors into extra (skipped when extra is nil).
func loadRaw(r io.Reader, size int64, extra map[string][]float32) (*Sequential, Metadata, map[string]string, error) {
	h, r, err := readModelHeader(r, size)
	if err != nil {
		return nil, Metadata{}, nil, err
	}
	kv := h.Meta
	if isGraphJSON([]byte(kv["arch"])) {
		return nil, Metadata{}, nil, errors.New("nn: model file: the model is a graph (a functional model), not a Sequential one: open it with LoadGraph or LoadGraphFile")
	}
	arch, err := ParseArch([]byte(kv["arch"]))
	if err != nil {
		return nil, Metadata{}, nil, fmt.Errorf("nn: model file: %w", err)
	}
	var in []int
	if err := json.Unmarshal([]byte(kv["input_shape"]), &in); err != nil || !slices.Equal(in, arch.InputShape) {
		return nil, Metadata{}, nil, fmt.Errorf("nn: model file: input_shape %q does not match the architecture's %s", stExcerpt((kv["input_shape"])), shapeString(arch.InputShape))
	}
	var total int64
	for _, t := range h.Tensors {
		total += (t.End - t.Begin) / int64(dtypeSizes[t.DType])
	}
	layers, shapes, err := checkedLayers(arch, total)
	if err != nil {
		return nil, Metadata{}, nil, err
	}
	// The layers checkedLayers built are the model's (building them again
	// would allocate every weight twice), and no initial weights are drawn:
	// readWeights fills every one (it checks that the file holds exactly
	// the model's tensors first), and a model whose weights do not all load
	// is never returned.
	m, err := newSequential(arch.InputShape, layers, false, shapes)
	if err != nil {
		return nil, Metadata{}, nil, fmt.Errorf("nn: model file: %w", err)
	}
	meta, err := decodeMeta(kv)
	if err != nil {
		return nil, Metadata{}, nil, err
	}
	if meta, err = completeMeta(m, meta); err != nil {
		return nil, Metadata{}, nil, err
	}
	if err := readWeights(r, h, m, extra); err != nil {
		return nil, Metadata{}, nil, err
	}
	return m, meta, kv, nil
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
// the way Build does, checking each Conv2D and Dense kernel size before
// that layer allocates it (Load keeps the layers it builds:
// checkedLayers).
func checkArchSize(a Arch, values int64) error {
	_, _, err := checkedLayers(a, values)
	return err
}

// checkedLayers is checkArchSize that returns the layers it built and their
// output shapes, the model Load makes (newSequential with built shapes).
func checkedLayers(a Arch, values int64) ([]Layer, [][]int, error) {
	if int64(shapeSize(a.InputShape)) > maxInputSize {
		return nil, nil, fmt.Errorf("nn: model file: input_shape %s is larger than %d values", shapeString(a.InputShape), maxInputSize)
	}
	layers := make([]Layer, len(a.Layers))
	shapes := make([][]int, len(a.Layers))
	shape := a.InputShape
	var need float64
	for i, c := range a.Layers {
		switch c.ClassName {
		case "Conv2D":
			need += float64(c.KernelSize[0]) * float64(c.KernelSize[1]) * float64(shape[len(shape)-1]) / float64(max(c.Groups, 1)) * float64(c.Filters)
		case "Dense":
			need += float64(shapeSize(shape)) * float64(c.Units)
		}
		if need > float64(values) {
			return nil, nil, fmt.Errorf("nn: model file: layer %d (%s) needs more weights than the file holds (%d values)", i+1, c.ClassName, values)
		}
		l, err := c.Layer()
		if err != nil {
			return nil, nil, fmt.Errorf("nn: model file: layer %d: %w", i+1, err)
		}
		out, err := l.Build(shape)
		if err != nil {
			return nil, nil, fmt.Errorf("nn: model file: layer %d (%s): %w", i+1, c.ClassName, err)
		}
		if int64(shapeSize(out)) > maxInputSize*64 {
			return nil, nil, fmt.Errorf("nn: model file: layer %d (%s) output %s is too large", i+1, c.ClassName, shapeString(out))
		}
		layers[i], shapes[i] = l, out
		shape = out
	}
	return layers, shapes, nil
}
