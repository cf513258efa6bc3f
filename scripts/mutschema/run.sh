#!/usr/bin/env bash
# Mutation efficacy of some files of one package with mutant schemata (see
# main.go): gremlins' dry-run list of the files' mutants, one rewritten copy
# of the package, one test binary, each mutant run by MUTID.
#   scripts/mutschema/run.sh PKG FILE...    e.g. run.sh nn graph.go graph_summary.go
# PKG is the package directory relative to the source tree's root; FILE are
# names in it (every other file of PKG and its sub-packages is excluded).
# Environment:
#   SRC      source tree, a git checkout (default: this repository)
#   REV      the commit measured (default HEAD; uncommitted changes are not
#            measured, so the numbers name a commit)
#   RUN      a -test.run regex tried first; a mutant that survives it is run
#            again with the whole suite (default: the whole suite only)
#   TIMEOUT  seconds per run of the whole suite (default 300): longer is
#            TIMEDOUT; RUNTIMEOUT the same for the RUN subset (default 60)
#   ONLY     a file of "TYPE FILE:LINE:COL" lines (a lived.txt): run those only
#   WORK     work directory (default /tmp/mutschema/PKG-REV-FILES); a run that
#            stops resumes there
#   TAGS     build tags (default ci)
# Output in WORK: results.txt ("ID STATUS SECONDS TYPE FILE:LINE:COL";
# STATUS KILLED, LIVED, TIMEDOUT or NOTVIABLE), lived.txt, and a summary per
# file on stdout: killed / lived, timed out, not viable, not covered,
# efficacy = killed / (killed + lived) as gremlins counts it. Mutants whose
# schema does not compile (an operator between untyped constants, + on
# strings) are built one at a time with `mutschema apply` instead.
set -euo pipefail
(($# >= 2)) || { sed -n 2,25p "$0"; exit 2; }
pkg=${1%/}; shift
here=$(cd "$(dirname "$0")" && pwd)
src=${SRC:-$(git -C "$here" rev-parse --show-toplevel)}
rev=$(git -C "$src" rev-parse "${REV:-HEAD}")
to=${TIMEOUT:-300}; rto=${RUNTIMEOUT:-60}; tags=${TAGS:-ci}; run=${RUN:-}
work=${WORK:-/tmp/mutschema/$(echo "$pkg" | tr / -)-${rev:0:8}-$(echo "$*" | md5sum | cut -c1-6)}
mkdir -p "$work"; work=$(cd "$work" && pwd)
gremlins=$(go env GOPATH)/bin/gremlins
[[ -x $gremlins ]] || go install github.com/go-gremlins/gremlins/cmd/gremlins@v0.6.0
go build -C "$here" -o "$work/mutschema" .
echo "mutschema: $pkg $* at $rev in $work" >&2

# 1. The tree at REV, and gremlins' list of the files' mutants.
if [[ ! -s $work/dry.txt ]]; then
  rm -rf "$work/src"; mkdir "$work/src"
  git -C "$src" archive "$rev" | tar -x -C "$work/src"
  args=()
  for f in "$work/src/$pkg"/*.go; do
    b=${f##*/}; [[ " $* " == *" $b "* ]] || args+=(--exclude-files "(^|/)${b//./\\.}\$")
  done
  for d in "$work/src/$pkg"/*/; do [[ -d $d ]] && args+=(--exclude-files "(^|/)$(basename "$d")/"); done
  (cd "$work/src" && CGO_ENABLED=0 "$gremlins" unleash --dry-run --tags "$tags" "${args[@]}" "./$pkg") > "$work/dry.tmp"
  mv "$work/dry.tmp" "$work/dry.txt"
fi

# 2. The schemata copy and its test binary; lines whose schema does not
# compile go to dry.txt.skip and the rewrite starts again.
if [[ ! -x $work/pkg.test ]]; then
  touch "$work/dry.txt.skip"
  for try in $(seq 10); do
    rm -rf "$work/sch"; cp -a "$work/src" "$work/sch"
    "$work/mutschema" rewrite "$work/sch/$pkg" "$work/dry.txt" "$work/ids.txt" 2> "$work/rewrite.err" || { cat "$work/rewrite.err"; exit 1; }
    if (cd "$work/sch" && go test -tags "$tags" -c -o "$work/pkg.test" "./$pkg") 2> "$work/build.err"; then break; fi
    bad=$(grep -oE "^[^: ]*\.go:[0-9]+" "$work/build.err" | sed 's|.*/||' | sort -u || true)
    [[ -n $bad ]] || { cat "$work/build.err"; exit 1; }
    echo "mutschema: schemata do not compile at $bad; those lines are built one at a time" >&2
    echo "$bad" >> "$work/dry.txt.skip"
  done
  [[ -x $work/pkg.test ]] || { cat "$work/build.err"; exit 1; }
fi

# 3. Each mutant: the RUN subset first (if any), then the whole suite.
touch "$work/results.txt"
wanted() { [[ -z ${ONLY:-} ]] || grep -qxF "$1 $2" "$ONLY"; }
status() { # binary dir: runs $run then the suite; prints the status
  local rc=0
  if [[ -n $run ]]; then
    MUTID=$id timeout "$rto" nice -n 10 "$1" -test.count=1 -test.failfast -test.run "$run" > "$work/last.out" 2>&1 || rc=$?
  fi
  if ((rc == 0)); then
    MUTID=$id timeout "$to" nice -n 10 "$1" -test.count=1 -test.failfast > "$work/last.out" 2>&1 || rc=$?
  fi
  if ((rc == 0)); then echo LIVED; elif ((rc == 124)); then echo TIMEDOUT; else echo KILLED; fi
}
while read -r id typ pos; do
  grep -q "^$id " "$work/results.txt" && continue
  wanted "$typ" "$pos" || continue
  t0=$(date +%s)
  st=$(cd "$work/sch/$pkg" && status "$work/pkg.test")
  echo "$id $st $(($(date +%s) - t0)) $typ $pos" >> "$work/results.txt"
done < "$work/ids.txt"
# Mutants left out of the schemata: one build each.
while read -r id typ pos; do
  grep -q "^$id " "$work/results.txt" && continue
  wanted "$typ" "$pos" || continue
  t0=$(date +%s)
  IFS=: read -r f l c <<< "$pos"
  rm -rf "$work/hand"; mkdir "$work/hand"; cp -a "$work/src/." "$work/hand"
  "$work/mutschema" apply "$work/hand/$pkg/$f" "$l" "$c" "$typ" > /dev/null
  if (cd "$work/hand" && go test -tags "$tags" -c -o "$work/hand.test" "./$pkg") > /dev/null 2>&1; then
    st=$(cd "$work/hand/$pkg" && status "$work/hand.test")
  else
    st=NOTVIABLE
  fi
  echo "$id $st $(($(date +%s) - t0)) $typ $pos" >> "$work/results.txt"
done < "$work/ids.txt.skipped"
rm -rf "$work/hand"

# 4. Summary per file.
awk '$2 == "LIVED" { print $4, $5 }' "$work/results.txt" | sort -t: -k1,1 -k2n > "$work/lived.txt"
echo "commit $rev, $(date -u '+%Y-%m-%d %H:%M') UTC, results in $work"
awk -v only="${ONLY:-}" '
  FNR == 1 { fileno++ }
  fileno == 1 && /NOT COVERED/ { split($NF, p, ":"); nc[p[1]]++; files[p[1]] = 1 }
  fileno == 2 { split($5, p, ":"); files[p[1]] = 1; n[p[1], $2]++ }
  END {
    for (f in files) {
      k = n[f, "KILLED"] + 0; l = n[f, "LIVED"] + 0
      printf "%s: %d / %d killed / lived, %d timed out, %d not viable, %d not covered%s\n", f, k, l,
        n[f, "TIMEDOUT"], n[f, "NOTVIABLE"], only == "" ? nc[f] : 0,
        k + l ? sprintf(", %.2f %%", 100 * k / (k + l)) : ""
    }
  }' "$work/dry.txt" "$work/results.txt" | sort
if [[ -s $work/lived.txt ]]; then echo "lived:"; sed 's/^/  /' "$work/lived.txt"; fi
