package cli

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/convscope/convscope/internal/dataset"
	"github.com/convscope/convscope/internal/model"
	"github.com/convscope/convscope/nn"
)

const predictHelp = `Classifies each IMAGE with the model: prints the most likely class and
its probability, one line per image. An image is preprocessed exactly as
in training (resized to the model's input, pixels rescaled). Images that
cannot be read are reported on stderr and the exit status is 1.
Without --model, the embedded default model.
`

// predictBatch is the number of images run through the model at once.
const predictBatch = 20

// prediction is one image's result, as --json writes it.
type prediction struct {
	Image string `json:"image"`
	// Class and Index are the most likely class; Probability is its
	// probability.
	Class       string  `json:"class"`
	Index       int     `json:"index"`
	Probability float32 `json:"probability"`
	// Probabilities maps every class name to its probability.
	Probabilities map[string]float32 `json:"probabilities"`
	// Error says why the image could not be classified (see writeJSON).
	Error string `json:"-"`
}

// runPredict classifies images.
func runPredict(e *env, args []string) error {
	fs := newFlagSet("predict", "convscope predict [--model FILE] [--json] IMAGE...", predictHelp)
	model := fs.String("model", "", modelFlagHelp)
	asJSON := fs.Bool("json", false, "print a JSON array with every class's probability")
	preset := fs.String("preprocess", "", preprocessUsage)
	images, err := fs.parse(e.stdout, args)
	if err != nil {
		return err
	}
	if len(images) == 0 {
		return fs.bad("no image given")
	}
	if err := checkPreprocess(fs, *model, *preset); err != nil {
		return err
	}
	if isONNX(*model) {
		return predictONNX(e, *model, *preset, images, *asJSON)
	}
	m, err := loadModel(*model, "", e.stderr)
	if err != nil {
		return err
	}
	results := make([]prediction, len(images))
	for lo := 0; lo < len(images); lo += predictBatch {
		if err := e.ctx.Err(); err != nil {
			return &interruptedError{msg: "interrupted"}
		}
		classify(m, images[lo:min(lo+predictBatch, len(images))], results[lo:])
	}
	return reportPredictions(e, results, *asJSON)
}

// reportPredictions prints each unreadable image's error on stderr and the
// predictions on stdout (one line an image, or JSON), and returns a
// reportedError if any image could not be read.
func reportPredictions(e *env, results []prediction, asJSON bool) error {
	failed := 0
	for _, r := range results {
		if r.Error != "" {
			failed++
			fmt.Fprintf(e.stderr, "convscope predict: %s\n", r.Error)
		}
	}
	if asJSON {
		if err := writeJSON(e.stdout, results); err != nil {
			return err
		}
	} else {
		for _, r := range results {
			if r.Error == "" {
				fmt.Fprintf(e.stdout, "%s: %s %.4f\n", r.Image, r.Class, r.Probability)
			}
		}
	}
	if failed > 0 {
		return &reportedError{fmt.Sprintf("%d of %d images could not be read", failed, len(results))}
	}
	return nil
}

// writeJSON writes the results as an indented JSON array: an image that
// could not be read has only "image" and "error".
func writeJSON(w io.Writer, results []prediction) error {
	out := make([]any, len(results))
	for i, r := range results {
		if r.Error != "" {
			out[i] = struct {
				Image string `json:"image"`
				Error string `json:"error"`
			}{r.Image, r.Error}
		} else {
			out[i] = r
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// classify fills out[i] with the prediction for paths[i], running the
// readable images through the model as one batch.
func classify(m *model.Model, paths []string, out []prediction) {
	in := m.InputShape()
	x := nn.NewTensor(append([]int{len(paths)}, in...)...)
	opts := m.Prep()
	var ok []int
	for i, p := range paths {
		out[i] = prediction{Image: p}
		if err := loadInput(x.Sample(len(ok)), p, opts); err != nil {
			out[i].Error = oneLine(err.Error())
			continue
		}
		normalize(m, x.Sample(len(ok)))
		ok = append(ok, i)
	}
	if len(ok) == 0 {
		return
	}
	x.Shape[0] = len(ok)
	x.Data = x.Data[:len(ok)*x.SampleSize()]
	y := m.Run(x)
	for j, i := range ok {
		interpret(&out[i], m, y.Sample(j))
	}
}

// loadInput decodes the image at path and preprocesses it into dst.
func loadInput(dst []float32, path string, opts dataset.Options) error {
	img, err := dataset.LoadPhotoFile(path, dataset.DefaultMaxPixels)
	if err != nil {
		return err
	}
	_, err = dataset.Preprocess(dst, img, opts)
	return err
}

// interpret fills r with one sample's class probabilities
// (model.Model.ClassProbabilities, as the app shows them).
func interpret(r *prediction, m *model.Model, out []float32) {
	all := m.ClassProbabilities(out)
	r.Probabilities = make(map[string]float32, len(all))
	for _, c := range all {
		r.Probabilities[c.Name] = float32(c.Prob)
	}
	r.Index, r.Class, r.Probability = all[0].Index, all[0].Name, float32(all[0].Prob)
}

// reportedError is a failure whose details were already printed: Main
// prints only its summary line and exits with status 1.
type reportedError struct{ msg string }

func (e *reportedError) Error() string { return e.msg }
