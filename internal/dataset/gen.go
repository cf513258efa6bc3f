package dataset

import (
	"fmt"
	"image"
	"slices"
	"strings"
)

// The shape classes the generator draws. Each class is one shape; its
// colour, texture, size, position, rotation, fill and every other property
// are drawn from the same distributions for every class, so only the shape
// tells the classes apart.
const (
	Circles   = "circles"   // discs and rings: curved edges, no corners
	Crosses   = "crosses"   // plus signs: four arms, eight right-angle corners
	Squares   = "squares"   // squares: four straight edges, four corners
	Stars     = "stars"     // five-pointed stars: ten alternating corners
	Triangles = "triangles" // equilateral triangles: three edges and corners
)

// BinaryShapes is the default, two-class generated dataset (it fits the
// tutorial's one-unit sigmoid head): circles (discs and rings) and crosses.
// Telling them apart needs the outline's shape, not colour or texture,
// which makes the conv layers' maps worth looking at: oriented edge
// detectors in the first layer, then the crosses' right-angle corners and
// the circles' curves further in.
var BinaryShapes = []string{Circles, Crosses}

// AllShapes is the multi-class variant: all five shapes.
var AllShapes = []string{Circles, Crosses, Squares, Stars, Triangles}

// DefaultDifficulty is the generator's default Difficulty. At it, the
// reference model trained on the default binary dataset with the
// tutorial's schedule (RMSprop 1e-4, batch 20, 100 steps per epoch; 400
// validation images) reached validation accuracy 0.63, 0.64, 0.79, 0.84,
// 0.93, 0.83, 0.975 in epochs 1–7 on a fixed set of 2,000 images (the
// tutorial's layout), and 0.55, 0.58, 0.85, 0.88 in epochs 1–4 on fresh
// images: several epochs to pass 90 %. An epoch took 1.5–2 minutes on a
// 2-core machine busy with other work (load average 12); the train-step
// benchmark (50 images per CPU-second) puts it near 25 s on an idle one.
// Circles against squares, at the same settings, stayed at chance for five
// epochs.
const DefaultDifficulty = 0.5

// MaxGenSize is the largest generated image edge: 4096×4096 is 16.8
// megapixels, within what the image readers accept (DefaultMaxPixels).
// Without a bound, --size 100000 ran the generator out of memory.
const MaxGenSize = 4096

// GenOptions configure a generated dataset.
type GenOptions struct {
	// Classes are shape names from AllShapes; nil means BinaryShapes. They
	// are sorted, as flow_from_directory orders the folders WriteTree
	// makes, so a class's index is the same in memory and on disk.
	Classes []string
	// Seed fixes every image: image i is a function of (Seed, i) alone.
	Seed int64
	// Size is the width and height in pixels, 16 to MaxGenSize; 0 means
	// 150.
	Size int
	// Difficulty, in (0, 1], scales the clutter: noise, distractors,
	// occlusion, the smallest shape size. 0 means DefaultDifficulty.
	Difficulty float64
	// ClassMode of the targets; "" means Binary for two classes and
	// Categorical for more.
	ClassMode ClassMode
}

// Generated is an unlimited, deterministic dataset of procedurally drawn
// RGB images, one shape class per image, over textured backgrounds. Image i
// is a pure function of (seed, i), so any image can be drawn at any time, in
// any order, on any goroutine. Classes are balanced: each run of
// len(Classes) consecutive indices holds every class once, in a random
// order.
type Generated struct {
	opts    GenOptions
	classes []string
	shapes  []shapeKind
}

// NewGenerated checks opts and returns the dataset.
func NewGenerated(opts GenOptions) (*Generated, error) {
	if opts.Classes == nil {
		opts.Classes = BinaryShapes
	}
	classes := slices.Clone(opts.Classes)
	slices.Sort(classes)
	if len(classes) < 2 {
		return nil, fmt.Errorf("dataset: a generated dataset needs at least two classes, received %q", opts.Classes)
	}
	g := &Generated{classes: classes}
	for i, c := range classes {
		k := slices.Index(AllShapes, c)
		if k < 0 {
			return nil, fmt.Errorf("dataset: unknown shape class %q: expected some of %s", c, strings.Join(AllShapes, ", "))
		}
		if i > 0 && classes[i-1] == c {
			return nil, fmt.Errorf("dataset: shape class %q is listed twice", c)
		}
		g.shapes = append(g.shapes, shapeKind(k))
	}
	if opts.Size == 0 {
		opts.Size = DefaultSize
	}
	if opts.Size < 16 || opts.Size > MaxGenSize {
		return nil, fmt.Errorf("dataset: generated images must be at least 16 pixels wide and at most %d, received %d", MaxGenSize, opts.Size)
	}
	if opts.Difficulty == 0 {
		opts.Difficulty = DefaultDifficulty
	}
	if !(opts.Difficulty > 0 && opts.Difficulty <= 1) {
		return nil, fmt.Errorf("dataset: difficulty must be in (0, 1], received %v", opts.Difficulty)
	}
	switch opts.ClassMode {
	case "":
		opts.ClassMode = Categorical
		if len(classes) == 2 {
			opts.ClassMode = Binary
		}
	case Binary:
		if len(classes) != 2 {
			return nil, fmt.Errorf("dataset: class mode %q needs exactly 2 classes, received %d", Binary, len(classes))
		}
	case Categorical, Sparse:
	default:
		return nil, fmt.Errorf("dataset: class mode must be %q, %q or %q, received %q", Binary, Categorical, Sparse, opts.ClassMode)
	}
	opts.Classes = classes
	g.opts = opts
	return g, nil
}

// Classes returns the class names, sorted; a class's index is its position.
func (g *Generated) Classes() []string { return slices.Clone(g.classes) }

// Options returns the options with defaults filled in.
func (g *Generated) Options() GenOptions { return g.opts }

// Class returns the class index of image i.
func (g *Generated) Class(i int) int {
	// A random order of the classes for each block of k indices, from a
	// splitmix64 stream seeded by (seed, block).
	k := len(g.classes)
	var perm [8]int
	for j := range k {
		perm[j] = j
	}
	state := uint64(g.opts.Seed)*0x9e3779b97f4a7c15 ^ uint64(i/k)*0xbf58476d1ce4e5b9
	for j := k - 1; j > 0; j-- {
		state += 0x9e3779b97f4a7c15
		r := int(splitmix(state) % uint64(j+1))
		perm[j], perm[r] = perm[r], perm[j]
	}
	return perm[i%k]
}

// splitmix is the splitmix64 finaliser, a good 64-bit mixing function.
func splitmix(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// Sample draws image i and returns it with its class index.
func (g *Generated) Sample(i int) (*image.RGBA, int) {
	dst := image.NewRGBA(image.Rect(0, 0, g.opts.Size, g.opts.Size))
	return dst, g.Draw(dst, i)
}

// Draw draws image i into dst, which must be Size×Size, and returns its
// class index. It allocates nothing.
func (g *Generated) Draw(dst *image.RGBA, i int) int {
	if b := dst.Bounds(); b.Dx() != g.opts.Size || b.Dy() != g.opts.Size {
		panic(fmt.Sprintf("dataset: Draw: image is %d×%d, expected %d×%d", b.Dx(), b.Dy(), g.opts.Size, g.opts.Size))
	}
	c := g.Class(i)
	var s scene
	s.plan(g.opts.Seed, i, g.shapes[c], g.opts.Size, g.opts.Difficulty)
	s.render(dst)
	return c
}
