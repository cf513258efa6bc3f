package keras

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/convscope/convscope/internal/hdf5"
	"github.com/convscope/convscope/nn"
)

// maxConfigBytes bounds config.json and model_config.
const maxConfigBytes = 64 << 20

// maxConfigParams bounds the weights of a model built from a config alone
// (FromJSON): 2^28 values, 1 GiB.
const maxConfigParams = 1 << 28

// justified is how many weight values a file of size bytes can hold: 4
// bytes per float32, or deflated up to 1032:1 (hdf5's bound), plus slack
// for layers whose weights a file may omit (BatchNormalization center=False).
func justified(size int64) int64 { return size*1032/4 + 1<<20 }

// Extensions are the file name extensions of Keras model files: Keras 2's
// HDF5 (".h5", also spelled ".hdf5") and Keras 3's ".keras".
var Extensions = []string{".h5", ".hdf5", ".keras"}

// IsKerasName reports whether a file name has a Keras model extension.
func IsKerasName(name string) bool {
	return slices.Contains(Extensions, strings.ToLower(filepath.Ext(name)))
}

// Load opens a Keras model file: a legacy HDF5 file written by Keras 2's
// model.save (".h5") or a Keras 3 ".keras" archive, recognised by content.
// It returns *nn.Sequential or *nn.Graph (see Model) and the preprocessing
// the model expects. Weights-only files (model.save_weights) are refused
// with a pointer to LoadWeights.
func Load(path string) (Model, nn.Metadata, error) {
	f, size, err := openSized(path)
	if err != nil {
		return nil, nn.Metadata{}, err
	}
	defer f.Close()
	return Read(f, size)
}

// openSized opens the file at path and returns it with its size; the
// caller closes it.
func openSized(path string) (*os.File, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, st.Size(), nil
}

// Read is Load for size bytes read through r.
func Read(r io.ReaderAt, size int64) (Model, nn.Metadata, error) {
	var head [4]byte
	r.ReadAt(head[:], 0)
	if string(head[:]) == "PK\x03\x04" {
		return readKeras3(r, size)
	}
	b, err := readH5(r, size)
	if err != nil {
		return nil, nn.Metadata{}, err
	}
	return b.model, b.meta, nil
}

// readH5 loads a Keras 2 model.save file.
func readH5(r io.ReaderAt, size int64) (*built, error) {
	h, err := hdf5.Open(r, size)
	if err != nil {
		return nil, fmt.Errorf("keras: not a Keras .h5 or .keras file: %v", err)
	}
	root, err := h.Root()
	if err != nil {
		return nil, err
	}
	cfgAttr, err := root.Attr("model_config")
	if err != nil {
		return nil, err
	}
	if cfgAttr == nil {
		_, k3err := root.Group("layers")
		if a, _ := root.Attr("layer_names"); a != nil || k3err == nil {
			return nil, fmt.Errorf("keras: the file holds only weights (model.save_weights); load them with the model's architecture (keras.LoadWeights)")
		}
		return nil, fmt.Errorf("keras: the HDF5 file has no model_config attribute: not a Keras model file")
	}
	version := ""
	if v, _ := root.Attr("keras_version"); v != nil {
		version, _ = v.String()
		if strings.HasPrefix(version, "1.") {
			return nil, fmt.Errorf("keras: the file was saved by Keras %s; Keras 1 layouts are not supported (re-save it with Keras 2 or 3)", version)
		}
	}
	cfgJSON, err := cfgAttr.String()
	if err != nil {
		return nil, err
	}
	km, err := parseModelConfig([]byte(cfgJSON), version)
	if err != nil {
		return nil, err
	}
	b, err := build(km, justified(size))
	if err != nil {
		return nil, err
	}
	mw, err := root.Group("model_weights")
	if err != nil {
		return nil, fmt.Errorf("keras: %v", err)
	}
	saved, err := readH5Weights(mw)
	if err != nil {
		return nil, err
	}
	if err := assignByOrder(b.entries, saved); err != nil {
		return nil, err
	}
	return b, nil
}

