// Convscope shows what a convolutional network sees. With no arguments it
// opens the desktop app; an image path as the only argument opens the app on
// that image ("Open with…" from a file manager); a subcommand (summary,
// train, predict, activations, dataset, version, --help) runs the command
// line without a display.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	fyneapp "fyne.io/fyne/v2/app"

	"github.com/convscope/convscope/app"
	"github.com/convscope/convscope/internal/cli"
)

func main() {
	args := os.Args[1:]
	if cli.IsCommand(args) {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := cli.Main(ctx, args, os.Stdin, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	var opts app.Options
	if len(args) > 0 {
		opts.OpenPath = args[len(args)-1]
	}
	a := fyneapp.NewWithID("io.github.convscope")
	app.NewMainWindow(a, opts).ShowAndRun()
}
