package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
)

// errHelp is returned by parse when the user asked for --help; the usage has
// already been printed on stdout.
var errHelp = errors.New("help requested")

// usageError is a mistake in the command line: Main prints msg and usage on
// stderr and exits with status 2.
type usageError struct {
	msg   string
	usage string
}

func (e *usageError) Error() string { return e.msg }

// usagef returns a usageError with a formatted message.
func usagef(usage, format string, a ...any) error {
	return &usageError{msg: fmt.Sprintf(format, a...), usage: usage}
}

// interruptedError reports that a command stopped early because its context
// was cancelled, after doing what it could (saving the model, say).
type interruptedError struct{ msg string }

func (e *interruptedError) Error() string { return e.msg }

// flagSet is a flag.FlagSet with the command's usage text: synopsis first,
// then a description, then the flags as flag.PrintDefaults writes them.
type flagSet struct {
	*flag.FlagSet
	synopsis    string // e.g. "convscope predict --model FILE [--json] IMAGE..."
	description string // paragraphs after the synopsis, ending in "\n"
}

// newFlagSet returns an empty flag set for the command name.
func newFlagSet(name, synopsis, description string) *flagSet {
	fs := flag.NewFlagSet("convscope "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // parse reports errors itself
	return &flagSet{FlagSet: fs, synopsis: synopsis, description: description}
}

// usage returns the full usage text.
func (fs *flagSet) usage() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: %s\n", fs.synopsis)
	if fs.description != "" {
		fmt.Fprintf(&b, "\n%s", fs.description)
	}
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		b.WriteString("\nFlags:\n")
		fs.VisitAll(func(f *flag.Flag) { writeFlag(&b, f) })
	}
	return b.String()
}

// writeFlag writes one line of the flag list: "--name ARG", the usage and
// the default value when it is not the zero value, e.g.
//
//	--batch N              images per batch (default 20)
func writeFlag(b *strings.Builder, f *flag.Flag) {
	arg, usage := flag.UnquoteUsage(f)
	left := "  --" + f.Name
	if isBool(f) {
		arg = ""
	}
	if arg != "" {
		left += " " + arg
	}
	const col = 26
	if len(left) < col-1 {
		fmt.Fprintf(b, "%-*s%s", col, left, usage)
	} else {
		fmt.Fprintf(b, "%s\n%*s%s", left, col, "", usage)
	}
	if d := f.DefValue; d != "" && d != "0" && d != "false" && !isBool(f) {
		fmt.Fprintf(b, " (default %s)", d)
	}
	b.WriteByte('\n')
}

// isBool reports whether f is a boolean flag (takes no argument).
func isBool(f *flag.Flag) bool {
	bf, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && bf.IsBoolFlag()
}

// parse parses args, allowing flags and positional arguments to be mixed
// (a "--" ends the flags). It returns the positional arguments. On --help it
// prints the usage on stdout and returns errHelp; on a bad flag it returns a
// usageError carrying the usage.
func (fs *flagSet) parse(stdout io.Writer, args []string) ([]string, error) {
	var pos []string
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, fs.usage())
			return nil, errHelp
		}
		if err != nil {
			return nil, &usageError{msg: doubleDash(err.Error()), usage: fs.usage()}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// doubleDash rewrites the flag package's "-name" in an error message as
// "--name", the spelling the usage shows.
func doubleDash(msg string) string {
	for _, p := range []string{"flag -", "for -", "argument: -", "defined: -"} {
		msg = strings.Replace(msg, p, p+"-", 1)
	}
	return msg
}

// noArgs returns a usageError unless pos is empty.
func (fs *flagSet) noArgs(pos []string) error {
	if len(pos) > 0 {
		return &usageError{msg: fmt.Sprintf("unexpected argument %q", pos[0]), usage: fs.usage()}
	}
	return nil
}

// parseNoArgs parses args as parse does and returns a usageError if any
// positional argument is left: the start of every command that takes flags
// only.
func (fs *flagSet) parseNoArgs(stdout io.Writer, args []string) error {
	pos, err := fs.parse(stdout, args)
	if err != nil {
		return err
	}
	return fs.noArgs(pos)
}

// require returns a usageError "--NAME is required" for the first of the
// named flags whose value is empty (string flags; each name must be
// defined on fs).
func (fs *flagSet) require(names ...string) error {
	for _, name := range names {
		if fs.Lookup(name).Value.String() == "" {
			return fs.bad("--%s is required", name)
		}
	}
	return nil
}

// bad returns a usageError with the flag set's usage.
func (fs *flagSet) bad(format string, a ...any) error {
	return &usageError{msg: fmt.Sprintf(format, a...), usage: fs.usage()}
}

// given reports whether the flag called name was set on the command line.
func (fs *flagSet) given(name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}

// listFlag is a comma-separated list flag that may also be repeated:
// --layers a,b --layers c gives [a b c].
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

// Set appends the comma-separated values of s, ignoring empty ones.
func (l *listFlag) Set(s string) error {
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			*l = append(*l, v)
		}
	}
	return nil
}

// positiveFinite reports whether a float flag's value is above 0 and not
// +Inf (NaN fails too): a learning rate or a noise level of Inf parsed
// and ran, to NaN weights or a blank map.
func positiveFinite(x float64) bool { return x > 0 && !math.IsInf(x, 1) }

// folderOf reports an output file whose folder does not exist (or is not
// a folder), so that a command writing several files can refuse before
// it writes the first. An empty path is no output.
func folderOf(path string) error {
	if path == "" {
		return nil
	}
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: the folder %s does not exist", path, dir)
	case err != nil:
		return fmt.Errorf("%s: %w", path, err)
	case !st.IsDir():
		return fmt.Errorf("%s: %s is not a folder", path, dir)
	}
	return nil
}
