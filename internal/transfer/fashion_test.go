package transfer

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/convscope/convscope/internal/testutil"
	"github.com/convscope/convscope/nn"
)

// fashionDir is where Debian's dataset-fashion-mnist installs the data.
const fashionDir = "/usr/share/datasets/fashion-mnist"

// readIDX reads a gzipped IDX file: unsigned bytes with big-endian
// dimensions (yann.lecun.com/exdb/mnist).
func readIDX(path string) (dims []int, data []byte, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	z, err := gzip.NewReader(bufio.NewReader(f))
	if err != nil {
		return nil, nil, err
	}
	var magic [4]byte
	if _, err := io.ReadFull(z, magic[:]); err != nil {
		return nil, nil, err
	}
	if magic[2] != 8 {
		return nil, nil, fmt.Errorf("%s: expected unsigned bytes (type 8), received type %d", path, magic[2])
	}
	n := 1
	for range int(magic[3]) {
		var d uint32
		if err := binary.Read(z, binary.BigEndian, &d); err != nil {
			return nil, nil, err
		}
		dims = append(dims, int(d))
		n *= int(d)
	}
	data = make([]byte, n)
	_, err = io.ReadFull(z, data)
	return dims, data, err
}

// fashionSubset returns up to perClass images of each of the given
// classes (relabelled 0, 1, …, in that order), pixels rescaled by 1/255.
func fashionSubset(images, labels []byte, classes []int, perClass int) *TensorSamples {
	s := &TensorSamples{S: []int{28, 28, 1}}
	count := make([]int, len(classes))
	for i, l := range labels {
		for k, c := range classes {
			if int(l) == c && count[k] < perClass {
				count[k]++
				s.Labels = append(s.Labels, k)
				for _, p := range images[i*784 : (i+1)*784] {
					s.X = append(s.X, float32(p)/255)
				}
			}
		}
	}
	return s
}

// smallConvnet is the network of the real-data test: the tutorial's shape
// scaled to 28×28 grayscale.
func smallConvnet(t testing.TB, classes int, seed int64) *nn.Graph {
	g := testutil.Chain(t, []int{28, 28, 1},
		nn.NewConv2D(16, 3, 3, nn.WithActivation("relu")),
		nn.NewMaxPooling2D(2, 2),
		nn.NewConv2D(32, 3, 3, nn.WithActivation("relu")),
		nn.NewMaxPooling2D(2, 2),
		nn.NewFlatten(),
		nn.NewDense(classes, nn.WithActivation("softmax")),
	)
	g.Init(seed)
	return g
}

// trainWhole trains every layer of g on s (the base and the scratch
// network).
func trainWhole(t testing.TB, g *nn.Graph, s *TensorSamples, epochs int) {
	cfg, err := Config{Epochs: epochs, BatchSize: 32, Seed: 3}.withDefaults(s.Len())
	if err != nil {
		t.Fatal(err)
	}
	l := &loader{s: s}
	if _, err := fit(context.Background(), g, nn.SparseCategoricalCrossentropy{}, nn.NewAdam(1e-3), s.Len(), cfg, l.load, nil); err != nil {
		t.Fatal(err)
	}
}

func accuracy(t testing.TB, g *nn.Graph, s *TensorSamples) float64 {
	x := nn.NewTensor(append([]int{s.Len()}, s.S...)...)
	copy(x.Data, s.X)
	pred := g.Predict(x)
	k := pred.Shape[1]
	right := 0
	for i, want := range s.Labels {
		best := 0
		for j := range k {
			if pred.Data[i*k+j] > pred.Data[i*k+best] {
				best = j
			}
		}
		if best == want {
			right++
		}
	}
	return float64(right) / float64(s.Len())
}

// TestFashionTransferBeatsScratch is the real-data test: a small
// convnet trained on Fashion-MNIST's first five classes (T-shirt/top,
// Trouser, Pullover, Dress, Coat), cut after its last pooling layer and
// given a new head trained on 500 images of the other five (Sandal, Shirt,
// Sneaker, Bag, Ankle boot), against the same network trained from
// scratch on those 500 images; both scored on 1,000 test images of the
// five new classes. Skipped when Debian's dataset-fashion-mnist is absent.
func TestFashionTransferBeatsScratch(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIPPED in -short runs (about 8 s of training, longer under -race)")
	}
	trainImg := filepath.Join(fashionDir, "train-images-idx3-ubyte.gz")
	if _, err := os.Stat(trainImg); err != nil {
		t.Skipf("SKIPPED: Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist): %v", err)
	}
	start := time.Now()
	_, img, err := readIDX(trainImg)
	if err != nil {
		t.Fatal(err)
	}
	_, lab, err := readIDX(filepath.Join(fashionDir, "train-labels-idx1-ubyte.gz"))
	if err != nil {
		t.Fatal(err)
	}
	_, timg, err := readIDX(filepath.Join(fashionDir, "t10k-images-idx3-ubyte.gz"))
	if err != nil {
		t.Fatal(err)
	}
	_, tlab, err := readIDX(filepath.Join(fashionDir, "t10k-labels-idx1-ubyte.gz"))
	if err != nil {
		t.Fatal(err)
	}
	old, fresh := []int{0, 1, 2, 3, 4}, []int{5, 6, 7, 8, 9}
	baseData := fashionSubset(img, lab, old, 2000)
	newTrain := fashionSubset(img[len(img)/2:], lab[len(lab)/2:], fresh, 100)
	newTest := fashionSubset(timg, tlab, fresh, 200)
	if newTrain.Len() != 500 || newTest.Len() != 1000 {
		t.Fatalf("subsets of %d and %d images, expected 500 and 1,000", newTrain.Len(), newTest.Len())
	}

	base := smallConvnet(t, 5, 1)
	trainWhole(t, base, baseData, 3)
	baseAcc := accuracy(t, base, fashionSubset(timg, tlab, old, 200))

	m, err := New(base, Options{Classes: 5, Head: HeadFlatten, Dense: 64, Dropout: 0.3, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.FitHead(context.Background(), newTrain, Config{Epochs: 20, BatchSize: 20, Optimizer: "adam", LearningRate: 1e-3, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	transferAcc := accuracy(t, m.Full, newTest)
	if _, err := m.FineTune(context.Background(), newTrain, 2, Config{Epochs: 25, InitialEpoch: 20, BatchSize: 20, Optimizer: "adam", LearningRate: 1e-4, Seed: 4}); err != nil {
		t.Fatal(err)
	}
	tunedAcc := accuracy(t, m.Full, newTest)

	scratch := smallConvnet(t, 5, 2)
	trainWhole(t, scratch, newTrain, 20)
	scratchAcc := accuracy(t, scratch, newTest)

	t.Logf("base on the first five classes: test accuracy %.3f (10,000 images, 3 epochs)", baseAcc)
	t.Logf("new five classes, 500 training images, 1,000 test images: transfer (frozen base + new head, 20 epochs) %.3f, then fine-tuned (conv2d_2, 5 epochs at 1e-4) %.3f; from scratch (20 epochs) %.3f; %.1fs",
		transferAcc, tunedAcc, scratchAcc, time.Since(start).Seconds())
	if transferAcc <= scratchAcc {
		t.Errorf("transfer accuracy %.3f does not beat training from scratch %.3f", transferAcc, scratchAcc)
	}
}
