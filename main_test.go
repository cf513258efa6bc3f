package main

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// fakeEnv returns a getenv over the given variables.
func fakeEnv(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

// runCase is one run of the program and what it must do.
type runCase struct {
	name   string
	args   []string
	env    func(string) string
	code   int
	window bool   // the window opens
	path   string // with this image
	stdout string // substring; "" means empty
	stderr string // substring; "" means empty
}

// fakeX makes every X server reachable (err nil) or none, for the test.
func fakeX(t *testing.T, err error) {
	old := xReachable
	xReachable = func(string) error { return err }
	t.Cleanup(func() { xReachable = old })
}

func TestRun(t *testing.T) {
	fakeX(t, nil)
	img := filepath.Join(t.TempDir(), "cat.jpg")
	if err := os.WriteFile(img, []byte("not really a jpeg"), 0o644); err != nil {
		t.Fatal(err)
	}
	unix := runtime.GOOS == "linux" || strings.HasSuffix(runtime.GOOS, "bsd")
	display := fakeEnv("DISPLAY", ":0")
	tests := []runCase{
		{"no arguments opens the window", nil, display, 0, true, "", "", ""},
		{"an image opens the window on it", []string{img}, display, 0, true, img, "", ""},
		{"Wayland is a display", nil, fakeEnv("WAYLAND_DISPLAY", "wayland-0"), 0, true, "", "", ""},
		{"Finder's -psn argument", []string{"-psn_0_12345"}, display, 0, true, "", "", ""},
		{"typo", []string{"trian", "--epochs", "3"}, display, 2, false, "", "",
			"convscope: unknown command 'trian' (did you mean train?)\n"},
		{"missing image", []string{"/no/such/cat.jpg"}, display, 2, false, "", "", "unknown command '/no/such/cat.jpg'"},
		{"a command", []string{"version"}, fakeEnv(), 0, false, "", "convscope ", ""},
		{"help needs no display", []string{"--help"}, fakeEnv(), 0, false, "", "Commands:", ""},
	}
	if unix {
		tests = append(tests,
			runCase{"no display", nil, fakeEnv(), 1, false, "", "", "no display"},
			runCase{"no display with an image", []string{img}, fakeEnv(), 1, false, "", "", "convscope --help"},
			runCase{"DISPLAY set but no X server", nil, display, 1, false, "", "",
				"convscope: cannot reach the X server of DISPLAY=:0 (dial unix /tmp/.X11-unix/X0: connect: no such file or directory)"},
			runCase{"DISPLAY set but no X server, with an image", []string{img}, display, 1, false, "", "", "convscope --help"},
		)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if strings.HasPrefix(tt.name, "DISPLAY set") {
				fakeX(t, errors.New("dial unix /tmp/.X11-unix/X0: connect: no such file or directory"))
			}
			var out, errb bytes.Buffer
			opened, path := false, ""
			code := run(tt.args, strings.NewReader(""), &out, &errb, tt.env, func(p string) { opened, path = true, p })
			if code != tt.code {
				t.Errorf("exit status %d, want %d (stderr %q)", code, tt.code, errb.String())
			}
			if opened != tt.window || path != tt.path {
				t.Errorf("window opened %v on %q, want %v on %q", opened, path, tt.window, tt.path)
			}
			check := func(stream, got, want string) {
				if want == "" && got != "" {
					t.Errorf("%s = %q, want it empty", stream, got)
				}
				if !strings.Contains(got, want) {
					t.Errorf("%s = %q, want it to contain %q", stream, got, want)
				}
			}
			check("stdout", out.String(), tt.stdout)
			check("stderr", errb.String(), tt.stderr)
			if tt.code == 1 && strings.Count(errb.String(), "\n") != 1 {
				t.Errorf("stderr has %d lines, want one: %q", strings.Count(errb.String(), "\n"), errb.String())
			}
		})
	}
}

func TestNoDisplay(t *testing.T) {
	fakeX(t, nil)
	tests := []struct {
		goos string
		env  func(string) string
		want bool // a message
	}{
		{"linux", fakeEnv(), true},
		{"linux", fakeEnv("DISPLAY", ":77"), false},
		{"linux", fakeEnv("WAYLAND_DISPLAY", "wayland-0"), false},
		{"freebsd", fakeEnv(), true},
		{"darwin", fakeEnv(), false},
		{"windows", fakeEnv(), false},
	}
	for _, tt := range tests {
		msg := noDisplay(tt.goos, tt.env)
		if (msg != "") != tt.want {
			t.Errorf("noDisplay(%s) = %q, want a message: %v", tt.goos, msg, tt.want)
		}
		if msg != "" && (strings.Contains(msg, "\n") || !strings.Contains(msg, "convscope --help")) {
			t.Errorf("noDisplay(%s) = %q, want one line pointing to convscope --help", tt.goos, msg)
		}
	}
}

// TestGLFWPanicIsOneLine: an X server that accepts the connection but then
// fails GLFW's initialisation makes Fyne panic (seen while Xvfb reset);
// that is one line and exit status 1. Other panics are not swallowed.
func TestGLFWPanicIsOneLine(t *testing.T) {
	fakeX(t, nil)
	env := fakeEnv("DISPLAY", ":0")
	var out, errb bytes.Buffer
	code := run(nil, strings.NewReader(""), &out, &errb, env, func(string) {
		panic(errors.New("NotInitialized: The GLFW library is not initialized"))
	})
	if code != 1 || strings.Count(errb.String(), "\n") != 1 || !strings.Contains(errb.String(), "the window cannot open") ||
		!strings.Contains(errb.String(), "convscope --help") {
		t.Errorf("exit status %d, stderr %q; want 1 and one line saying the window cannot open", code, errb.String())
	}
	defer func() {
		if r := recover(); r == nil || fmt.Sprint(r) != "some bug" {
			t.Errorf("recovered %v, want the app's own panic to propagate", r)
		}
	}()
	run(nil, strings.NewReader(""), &out, &errb, env, func(string) { panic("some bug") })
}

