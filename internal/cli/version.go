package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Version is Convscope's version. Release builds set it with
// -ldflags "-X github.com/convscope/convscope/internal/cli.Version=1.2.3";
// otherwise it matches FyneApp.toml's Version.
var Version = "0.1.0"

// versionString is the line "convscope version" prints, e.g.
// "convscope 0.1.0 (a1b2c3d4e5f6, go1.26.0 linux/amd64)".
func versionString() string {
	rev := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
				if len(rev) > 12 {
					rev = rev[:12]
				}
			case "vcs.modified":
				if s.Value == "true" && rev != "" {
					rev += "-dirty"
				}
			}
		}
	}
	if rev != "" {
		rev += ", "
	}
	return fmt.Sprintf("convscope %s (%s%s %s/%s)", Version, rev, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// runVersion prints the version.
func runVersion(e *env, args []string) error {
	fs := newFlagSet("version", "convscope version", "Prints Convscope's version, commit, Go version and platform.\n")
	if err := fs.parseNoArgs(e.stdout, args); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, versionString())
	return nil
}
