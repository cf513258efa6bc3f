package nn

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

func TestMetadataNormRoundTrip(t *testing.T) {
	m, err := NewSequential([]int{4, 4, 3}, NewFlatten(), NewDense(2))
	if err != nil {
		t.Fatal(err)
	}
	meta := Metadata{Mean: ImageNetMean(), Std: ImageNetStd(), Logits: true}
	var b bytes.Buffer
	if err := Write(&b, m, meta); err != nil {
		t.Fatal(err)
	}
	_, got, err := Load(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Mean, ImageNetMean()) || !slices.Equal(got.Std, ImageNetStd()) || !got.Logits {
		t.Errorf("got mean %v std %v logits %v", got.Mean, got.Std, got.Logits)
	}
	if x := got.Normalize(0.485+0.229, 0); x < 0.9999 || x > 1.0001 {
		t.Errorf("Normalize = %v, want 1", x)
	}
}

func TestMetadataNormErrors(t *testing.T) {
	m, _ := NewSequential([]int{4, 4, 3}, NewFlatten(), NewDense(2))
	for _, tc := range []struct {
		meta Metadata
		want string
	}{
		{Metadata{Mean: []float64{0.5}, Std: []float64{0.5}}, "expected 3 values"},
		{Metadata{Mean: ImageNetMean()}, "as many mean as std"},
		{Metadata{Mean: ImageNetMean(), Std: []float64{1, 0, 1}}, "positive stds"},
		{Metadata{Extra: map[string]string{"logits": "x"}}, "reserved"},
	} {
		err := Write(&bytes.Buffer{}, m, tc.meta)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want %q", tc.meta, err, tc.want)
		}
	}
}
