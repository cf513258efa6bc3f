package nn

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Write writes m's weights and architecture with meta to w in the
// safetensors format (see FORMAT.md): tensors "<layer>/kernel" and
// "<layer>/bias" as F32 in Keras' layouts, in layer order.
func Write(w io.Writer, m *Sequential, meta Metadata) error {
	kv, err := encodeMeta(m, meta)
	if err != nil {
		return err
	}
	return writeModel(w, m, kv, nil)
}

// writeModel writes m's parameters and then the extra tensors (a
// checkpoint's optimizer slots), each 1-D, with the metadata kv.
func writeModel(w io.Writer, m model, kv map[string]string, extra []namedValues) error {
	bw := bufio.NewWriterSize(w, stChunk)
	params := m.Weights()
	var names []string
	var shapes [][]int
	var values [][]float32
	for _, p := range params {
		names, shapes, values = append(names, p.Name), append(shapes, p.Shape), append(values, p.Value)
	}
	for _, e := range extra {
		names, shapes, values = append(names, e.name), append(shapes, []int{len(e.values)}), append(values, e.values)
	}
	if err := writeHeader(bw, kv, names, shapes); err != nil {
		return err
	}
	buf := make([]byte, stChunk)
	for _, v := range values {
		if err := writeF32(bw, v, buf); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// namedValues is a 1-D F32 tensor written after the model's parameters.
type namedValues struct {
	name   string
	values []float32
}

// SaveFile writes the model to path as Write does, atomically: it writes a
// temporary file in the same directory, syncs it to disk and renames it over
// path, so a crash or an error never leaves a half-written file, and an
// existing file at path is replaced only by a complete one.
func SaveFile(path string, m *Sequential, meta Metadata) error {
	return saveFile(path, m, meta, nil)
}

// saveFile is SaveFile for a Sequential or a Graph; wrap, when non-nil,
// wraps the temporary file it writes to (tests use it to simulate a full
// disk).
func saveFile(path string, m model, meta Metadata, wrap func(io.Writer) io.Writer) error {
	kv, err := encodeMeta(m, meta)
	if err != nil {
		return err
	}
	return saveRaw(path, m, kv, nil, wrap)
}

// saveRaw is saveFile with encoded metadata and the extra tensors written
// after the parameters (a checkpoint's optimizer slots).
func saveRaw(path string, m model, kv map[string]string, extra []namedValues, wrap func(io.Writer) io.Writer) (err error) {
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
	if wrap != nil {
		w = wrap(w)
	}
	if err = writeModel(w, m, kv, extra); err != nil {
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
	removeStaleTemps(dir, "."+base+".", ".tmp", time.Now().Add(-time.Hour))
	return nil
}

// removeStaleTemps removes the regular files in dir named prefix…suffix
// and last modified before cutoff: temporary files of saves killed midway
// (an hour old: no save in progress is). Best effort, as
// internal/atomicfile.RemoveStale.
func removeStaleTemps(dir, prefix, suffix string, cutoff time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || len(name) <= len(prefix)+len(suffix) || !strings.HasPrefix(name, prefix) || !strings.HasSuffix(name, suffix) {
			continue
		}
		if fi, err := e.Info(); err == nil && fi.ModTime().Before(cutoff) {
			os.Remove(filepath.Join(dir, name))
		}
	}
}
