package cli

import (
	"fmt"
	"io"

	"github.com/convscope/convscope/nn"
)

const summaryHelp = `Prints the model's layer table as Keras' model.summary() does: each
layer's name, type, output shape and parameter count, then the totals.
With neither flag, the embedded default model. A model file with a model
card gets it printed below the table: what the model was trained on, when,
its accuracy, its input and preprocessing, and what it knows.
`

// runSummary prints the Keras summary table of a model.
func runSummary(e *env, args []string) error {
	fs := newFlagSet("summary", "convscope summary [--model FILE | --arch FILE]", summaryHelp)
	model := fs.String("model", "", modelFlagHelp)
	arch := fs.String("arch", "", "an architecture `FILE` (JSON, Keras-style layer list)")
	preset := fs.String("preprocess", "", preprocessUsage)
	if err := fs.parseNoArgs(e.stdout, args); err != nil {
		return err
	}
	if *model != "" && *arch != "" {
		return fs.bad("--model and --arch cannot be used together")
	}
	if err := checkPreprocess(fs, *model, *preset); err != nil {
		return err
	}
	if isONNX(*model) {
		return summaryONNX(e.stdout, *model, *preset)
	}
	m, err := loadModel(*model, *arch, e.stderr)
	if err != nil {
		return err
	}
	if err := m.Summary(e.stdout); err != nil {
		return err
	}
	printCard(e.stdout, m.Meta, m.InputShape())
	return nil
}

// printCard prints the model card, when the model has one, after the
// summary table: what the model was trained on, how well it did, its input
// and what it knows.
func printCard(w io.Writer, meta nn.Metadata, input []int) {
	if meta.Card == nil {
		return
	}
	fmt.Fprintln(w, "\nModel card:")
	for _, l := range meta.CardLines(input) {
		fmt.Fprintln(w, "  "+l)
	}
}
