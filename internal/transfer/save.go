package transfer

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/convscope/convscope/nn"
)

// OriginKey is the safetensors metadata key under which a transfer model
// records where it came from (Origin, as JSON), for programs; the model
// card (nn.ModelCard) says the same for people, in its Data and Knows
// lines.
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

// TrainingData describes the new head's training (and validation) data
// for the model card.
type TrainingData struct {
	Name             string // e.g. the training folder
	Images           int
	ValidationName   string
	ValidationImages int
}

// Metadata returns the metadata to save the whole model with: the base's
// preprocessing (rescale, colour mode, interpolation, mean/std), the new
// class names, the history, the origin (OriginKey) and a model card
// (nn.ModelCard) saying what the head was trained on and which base it
// came from.
func Metadata(base nn.Metadata, classes []string, hist *nn.History, o Origin, d TrainingData) (nn.Metadata, error) {
	meta := nn.Metadata{
		ClassNames: append([]string(nil), classes...), Rescale: base.Rescale, ColorMode: base.ColorMode,
		Interpolation: base.Interpolation, Mean: base.Mean, Std: base.Std, History: hist,
		Extra: map[string]string{}, Card: card(base, classes, hist, o, d),
	}
	b, err := json.Marshal(o)
	if err != nil {
		return meta, fmt.Errorf("transfer: origin: %w", err)
	}
	meta.Extra[OriginKey] = string(b)
	return meta, nil
}

// card is the transfer model's model card.
func card(base nn.Metadata, classes []string, hist *nn.History, o Origin, d TrainingData) *nn.ModelCard {
	oneLine := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	from := fmt.Sprintf("the base %s cut after %s", o.Base, o.CutAfter)
	if base.Card != nil && base.Card.Data != "" {
		from += " (base trained on " + base.Card.Data + ")"
	}
	c := &nn.ModelCard{
		Data:             oneLine(fmt.Sprintf("%s; features from %s", orUnknown(d.Name), from)),
		TrainImages:      d.Images,
		ValidationData:   oneLine(d.ValidationName),
		ValidationImages: d.ValidationImages,
		Trained:          time.Now().Format(time.DateOnly),
		Knows: oneLine(fmt.Sprintf("Knows only its %d classes (%s), learnt from %d images on top of %s; it labels anything else as one of them anyway.",
			len(classes), strings.Join(classes, ", "), d.Images, from)),
	}
	if hist != nil {
		c.Epochs = hist.Len()
		if v := hist.Values("val_accuracy"); len(v) > 0 && v[len(v)-1] >= 0 && v[len(v)-1] <= 1 {
			c.ValidationAccuracy = v[len(v)-1]
		}
	}
	return c
}

func orUnknown(s string) string {
	if s == "" {
		return "unnamed data"
	}
	return s
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
