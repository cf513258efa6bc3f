package transfer

import (
	"encoding/json"
	"fmt"

	"github.com/convscope/convscope/nn"
)

// OriginKey is the safetensors metadata key under which a transfer model
// records where it came from (Origin, as JSON). The model card structure
// (nn.ModelCard, on the fashion branch) has no field for a base model yet;
// this key is the small field that stands in for one.
const OriginKey = "transfer_origin"

// Origin says which base a transfer model was cut from, where, and with
// what head: the model card's "where it came from".
type Origin struct {
	Base            string  `json:"base"` // the base model's file or builtin name
	BaseName        string  `json:"base_name,omitempty"`
	CutAfter        string  `json:"cut_after"`
	Head            string  `json:"head"`
	Dense           int     `json:"dense,omitempty"`
	Dropout         float64 `json:"dropout,omitempty"`
	FineTunedLayers int     `json:"fine_tuned_layers,omitempty"`
}

// Origin returns the model's origin, for a base loaded from source.
func (m *Model) Origin(source string) Origin {
	return Origin{Base: source, BaseName: m.Base.Name(), CutAfter: m.CutAfter, Head: m.Options.Head, Dense: m.Options.Dense, Dropout: m.Options.Dropout}
}

// Metadata returns the metadata to save the whole model with: the base's
// preprocessing (rescale, colour mode, interpolation, mean/std), the new
// class names, the history and the origin.
func Metadata(base nn.Metadata, classes []string, hist *nn.History, o Origin) (nn.Metadata, error) {
	meta := nn.Metadata{
		ClassNames: append([]string(nil), classes...), Rescale: base.Rescale, ColorMode: base.ColorMode,
		Interpolation: base.Interpolation, Mean: base.Mean, Std: base.Std, History: hist,
		Extra: map[string]string{},
	}
	b, err := json.Marshal(o)
	if err != nil {
		return meta, fmt.Errorf("transfer: origin: %w", err)
	}
	meta.Extra[OriginKey] = string(b)
	return meta, nil
}

// ReadOrigin returns the origin recorded in meta, if any.
func ReadOrigin(meta nn.Metadata) (Origin, bool) {
	var o Origin
	s, ok := meta.Extra[OriginKey]
	if !ok || json.Unmarshal([]byte(s), &o) != nil {
		return Origin{}, false
	}
	return o, true
}

// Save writes the whole model (base and head) to path, atomically, in
// Convscope's safetensors format: as a Sequential model when it is a chain
// (what every part of Convscope opens today, and nn.LoadGraphFile reads
// as a graph), else as a graph (Keras' functional architecture).
func (m *Model) Save(path string, meta nn.Metadata) error {
	if err := m.SyncFull(); err != nil {
		return err
	}
	if net, err := m.Sequential(); err == nil {
		return nn.SaveFile(path, net, meta)
	}
	return nn.SaveGraphFile(path, m.Full, meta)
}
