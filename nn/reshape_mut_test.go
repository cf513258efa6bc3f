package nn

import (
	"slices"
	"strings"
	"testing"
)

// TestReshapeBuild checks Reshape's target shapes: rank 1 to 4, positive
// dimensions and at most one -1 (inferred from the input's size), the
// sizes agreeing; each refusal with its own message.
func TestReshapeBuild(t *testing.T) {
	cases := []struct {
		target, in []int
		out        []int
		err        string
	}{
		{target: []int{12}, in: []int{2, 3, 2}, out: []int{12}},
		{target: []int{-1}, in: []int{2, 3, 2}, out: []int{12}},
		{target: []int{-1, 4}, in: []int{2, 3, 2}, out: []int{3, 4}},
		{target: []int{2, -1, 2}, in: []int{12}, out: []int{2, 3, 2}},
		{target: []int{1, 1, 2, -1}, in: []int{6}, out: []int{1, 1, 2, 3}}, // rank 4
		{target: []int{3, 2, 2, 1}, in: []int{12}, out: []int{3, 2, 2, 1}},
		{target: []int{1, 1, 1, 1, 12}, in: []int{12}, err: "Reshape: expected a target shape of rank 1 to 4, received (1, 1, 1, 1, 12)"},
		{target: []int{}, in: []int{12}, err: "Reshape: expected a target shape of rank 1 to 4, received ()"},
		{target: []int{-1, -1}, in: []int{12}, err: "Reshape: expected positive dimensions and at most one -1, received target_shape (-1, -1)"},
		{target: []int{3, -1, -1}, in: []int{12}, err: "Reshape: expected positive dimensions and at most one -1, received target_shape (3, -1, -1)"},
		{target: []int{0, 12}, in: []int{12}, err: "Reshape: expected positive dimensions and at most one -1, received target_shape (0, 12)"},
		{target: []int{-1, 0}, in: []int{12}, err: "Reshape: expected positive dimensions and at most one -1, received target_shape (-1, 0)"},
		{target: []int{-2, 6}, in: []int{12}, err: "Reshape: expected positive dimensions and at most one -1, received target_shape (-2, 6)"},
		{target: []int{-1, 5}, in: []int{12}, err: "Reshape: cannot reshape input (12,) (12 values) to (-1, 5)"},
		{target: []int{5, 2}, in: []int{12}, err: "Reshape: expected a target shape of 12 values (input (12,)), received (5, 2) (10 values)"},
		{target: []int{4, 4}, in: []int{3, 4}, err: "Reshape: expected a target shape of 12 values (input (3, 4)), received (4, 4) (16 values)"},
	}
	for _, c := range cases {
		out, err := NewReshape(c.target).Build(c.in)
		if c.err != "" {
			if err == nil || err.Error() != c.err {
				t.Errorf("Reshape(%v).Build(%v) = %v, %v, expected %q", c.target, c.in, out, err, c.err)
			}
			continue
		}
		if err != nil || !slices.Equal(out, c.out) {
			t.Errorf("Reshape(%v).Build(%v) = %v, %v, expected %v", c.target, c.in, out, err, c.out)
		}
	}
	if _, err := NewReshape([]int{3}, WithActivation("relu")).Build([]int{3}); err == nil || !strings.HasPrefix(err.Error(), "Reshape: unexpected option") {
		t.Errorf("Reshape with an activation: %v", err)
	}
}
