package nn

// LayerConfig is one layer of a model's architecture description, in the
// shape of Keras' model.to_json(): {"class_name": "Conv2D", "config": {...}}.
type LayerConfig struct {
	ClassName string         `json:"class_name"`
	Config    map[string]any `json:"config"`
}
