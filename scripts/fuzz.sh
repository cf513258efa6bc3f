#!/usr/bin/env bash
# Runs every native Go fuzz target of the module (every `func FuzzXxx` in a
# _test.go file: safetensors models and checkpoints, architecture JSON,
# .npy, EXIF, image decoding, and any parser added later) for SECONDS each,
# one after the other, and prints how long each ran clean.
#
# Usage: scripts/fuzz.sh [SECONDS] [REGEXP]
#
#   SECONDS  fuzzing time per target (default 60)
#   REGEXP   only targets whose name matches (grep -E), e.g. 'Load|Npy'
#
# Seeds: each target's f.Add calls plus the committed corpus in its
# package's testdata/fuzz/FuzzXxx/ (plain `go test` runs those too): real
# files (checkpoints from `convscope train`, .npy files from `convscope
# activations`, architecture JSON, a PNG) turned into corpus entries with
# `go run ./internal/tools/fuzzseed -o DIR FILE...`, and the smallest inputs
# the fuzzer found interesting, copied from Go's cache
# ($(go env GOCACHE)/fuzz), where new ones go (not the repository). A failure leaves the input in testdata/fuzz/FuzzXxx/ (commit
# it with the fix: it becomes a regression test) and the script exits 1.
#
# FUZZ_PARALLEL sets the number of fuzzing workers (default 1: the
# development machine's 2 cores are shared). The coordinator's "execs"
# count is updated only when a worker reports, so "0/sec" lines on a busy
# machine do not mean a hang (the nn targets report almost nothing until
# the end, yet run ~10,000 inputs a second; a counter in FuzzLoad showed
# 170,000 in 15 s).
set -u
cd "$(dirname "$0")/.."
secs=${1:-60}
filter=${2:-.}
parallel=${FUZZ_PARALLEL:-1}
failed=0
printf '%-34s %-40s %s\n' TARGET PACKAGE RESULT
while IFS=: read -r file name; do
	pkg=./$(dirname "$file")
	log=$(mktemp)
	start=$(date +%s)
	if go test -tags ci -run '^$' -fuzz "^${name}\$" -fuzztime "${secs}s" -parallel "$parallel" "$pkg" >"$log" 2>&1; then
		execs=$(grep -o 'execs: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
		printf '%-34s %-40s clean for %ss (%s execs reported)\n' "$name" "$pkg" "$(($(date +%s) - start))" "${execs:-?}"
	else
		failed=1
		printf '%-34s %-40s FAILED after %ss:\n' "$name" "$pkg" "$(($(date +%s) - start))"
		sed 's/^/    /' "$log" | tail -20
	fi
	rm -f "$log"
done < <(grep -rEo --include='*_test.go' '^func Fuzz[A-Za-z0-9_]+' . | sed 's/^\.\///; s/func //' | grep -E ":.*(${filter})" | sort)
exit $failed
