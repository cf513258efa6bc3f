#!/usr/bin/env bash
# Fashion-MNIST training, Convscope against PyTorch 1.13 on the same network
# (scripts/fashion_arch.json), data, batch (100), optimizer (Adam 1e-3) and
# number of epochs (BENCHMARKS.md, "Fashion-MNIST training").
#
# Usage: scripts/fashion_bench.sh [--epochs N] [--data DIR]
#
#   --epochs N   epochs for each (default 1)
#   --data DIR   the four Fashion-MNIST IDX files (default: Debian's
#                dataset-fashion-mnist location, /usr/share/datasets/fashion-mnist)
#
# Convscope: `convscope train` on the PNG class folders that `convscope dataset
# fashion-mnist` writes, validating on the 10,000 test images (so val_acc is
# the test accuracy); wall and CPU time (user + system, all threads) of the
# whole command, which includes scanning and decoding the 70,000 PNGs and the
# validation pass. PyTorch: scripts/fashion_torch.py with /usr/bin/python3
# (Debian's python3-torch), 2 threads, libjemalloc.so.2 preloaded as in
# scripts/bench.sh, data read from the IDX files into memory; it times the
# training steps only. Both print images per second and per CPU-second; the
# latter is the figure to compare on a loaded machine.
set -euo pipefail
cd "$(dirname "$0")/.."

epochs=1 data=/usr/share/datasets/fashion-mnist
while [ $# -gt 0 ]; do
	case "$1" in
	--epochs) epochs="$2"; shift ;;
	--data) data="$2"; shift ;;
	-h | --help) sed -n '2,/^set -e/p' "$0" | sed 's/^# \{0,1\}//;$d'; exit 0 ;;
	*) echo "fashion_bench.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
	esac
	shift
done
py=/usr/bin/python3
jemalloc=$(ls /usr/lib/*/libjemalloc.so.2 2>/dev/null | head -n1 || true)
if ! "$py" -c 'import torch' 2>/dev/null || [ -z "$jemalloc" ]; then
	echo "fashion_bench.sh: needs Debian's python3-torch and libjemalloc2 (apt-get install python3-torch libjemalloc2)" >&2
	exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -tags ci -o "$tmp/convscope" .
"$tmp/convscope" dataset fashion-mnist --from "$data" --out "$tmp/fm" >/dev/null

steps=600
/usr/bin/time -f "%e %U %S" -o "$tmp/time" "$tmp/convscope" train --train "$tmp/fm/train" --val "$tmp/fm/test" \
	--arch scripts/fashion_arch.json --epochs "$epochs" --steps-per-epoch $steps --batch 100 \
	--optimizer adam --lr 1e-3 --validation-steps 100 --seed 1 --out "$tmp/m.safetensors" >"$tmp/go.log"
read -r wall user sys <"$tmp/time"
acc=$(grep -o 'val_acc: [0-9.]*' "$tmp/go.log" | tail -n1 | cut -d' ' -f2)
images=$((epochs * steps * 100))
echo "| | epochs | wall s | CPU s | images/s | images/CPU-s | test accuracy |"
echo "|---|---|---|---|---|---|---|"
awk -v w="$wall" -v u="$user" -v s="$sys" -v n="$images" -v a="$acc" -v e="$epochs" 'BEGIN {
	printf "| Convscope | %d | %.0f | %.0f | %.0f | %.0f | %s |\n", e, w, u + s, n / w, n / (u + s), a }'

LD_PRELOAD="$jemalloc" MALLOC_CONF=oversize_threshold:0,dirty_decay_ms:-1,muzzy_decay_ms:-1 \
	OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 \
	"$py" scripts/fashion_torch.py --epochs "$epochs" --data "$data" --threads 2 >"$tmp/torch.log"
awk -v e="$epochs" '$1 == "epoch" { w += $3; c += $4; a = $7; n += $3 * $5 }
	END { printf "| PyTorch 1.13 | %d | %.0f | %.0f | %.0f | %.0f | %s |\n", e, w, c, n / w, n / c, a }' "$tmp/torch.log"
