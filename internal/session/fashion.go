package session

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/convscope/convscope/internal/atomicfile"
	"github.com/convscope/convscope/internal/dataset"
)

// FashionMNISTDir is where Debian's dataset-fashion-mnist package puts
// Fashion-MNIST's four gzipped IDX files.
const FashionMNISTDir = dataset.FashionMNISTDir

// fashionDone marks a finished conversion in the output folder.
const fashionDone = "converted"

// FashionMNISTInstalled reports whether dir holds Fashion-MNIST's four IDX
// files (dataset.FashionMNISTSplit's names for "train" and "test").
func FashionMNISTInstalled(dir string) bool {
	for _, split := range []string{"train", "test"} {
		images, labels := dataset.FashionMNISTSplit(dir, split)
		for _, p := range []string{images, labels} {
			if st, err := os.Stat(p); err != nil || st.IsDir() {
				return false
			}
		}
	}
	return true
}

// PrepareFashionMNIST converts the IDX files in from into class folders
// out/train and out/test (dataset.LoadIDX and IDX.WriteTree, as
// `convscope dataset fashion-mnist` does) in a background task, unless an
// earlier call finished it (a marker file in out), and hands the two
// folders, or the error, to done on the UI goroutine.
func (s *Session) PrepareFashionMNIST(from, out string, done func(train, test string, err error)) {
	s.call(func() {
		s.opts.OnWork("convert Fashion-MNIST")
		train, test := filepath.Join(out, "train"), filepath.Join(out, "test")
		err := prepareFashionMNIST(from, out)
		s.post(func() { done(train, test, err) })
	})
}

func prepareFashionMNIST(from, out string) error {
	marker := filepath.Join(out, fashionDone)
	if _, err := os.Stat(marker); err == nil {
		return nil
	}
	for _, split := range []string{"train", "test"} {
		images, labels := dataset.FashionMNISTSplit(from, split)
		d, err := dataset.LoadIDX(images, labels)
		if err != nil {
			return err
		}
		if _, err := d.WriteTree(filepath.Join(out, split), dataset.FashionMNISTClasses); err != nil {
			return err
		}
	}
	return atomicfile.Write(marker, func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "Fashion-MNIST converted from %s\n", from)
		return err
	})
}
