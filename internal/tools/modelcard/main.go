// Command modelcard writes a model card (nn.ModelCard) into a Convscope
// model file without touching its weights: the tensors of the file written
// are compared byte for byte with those read, and the command fails if any
// differs.
//
//	go run ./internal/tools/modelcard -model assets/default.safetensors -card scripts/shapes_card.json
//	go run ./internal/tools/modelcard -model fashion.safetensors -card scripts/fashion_card.json \
//	    -rename T-shirt_top=T-shirt/top -fashion-test /usr/share/datasets/fashion-mnist \
//	    -samples assets/fashion_samples -out assets/fashion.safetensors
//
// The card is a JSON object with nn.ModelCard's keys. Its epochs and
// validation_accuracy default to the last epoch of the history stored in
// the model. -fashion-test measures the accuracy on Fashion-MNIST's 10,000
// test images and records it as the card's test accuracy; -samples then
// writes, for each class, the first test image (in file order) the model
// classifies correctly, as SAMPLES/<class>/<index>.png.
package main

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/convscope/convscope/internal/atomicfile"
	"github.com/convscope/convscope/internal/dataset"
	"github.com/convscope/convscope/nn"
)

func main() {
	model := flag.String("model", "", "model `FILE` to read (.safetensors)")
	out := flag.String("out", "", "model `FILE` to write (default: -model, replaced atomically)")
	cardPath := flag.String("card", "", "model card `JSON` file (nn.ModelCard keys)")
	rename := flag.String("rename", "", "comma-separated `OLD=NEW` class renames")
	fashion := flag.String("fashion-test", "", "measure the accuracy on Fashion-MNIST's test split in `DIR`")
	samples := flag.String("samples", "", "with -fashion-test: write one correctly classified test image per class to `DIR`")
	flag.Parse()
	if *out == "" {
		*out = *model
	}
	if err := run(*model, *out, *cardPath, *rename, *fashion, *samples); err != nil {
		fmt.Fprintln(os.Stderr, "modelcard:", err)
		os.Exit(1)
	}
}

func run(modelPath, out, cardPath, rename, fashion, samples string) error {
	if modelPath == "" || cardPath == "" {
		return errors.New("-model and -card are required")
	}
	if samples != "" && fashion == "" {
		return errors.New("-samples needs -fashion-test")
	}
	orig, err := os.ReadFile(modelPath)
	if err != nil {
		return err
	}
	net, meta, err := nn.Load(bytes.NewReader(orig))
	if err != nil {
		return err
	}
	var card nn.ModelCard
	cj, err := os.ReadFile(cardPath)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(cj))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&card); err != nil {
		return fmt.Errorf("%s: %w", cardPath, err)
	}
	if h := meta.History; h != nil && len(h.Epoch) > 0 {
		if card.Epochs == 0 {
			card.Epochs = len(h.Epoch)
		}
		if v := h.Values("val_accuracy"); card.ValidationAccuracy == 0 && len(v) > 0 {
			card.ValidationAccuracy = v[len(v)-1]
		}
	}
	if err := renameClasses(meta.ClassNames, rename); err != nil {
		return err
	}
	if fashion != "" {
		images, labels := dataset.FashionMNISTSplit(fashion, "test")
		d, err := dataset.LoadIDX(images, labels)
		if err != nil {
			return err
		}
		pred, err := d.Classify(net, float32(meta.Rescale), meta.ClassNames, dataset.FashionMNISTClasses)
		if err != nil {
			return err
		}
		card.TestAccuracy, card.TestImages = d.Accuracy(pred), d.N
		fmt.Printf("test accuracy %.4f on %d images\n", card.TestAccuracy, d.N)
		if samples != "" {
			if err := writeSamples(d, pred, samples); err != nil {
				return err
			}
		}
	}
	meta.Card = &card
	if err := nn.SaveFile(out, net, meta); err != nil {
		return err
	}
	written, err := os.ReadFile(out)
	if err != nil {
		return err
	}
	n, err := sameTensors(orig, written)
	if err != nil {
		return err
	}
	fmt.Printf("wrote the card into %s; its %d tensors are byte-identical to %s's\n", out, n, modelPath)
	return nil
}