// readKeras3 loads a Keras 3 .keras archive.
func readKeras3(r io.ReaderAt, size int64) (Model, nn.Metadata, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, nn.Metadata{}, fmt.Errorf("keras: .keras archive: %v", err)
	}
	var cfgFile, wFile *zip.File
	for _, f := range zr.File {
		switch f.Name {
		case "config.json":
			cfgFile = f
		case "model.weights.h5":
			wFile = f
		}
	}
	if cfgFile == nil {
		return nil, nn.Metadata{}, fmt.Errorf("keras: .keras archive has no config.json")
	}
	if wFile == nil {
		return nil, nn.Metadata{}, fmt.Errorf("keras: .keras archive has no model.weights.h5 (npz weights are not supported)")
	}
	cfgJSON, err := readZipFile(cfgFile, maxConfigBytes)
	if err != nil {
		return nil, nn.Metadata{}, err
	}
	// metadata.json names the Keras version (saving_lib.py
	// _serialize_model_as_json, 148-158); tf-keras 2.13+ writes .keras too.
	version := "3."
	for _, f := range zr.File {
		if f.Name == "metadata.json" {
			if data, err := readZipFile(f, 1<<20); err == nil {
				var md struct {
					KerasVersion string `json:"keras_version"`
				}
				if json.Unmarshal(data, &md) == nil && md.KerasVersion != "" {
					version = md.KerasVersion
				}
			}
		}
	}
	km, err := parseModelConfig(cfgJSON, version)
	if err != nil {
		return nil, nn.Metadata{}, err
	}
	b, err := build(km, justified(size))
	if err != nil {
		return nil, nn.Metadata{}, err
	}
	// Keras writes the archive uncompressed (zipfile.ZipFile's default
	// ZIP_STORED): read the weights in place; else inflate them (bounded
	// by what deflate can expand).
	var wr io.ReaderAt
	var wsize int64
	if off, err := wFile.DataOffset(); err == nil && wFile.Method == zip.Store && int64(wFile.CompressedSize64) <= size-off {
		wr, wsize = io.NewSectionReader(r, off, int64(wFile.CompressedSize64)), int64(wFile.CompressedSize64)
	} else {
		data, err := readZipFile(wFile, 1032*size)
		if err != nil {
			return nil, nn.Metadata{}, err
		}
		wr, wsize = bytes.NewReader(data), int64(len(data))
	}
	if err := loadK3Weights(wr, wsize, b.entries); err != nil {
		return nil, nn.Metadata{}, err
	}
	return b.model, b.meta, nil
}

// loadK3Weights reads a Keras 3 weights file into the entries' layers.
func loadK3Weights(r io.ReaderAt, size int64, entries []entry) error {
	h, err := hdf5.Open(r, size)
	if err != nil {
		return fmt.Errorf("keras: model.weights.h5: %v", err)
	}
	root, err := h.Root()
	if err != nil {
		return err
	}
	ws, err := readK3Weights(root, entries)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.wantsWeights() {
			continue
		}
		if err := setWeights(e, ws[e.k.Name]); err != nil {
			return err
		}
	}
	return nil
}

func readZipFile(f *zip.File, limit int64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("keras: %s: %v", f.Name, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, fmt.Errorf("keras: %s: %v", f.Name, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("keras: %s is larger than %d bytes", f.Name, limit)
	}
	return data, nil
}

// FromJSON builds a model from a Keras architecture alone (model.to_json(),
// a .keras archive's config.json or an .h5 file's model_config), with
// Keras' initial weights; LoadWeights then fills them.
func FromJSON(config []byte) (Model, nn.Metadata, error) {
	km, err := parseModelConfig(config, "")
	if err != nil {
		return nil, nn.Metadata{}, err
	}
	b, err := build(km, maxConfigParams)
	if err != nil {
		return nil, nn.Metadata{}, err
	}
	return b.model, b.meta, nil
}

// LoadWeights builds the model described by config (see FromJSON) and loads
// the weights file at path into it: Keras 2's model.save_weights ("x.h5":
// layer_names at the root; a model.save file's model_weights also do) or
// Keras 3's ("x.weights.h5": layers/<class>/vars), recognised by content.
func LoadWeights(path string, config []byte) (Model, nn.Metadata, error) {
	km, err := parseModelConfig(config, "")
	if err != nil {
		return nil, nn.Metadata{}, err
	}
	f, size, err := openSized(path)
	if err != nil {
		return nil, nn.Metadata{}, err
	}
	defer f.Close()
	b, err := build(km, justified(size))
	if err != nil {
		return nil, nn.Metadata{}, err
	}
	h, err := hdf5.Open(f, size)
	if err != nil {
		return nil, nn.Metadata{}, fmt.Errorf("keras: %v", err)
	}
	root, err := h.Root()
	if err != nil {
		return nil, nn.Metadata{}, err
	}
	wg := root
	if g, err := root.Group("model_weights"); err == nil {
		wg = g // a model.save file: use its weights, not its architecture
	}
	if a, _ := wg.Attr("layer_names"); a != nil || func() bool { a, _ := wg.Attr("layer_names0"); return a != nil }() {
		saved, err := readH5Weights(wg)
		if err != nil {
			return nil, nn.Metadata{}, err
		}
		if err := assignByOrder(b.entries, saved); err != nil {
			return nil, nn.Metadata{}, err
		}
		return b.model, b.meta, nil
	}
	if err := loadK3Weights(f, size, b.entries); err != nil {
		return nil, nn.Metadata{}, err
	}
	return b.model, b.meta, nil
}
