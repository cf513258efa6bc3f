package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// prog is a small program with one operator of every kind mutschema
// handles; its output depends on each of them.
const prog = `package main

import "fmt"

func f(a, b int, s float64) (int, float64) {
	r := 0
	if a < b {
		r += b - 5
	}
	if a >= b {
		r += a * 3
	}
	if a == b {
		r += 100
	}
	x := -a
	x++
	return r + x%4, s / 2
}

func main() {
	for _, a := range []int{1, 2, 3} {
		fmt.Println(f(a, 2, 5))
	}
}
`

// dry is what gremlins' dry run lists for prog (positions: line:column).
const dry = `Gathering coverage... done
    RUNNABLE CONDITIONALS_BOUNDARY at p.go:7:7
    RUNNABLE CONDITIONALS_NEGATION at p.go:7:7
    RUNNABLE ARITHMETIC_BASE at p.go:8:10
    RUNNABLE CONDITIONALS_BOUNDARY at p.go:10:7
    RUNNABLE ARITHMETIC_BASE at p.go:11:10
    RUNNABLE CONDITIONALS_NEGATION at p.go:13:7
    RUNNABLE INVERT_NEGATIVES at p.go:16:7
    RUNNABLE INCREMENT_DECREMENT at p.go:17:3
    RUNNABLE ARITHMETIC_BASE at p.go:18:11
    RUNNABLE ARITHMETIC_BASE at p.go:18:14
    RUNNABLE ARITHMETIC_BASE at p.go:18:20
 NOT COVERED ARITHMETIC_BASE at p.go:8:7
`

// TestSchemaMatchesApply checks that the schemata build gives, for every
// MUTID, the output of the program with that one mutant written in by
// apply, and the original output with MUTID unset.
func TestSchemaMatchesApply(t *testing.T) {
	dir := t.TempDir()
	write := func(d, name, text string) {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(d string, env ...string) string {
		t.Helper()
		cmd := exec.Command("go", "run", ".")
		cmd.Dir = d
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go run in %s: %v\n%s", d, err, out)
		}
		return string(out)
	}
	orig := filepath.Join(dir, "orig")
	write(orig, "go.mod", "module p\n\ngo 1.24\n")
	write(orig, "p.go", prog)
	want0 := run(orig)

	sch := filepath.Join(dir, "sch")
	write(sch, "go.mod", "module p\n\ngo 1.24\n")
	write(sch, "p.go", prog)
	write(dir, "dry.txt", dry)
	ids := filepath.Join(dir, "ids.txt")
	if err := rewrite(sch, filepath.Join(dir, "dry.txt"), ids); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(ids)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 11 {
		t.Fatalf("%d mutants written in, expected the 11 covered ones:\n%s", len(lines), b)
	}
	if got := run(sch); got != want0 {
		t.Errorf("schemata with MUTID unset:\n%s\nexpected\n%s", got, want0)
	}
	for _, l := range lines {
		var id, line, col int
		var typ, file string
		if _, err := fmt.Sscanf(strings.ReplaceAll(l, ":", " "), "%d %s %s %d %d", &id, &typ, &file, &line, &col); err != nil {
			t.Fatalf("ids line %q: %v", l, err)
		}
		one := filepath.Join(dir, fmt.Sprint("m", id))
		write(one, "go.mod", "module p\n\ngo 1.24\n")
		write(one, "p.go", prog)
		if err := apply(filepath.Join(one, "p.go"), line, col, typ); err != nil {
			t.Fatal(err)
		}
		want := run(one)
		if want == want0 {
			t.Errorf("mutant %s: the program's output does not change", l)
		}
		if got := run(sch, fmt.Sprint("MUTID=", id)); got != want {
			t.Errorf("mutant %s: schemata give\n%s\napply gives\n%s", l, got, want)
		}
	}
}
