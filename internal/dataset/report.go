package dataset

import (
	"fmt"
	"sort"
	"strings"
)

// ReportLimit is how many skipped files a report lists by name.
const ReportLimit = 5

// Report describes f for a person: Keras' "Found … images" line with the
// class names, then, if any, the skipped files (how many, and the first few
// with the reason) and the ignored non-image files by extension.
func (f *Folder) Report() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Found %d images belonging to %d classes (%s) in %s.", len(f.Files), len(f.Classes), classCountList(f.Classes, f.ClassCounts()), f.display(f.root))
	if s := skippedReport(f.Bad); s != "" {
		b.WriteString("\n" + s)
	}
	if s := ignoredReport(f.Ignored); s != "" {
		b.WriteString("\n" + s)
	}
	return b.String()
}

// classCountList formats "cats: 1000, dogs: 1000".
func classCountList(classes []string, counts []int) string {
	parts := make([]string, len(classes))
	for i, c := range classes {
		parts[i] = fmt.Sprintf("%s: %d", c, counts[i])
	}
	return strings.Join(parts, ", ")
}

// skippedReport lists bad files, at most ReportLimit by name; "" if none.
func skippedReport(bad []BadFile) string {
	if len(bad) == 0 {
		return ""
	}
	var b strings.Builder
	noun := "files"
	if len(bad) == 1 {
		noun = "file"
	}
	fmt.Fprintf(&b, "Skipped %d unreadable %s:", len(bad), noun)
	for i, f := range bad {
		if i == ReportLimit {
			fmt.Fprintf(&b, "\n  … and %d more", len(bad)-ReportLimit)
			break
		}
		b.WriteString("\n  " + f.String())
	}
	return b.String()
}

// ignoredReport summarises non-image files by extension; "" if none.
func ignoredReport(ignored map[string]int) string {
	if len(ignored) == 0 {
		return ""
	}
	exts := make([]string, 0, len(ignored))
	total := 0
	for e, n := range ignored {
		exts = append(exts, e)
		total += n
	}
	sort.Slice(exts, func(i, j int) bool {
		if ignored[exts[i]] != ignored[exts[j]] {
			return ignored[exts[i]] > ignored[exts[j]]
		}
		return exts[i] < exts[j]
	})
	parts := make([]string, len(exts))
	for i, e := range exts {
		name := e
		if name == "" {
			name = "no extension"
		}
		parts[i] = fmt.Sprintf("%s ×%d", name, ignored[e])
	}
	noun := "files"
	if total == 1 {
		noun = "file"
	}
	return fmt.Sprintf("Ignored %d %s without an image extension (%s); expected %s.", total, noun, strings.Join(parts, ", "), strings.Join(Extensions, " "))
}
