package keras

import (
	"fmt"
	"regexp"
	"slices"
)

// snake is keras.src.utils.naming.to_snake_case (keras/src/utils/naming.py
// lines 27-31): "MaxPooling2D" → "max_pooling2d", "ReLU" → "re_lu".
func snake(name string) string {
	name = reNonWord.ReplaceAllString(name, "")
	name = reCap.ReplaceAllString(name, "${1}_${2}")
	return toLower(reLowUp.ReplaceAllString(name, "${1}_${2}"))
}

var (
	reNonWord = regexp.MustCompile(`\W+`)
	reCap     = regexp.MustCompile(`(.)([A-Z][a-z]+)`)
	reLowUp   = regexp.MustCompile(`([a-z])([A-Z])`)
)

func toLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// readersOf counts the layers that read the named layer.
func readersOf(km *kModel, name string) int {
	n := 0
	for _, l := range km.Layers {
		for _, in := range l.Inputs {
			if in == name {
				n++
			}
		}
	}
	for _, o := range km.Outputs {
		if o == name {
			n++
		}
	}
	return n
}

// resolveShape applies a Reshape target (which may hold one -1) to in.
func resolveShape(t, in []int) ([]int, error) {
	size := 1
	for _, d := range in {
		size *= d
	}
	out := slices.Clone(t)
	known, free := 1, -1
	for i, d := range out {
		switch {
		case d == -1 && free < 0:
			free = i
		case d <= 0:
			return nil, fmt.Errorf("target_shape %v: expected positive sizes and at most one -1", t)
		default:
			known *= d
		}
	}
	if free >= 0 && known > 0 && size%known == 0 {
		out[free] = size / known
		known = size
	}
	if known != size {
		return nil, fmt.Errorf("cannot reshape an input of shape %v (%d values) to %v", in, size, t)
	}
	return out, nil
}
