#!/usr/bin/env bash
# Mutation testing: gremlins (github.com/go-gremlins/gremlins) changes one
# operator at a time in a package (a < becomes <=, a + becomes -, …), runs
# that package's tests, and counts the mutants the tests kill. Efficacy =
# killed / (killed + lived); TESTING.md records it per package.
#   scripts/mutation.sh [PKG…]   (default: the core packages)
# Slow: minutes per package on 2 cores (nn: the better part of an hour).
# Output: a summary per package, and mutation-<pkg>.json in $OUT (default
# /tmp/convscope-mutation) listing every lived mutant.
set -euo pipefail
cd "$(dirname "$0")/.."
version=v0.6.0
gremlins=$(go env GOPATH)/bin/gremlins
if [[ ! -x $gremlins ]]; then
  echo "mutation: installing gremlins $version" >&2
  go install "github.com/go-gremlins/gremlins/cmd/gremlins@$version"
fi
out=${OUT:-/tmp/convscope-mutation}
mkdir -p "$out"
pkgs=("$@")
((${#pkgs[@]})) || pkgs=(./internal/npy ./internal/render ./internal/dataset ./internal/model ./nn)
for p in "${pkgs[@]}"; do
  name=$(echo "${p#./}" | tr / -)
  echo "== $p" >&2
  # No cgo (tests need no GL), the ci tag as the README's test command, and
  # generous timeouts: a mutant that makes a loop endless times out instead
  # of hanging (gremlins counts it as killed).
  CGO_ENABLED=0 "$gremlins" unleash --tags ci --workers 1 --timeout-coefficient 60 \
    --output "$out/mutation-$name.json" "$p" 2>&1 | tee "$out/mutation-$name.log" |
    grep -E 'Killed:|Lived:|Not covered:|Timed out:|Not viable:|efficacy|coverage' || true
done
