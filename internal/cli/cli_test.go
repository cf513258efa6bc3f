package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// run runs the command line and returns the exit code and both streams.
func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return runCtx(t, context.Background(), args...)
}

func runCtx(t *testing.T, ctx context.Context, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var o, e bytes.Buffer
	code = Main(ctx, args, strings.NewReader(""), &o, &e)
	return code, o.String(), e.String()
}

func TestIsCommand(t *testing.T) {
	tests := []struct {
		args []string
		want bool
	}{
		{nil, false},
		{[]string{"cat.jpg"}, false},
		{[]string{"/home/me/summary"}, false},
		{[]string{"summary"}, true},
		{[]string{"train", "--train", "x"}, true},
		{[]string{"predict"}, true},
		{[]string{"activations"}, true},
		{[]string{"dataset", "generate"}, true},
		{[]string{"version"}, true},
		{[]string{"help"}, true},
		{[]string{"-h"}, true},
		{[]string{"--help"}, true},
		{[]string{"-version"}, true},
		{[]string{"--version"}, true},
		{[]string{"-psn_0_12345"}, false}, // macOS Finder's process serial number
	}
	for _, tt := range tests {
		if got := IsCommand(tt.args); got != tt.want {
			t.Errorf("IsCommand(%q) = %v, want %v", tt.args, got, tt.want)
		}
	}
}

func TestTopLevelHelpAndErrors(t *testing.T) {
	tests := []struct {
		args           []string
		code           int
		stdout, stderr string // substrings; "" means the stream must be empty
	}{
		{[]string{"--help"}, 0, "Commands:", ""},
		{[]string{"-h"}, 0, "activations", ""},
		{[]string{"help"}, 0, "Commands:", ""},
		{[]string{"help", "version"}, 0, "Usage: convscope version", ""},
		{[]string{"help", "nope"}, 2, "", `unknown command 'nope'`},
		{[]string{"help", "trian"}, 2, "", `unknown command 'trian' (did you mean train?)`},
		{[]string{"nope"}, 2, "", `convscope: unknown command 'nope'`},
		{[]string{"trian", "--epochs", "3"}, 2, "", "convscope: unknown command 'trian' (did you mean train?)\nRun 'convscope --help' for usage.\n"},
		{nil, 2, "", "Commands:"},
		{[]string{"version"}, 0, "convscope 0.1.0 (", ""},
		{[]string{"--version"}, 0, "convscope 0.1.0 (", ""},
		{[]string{"version", "--help"}, 0, "Usage: convscope version", ""},
		{[]string{"version", "extra"}, 2, "", `convscope version: unexpected argument "extra"`},
		{[]string{"version", "--bogus"}, 2, "", "flag provided but not defined: --bogus"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, out, errOut := run(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d (stderr %q)", code, tt.code, errOut)
			}
			check := func(stream, got, want string) {
				if want == "" && got != "" {
					t.Errorf("%s = %q, want nothing", stream, got)
				}
				if !strings.Contains(got, want) {
					t.Errorf("%s = %q, want it to contain %q", stream, got, want)
				}
			}
			check("stdout", out, tt.stdout)
			check("stderr", errOut, tt.stderr)
		})
	}
}

func TestParseMixesFlagsAndArguments(t *testing.T) {
	tests := []struct {
		args    []string
		pos     []string
		verbose bool
		n       int
	}{
		{[]string{"a", "-v", "b"}, []string{"a", "b"}, true, 0},
		{[]string{"--n", "3", "a"}, []string{"a"}, false, 3},
		{[]string{"a", "--", "-v", "b"}, []string{"a", "-v", "b"}, false, 0},
		{[]string{"-n=4", "a", "--v", "b", "c"}, []string{"a", "b", "c"}, true, 4},
		{nil, nil, false, 0},
	}
	for _, tt := range tests {
		fs := newFlagSet("t", "t", "")
		v := fs.Bool("v", false, "verbose")
		n := fs.Int("n", 0, "count")
		pos, err := fs.parse(&bytes.Buffer{}, tt.args)
		if err != nil {
			t.Fatalf("parse(%q): %v", tt.args, err)
		}
		if strings.Join(pos, "|") != strings.Join(tt.pos, "|") || *v != tt.verbose || *n != tt.n {
			t.Errorf("parse(%q) = %q, v=%v, n=%d; want %q, v=%v, n=%d", tt.args, pos, *v, *n, tt.pos, tt.verbose, tt.n)
		}
	}
}

func TestUsageListsFlagsWithDefaults(t *testing.T) {
	fs := newFlagSet("t", "convscope t [flags]", "Does t.\n")
	fs.Int("batch", 20, "images per `N` batch")
	fs.Bool("json", false, "print JSON")
	fs.String("a-very-long-flag-name", "", "usage on the next `LINE`")
	got := fs.usage()
	want := "Usage: convscope t [flags]\n\nDoes t.\n\nFlags:\n" +
		"  --a-very-long-flag-name LINE\n                          usage on the next LINE\n" +
		"  --batch N               images per N batch (default 20)\n" +
		"  --json                  print JSON\n"
	if got != want {
		t.Errorf("usage:\n%s\nwant:\n%s", got, want)
	}
}

func TestListFlag(t *testing.T) {
	var l listFlag
	for _, s := range []string{"a,b", " c ,", ""} {
		if err := l.Set(s); err != nil {
			t.Fatal(err)
		}
	}
	if l.String() != "a,b,c" {
		t.Errorf("got %q, want a,b,c", l.String())
	}
}

func TestOneLine(t *testing.T) {
	if got := oneLine("nn: a\n  b\tc\n"); got != "a b c" {
		t.Errorf("got %q", got)
	}
}

func TestDoubleDash(t *testing.T) {
	tests := []struct{ in, want string }{
		{`invalid value "x" for flag -n: parse error`, `invalid value "x" for flag --n: parse error`},
		{`invalid boolean value "x" for -b: parse error`, `invalid boolean value "x" for --b: parse error`},
		{"flag provided but not defined: -zz", "flag provided but not defined: --zz"},
		{"flag needs an argument: -n", "flag needs an argument: --n"},
		{"bad flag syntax: ---n", "bad flag syntax: ---n"},
	}
	for _, tt := range tests {
		if got := doubleDash(tt.in); got != tt.want {
			t.Errorf("doubleDash(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestEveryCommandHasHelp(t *testing.T) {
	for _, c := range commands() {
		for _, flag := range []string{"--help", "-h", "-help"} {
			code, out, errOut := run(t, c.name, flag)
			want := "Usage: convscope " + c.name
			if c.name == "dataset" {
				want = "Usage: convscope dataset generate"
			}
			if code != 0 || !strings.HasPrefix(out, want) || errOut != "" {
				t.Errorf("%s %s: exit code %d, stdout %q, stderr %q; want 0 and %q…", c.name, flag, code, out, errOut, want)
			}
		}
		if c.name == "help" {
			continue
		}
		code, out, _ := run(t, "help", c.name)
		if code != 0 || !strings.Contains(out, "Usage: convscope "+c.name) {
			t.Errorf("help %s: exit code %d, stdout %q", c.name, code, out)
		}
	}
}
