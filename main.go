// Convscope shows what a convolutional network sees. With no arguments it
// opens the desktop app; with a subcommand it runs the command line.
package main

import (
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/convscope/convscope/app"
)

func main() {
	a := fyneapp.NewWithID("io.github.convscope")
	w := app.NewMainWindow(a)
	w.ShowAndRun()
}
