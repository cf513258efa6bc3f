package importrules

import (
	"slices"
	"testing"
)

func TestReadSkipsTestFiles(t *testing.T) {
	imps, err := Read(".")
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, imp := range imps {
		if imp.File != "importrules.go" {
			t.Errorf("read %s, a test file or another file", imp.File)
		}
		paths = append(paths, imp.Path)
	}
	for _, want := range []string{"fmt", "go/parser", "go/token", "path/filepath", "strconv", "strings"} {
		if !slices.Contains(paths, want) {
			t.Errorf("imports %v lack %s", paths, want)
		}
	}
	if slices.Contains(paths, "testing") {
		t.Error("the test file's imports were read")
	}
}

func TestBanned(t *testing.T) {
	bad, err := Banned(".", "go/", "/nothing")
	if err != nil {
		t.Fatal(err)
	}
	if len(bad) != 2 || bad[0].Path != "go/parser" || bad[1].Path != "go/token" {
		t.Errorf("Banned = %v, want go/parser and go/token", bad)
	}
}
