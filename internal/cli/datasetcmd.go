package cli

import (
	"fmt"
	"strings"

	"github.com/convscope/convscope/internal/dataset"
)

const datasetHelp = `Commands:
  generate       write the built-in generated dataset as class folders
  idx            convert an MNIST-style pair of IDX files into class folders
  fashion-mnist  convert the installed Fashion-MNIST into class folders

Run 'convscope dataset SUBCOMMAND --help' for its flags.
`

const generateHelp = `Writes N images of the built-in generated dataset (shapes drawn over
textured backgrounds) as PNG files in class folders, the layout
'convscope train --train DIR' and Keras' flow_from_directory read:
DIR/<class>/<class>.<index>.png. Classes are balanced. The same seed
gives the same images.
`

// runDataset dispatches the dataset subcommands.
func runDataset(e *env, args []string) error {
	synopsis := "convscope dataset generate --out DIR --n N [--classes NAMES] [--seed N] [--size PIXELS]\n" +
		"       convscope dataset idx --images FILE --labels FILE --out DIR [--classes NAMES]\n" +
		"       convscope dataset fashion-mnist --out DIR [--from DIR]"
	if len(args) == 0 {
		return usagef("Usage: "+synopsis+"\n\n"+datasetHelp, "missing subcommand")
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprintf(e.stdout, "Usage: %s\n\n%s", synopsis, datasetHelp)
		return errHelp
	case "generate":
		e.name = "dataset generate"
		return runGenerate(e, args[1:], "convscope dataset generate --out DIR --n N [--classes NAMES] [--seed N] [--size PIXELS]")
	case "idx":
		e.name = "dataset idx"
		return runIDX(e, args[1:], "convscope dataset idx --images FILE --labels FILE --out DIR [--classes NAMES]")
	case "fashion-mnist":
		e.name = "dataset fashion-mnist"
		return runFashionMNIST(e, args[1:], "convscope dataset fashion-mnist --out DIR [--from DIR]")
	}
	return usagef("Usage: "+synopsis+"\n\n"+datasetHelp, "unknown subcommand %q", args[0])
}

// generateChunk is the number of images written between two checks for
// an interruption.
const generateChunk = 256

// runGenerate writes the generated dataset as class folders.
func runGenerate(e *env, args []string, synopsis string) error {
	fs := newFlagSet("dataset generate", synopsis, generateHelp)
	out := fs.String("out", "", "output folder `DIR` (created if needed)")
	n := fs.Int("n", 0, "number of images `N`, over all classes")
	var classes listFlag
	fs.Var(&classes, "classes", "comma-separated shape `NAMES` (default "+strings.Join(dataset.BinaryShapes, ",")+"; all: "+strings.Join(dataset.AllShapes, ",")+")")
	seed := fs.Int64("seed", 0, "random seed `N`")
	size := fs.Int("size", dataset.DefaultSize, "image width and height in `PIXELS`")
	if err := fs.parseNoArgs(e.stdout, args); err != nil {
		return err
	}
	switch {
	case *out == "":
		return fs.bad("--out is required")
	case *n < 1:
		return fs.bad("--n must be at least 1, received %d", *n)
	}
	opts := dataset.GenOptions{Seed: *seed, Size: *size}
	if len(classes) > 0 {
		opts.Classes = classes
	}
	g, err := dataset.NewGenerated(opts)
	if err != nil {
		return fs.bad("%s", oneLine(err.Error()))
	}
	// Write in chunks so that Ctrl+C stops the work soon.
	for done := 0; done < *n; done += generateChunk {
		if err := e.ctx.Err(); err != nil {
			return &interruptedError{msg: fmt.Sprintf("interrupted after writing %d of %d images to %s", done, *n, *out)}
		}
		if err := g.WriteTree(*out, done, min(generateChunk, *n-done)); err != nil {
			return err
		}
	}
	names := g.Classes()
	counts := make([]int, len(names))
	for i := 0; i < *n; i++ {
		counts[g.Class(i)]++
	}
	parts := make([]string, len(names))
	for i, c := range names {
		parts[i] = fmt.Sprintf("%s: %d", c, counts[i])
	}
	fmt.Fprintf(e.stdout, "Wrote %d images of %d×%d pixels (%s) to %s\n", *n, g.Options().Size, g.Options().Size, strings.Join(parts, ", "), *out)
	return nil
}
