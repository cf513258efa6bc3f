package nn

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

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

func writeModel(w io.Writer, m model, kv map[string]string) error {
	bw := bufio.NewWriterSize(w, stChunk)
	params := m.Weights()
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
func saveFile(path string, m model, meta Metadata, wrap func(io.Writer) io.Writer) (err error) {
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
	if wrap != nil {
		w = wrap(w)
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
