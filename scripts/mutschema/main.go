// Command mutschema measures mutation efficacy with mutant schemata: every
// mutant of gremlins' own dry-run list (github.com/go-gremlins/gremlins
// v0.6.0, `gremlins unleash --dry-run`) is written into one copy of the
// package behind a switch read from the environment variable MUTID, so one
// test binary serves every mutant instead of one rebuild per mutant
// (Untch, Offutt and Harrold, "Mutation analysis using mutant schemata",
// ISSTA 1993). A mutant then costs one run of the tests, not one build.
//
// Usage:
//
//	mutschema rewrite PKGDIR DRYLIST IDS
//	mutschema apply FILE LINE COL TYPE
//
// rewrite reads DRYLIST (gremlins' dry-run output: lines "RUNNABLE TYPE at
// FILE:LINE:COL"; "NOT COVERED" lines are left out), numbers its covered
// mutants 1, 2, … in list order, rewrites the files of PKGDIR in place and
// adds zz_mutschema.go with the switch helpers. Each mutated operator
// becomes a call that picks the operator by MUTID:
//
//	a < b   →  mutCmp(a, b, mutOp(6, 17, 7, 18, 9))   // 17: <=, 18: >=
//	a == b  →  (mutOn(19) != (a == b))
//	-x      →  mutNeg(x, 20)
//	i++     →  i = mutStep(i, 21, true)
//
// With MUTID unset (or 0) the package computes what it did. IDS receives
// one line "ID TYPE FILE:LINE:COL" per mutant written in. Mutants on the
// lines listed in DRYLIST.skip ("FILE:LINE", one a field) are not written
// in but listed in IDS.skipped: the rewrite of an operator between untyped
// constants, or `+` on strings, does not compile, and run.sh then builds
// such a mutant on its own with apply.
//
// apply writes one mutant into FILE in place, as gremlins would (the file
// is restored with git checkout or a copy): for mutants that do not fit a
// schema and for killing a survivor by hand.
//
// run.sh drives the whole measurement: `scripts/mutschema/run.sh PKG
// FILE...` (see its header). The tool has its own go.mod so that the
// project's `go test ./...` and `go vet ./...` leave it out.
package main

import (
	"fmt"
	"os"
	"strconv"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "rewrite":
		if len(os.Args) != 5 {
			usage()
		}
		err = rewrite(os.Args[2], os.Args[3], os.Args[4])
	case "apply":
		if len(os.Args) != 6 {
			usage()
		}
		line, err1 := strconv.Atoi(os.Args[3])
		col, err2 := strconv.Atoi(os.Args[4])
		if err1 != nil || err2 != nil {
			usage()
		}
		err = apply(os.Args[2], line, col, os.Args[5])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "mutschema:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: mutschema rewrite PKGDIR DRYLIST IDS\n       mutschema apply FILE LINE COL TYPE")
	os.Exit(2)
}

// alternatives maps a gremlins mutation type and an operator to the
// operator the mutant puts in its place.
var alternatives = map[string]map[string]string{
	"CONDITIONALS_BOUNDARY": {"<=": "<", ">=": ">", "<": "<=", ">": ">="},
	"CONDITIONALS_NEGATION": {"==": "!=", "!=": "==", "<=": ">", ">=": "<", "<": ">=", ">": "<="},
	"ARITHMETIC_BASE":       {"+": "-", "-": "+", "*": "/", "/": "*", "%": "*"},
	"INCREMENT_DECREMENT":   {"++": "--", "--": "++"},
	"INVERT_NEGATIVES":      {"-": "+"},
}

// apply replaces the operator at line:col (1-based, bytes, as gremlins
// and go/token count) of file by its mutant of kind typ.
func apply(file string, line, col int, typ string) error {
	src, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	off, l := 0, 1
	for l < line && off < len(src) {
		if src[off] == '\n' {
			l++
		}
		off++
	}
	off += col - 1
	if l != line || off >= len(src) {
		return fmt.Errorf("%s has no position %d:%d", file, line, col)
	}
	alt := alternatives[typ]
	for _, w := range []int{2, 1} {
		if off+w > len(src) {
			continue
		}
		old := string(src[off : off+w])
		if repl, ok := alt[old]; ok {
			out := append(append(append([]byte{}, src[:off]...), repl...), src[off+w:]...)
			fmt.Printf("%s:%d:%d %s: %s → %s\n", file, line, col, typ, old, repl)
			return os.WriteFile(file, out, 0o644)
		}
	}
	return fmt.Errorf("%s:%d:%d: no %s operator at %q", file, line, col, typ, src[off:min(off+4, len(src))])
}
