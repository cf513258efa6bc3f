package main

import (
	"bufio"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

type mutant struct {
	id        int
	typ, file string
	line, col int
}

func (m *mutant) String() string {
	return fmt.Sprintf("%d %s %s:%d:%d", m.id, m.typ, m.file, m.line, m.col)
}

var dryLine = regexp.MustCompile(`(CONDITIONALS_BOUNDARY|CONDITIONALS_NEGATION|ARITHMETIC_BASE|INCREMENT_DECREMENT|INVERT_NEGATIVES) at (\S+?):(\d+):(\d+)`)

// readDry returns the covered mutants of gremlins' dry-run list, numbered
// from 1 in list order.
func readDry(list string) ([]*mutant, error) {
	f, err := os.Open(list)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var ms []*mutant
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := dryLine.FindStringSubmatch(sc.Text())
		if m == nil || strings.Contains(sc.Text(), "NOT COVERED") {
			continue
		}
		l, _ := strconv.Atoi(m[3])
		c, _ := strconv.Atoi(m[4])
		ms = append(ms, &mutant{len(ms) + 1, m[1], m[2], l, c})
	}
	return ms, sc.Err()
}

// opCode numbers the operators for mutOp's switch (zz_mutschema.go).
var opCode = map[string]string{"+": "1", "-": "2", "*": "3", "/": "4", "%": "5", "<": "6", "<=": "7", ">": "8", ">=": "9"}

func rewrite(dir, list, idsPath string) error {
	all, err := readDry(list)
	if err != nil {
		return err
	}
	skip := map[string]bool{}
	if b, err := os.ReadFile(list + ".skip"); err == nil {
		for _, l := range strings.Fields(string(b)) {
			skip[l] = true
		}
	}
	byFile := map[string][]*mutant{}
	var skipped []string
	for _, m := range all {
		if skip[fmt.Sprintf("%s:%d", m.file, m.line)] {
			skipped = append(skipped, m.String())
			continue
		}
		byFile[m.file] = append(byFile[m.file], m)
	}
	var ids []string
	pkg := ""
	files := make([]string, 0, len(byFile))
	for f := range byFile {
		files = append(files, f)
	}
	sort.Strings(files)
	for _, file := range files {
		name, placed, err := rewriteFile(filepath.Join(dir, file), byFile[file])
		if err != nil {
			return err
		}
		pkg = name
		for _, m := range placed {
			ids = append(ids, m.String())
		}
	}
	if pkg == "" {
		return fmt.Errorf("no mutant of %s was written into %s", list, dir)
	}
	sort.Slice(ids, func(i, j int) bool { return leadingInt(ids[i]) < leadingInt(ids[j]) })
	if err := writeLines(idsPath, ids); err != nil {
		return err
	}
	if err := writeLines(idsPath+".skipped", skipped); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "zz_mutschema.go"), []byte(strings.Replace(helper, "PKG", pkg, 1)), 0o644)
}

func leadingInt(s string) int {
	n, _ := strconv.Atoi(strings.Fields(s)[0])
	return n
}

func writeLines(path string, lines []string) error {
	s := strings.Join(lines, "\n")
	if s != "" {
		s += "\n"
	}
	return os.WriteFile(path, []byte(s), 0o644)
}

// rewriteFile writes the mutants ms into path and returns its package
// name and the mutants it found an operator for (the others are reported
// on stderr).
func rewriteFile(path string, ms []*mutant) (string, []*mutant, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return "", nil, err
	}
	fset := token.NewFileSet()
	af, err := parser.ParseFile(fset, path, src, parser.ParseComments)
	if err != nil {
		return "", nil, err
	}
	at := map[[2]int][]*mutant{}
	for _, m := range ms {
		at[[2]int{m.line, m.col}] = append(at[[2]int{m.line, m.col}], m)
	}
	key := func(p token.Pos) [2]int { q := fset.Position(p); return [2]int{q.Line, q.Column} }
	edits := map[ast.Node][]*mutant{}
	ast.Inspect(af, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.GenDecl:
			return x.Tok != token.CONST // constants cannot call functions
		case *ast.ArrayType:
			return false // nor array lengths
		case *ast.BinaryExpr:
			if ms := at[key(x.OpPos)]; len(ms) > 0 {
				edits[x] = ms
			}
		case *ast.UnaryExpr:
			if x.Op == token.SUB {
				for _, m := range at[key(x.OpPos)] {
					if m.typ == "INVERT_NEGATIVES" || m.typ == "ARITHMETIC_BASE" {
						edits[x] = append(edits[x], m)
					}
				}
			}
		case *ast.IncDecStmt:
			if ms := at[key(x.TokPos)]; len(ms) > 0 {
				edits[x] = ms
			}
		}
		return true
	})
	placed := map[*mutant]bool{}
	for _, e := range edits {
		for _, m := range e {
			placed[m] = true
		}
	}
	var out []*mutant
	for _, m := range ms {
		if placed[m] {
			out = append(out, m)
		} else {
			fmt.Fprintf(os.Stderr, "unplaced %s\n", m)
		}
	}
	base := af.FileStart
	// text returns n's source with the mutated nodes inside it (and n
	// itself, when it is one) rewritten.
	var text func(n ast.Node, self bool) string
	text = func(n ast.Node, self bool) string {
		if e, ok := edits[n]; ok && self {
			return gen(n, e, func(c ast.Node) string { return text(c, true) })
		}
		lo, hi := int(n.Pos()-base), int(n.End()-base)
		type rep struct {
			lo, hi int
			s      string
		}
		var reps []rep
		ast.Inspect(n, func(c ast.Node) bool {
			if c == nil || c == n {
				return true
			}
			if _, ok := edits[c]; ok {
				reps = append(reps, rep{int(c.Pos() - base), int(c.End() - base), text(c, true)})
				return false
			}
			return true
		})
		s := string(src[lo:hi])
		for i := len(reps) - 1; i >= 0; i-- { // Inspect visits in source order
			r := reps[i]
			s = s[:r.lo-lo] + r.s + s[r.hi-lo:]
		}
		return s
	}
	// Keep the comments before the package clause (build constraints).
	newSrc := string(src[:int(af.Pos()-base)]) + text(af, false) + string(src[int(af.End()-base):])
	return af.Name.Name, out, os.WriteFile(path, []byte(newSrc), 0o644)
}

