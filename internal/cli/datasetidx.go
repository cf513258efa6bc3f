package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/convscope/convscope/internal/dataset"
)

const idxHelp = `Converts an MNIST-style pair of IDX files (gzipped or not) into PNG
files in class folders, the layout 'convscope train --train DIR' and Keras'
flow_from_directory read: DIR/<class>/<index>.png, <index> being the
image's position in the file. --classes names the labels in order
(default 0, 1, …); a '/' in a name becomes '_' in its folder name.
`

const fashionHelp = `Converts Fashion-MNIST (70,000 28x28 grayscale product photos, 10 classes,
MIT licence) into class folders of PNG files: DIR/train (60,000 images) and
DIR/test (10,000), with the class names T-shirt_top, Trouser, Pullover,
Dress, Coat, Sandal, Shirt, Sneaker, Bag and Ankle boot. The IDX files are
read from --from, by default where Debian's dataset-fashion-mnist package
installs them.
`

// runIDX converts one pair of IDX files.
func runIDX(e *env, args []string, synopsis string) error {
	fs := newFlagSet("dataset idx", synopsis, idxHelp)
	images := fs.String("images", "", "IDX image `FILE` (e.g. train-images-idx3-ubyte.gz)")
	labels := fs.String("labels", "", "IDX label `FILE` (e.g. train-labels-idx1-ubyte.gz)")
	out := fs.String("out", "", "output folder `DIR` (created if needed)")
	var classes listFlag
	fs.Var(&classes, "classes", "comma-separated class `NAMES`, in label order (default 0, 1, …)")
	if err := fs.parseNoArgs(e.stdout, args); err != nil {
		return err
	}
	if err := fs.require("images", "labels", "out"); err != nil {
		return err
	}
	var names []string
	if len(classes) > 0 {
		names = classes
	}
	return convertIDX(e, *images, *labels, *out, names)
}

// runFashionMNIST converts both splits of Fashion-MNIST.
func runFashionMNIST(e *env, args []string, synopsis string) error {
	fs := newFlagSet("dataset fashion-mnist", synopsis, fashionHelp)
	out := fs.String("out", "", "output folder `DIR`: DIR/train and DIR/test are written")
	from := fs.String("from", dataset.FashionMNISTDir, "folder `DIR` holding the four IDX files")
	if err := fs.parseNoArgs(e.stdout, args); err != nil {
		return err
	}
	if *out == "" {
		return fs.bad("--out is required")
	}
	for _, split := range []string{"train", "test"} {
		images, labels := dataset.FashionMNISTSplit(*from, split)
		for _, p := range []string{images, labels} {
			if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
				return fashionMissing(*from, p)
			}
		}
		if err := convertIDX(e, images, labels, filepath.Join(*out, split), dataset.FashionMNISTClasses); err != nil {
			return err
		}
	}
	return nil
}

// fashionMissing explains where Fashion-MNIST comes from.
func fashionMissing(from, path string) error {
	if from == dataset.FashionMNISTDir {
		return fmt.Errorf("Fashion-MNIST is not installed (%s not found); install it with: apt-get install %s", path, dataset.FashionMNISTPackage)
	}
	return fmt.Errorf("%s not found: --from must hold Fashion-MNIST's four IDX files (Debian: apt-get install %s puts them in %s)", path, dataset.FashionMNISTPackage, dataset.FashionMNISTDir)
}

// convertIDX reads one pair of IDX files and writes its class folders.
func convertIDX(e *env, images, labels, out string, classes []string) error {
	d, err := dataset.LoadIDX(images, labels)
	if err != nil {
		return err
	}
	if e.ctx.Err() != nil {
		return &interruptedError{msg: "interrupted before writing " + out}
	}
	if classes == nil {
		classes = dataset.DigitClasses(d.MaxLabel() + 1)
	}
	counts, err := d.WriteTree(out, classes)
	if err != nil {
		return err
	}
	parts := make([]string, len(classes))
	for i, c := range classes {
		name, _ := dataset.ClassFolderName(c)
		parts[i] = fmt.Sprintf("%s: %d", name, counts[i])
	}
	fmt.Fprintf(e.stdout, "Wrote %d images of %d×%d pixels (%s) to %s\n", d.N, d.Cols, d.Rows, strings.Join(parts, ", "), out)
	return nil
}
