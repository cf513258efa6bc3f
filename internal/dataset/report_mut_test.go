package dataset

import (
	"fmt"
	"testing"
)

// The report's pieces, whole strings pinned: the skipped list (singular,
// at the limit, one over), the ignored files sorted by count then by
// extension, and nothing at all when there is nothing to say.
func TestReportPieces(t *testing.T) {
	bad := func(n int) []BadFile {
		var b []BadFile
		for i := range n {
			b = append(b, BadFile{Path: fmt.Sprintf("f%d.jpg", i), Err: ErrEmpty})
		}
		return b
	}
	exts := ".bmp .gif .jpeg .jpg .png .tif .tiff .webp"
	for _, c := range []struct {
		name, got, want string
	}{
		{"no bad files", skippedReport(nil), ""},
		{"5 bad files", skippedReport(bad(5)), "Skipped 5 unreadable files:\n  f0.jpg: empty file (0 bytes)\n  f1.jpg: empty file (0 bytes)\n  f2.jpg: empty file (0 bytes)\n  f3.jpg: empty file (0 bytes)\n  f4.jpg: empty file (0 bytes)"},
		{"6 bad files", skippedReport(bad(6)), "Skipped 6 unreadable files:\n  f0.jpg: empty file (0 bytes)\n  f1.jpg: empty file (0 bytes)\n  f2.jpg: empty file (0 bytes)\n  f3.jpg: empty file (0 bytes)\n  f4.jpg: empty file (0 bytes)\n  … and 1 more"},
		{"nothing ignored", ignoredReport(nil), ""},
		{"one ignored", ignoredReport(map[string]int{".txt": 1}), "Ignored 1 file without an image extension (.txt ×1); expected " + exts + "."},
		{"ignored, by count then name", ignoredReport(map[string]int{".txt": 2, ".heic": 5, "": 2, ".avi": 2, ".zip": 1}),
			"Ignored 12 files without an image extension (.heic ×5, no extension ×2, .avi ×2, .txt ×2, .zip ×1); expected " + exts + "."},
	} {
		if c.got != c.want {
			t.Errorf("%s:\n%q\nwant\n%q", c.name, c.got, c.want)
		}
	}
	f := &Folder{root: "d", Classes: []string{"a", "b"}, Files: []File{{Class: 1}, {Class: 1}, {Class: 0}}}
	if got, want := f.Report(), "Found 3 images belonging to 2 classes (a: 1, b: 2) in d."; got != want {
		t.Errorf("report %q, want %q", got, want)
	}
	f.Bad, f.Ignored = bad(1), map[string]int{".txt": 3}
	if got, want := f.Report(), "Found 3 images belonging to 2 classes (a: 1, b: 2) in d.\nSkipped 1 unreadable file:\n  f0.jpg: empty file (0 bytes)\nIgnored 3 files without an image extension (.txt ×3); expected "+exts+"."; got != want {
		t.Errorf("report %q, want %q", got, want)
	}
}