// renameClasses applies "old=new,…" to names in place.
func renameClasses(names []string, spec string) error {
	if spec == "" {
		return nil
	}
	for _, pair := range strings.Split(spec, ",") {
		old, nw, ok := strings.Cut(pair, "=")
		found := false
		for i, n := range names {
			if ok && n == old {
				names[i], found = nw, true
			}
		}
		if !found {
			return fmt.Errorf("-rename %q: expected OLD=NEW with OLD one of %q", pair, names)
		}
	}
	return nil
}

// writeSamples writes, for each label, the first image predicted correctly.
func writeSamples(d *dataset.IDX, pred []int, dir string) error {
	done := map[int]bool{}
	for i, l := range d.Labels {
		if done[int(l)] || pred[i] != int(l) {
			continue
		}
		done[int(l)] = true
		folder, err := dataset.ClassFolderName(dataset.FashionMNISTClasses[l])
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dir, folder), 0o755); err != nil {
			return err
		}
		name := filepath.Join(dir, folder, fmt.Sprintf("%05d.png", i))
		if err := atomicfile.Write(name, func(w io.Writer) error { return png.Encode(w, d.Image(i)) }); err != nil {
			return err
		}
		fmt.Printf("sample %s\n", name)
	}
	if len(done) != len(dataset.FashionMNISTClasses) {
		return fmt.Errorf("only %d classes have a correctly classified test image", len(done))
	}
	return nil
}

// sameTensors checks that two safetensors files hold the same tensors
// (names, dtypes, shapes and bytes) and returns how many.
func sameTensors(a, b []byte) (int, error) {
	ta, err := tensors(a)
	if err != nil {
		return 0, err
	}
	tb, err := tensors(b)
	if err != nil {
		return 0, err
	}
	if len(ta) != len(tb) {
		return 0, fmt.Errorf("the files hold %d and %d tensors", len(ta), len(tb))
	}
	for name, x := range ta {
		y, ok := tb[name]
		if !ok || x.dtype != y.dtype || fmt.Sprint(x.shape) != fmt.Sprint(y.shape) || !bytes.Equal(x.data, y.data) {
			return 0, fmt.Errorf("tensor %s differs after writing", name)
		}
	}
	return len(ta), nil
}

type tensor struct {
	dtype string
	shape []int
	data  []byte
}

// tensors parses a safetensors file's tensors (the format is simple enough
// to read independently of nn, which is the point of the check).
func tensors(file []byte) (map[string]tensor, error) {
	if len(file) < 8 {
		return nil, errors.New("not a safetensors file")
	}
	n := binary.LittleEndian.Uint64(file)
	if n > uint64(len(file)-8) {
		return nil, errors.New("not a safetensors file")
	}
	var h map[string]json.RawMessage
	if err := json.Unmarshal(file[8:8+n], &h); err != nil {
		return nil, err
	}
	data := file[8+n:]
	out := map[string]tensor{}
	for name, raw := range h {
		if name == "__metadata__" {
			continue
		}
		var e struct {
			Dtype   string   `json:"dtype"`
			Shape   []int    `json:"shape"`
			Offsets [2]int64 `json:"data_offsets"`
		}
		if err := json.Unmarshal(raw, &e); err != nil {
			return nil, fmt.Errorf("tensor %s: %w", name, err)
		}
		if e.Offsets[0] < 0 || e.Offsets[1] < e.Offsets[0] || e.Offsets[1] > int64(len(data)) {
			return nil, fmt.Errorf("tensor %s: bad offsets", name)
		}
		out[name] = tensor{e.Dtype, e.Shape, data[e.Offsets[0]:e.Offsets[1]]}
	}
	return out, nil
}
