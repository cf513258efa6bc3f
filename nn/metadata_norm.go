package nn

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// ImageNetMean and ImageNetStd return torchvision's ImageNet normalisation
// (transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224,
// 0.225]) after ToTensor's ×1/255), used by models trained on ImageNet.
func ImageNetMean() []float64 { return []float64{0.485, 0.456, 0.406} }

// ImageNetStd returns torchvision's ImageNet standard deviations (see
// ImageNetMean).
func ImageNetStd() []float64 { return []float64{0.229, 0.224, 0.225} }

// Normalize applies meta's per-channel normalisation to one already
// rescaled value of channel c:
//
//	x' = (x − Mean[c]) / Std[c]
//
// as torchvision's transforms.Normalize. Without Mean and Std it returns x.
func (meta Metadata) Normalize(x float32, c int) float32 {
	if c < len(meta.Mean) && c < len(meta.Std) {
		return float32((float64(x) - meta.Mean[c]) / meta.Std[c])
	}
	return x
}

// encodeNorm writes the "mean", "std" and "logits" __metadata__ entries
// after checking them against the model's input shape.
func encodeNorm(kv map[string]string, meta Metadata, in []int) error {
	for _, k := range []string{"mean", "std", "logits"} {
		if _, ok := meta.Extra[k]; ok {
			return fmt.Errorf("nn: save: metadata key %q is reserved; set the Metadata field instead", k)
		}
	}
	if len(meta.Mean) != len(meta.Std) {
		return fmt.Errorf("nn: metadata: expected as many mean as std values, received %d and %d", len(meta.Mean), len(meta.Std))
	}
	if len(meta.Mean) > 0 {
		if c := in[len(in)-1]; len(meta.Mean) != c {
			return fmt.Errorf("nn: metadata: mean/std: expected %d values (one per input channel), received %d", c, len(meta.Mean))
		}
		for i, s := range meta.Std {
			if !(s > 0) || math.IsInf(s, 0) || math64IsBad(meta.Mean[i]) {
				return fmt.Errorf("nn: metadata: expected finite means and positive stds, received mean %v std %v", meta.Mean, meta.Std)
			}
		}
		m, _ := json.Marshal(meta.Mean)
		s, _ := json.Marshal(meta.Std)
		kv["mean"], kv["std"] = string(m), string(s)
	}
	if meta.Logits {
		kv["logits"] = "true"
	}
	return nil
}

// decodeNorm reads one of the "mean", "std" and "logits" entries.
func decodeNorm(meta *Metadata, k, v string) error {
	var err error
	switch k {
	case "mean":
		err = json.Unmarshal([]byte(v), &meta.Mean)
	case "std":
		err = json.Unmarshal([]byte(v), &meta.Std)
	case "logits":
		meta.Logits, err = strconv.ParseBool(v)
	}
	if err != nil {
		return fmt.Errorf("nn: metadata: %s: expected a JSON list of numbers (or a boolean for logits), received %q", k, stExcerpt(v))
	}
	return nil
}
