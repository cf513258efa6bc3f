// Package cli is Convscope's headless command line: the subcommands that
// run in a terminal when the binary is started with one (summary, train,
// predict, activations, dataset, version). It never imports Fyne, so it
// works on a machine without a display.
//
// Exit codes: 0 on success, 1 for a runtime error (one line on stderr), 2
// for a usage error (the message and the command's usage on stderr) and 130
// when training is interrupted (Ctrl+C) after saving the model.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/convscope/convscope/internal/model"
)

// Exit codes returned by Main.
const (
	ExitOK          = 0
	ExitError       = 1
	ExitUsage       = 2
	ExitInterrupted = 130 // 128 + SIGINT, as shells report it
)

// env is what a command runs with: the context (cancelled on Ctrl+C) and the
// three standard streams.
type env struct {
	name   string // the command's name in messages, e.g. "dataset generate"
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// command is one subcommand.
type command struct {
	name    string
	summary string // one line for the top-level help
	run     func(e *env, args []string) error
}

// commands returns the subcommands in the order the help lists them.
func commands() []*command {
	return []*command{
		{"summary", "print the model's Keras summary table", runSummary},
		{"train", "train a model on a folder of class subfolders", runTrain},
		{"predict", "classify images with a trained model", runPredict},
		{"activations", "export every layer's channel maps as PNG grids and .npy", runActivations},
		{"export", "write a model as ONNX (for ONNX Runtime, Netron, …)", runExport},
		{"explain", "explain a prediction: Grad-CAM, saliency, SmoothGrad, IG heat maps", runExplain},
		{"exemplars", "find the images that excite each channel most (top 9, with patches)", runExemplars},
		{"filters", "draw what each channel responds to (activation maximisation atlas)", runFilters},
		{"dataset", "write class folders of images: generated shapes, IDX files, Fashion-MNIST", runDataset},
		{"version", "print the version", runVersion},
		{"help", "show help for a command", runHelp},
	}
}

// lookup returns the subcommand called name, or nil.
func lookup(name string) *command {
	for _, c := range commands() {
		if c.name == name {
			return c
		}
	}
	return nil
}

// IsCommand reports whether args (os.Args[1:]) ask for the command line
// rather than the window: args[0] is a known subcommand or one of -h, -help,
// --help, -version, --version. Anything else (no arguments, or an image
// path) is the window's business.
func IsCommand(args []string) bool {
	if len(args) == 0 {
		return false
	}
	switch args[0] {
	case "-h", "-help", "--help", "-version", "--version":
		return true
	}
	return lookup(args[0]) != nil
}

// Main runs the command line with args (os.Args[1:]) and returns the exit
// code. ctx should be cancelled on SIGINT/SIGTERM: training then stops after
// the current batch and saves what it has.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		fmt.Fprint(stderr, mainUsage())
		return ExitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help":
		fmt.Fprint(stdout, mainUsage())
		return ExitOK
	case "-version", "--version":
		args = []string{"version"}
	}
	c := lookup(args[0])
	if c == nil {
		fmt.Fprintf(stderr, "convscope: %s\nRun 'convscope --help' for usage.\n", unknownCommand(args[0]))
		return ExitUsage
	}
	e.name = c.name
	return e.exit(c.run(e, args[1:]))
}

// exit turns a command's error into an exit code, printing what the user
// needs on the right stream.
func (e *env) exit(err error) int {
	name := e.name
	var ue *usageError
	var ie *interruptedError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, errHelp):
		return ExitOK
	case errors.As(err, &ue):
		fmt.Fprintf(e.stderr, "convscope %s: %s\n", name, ue.msg)
		if ue.usage != "" {
			fmt.Fprintf(e.stderr, "\n%s", ue.usage)
		} else {
			fmt.Fprintf(e.stderr, "Run 'convscope %s --help' for usage.\n", name)
		}
		return ExitUsage
	case errors.As(err, &ie):
		fmt.Fprintf(e.stderr, "convscope %s: %s\n", name, oneLine(ie.Error()))
		return ExitInterrupted
	}
	fmt.Fprintf(e.stderr, "convscope %s: %s\n", name, oneLine(err.Error()))
	return ExitError
}

// oneLine joins a multi-line message into one line and drops our Go
// packages' prefixes, which mean nothing to a user (model.UserMessage, as
// the app's error dialogs do): "A.json: nn: layer 1 …" prints as
// "A.json: layer 1 …", "m.safetensors: nn: safetensors: …" as
// "m.safetensors: safetensors: …".
func oneLine(s string) string {
	return model.UserMessage(strings.Join(strings.Fields(s), " "))
}

// mainUsage is the top-level help.
func mainUsage() string {
	var b strings.Builder
	b.WriteString("Convscope shows what a convolutional network sees.\n\n")
	b.WriteString("Usage:\n")
	b.WriteString("  convscope                 open the window\n")
	b.WriteString("  convscope IMAGE           open the window with IMAGE\n")
	b.WriteString("  convscope COMMAND [flags] run in the terminal\n\n")
	b.WriteString("Commands:\n")
	cs := commands()
	w := 0
	for _, c := range cs {
		w = max(w, len(c.name))
	}
	for _, c := range cs {
		fmt.Fprintf(&b, "  %-*s  %s\n", w, c.name, c.summary)
	}
	b.WriteString("\nRun 'convscope COMMAND --help' for a command's flags.\n")
	b.WriteString("Exit status: 0 success, 1 error, 2 wrong usage, 130 training interrupted (model saved).\n")
	return b.String()
}

// runHelp prints the top-level help or a command's usage.
func runHelp(e *env, args []string) error {
	fs := newFlagSet("help", "convscope help [COMMAND]", "Lists the commands, or shows COMMAND's usage and flags.\n")
	pos, err := fs.parse(e.stdout, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) == 0:
		fmt.Fprint(e.stdout, mainUsage())
		return nil
	case len(pos) > 1:
		return fs.bad("expected one command, received %d", len(pos))
	case pos[0] == "help":
		fmt.Fprint(e.stdout, fs.usage())
		return nil
	}
	c := lookup(pos[0])
	if c == nil {
		var names []string
		for _, c := range commands() {
			names = append(names, c.name)
		}
		sort.Strings(names)
		return fs.bad("%s (commands: %s)", unknownCommand(pos[0]), strings.Join(names, ", "))
	}
	return c.run(e, []string{"--help"})
}
