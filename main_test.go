package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
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

func TestRun(t *testing.T) {
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
		)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
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
