package nn

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// LoadWeights reads the weights of a safetensors file into m, strictly: the
// file must hold exactly m's tensors ("<layer>/kernel", "<layer>/bias"), as
// F32 with m's shapes. Otherwise it returns an error listing every missing,
// unexpected and mis-shaped tensor, and m is unchanged. A tensor holding NaN
// or ±Inf is refused (the error names it and wraps ErrNotFinite; m is then
// partly updated). The file need not have been written by Convscope.
func LoadWeights(path string, m *Sequential) error {
	f, size, err := openSized(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, stChunk)
	h, err := readHeader(r, size)
	if err == nil {
		err = readWeights(r, h, m, nil)
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
	return readWeights(r, h, m, nil)
}

// checkWeights returns an error listing every tensor of h that does not
// match m's parameters (missing, unexpected, wrong dtype or shape), or the
// parameter each tensor of h goes to.
func checkWeights(h *stHeader, m model) ([]*Param, error) {
	index := map[string]int{}
	for i, t := range h.Tensors {
		index[t.Name] = i
	}
	var problems []string
	dst := make([]*Param, len(h.Tensors)) // by position in h.Tensors
	for _, p := range m.Weights() {
		if strings.HasPrefix(p.Name, checkpointPrefix) {
			problems = append(problems, p.Name+": a parameter name may not start with "+checkpointPrefix)
			continue
		}
		i, ok := index[p.Name]
		if !ok {
			problems = append(problems, p.Name+": missing from the file")
			continue
		}
		t := &h.Tensors[i]
		switch {
		case t.DType != "F32":
			problems = append(problems, fmt.Sprintf("%s: expected dtype F32, received %s", p.Name, t.DType))
		case !slices.Equal(t.Shape, p.Shape):
			problems = append(problems, fmt.Sprintf("%s: expected shape %s, received %s", p.Name, shapeString(p.Shape), shapeString(t.Shape)))
		}
		dst[i] = p
	}
	for i, t := range h.Tensors {
		switch {
		case dst[i] != nil:
		case strings.HasPrefix(t.Name, checkpointPrefix):
			// A checkpoint's training state, not part of the model.
			if t.DType != "F32" {
				problems = append(problems, fmt.Sprintf("%s: expected dtype F32, received %s", t.Name, t.DType))
			}
		default:
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
// being read), m is left partly updated and the error says so. A tensor
// holding NaN or ±Inf is refused with an error naming it (wrapping
// ErrNotFinite); m is then left partly updated too.
//
// Tensors named "optimizer/…" (a checkpoint's training state) are read into
// extra, keyed by name without the prefix, or skipped when extra is nil.
func readWeights(r io.Reader, h *stHeader, m model, extra map[string][]float32) error {
	dst, err := checkWeights(h, m)
	if err != nil {
		return err
	}
	defer m.WeightsChanged()
	buf := make([]byte, stChunk)
	for i, t := range h.Tensors {
		if dst[i] == nil {
			n := t.End - t.Begin
			if extra == nil {
				if _, err := io.CopyN(io.Discard, r, n); err != nil {
					return fmt.Errorf("nn: safetensors: truncated: %s: the data ends early", t.Name)
				}
				continue
			}
			v := make([]float32, n/4)
			if err := readF32(r, v, buf); err != nil {
				return fmt.Errorf("nn: safetensors: truncated: %s: the data ends early", t.Name)
			}
			if err := checkFinite(t.Name, t.Shape, v); err != nil {
				return err
			}
			extra[strings.TrimPrefix(t.Name, checkpointPrefix)] = v
			continue
		}
		if err := readF32(r, dst[i].Value, buf); err != nil {
			return fmt.Errorf("nn: safetensors: truncated: %s: the data ends early; the model's weights are incomplete", t.Name)
		}
		if err := checkFinite(t.Name, t.Shape, dst[i].Value); err != nil {
			return err
		}
	}
	if n, _ := io.ReadFull(r, buf[:1]); n > 0 {
		return errors.New("nn: safetensors: unexpected data after the last tensor")
	}
	return nil
}
