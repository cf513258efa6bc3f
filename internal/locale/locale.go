// Package locale makes a C or POSIX locale read as English before Fyne
// looks at it. Import it (blank) from package main.
//
// Why: Fyne's lang package reads the user's locale in its init function,
// so merely linking Fyne runs it, for the command line too. Through
// github.com/jeandeaual/go-locale it takes the first non-empty of LC_ALL,
// LC_MESSAGES and LANG; the exact values "C" and "POSIX" mean "no locale",
// but "C.UTF-8" (the default of Debian containers, many servers and CI) is
// split into the language "C", which golang.org/x/text/language cannot
// parse, and Fyne logs "Fyne error: Error parsing user locale C" to stderr
// (three times). go-locale prefers $LANGUAGE (GNU gettext's list of
// message languages) when it is set and the locale is not exactly C, so
// this package sets LANGUAGE=en in that case. LANGUAGE only chooses message
// catalogues (gettext ignores it under a C locale), so character handling
// (LC_CTYPE, UTF-8 input) is left as the user set it.
//
// Ordering: since Go 1.21 the specification initialises packages in import
// path order among those whose imports are initialised. This package
// imports only os and strings, and its path,
// github.com/convscope/convscope/internal/locale, sorts before
// github.com/jeandeaual/go-locale, which Fyne's lang package imports, so
// its init runs before lang's.
package locale

import (
	"os"
	"strings"
)

func init() { Fix(os.Getenv, os.Setenv) }

// IsC reports whether a locale name is the C or POSIX locale, with or
// without a codeset or modifier ("C", "C.UTF-8", "C.utf8", "POSIX").
func IsC(name string) bool {
	base, _, _ := strings.Cut(name, ".")
	base, _, _ = strings.Cut(base, "@")
	return base == "C" || base == "POSIX"
}

// Fix sets LANGUAGE to "en" when the effective message locale (the first
// non-empty of LC_ALL, LC_MESSAGES, LANG) is a C/POSIX locale with a
// codeset or modifier and LANGUAGE is unset or itself a C locale. It
// reports whether it changed anything.
func Fix(getenv func(string) string, setenv func(string, string) error) bool {
	loc := ""
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if loc = getenv(k); loc != "" {
			break
		}
	}
	if loc == "" || loc == "C" || loc == "POSIX" || !IsC(loc) {
		return false // go-locale handles these itself
	}
	if l := getenv("LANGUAGE"); l != "" && !IsC(l) {
		return false
	}
	return setenv("LANGUAGE", "en") == nil
}
