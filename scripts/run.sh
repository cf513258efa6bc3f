#!/usr/bin/env bash
# The README's "run the app" command: installs the system packages the cgo
# build needs (first time only), builds and starts Convscope. Arguments are
# passed to the app (an image path, or a subcommand such as `summary`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
[[ -x bin/convscope ]] || echo "convscope: building (the first build compiles GLFW: a few minutes, then seconds)…" >&2
go build -o bin/convscope .
exec bin/convscope "$@"
