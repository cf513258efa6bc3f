package dataset

import (
	"fmt"
	"math/rand/v2"
	"path"
	"sort"
)

// Split divides f into training and validation subsets as Keras'
// validation_split does (ImageDataGenerator(validation_split=…) with
// subset="training" / "validation"): within each class, in sorted order,
// the first ⌊fraction·n⌋ images are for validation and the rest for
// training. No image is in both, and the split is the same every time.
//
// Because the first images of each class go to validation, files named by
// date or by source (IMG_0001…, cat.0…) give a validation set that is not a
// random sample; ShuffleSplit draws it at random instead.
//
// The scan's report (Bad, Ignored) stays with the training subset.
func (f *Folder) Split(fraction float64) (train, val *Folder, err error) {
	return f.split(fraction, func(class int, files []File) []File { return files })
}

// ShuffleSplit is Split with each class's images put in a random order,
// fixed by seed, before the first ⌊fraction·n⌋ are taken for validation.
// Within each subset images stay in sorted order.
func (f *Folder) ShuffleSplit(fraction float64, seed int64) (train, val *Folder, err error) {
	return f.split(fraction, func(class int, files []File) []File {
		rng := rand.New(rand.NewPCG(uint64(seed), uint64(class)))
		shuffled := append([]File(nil), files...)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		return shuffled
	})
}

// split applies order to each class's files, takes the validation prefix,
// and restores sorted order within each subset.
func (f *Folder) split(fraction float64, order func(class int, files []File) []File) (train, val *Folder, err error) {
	if !(fraction > 0 && fraction < 1) {
		return nil, nil, fmt.Errorf("dataset: validation split must be between 0 and 1 (exclusive), received %v", fraction)
	}
	train, val = f.subset(), f.subset()
	train.Bad, train.Ignored = f.Bad, f.Ignored
	start := 0
	for c := range f.Classes {
		end := start
		for end < len(f.Files) && f.Files[end].Class == c {
			end++
		}
		files := order(c, f.Files[start:end])
		n := len(files)
		k := int(fraction * float64(n))
		if k == 0 { // k < n always, as fraction < 1
			return nil, nil, fmt.Errorf("dataset: validation split %v of class folder %s (%d images) leaves no validation images; expected a split that puts at least one image of every class on each side",
				fraction, f.display(path.Join(f.root, f.Classes[c])), n)
		}
		val.Files = append(val.Files, sortedByPath(files[:k])...)
		train.Files = append(train.Files, sortedByPath(files[k:])...)
		start = end
	}
	return train, val, nil
}

// subset returns an empty Folder with f's classes, files system and options.
func (f *Folder) subset() *Folder {
	return &Folder{Classes: f.Classes, Ignored: map[string]int{}, fsys: f.fsys, root: f.root, dir: f.dir, opts: f.opts}
}

// sortedByPath returns a copy of files in Keras' order (folder, then name).
func sortedByPath(files []File) []File {
	out := append([]File(nil), files...)
	sort.SliceStable(out, func(i, j int) bool {
		di, dj := path.Dir(out[i].Path), path.Dir(out[j].Path)
		if di != dj {
			return di < dj
		}
		return path.Base(out[i].Path) < path.Base(out[j].Path)
	})
	return out
}
