package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"

	"github.com/convscope/convscope/internal/cli"
)

// run is the program without its process: it returns the exit status.
// args are os.Args[1:]; getenv reads the environment; openWindow starts the
// desktop app on an image path (or none) and returns when it closes.
//
//   - A command (train, summary, --help, …) runs the command line, which
//     never touches Fyne.
//   - No arguments, or a first argument that exists on disk (an image, from
//     "Open with…"), or macOS Finder's -psn_… argument, opens the window,
//     unless there is no display: then one line says so and points to the
//     command line (exit status 1) instead of a GLFW panic.
//   - Anything else is a mistyped command: "unknown command 'trian' (did
//     you mean train?)", exit status 2.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string, openWindow func(openPath string)) int {
	if cli.IsCommand(args) || (len(args) > 0 && !opensWindow(args[0])) {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		return cli.Main(ctx, args, stdin, stdout, stderr)
	}
	if msg := noDisplay(runtime.GOOS, getenv); msg != "" {
		fmt.Fprintln(stderr, msg)
		return cli.ExitError
	}
	path := ""
	if len(args) > 0 && !isPSN(args[len(args)-1]) {
		path = args[len(args)-1]
	}
	openWindow(path)
	return cli.ExitOK
}

// opensWindow reports whether a first argument that is not a command is
// meant for the window: a path that exists, or Finder's process serial
// number.
func opensWindow(arg string) bool {
	if isPSN(arg) {
		return true
	}
	_, err := os.Stat(arg)
	return err == nil
}

// isPSN reports whether arg is the "-psn_0_12345" argument macOS Finder
// passes to apps it launches.
func isPSN(arg string) bool { return strings.HasPrefix(arg, "-psn_") }

// noDisplay returns the message for a desktop without a display server, or
// "" when a window can open. Only X11 and Wayland systems (Linux, the BSDs)
// can be without one; macOS and Windows always have a desktop.
func noDisplay(goos string, getenv func(string) string) string {
	switch goos {
	case "linux", "freebsd", "openbsd", "netbsd", "dragonfly", "illumos", "solaris":
	default:
		return ""
	}
	if getenv("DISPLAY") != "" || getenv("WAYLAND_DISPLAY") != "" {
		return ""
	}
	return "convscope: no display ($DISPLAY and $WAYLAND_DISPLAY are not set), so the window cannot open; the command line works without one: run 'convscope --help'"
}
