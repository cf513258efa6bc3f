package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

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
		go secondSignalEnds(ctx, stop)
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
	if !openWindowOrSay(openWindow, path, stderr) {
		return cli.ExitError
	}
	return cli.ExitOK
}

// openWindowOrSay runs openWindow. When GLFW cannot initialise (an X
// server that answered noDisplay's dial but then would not open the display:
// refused authorisation, a server resetting, a display that went away)
// Fyne panics with GLFW's NotInitialized error; that becomes one line on
// stderr and false. Any other panic goes on as it was.
func openWindowOrSay(openWindow func(string), path string, stderr io.Writer) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			msg := fmt.Sprint(r)
			if !strings.Contains(msg, "NotInitialized") && !strings.Contains(msg, "GLFW") {
				panic(r)
			}
			msg, _, _ = strings.Cut(msg, "\n")
			fmt.Fprintf(stderr, "convscope: the window cannot open: the display server refused it (%s); the command line works without one: run 'convscope --help'\n", msg)
			ok = false
		}
	}()
	openWindow(path)
	return true
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
// can be without one; macOS and Windows always have a desktop. A $DISPLAY
// that names an X server nobody answers at (a stale value from an SSH or
// Xvfb session) gets its own message: GLFW would otherwise panic.
func noDisplay(goos string, getenv func(string) string) string {
	switch goos {
	case "linux", "freebsd", "openbsd", "netbsd", "dragonfly", "illumos", "solaris":
	default:
		return ""
	}
	if d := getenv("DISPLAY"); d != "" {
		if err := xReachable(d); err != nil {
			return fmt.Sprintf("convscope: cannot reach the X server of DISPLAY=%s (%v), so the window cannot open; the command line works without one: run 'convscope --help'", d, oneLine(err))
		}
		return ""
	}
	if getenv("WAYLAND_DISPLAY") != "" {
		return ""
	}
	return "convscope: no display ($DISPLAY and $WAYLAND_DISPLAY are not set), so the window cannot open; the command line works without one: run 'convscope --help'"
}

// xReachable reports whether an X server accepts connections at display;
// tests replace it.
var xReachable = dialX

// dialX connects to the X server a $DISPLAY value names and hangs up:
// "[host]:N[.S]" is TCP port 6000+N on host, or with no host (or "unix")
// the local socket /tmp/.X11-unix/XN (Linux' abstract one first).
func dialX(display string) error {
	i := strings.LastIndex(display, ":")
	if i < 0 {
		return fmt.Errorf("expected [host]:number, received %q", display)
	}
	host, num := strings.TrimPrefix(display[:i], "tcp/"), display[i+1:]
	if j := strings.IndexByte(num, '.'); j >= 0 {
		num = num[:j]
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 {
		return fmt.Errorf("expected [host]:number, received %q", display)
	}
	const timeout = 2 * time.Second
	if host == "" || host == "unix" {
		path := fmt.Sprintf("/tmp/.X11-unix/X%d", n)
		var err error
		for _, p := range []string{"@" + path, path} {
			var c net.Conn
			if c, err = net.DialTimeout("unix", p, timeout); err == nil {
				return c.Close()
			}
		}
		return err
	}
	c, err := net.DialTimeout("tcp", net.JoinHostPort(strings.Trim(host, "[]"), strconv.Itoa(6000+n)), timeout)
	if err != nil {
		return err
	}
	return c.Close()
}

// oneLine keeps the first line of err's message.
func oneLine(err error) string {
	msg, _, _ := strings.Cut(err.Error(), "\n")
	return msg
}

// secondSignalEnds gives Ctrl+C and SIGTERM back their default action once
// the first one has cancelled ctx: the first asks the command to stop
// cleanly (training saves its model), a second ends the process at once.
// A command blocked where it cannot see ctx (reading a named pipe, a
// stalled network file system) otherwise ignored every Ctrl+C and SIGTERM
// and could only be killed with SIGKILL.
func secondSignalEnds(ctx context.Context, stop func()) {
	<-ctx.Done()
	stop()
}
