package session

import (
	"image"
	"io"
	"io/fs"
	"runtime/debug"
	"strings"

	"github.com/convscope/convscope/assets"
	"github.com/convscope/convscope/internal/colormap"
	"github.com/convscope/convscope/internal/dataset"
	"github.com/convscope/convscope/internal/model"
	"github.com/convscope/convscope/internal/render"
	"github.com/convscope/convscope/nn"
)

// DefaultView is the tutorial's view: viridis, per-channel
// standardisation, 16 tiles per row.
func DefaultView() View { return render.DefaultView() }

// Colormaps lists the colormap names a View accepts.
func Colormaps() []string { return colormap.Names() }

// IsColormap reports whether name is a colormap.
func IsColormap(name string) bool {
	_, err := colormap.ByName(name)
	return err == nil
}

// ParseScaleMode returns the scale mode called name.
func ParseScaleMode(name string) (ScaleMode, error) { return render.ParseScaleMode(name) }

// ImageExtensions are the image file extensions Convscope opens.
func ImageExtensions() []string { return model.ImageExtensions() }

// IsImageName reports whether a file name has an image extension.
func IsImageName(name string) bool { return model.IsImageName(name) }

// ModelExtensions are the model file extensions Convscope opens.
func ModelExtensions() []string { return append([]string(nil), model.Extensions...) }

// IsModelName reports whether a file name has a model extension.
func IsModelName(name string) bool { return model.IsModelName(name) }

// ImageTypes names the image types for messages: "PNG, JPG, …".
func ImageTypes() string {
	return strings.ToUpper(strings.ReplaceAll(strings.Join(dataset.Extensions, ", "), ".", ""))
}

// OpenModel opens a model file (model.Open). It reads the whole file: call
// it off the UI goroutine once the window is up (LoadModel does).
func OpenModel(path string) (*Model, error) { return OpenModelWith(path, "") }

// OpenModelWith opens a model file with a preprocessing preset for an
// ONNX file (model.OpenWith).
//
// Reading a model leaves the file's bytes and the importer's copies as
// garbage as large as the weights (ResNet-50: 200 MB); they are handed
// back to the system at once, so that the activations of the first image
// reuse no more than the model needs (peak RSS with ResNet-50 and every
// layer's output: 307 MB instead of 501 MB).
func OpenModelWith(path, preset string) (*Model, error) {
	m, err := model.OpenWith(path, preset)
	debug.FreeOSMemory()
	return m, err
}

// NeedsPreprocess reports whether a model file records no preprocessing
// (ONNX): the app asks for a preset.
func NeedsPreprocess(path string) bool { return model.NeedsPreprocess(path) }

// Preset is a preprocessing preset with a one-line explanation.
type Preset = model.Preset

// CheckData makes the cheap checks of a training data source, the folder
// listings only (model.CheckListing): quick enough for the UI goroutine.
func CheckData(spec DataSpec) error { return model.CheckListing(spec) }

// UserMessage is an error message without our Go packages' prefixes
// (model.UserMessage), as the app's dialogs show it.
func UserMessage(msg string) string { return model.UserMessage(msg) }

// PresetRecorded is the Preprocess of an ONNX file that records its own
// preprocessing, one no preset matches.
const PresetRecorded = model.PresetRecorded

// Presets lists the preprocessing presets, default first.
func Presets() []Preset { return append([]Preset(nil), model.Presets...) }

// DefaultModel returns the embedded model or, failing that, the reference
// architecture with fresh weights for the generated shapes (err says why).
func DefaultModel() (*Model, error) {
	return model.Default(assets.DefaultModel, dataset.BinaryShapes)
}

// BuiltinSamples returns the embedded sample images (or n generated ones).
func BuiltinSamples(n int) []Sample { return model.BuiltinSamples(n) }

// GeneratedSamples returns n images of the built-in generated dataset.
func GeneratedSamples(n int) []Sample { return model.GeneratedSamples(n) }

// ReferenceArch is the tutorial's convnet.
func ReferenceArch() Arch { return nn.ReferenceArch() }

// ParseArch reads a JSON architecture (Keras' model.to_json()).
func ParseArch(data []byte) (Arch, error) { return nn.ParseArch(data) }

// Summary builds a (Keras' model.summary()) off the UI goroutine and hands
// the text, or the error, to done on the UI goroutine.
func (s *Session) Summary(a Arch, done func(string)) {
	s.call(func() {
		text := summary(a)
		s.post(func() { done(text) })
	})
}

func summary(a Arch) string {
	net, err := a.Build()
	if err != nil {
		return err.Error()
	}
	var b strings.Builder
	if err := net.Summary(&b); err != nil {
		b.WriteString(err.Error())
	}
	return strings.TrimRight(b.String(), "\n")
}

// DecodeImage decodes an image (upright, EXIF applied) for a Loader.
func DecodeImage(r io.Reader) (image.Image, error) { return dataset.LoadImage(r, 0) }

// BuiltinModels lists the models built into the program (assets.Builtins);
// the first is the default.
func BuiltinModels() []assets.Builtin { return assets.Builtins() }

// BuiltinModel opens the built-in model called name ("shapes", "fashion").
func BuiltinModel(name string) (*Model, error) { return model.Open(model.BuiltinPrefix + name) }

// BuiltinModelSamples returns the sample images of the built-in model called
// name (assets.Builtin.Samples: one folder per class), each named
// "class (file)" and sorted by class, or nil for an unknown name. It decodes
// the images: call it off the UI goroutine.
func BuiltinModelSamples(name string) []Sample {
	for _, b := range assets.Builtins() {
		if b.Name != name || b.Samples == nil {
			continue
		}
		dirs, _ := fs.ReadDir(b.Samples, ".")
		var out []Sample
		for _, d := range dirs {
			if !d.IsDir() {
				continue
			}
			sub, err := fs.Sub(b.Samples, d.Name())
			if err != nil {
				continue
			}
			for _, s := range model.SamplesFromFS(sub) {
				s.Name = d.Name() + " (" + s.Name + ")"
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// KnowsNote says, for the prediction area, what the model knows (its model
// card's "knows only" line), preceded by how the image differs from the
// images the model was trained on (dataset.Unfamiliar), if it does. It is
// "" for a model without a card.
func KnowsNote(m *Model, in *Input) string {
	if m == nil || m.Meta.Card == nil || m.Meta.Card.Knows == "" {
		return ""
	}
	note := m.Meta.Card.Knows
	if in != nil && in.Original != nil {
		if why := dataset.Unfamiliar(in.Original, m.InputShape()); len(why) > 0 {
			note = "This image is " + strings.Join(why, "; ") + ". " + note
		}
	}
	return note
}
