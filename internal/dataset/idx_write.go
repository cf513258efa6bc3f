package dataset

import (
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// FashionMNISTClasses are Fashion-MNIST's class names in label order
// (H. Xiao, K. Rasul, R. Vollgraf, "Fashion-MNIST", arXiv:1708.07747).
var FashionMNISTClasses = []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}

// FashionMNISTDir is where Debian's dataset-fashion-mnist package installs
// the four gzipped IDX files.
const FashionMNISTDir = "/usr/share/datasets/fashion-mnist"

// FashionMNISTPackage is the Debian package that installs FashionMNISTDir.
const FashionMNISTPackage = "dataset-fashion-mnist"

// FashionMNISTSplit names the image and label files of one split of
// Fashion-MNIST (as distributed, gzipped) in dir: split is "train" (60,000
// images) or "test" (10,000, the t10k files).
func FashionMNISTSplit(dir, split string) (images, labels string) {
	prefix := split
	if split == "test" {
		prefix = "t10k"
	}
	return filepath.Join(dir, prefix+"-images-idx3-ubyte.gz"), filepath.Join(dir, prefix+"-labels-idx1-ubyte.gz")
}

// ClassFolderName turns a class name into a folder name: path separators
// become '_' ("T-shirt/top" → "T-shirt_top"), and "", "." and ".." are
// refused.
func ClassFolderName(class string) (string, error) {
	name := strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r < ' ' {
			return '_'
		}
		return r
	}, class)
	if name == "" || name == "." || name == ".." || strings.HasPrefix(name, ".") {
		return "", fmt.Errorf("dataset: class name %q cannot be a folder name (empty, or starting with '.')", class)
	}
	return name, nil
}

// DigitClasses returns the class names "0", "1", … for n classes, zero-padded
// so that their sorted order is their label order ("00" … "11" for 12).
func DigitClasses(n int) []string {
	w := len(strconv.Itoa(max(n-1, 0)))
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("%0*d", w, i)
	}
	return names
}

// WriteTree writes the images as PNG files in class folders, the layout
// ScanDir and Keras' flow_from_directory read: dir/<class>/<index>.png, where
// <class> is ClassFolderName(classes[label]) and <index> the image's
// position in the IDX file, zero-padded. classes must name every label
// (nil means DigitClasses). Folders are created as needed; each file is
// written atomically, so an interrupted run leaves only whole images.
// Images are encoded on GOMAXPROCS goroutines. It returns the number of
// images per class.
func (d *IDX) WriteTree(dir string, classes []string) ([]int, error) {
	if classes == nil {
		classes = DigitClasses(d.MaxLabel() + 1)
	}
	if m := d.MaxLabel(); m >= len(classes) {
		return nil, fmt.Errorf("dataset: expected labels 0…%d for %d class names, received label %d", len(classes)-1, len(classes), m)
	}
	folders := make([]string, len(classes))
	seen := map[string]string{}
	for i, c := range classes {
		name, err := ClassFolderName(c)
		if err != nil {
			return nil, err
		}
		if prev, dup := seen[name]; dup {
			return nil, fmt.Errorf("dataset: class names %q and %q give the same folder %q", prev, c, name)
		}
		seen[name] = c
		folders[i] = filepath.Join(dir, name)
		if err := os.MkdirAll(folders[i], 0o755); err != nil {
			return nil, fmt.Errorf("dataset: cannot create class folder: %w", err)
		}
	}
	counts := make([]int, len(classes))
	for _, l := range d.Labels {
		counts[l]++
	}
	width := len(strconv.Itoa(max(d.N-1, 0)))
	err := writePNGs(d.N, func() func(int) (string, image.Image) {
		return func(i int) (string, image.Image) {
			return filepath.Join(folders[d.Labels[i]], fmt.Sprintf("%0*d.png", width, i)), d.Image(i)
		}
	})
	if err != nil {
		return nil, err
	}
	return counts, nil
}
