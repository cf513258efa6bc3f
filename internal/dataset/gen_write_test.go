package dataset

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Generated.WriteTree names files <class>.<index>.png with the index
// zero-padded to at least 6 digits, or to the width of the last index
// (first+n-1) when that is wider: 999998 and 999999 stay 6 wide, 999999
// and 1000000 are 7 wide. The names are written out by hand.
func TestGeneratedWriteTreeNames(t *testing.T) {
	g := mustGen(t, GenOptions{Seed: 3, Size: 16})
	for _, c := range []struct {
		first, n int
		want     []string // the index part of each name, in order
	}{
		{0, 0, nil},
		{0, 1, []string{"000000"}},
		{0, 2, []string{"000000", "000001"}},
		{41, 3, []string{"000041", "000042", "000043"}},
		{999998, 2, []string{"999998", "999999"}},
		{999999, 2, []string{"0999999", "1000000"}},
	} {
		dir := t.TempDir()
		if err := g.WriteTree(dir, c.first, c.n); err != nil {
			t.Fatalf("WriteTree(%d, %d): %v", c.first, c.n, err)
		}
		var want, got []string
		for k, idx := range c.want {
			class := g.Classes()[g.Class(c.first+k)]
			want = append(want, class+"/"+class+"."+idx+".png")
		}
		for _, class := range g.Classes() {
			entries, err := os.ReadDir(filepath.Join(dir, class))
			if err != nil {
				t.Fatalf("WriteTree(%d, %d): class folder %s: %v", c.first, c.n, class, err)
			}
			for _, e := range entries {
				got = append(got, class+"/"+e.Name())
			}
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("WriteTree(%d, %d) wrote %q, want %q", c.first, c.n, got, want)
		}
	}
	for _, c := range []struct{ first, n int }{{-1, 1}, {0, -1}} {
		err := g.WriteTree(t.TempDir(), c.first, c.n)
		if err == nil || !strings.Contains(err.Error(), "first and n must not be negative") {
			t.Errorf("WriteTree(%d, %d): %v", c.first, c.n, err)
		}
	}
}

// WriteTutorialTree gives train, validation and test consecutive index
// ranges, skipping an empty part without moving the next one.
func TestGeneratedWriteTutorialTreeRanges(t *testing.T) {
	g := mustGen(t, GenOptions{Seed: 3, Size: 16})
	for _, c := range []struct {
		train, validation, test int
		want                    map[string][]string
	}{
		{2, 0, 1, map[string][]string{"train": {"000000", "000001"}, "test": {"000002"}}},
		{0, 1, 2, map[string][]string{"validation": {"000000"}, "test": {"000001", "000002"}}},
	} {
		dir := t.TempDir()
		if err := g.WriteTutorialTree(dir, c.train, c.validation, c.test); err != nil {
			t.Fatal(err)
		}
		for _, part := range []string{"train", "validation", "test"} {
			var got []string
			filepath.WalkDir(filepath.Join(dir, part), func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					name := d.Name()
					got = append(got, strings.TrimSuffix(name[strings.IndexByte(name, '.')+1:], ".png"))
				}
				return nil
			})
			slices.Sort(got)
			if !slices.Equal(got, c.want[part]) {
				t.Errorf("tree %d/%d/%d, %s: indices %q, want %q", c.train, c.validation, c.test, part, got, c.want[part])
			}
		}
		if _, err := os.Stat(filepath.Join(dir, "validation")); c.validation == 0 && !os.IsNotExist(err) {
			t.Errorf("tree %d/%d/%d: an empty validation part was created (%v)", c.train, c.validation, c.test, err)
		}
	}
}