// gen returns the schema of one mutated node: the original operator unless
// MUTID names one of ms.
func gen(n ast.Node, ms []*mutant, text func(ast.Node) string) string {
	switch x := n.(type) {
	case *ast.BinaryExpr:
		op := x.Op.String()
		a, b := text(x.X), text(x.Y)
		if op == "==" || op == "!=" { // negation only: flip the result
			s := "(" + a + " " + op + " " + b + ")"
			for _, m := range ms {
				s = "(mutOn(" + strconv.Itoa(m.id) + ") != " + s + ")"
			}
			return s
		}
		var alts []string
		for _, m := range ms {
			if al := alternatives[m.typ][op]; al != "" {
				alts = append(alts, strconv.Itoa(m.id), opCode[al])
			} else {
				fmt.Fprintf(os.Stderr, "no %s mutant of %s\n", m.typ, op)
			}
		}
		sel := "mutOp(" + opCode[op] + ", " + strings.Join(alts, ", ") + ")"
		switch op {
		case "<", "<=", ">", ">=":
			return "mutCmp(" + a + ", " + b + ", " + sel + ")"
		case "%":
			return "mutRem(" + a + ", " + b + ", " + sel + ")"
		}
		return "mutAr(" + a + ", " + b + ", " + sel + ")"
	case *ast.UnaryExpr:
		var ids []string
		for _, m := range ms {
			ids = append(ids, strconv.Itoa(m.id))
		}
		return "mutNeg(" + text(x.X) + ", " + strings.Join(ids, ", ") + ")"
	case *ast.IncDecStmt:
		v := text(x.X)
		return v + " = mutStep(" + v + ", " + strconv.Itoa(ms[0].id) + ", " + strconv.FormatBool(x.Tok == token.INC) + ")"
	}
	panic(fmt.Sprintf("mutschema: cannot mutate %T", n))
}

// helper is zz_mutschema.go, written next to the rewritten files.
const helper = `// Code generated by scripts/mutschema; DO NOT EDIT.

package PKG

import (
	"os"
	"strconv"
)

var mutActive, _ = strconv.Atoi(os.Getenv("MUTID"))

type mutNum interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr | ~float32 | ~float64
}

type mutInt interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 | ~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr
}

type mutOrd interface{ mutNum | ~string }

func mutOp(orig int, alts ...int) int {
	for i := 0; i+1 < len(alts); i += 2 {
		if alts[i] == mutActive {
			return alts[i+1]
		}
	}
	return orig
}

func mutOn(id int) bool { return id == mutActive }

func mutAr[T mutNum](a, b T, op int) T {
	switch op {
	case 1:
		return a + b
	case 2:
		return a - b
	case 3:
		return a * b
	}
	return a / b
}

func mutRem[T mutInt](a, b T, op int) T {
	if op == 5 {
		return a % b
	}
	return a * b
}

func mutCmp[T mutOrd](a, b T, op int) bool {
	switch op {
	case 6:
		return a < b
	case 7:
		return a <= b
	case 8:
		return a > b
	}
	return a >= b
}

func mutNeg[T mutNum](a T, ids ...int) T {
	for _, id := range ids {
		if id == mutActive {
			return +a
		}
	}
	return -a
}

func mutStep[T mutNum](v T, id int, inc bool) T {
	if inc != (id == mutActive) {
		return v + 1
	}
	return v - 1
}
`