// TestDialX dials real sockets: an X server's local socket (a listener on
// Linux' abstract /tmp/.X11-unix/XN) and TCP port 6000+N answer; a display
// number nobody listens on and malformed values do not.
func TestDialX(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("abstract sockets are Linux only")
	}
	n := 6000 + os.Getpid()%3000 // display numbers no real server uses
	l, err := net.Listen("unix", fmt.Sprintf("@/tmp/.X11-unix/X%d", n))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	tl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer tl.Close()
	port := tl.Addr().(*net.TCPAddr).Port
	for _, tt := range []struct {
		display string
		ok      bool
	}{
		{fmt.Sprintf(":%d", n), true},
		{fmt.Sprintf(":%d.0", n), true},
		{fmt.Sprintf("unix:%d", n), true},
		{fmt.Sprintf(":%d", n+1), false},
		{fmt.Sprintf("127.0.0.1:%d", port-6000), port >= 6000},
		{"nonsense", false},
		{":x", false},
	} {
		err := dialX(tt.display)
		if (err == nil) != tt.ok {
			t.Errorf("dialX(%q) = %v, want reachable %v", tt.display, err, tt.ok)
		}
	}
	fakeX(t, nil)
	xReachable = dialX
	msg := noDisplay("linux", fakeEnv("DISPLAY", fmt.Sprintf(":%d", n+1)))
	if !strings.HasPrefix(msg, "convscope: cannot reach the X server") || strings.Contains(msg, "\n") {
		t.Errorf("noDisplay with no server = %q, want one line saying the X server cannot be reached", msg)
	}
}

// TestBinaryQuiet builds the program and runs it as a user would, with the
// C.UTF-8 locale of Debian containers and CI: command-line commands write
// nothing to stderr (no "Fyne error: Error parsing user locale C"), and
// starting the window without a display is one line, not a GLFW panic.
func TestBinaryQuiet(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "convscope")
	build := exec.Command("go", "build", "-tags", "ci", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	env := []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	type binCase struct {
		args   []string
		env    []string
		code   int
		stderr string // "" means empty
	}
	tests := []binCase{
		{[]string{"version"}, []string{"LANG=C.UTF-8"}, 0, ""},
		{[]string{"summary"}, []string{"LANG=C.UTF-8"}, 0, ""},
		{[]string{"summary"}, []string{"LC_ALL=C.utf8"}, 0, ""},
		{[]string{"summary"}, []string{"LANG=C"}, 0, ""},
		{[]string{"--help"}, []string{"LANG=POSIX.UTF-8"}, 0, ""},
		{[]string{"trian", "--epochs", "3"}, []string{"LANG=C.UTF-8"}, 2,
			"convscope: unknown command 'trian' (did you mean train?)\nRun 'convscope --help' for usage.\n"},
	}
	if runtime.GOOS == "linux" {
		tests = append(tests, binCase{nil, []string{"LANG=C.UTF-8"}, 1,
			"convscope: no display ($DISPLAY and $WAYLAND_DISPLAY are not set), so the window cannot open; the command line works without one: run 'convscope --help'\n"})
		// $DISPLAY set, nobody listening: one line, not a GLFW panic.
		n := 6000 + os.Getpid()%3000
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); os.IsNotExist(err) {
			tests = append(tests, binCase{nil, []string{"LANG=C.UTF-8", fmt.Sprintf("DISPLAY=:%d", n)}, 1,
				fmt.Sprintf("convscope: cannot reach the X server of DISPLAY=:%d (dial unix /tmp/.X11-unix/X%d: connect: no such file or directory), so the window cannot open; the command line works without one: run 'convscope --help'\n", n, n)})
		}
	}
	for _, tt := range tests {
		cmd := exec.Command(bin, tt.args...)
		cmd.Env = append(append([]string(nil), env...), tt.env...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		if code != tt.code || stderr.String() != tt.stderr {
			t.Errorf("%s convscope %q: exit status %d, stderr %q; want %d, %q", tt.env, tt.args, code, stderr.String(), tt.code, tt.stderr)
		}
	}
}

// TestSecondInterruptEnds: a command blocked where it cannot see the
// interrupt (here predict opening a named pipe nobody writes) ignored
// every Ctrl+C and SIGTERM. The first still asks it to stop cleanly; the
// second ends it.
func TestSecondInterruptEnds(t *testing.T) {
	if testing.Short() || runtime.GOOS != "linux" {
		t.Skip("builds the program and uses a named pipe; Linux, not with -short")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "convscope")
	if out, err := exec.Command("go", "build", "-tags", "ci", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	fifo := filepath.Join(dir, "pipe.png")
	if out, err := exec.Command("mkfifo", fifo).CombinedOutput(); err != nil {
		t.Fatalf("mkfifo: %v %s", err, out)
	}
	cmd := exec.Command(bin, "predict", fifo)
	cmd.Env = []string{"HOME=" + dir, "PATH=" + os.Getenv("PATH"), "LANG=C.UTF-8"}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	time.Sleep(300 * time.Millisecond) // blocked opening the pipe
	cmd.Process.Signal(os.Interrupt)
	select {
	case err := <-done:
		t.Logf("ended at the first interrupt: %v", err) // also fine
		return
	case <-time.After(300 * time.Millisecond):
	}
	cmd.Process.Signal(os.Interrupt)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatal("a second interrupt did not end the blocked command")
	}
}
