#!/usr/bin/env bash
# bench-alternate.sh MODEL [ROUNDS] — one imported torchvision model at batch 1
# on 2 cores, Convscope's plain forward (Graph.Predict), ONNX Runtime and
# PyTorch run one after the other ROUNDS times (default 10), each 30 images,
# so that the three see the same VM phases. Prints one line per round
# ("round convscope_ms ort_ms pytorch_ms", each the median image of its run)
# and then the medians and the per-round ratios. Uses what
# `scripts/bench.sh --install` put in $CONVSCOPE_BENCH_CACHE (default
# .cache/bench): onnx/MODEL.onnx and ort/. MODEL is a name export_onnx.py
# writes: resnet18, mobilenet_v2, squeezenet1_1, mobilenet_v3_small,
# efficientnet_b0.
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:?usage: scripts/bench-alternate.sh MODEL [ROUNDS]}
rounds=${2:-10}
cache=${CONVSCOPE_BENCH_CACHE:-.cache/bench}
cache=$(cd "$cache" && pwd)
[ -f "$cache/onnx/$model.onnx" ] || { echo "bench-alternate.sh: $cache/onnx/$model.onnx not found (run scripts/bench.sh --install)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -tags ci -c -o "$tmp/onnx.test" ./internal/onnx/
jemalloc=$(ls /usr/lib/*/libjemalloc.so.2 2>/dev/null | head -1 || true)
out="$tmp/rounds"
for r in $(seq "$rounds"); do
	g=$(cd internal/onnx && CONVSCOPE_ONNX_DIR="$cache/onnx" GOMAXPROCS=2 "$tmp/onnx.test" -test.run '^$' \
		-test.bench "^BenchmarkImportedInference\$/^$model\$/^pack=true\$/^predict\$" -test.benchtime 30x |
		awk '{for (i = 1; i <= NF; i++) if ($i == "median-ms") print $(i-1)}')
	o=$(node scripts/bench_ort.js "$cache/onnx/$model.onnx" --ort "$cache/ort" --threads 2 --iters 30 | awk '{print $2}')
	t=$(OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 MALLOC_CONF=oversize_threshold:0,dirty_decay_ms:-1,muzzy_decay_ms:-1 \
		LD_PRELOAD="$jemalloc" /usr/bin/python3 scripts/bench_torch.py torchvision --model "$model" --threads 2 --iters 30 |
		awk '{print $2}')
	echo "$r $g $o $t" | tee -a "$out"
done
python3 - "$out" <<'PY'
import statistics as st, sys
rows = [list(map(float, l.split()[1:])) for l in open(sys.argv[1])]
go_ort = [g / o for g, o, _ in rows]
pt_go = [t / g for g, _, t in rows]
print("medians ms: Convscope %.2f, ONNX Runtime %.2f, PyTorch %.2f" % tuple(st.median(c) for c in zip(*rows)))
print("Convscope / ORT per round:", " ".join(f"{x:.2f}" for x in go_ort), f"- median {st.median(go_ort):.2f}x, {sum(x < 1 for x in go_ort)} of {len(rows)} below 1")
print("PyTorch / Convscope per round:", " ".join(f"{x:.2f}" for x in pt_go), f"- median {st.median(pt_go):.2f}x")
PY
