// Convscope shows what a convolutional network sees. With no arguments it
// opens the desktop app; an image path as the only argument opens the app on
// that image ("Open with…" from a file manager); a subcommand (summary,
// train, predict, activations, dataset, version, --help) runs the command
// line without a display. main only wires: run (run.go) decides.
package main

import (
	"os"

	fyneapp "fyne.io/fyne/v2/app"

	"github.com/convscope/convscope/app"
	"github.com/convscope/convscope/internal/cli"
	// Makes a C.UTF-8 locale read as English; its init runs before Fyne's
	// lang package parses the locale (see the package's doc for why).
	_ "github.com/convscope/convscope/internal/locale"
)

func main() {
	startProfile(os.Getenv, os.Stderr)
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv, openWindow))
}

// openWindow opens the desktop app (on openPath, if not empty) and returns
// when its window closes.
func openWindow(openPath string) {
	note := app.FixPreferences(app.PreferencesPath(appID)) // before Fyne reads it
	a := fyneapp.NewWithID(appID)
	app.NewMainWindow(a, app.Options{OpenPath: openPath, Note: note, Version: cli.Version}).ShowAndRun()
}

// appID is the app's ID (FyneApp.toml), which names its preferences.
const appID = "io.github.convscope"
