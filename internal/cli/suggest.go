package cli

// suggest returns the command name closest to name when it is close enough
// to be a typo ("trian" → "train"), or "". Closeness is the optimal string
// alignment distance (Levenshtein's insertions, deletions and substitutions
// plus transpositions of adjacent letters, Damerau 1964), as `git` and `go`
// suggest commands: at most 2 edits, and fewer than the word's length.
func suggest(name string) string {
	best, bestD := "", 3
	for _, c := range commands() {
		d := editDistance(name, c.name)
		if d < bestD && d < len([]rune(name)) {
			best, bestD = c.name, d
		}
	}
	return best
}

// editDistance is the optimal string alignment distance between a and b
// (in runes): the fewest single-rune insertions, deletions, substitutions
// and adjacent transpositions that turn a into b, no substring edited twice.
//
//	d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+[a_i≠b_j],
//	              d[i-2][j-2]+1 if a_i=b_{j-1} and a_{i-1}=b_j)
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	// Three rows of the table: two back, one back and the current one.
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// unknownCommand is the one-line message for a first argument that is not
// a command, with a suggestion when one is close.
func unknownCommand(name string) string {
	if s := suggest(name); s != "" {
		return "unknown command '" + name + "' (did you mean " + s + "?)"
	}
	return "unknown command '" + name + "'"
}
