#!/usr/bin/env bash
# Engine vs PyTorch and ONNX Runtime, side by side on this machine
# (BENCHMARKS.md, "Engine vs PyTorch", "Engine vs ONNX Runtime"): the
# reference model (docs/REFERENCE.md §2) trained at batch 20, inference at batch 20, and
# one 150×150 image (Go and PyTorch: every conv/pool map; ONNX Runtime: the
# full forward, dense layers included), on 2 cores and on 1, then the peak
# RSS of a training run. The runs alternate, round after round, so all see
# the same machine state; the tables give medians and ratios.
#
# Usage: scripts/bench.sh [--install] [--rounds N] [--only FIGURES] [--no-ort]
#                         [--imported] [--plain-jemalloc]
#
#   --install          apt-get install -y python3-torch python3-torchvision
#                      python3-onnx libjemalloc2 nodejs npm, npm install
#                      onnxruntime-node@1.30.0 into the cache, export the
#                      ONNX files, then run
#   --rounds N         rounds of alternating runs (default 5)
#   --only FIGURES     comma-separated subset of train,inference,activations
#                      (default all; ONNX Runtime runs with activations)
#   --no-ort           leave ONNX Runtime out
#   --imported         also time Convscope (its plain forward, Graph.Predict,
#                      and every node's output, "all maps": internal/onnx
#                      BenchmarkImportedInference), ONNX Runtime and PyTorch
#                      (plain forward) on torchvision ResNet-18, MobileNetV2,
#                      SqueezeNet 1.1, and MobileNetV3-Small and
#                      EfficientNet-B0 where exported (224×224, batch 1),
#                      alternating
#   --plain-jemalloc   PyTorch with jemalloc's default settings instead of
#                      MALLOC_CONF that keeps freed memory mapped (see below)
#
# ONNX Runtime: onnxruntime-node@1.30.0 (CPU binaries inside the npm
# package; --ignore-scripts skips the install script, which only fetches GPU
# extras) in $CONVSCOPE_BENCH_CACHE (default .cache/bench, not committed),
# run by scripts/bench_ort.js with intraOpNumThreads 2 or 1 on ONNX files
# that scripts/export_onnx.py writes from the same PyTorch model
# bench_torch.py times (seeded weights, opset 13). bench_ort.js reports the
# median of its timed runs; for one image so do the Go benchmarks
# (median-ms) and bench_torch.py, so the three are compared median to median.
#
# Go: the nn benchmarks BenchmarkTrainStep, BenchmarkInference and
# BenchmarkActivations (blas=sgemm, what the app uses), GOMAXPROCS=2 or 1;
# RSS from internal/tools/benchtrain. PyTorch: scripts/bench_torch.py with
# /usr/bin/python3 (Debian's python3-torch 1.13), torch.set_num_threads(2 or
# 1), OMP_NUM_THREADS and OPENBLAS_NUM_THREADS likewise, LD_PRELOAD of
# libjemalloc.so.2. By default MALLOC_CONF=oversize_threshold:0,
# dirty_decay_ms:-1,muzzy_decay_ms:-1: jemalloc then reuses PyTorch's large
# freed buffers instead of returning them to the kernel, which on this VM
# (where every page fault on fresh memory is slow) makes PyTorch several
# times faster. It is the strongest PyTorch we know how to run.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=5 install=0 plain=0 only="train,inference,activations" useort=1 imported=0
while [ $# -gt 0 ]; do
	case "$1" in
	--install) install=1 ;;
	--rounds) rounds="$2"; shift ;;
	--only) only="$2"; shift ;;
	--no-ort) useort=0 ;;
	--imported) imported=1 ;;
	--plain-jemalloc) plain=1 ;;
	-h | --help) sed -n '2,/^set -e/p' "$0" | sed 's/^# \{0,1\}//;$d'; exit 0 ;;
	*) echo "bench.sh: unknown argument $1 (try --help)" >&2; exit 2 ;;
	esac
	shift
done

for f in ${only//,/ }; do
	case "$f" in
	train | inference | activations) ;;
	*) echo "bench.sh: --only: expected train, inference or activations, received $f" >&2; exit 2 ;;
	esac
done
want() { [[ ",$only," == *",$1,"* ]]; }

cache=${CONVSCOPE_BENCH_CACHE:-.cache/bench}
ortdir="$cache/ort" onnxdir="$cache/onnx"
if [ "$install" = 1 ]; then
	apt-get install -y python3-torch python3-torchvision python3-onnx libjemalloc2 nodejs npm
	if [ ! -d "$ortdir/node_modules/onnxruntime-node" ]; then
		mkdir -p "$ortdir"
		(cd "$ortdir" && npm install --ignore-scripts --no-audit --no-fund onnxruntime-node@1.30.0)
	fi
	/usr/bin/python3 scripts/export_onnx.py --out "$onnxdir"
fi
if [ "$useort" = 1 ]; then
	if ! command -v node >/dev/null || [ ! -d "$ortdir/node_modules/onnxruntime-node" ] || [ ! -f "$onnxdir/tutorial.onnx" ]; then
		echo "bench.sh: ONNX Runtime needs node, $ortdir/node_modules/onnxruntime-node and $onnxdir/tutorial.onnx (run with --install, or --no-ort)" >&2
		exit 1
	fi
fi
py=/usr/bin/python3
jemalloc=$(ls /usr/lib/*/libjemalloc.so.2 2>/dev/null | head -n1 || true)
if ! "$py" -c 'import torch' 2>/dev/null || [ -z "$jemalloc" ]; then
	echo "bench.sh: needs Debian's python3-torch and libjemalloc2 (run with --install)" >&2
	exit 1
fi
mconf="oversize_threshold:0,dirty_decay_ms:-1,muzzy_decay_ms:-1"
[ "$plain" = 1 ] && mconf=""

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
CGO_ENABLED=0 go test -c -o "$tmp/nn.test" ./nn
[ "$imported" = 1 ] && CGO_ENABLED=0 go test -tags ci -c -o "$tmp/onnx.test" ./internal/onnx
CGO_ENABLED=0 go build -o "$tmp/benchtrain" ./internal/tools/benchtrain
results="$tmp/results"

# go_bench figure cores benchname benchtime metric: one Go benchmark run.
go_bench() {
	local out
	out=$(GOMAXPROCS="$2" "$tmp/nn.test" -test.run '^$' -test.bench "^Benchmark$3\$/^blas=sgemm\$" \
		-test.benchtime "$4" -test.count 1 | grep "^Benchmark$3/")
	echo "$out" | awk -v f="$1" -v c="$2" -v m="$5" '{
		for (i = 1; i <= NF; i++) {
			if ($i == "ns/op") ms = $(i-1) / 1e6
			if ($i == "cpu-ms/op") cpu = $(i-1)
			if ($i == "images/s") ips = $(i-1)
			if ($i == "fastest-ms") fast = $(i-1)
			if ($i == "median-ms") med = $(i-1)
		}
		v = (m == "ms") ? (med == "" ? ms : med) : ips
		med = ""
		print "go", f, c, v, cpu, (fast == "" ? "-" : fast)
	}' >>"$results"
}

# go_imported cores model iters: Convscope on an imported torchvision model
# (internal/onnx BenchmarkImportedInference: BatchNorm folded, activations
# fused, PackWeights on, batch 1), the plain forward (Graph.Predict, figure
# MODEL) and every node's output returned (Graph.Activations, figure
# MODEL:acts), one after the other.
go_imported() {
	local out
	out=$(CONVSCOPE_ONNX_DIR="$onnxdir" GOMAXPROCS="$1" "$tmp/onnx.test" -test.run '^$' \
		-test.bench "^BenchmarkImportedInference\$/^$2\$/^pack=true\$/^(predict|activations)\$" \
		-test.benchtime "${3}x" -test.count 1 | grep "^BenchmarkImportedInference/")
	echo "$out" | awk -v f="$2" -v c="$1" '{
		for (i = 1; i <= NF; i++) {
			if ($i == "ns/op") ms = $(i-1) / 1e6
			if ($i == "cpu-ms/op") cpu = $(i-1)
			if ($i == "median-ms") med = $(i-1)
		}
		print "go", ($1 ~ /activations/ ? f ":acts" : f), c, (med == "" ? ms : med), cpu, "-"
		med = ""
	}' >>"$results"
}

# torch_bench figure cores mode iters metric: one PyTorch run.
torch_bench() {
	local line
	line=$(OMP_NUM_THREADS="$2" OPENBLAS_NUM_THREADS="$2" MALLOC_CONF="$mconf" LD_PRELOAD="$jemalloc" \
		"$py" scripts/bench_torch.py "$3" --threads "$2" --iters "$4")
	echo "$line" | awk -v f="$1" -v c="$2" -v m="$5" '{ v = (m == "ms") ? $2 : $4; print "torch", f, c, v, $3, "-" }' >>"$results"
}

# torch_imported cores model iters: PyTorch's plain forward of the same
# torchvision model (batch 1, 224×224), for issue #12's "≥ 2× PyTorch".
torch_imported() {
	local line
	line=$(OMP_NUM_THREADS="$1" OPENBLAS_NUM_THREADS="$1" MALLOC_CONF="$mconf" LD_PRELOAD="$jemalloc" \
		"$py" scripts/bench_torch.py torchvision --model "$2" --threads "$1" --iters "$3")
	echo "$line" | awk -v f="$2" -v c="$1" '{ print "torch", f, c, $2, $3, "-" }' >>"$results"
}

# ort_bench figure cores model iters: one ONNX Runtime run (median ms of its
# timed runs, batch 1).
ort_bench() {
	local line
	line=$(node scripts/bench_ort.js "$onnxdir/$3.onnx" --ort "$ortdir" --threads "$2" --iters "$4")
	echo "$line" | awk -v f="$1" -v c="$2" '{ print "ort", f, c, $2, $3, $6 }' >>"$results"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load average before: $load_before; $rounds rounds; figures $only" >&2
for r in $(seq "$rounds"); do
	for cores in 2 1; do
		if want train; then
			go_bench train "$cores" TrainStep 10x images
			torch_bench train "$cores" train 10 images
		fi
		if want inference; then
			go_bench inference "$cores" Inference 20x images
			torch_bench inference "$cores" inference 20 images
		fi
		if want activations; then
			go_bench activations "$cores" Activations 200x ms
			torch_bench activations "$cores" activations 200 ms
			[ "$useort" = 1 ] && ort_bench activations "$cores" tutorial 200
		fi
		if [ "$imported" = 1 ] && [ "$useort" = 1 ]; then
			for m in resnet18 mobilenet_v2 squeezenet1_1 mobilenet_v3_small efficientnet_b0; do
				[ -f "$onnxdir/$m.onnx" ] || continue
				go_imported "$cores" "$m" 30
				ort_bench "$m" "$cores" "$m" 30
				torch_imported "$cores" "$m" 30
			done
		fi
	done
	echo "round $r of $rounds done (load $(cut -d' ' -f1 /proc/loadavg))" >&2
done

# Peak RSS of 20 training steps at batch 20, 2 cores.
rss_go=0 rss_torch=0
if want train; then
	rss_go=$(GOMAXPROCS=2 "$tmp/benchtrain" -steps 20 | awk '{print $5}')
	rss_torch=$(OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 MALLOC_CONF="$mconf" LD_PRELOAD="$jemalloc" \
		"$py" scripts/bench_torch.py rss --threads 2 --steps 20 | awk '{print $5}')
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

"$py" - "$results" "$rss_go" "$rss_torch" "$load_before" "$load_after" "${mconf:-default}" <<'EOF'
import statistics, sys
path, rss_go, rss_torch, before, after, mconf = sys.argv[1:]
vals, cpus, fast = {}, {}, {}
for line in open(path):
    impl, fig, cores, v, cpu, f = line.split()
    vals.setdefault((impl, fig, cores), []).append(float(v))
    cpus.setdefault((impl, fig, cores), []).append(float(cpu))
    if f != "-":
        fast.setdefault((impl, fig, cores), []).append(float(f))
# Physical limits (docs/REFERENCE.md §6): 471 GFLOP/s on 2 cores, half on one.
limit = {"train": 332, "inference": 997}
unit = {"train": "img/s", "inference": "img/s", "activations": "ms/image"}
print(f"load average: before {before}, after {after}; PyTorch MALLOC_CONF={mconf}")
print(f"{'figure':<12} {'cores':>5} {'Go':>9} {'PyTorch':>9} {'unit':<9} {'Go/PyTorch':>10} {'limit':>6} {'Go % limit':>10} {'Go cpu-ms':>9} {'PT cpu-ms':>9}")
for fig in ("train", "inference", "activations"):
    for cores in ("2", "1"):
        g, t = vals.get(("go", fig, cores)), vals.get(("torch", fig, cores))
        if not g or not t:
            continue
        g, t = statistics.median(g), statistics.median(t)
        gc = statistics.median(cpus[("go", fig, cores)])
        tc = statistics.median(cpus[("torch", fig, cores)])
        ratio = t / g if fig == "activations" else g / t  # > 1: Go is faster
        lim = limit.get(fig)
        if lim is not None and cores == "1":
            lim //= 2
        lims = f"{lim:>6}" if lim else f"{'':>6}"
        frac = f"{100 * g / lim:>9.0f}%" if lim else f"{'':>10}"
        print(f"{fig:<12} {cores:>5} {g:>9.2f} {t:>9.2f} {unit[fig]:<9} {ratio:>9.2f}x {lims} {frac} {gc:>9.1f} {tc:>9.1f}")
if float(rss_go) > 0:
    print(f"peak RSS, 20 training steps at batch 20 (2 cores): Go {float(rss_go):.0f} MiB, PyTorch {float(rss_torch):.0f} MiB")
# ONNX Runtime: one image at batch 1. Go computes every conv/pool map, ORT
# the full forward (dense layers too); Go/ORT > 1: Go is slower. Medians
# over the rounds of each run's median single image (Go's median-ms,
# bench_ort.js and bench_torch.py's median call), then the fastest single
# image of all runs (the best estimate of an idle machine when it is loaded).
if any(k[0] == "ort" for k in vals):
    print()
    print(f"{'one image':<14} {'cores':>5} {'Go ms':>8} {'ORT ms':>8} {'Go/ORT':>7} {'Go cpu-ms':>9} {'ORT cpu-ms':>10} {'Go fastest':>10} {'ORT fastest':>11} {'Go/ORT':>7}")
    for fig in ["activations", "resnet18", "mobilenet_v2", "squeezenet1_1", "mobilenet_v3_small", "efficientnet_b0"]:
        for cores in ("2", "1"):
            o = vals.get(("ort", fig, cores))
            if not o:
                continue
            om, oc = statistics.median(o), statistics.median(cpus[("ort", fig, cores)])
            g = vals.get(("go", fig, cores))
            if g:
                gm, gc = statistics.median(g), statistics.median(cpus[("go", fig, cores)])
                gf, of = fast.get(("go", fig, cores)), fast.get(("ort", fig, cores))
                fs = f"{min(gf):>10.2f} {min(of):>11.2f} {min(gf) / min(of):>6.2f}x" if gf and of else ""
                tv = vals.get(("torch", fig, cores)) if fig != "activations" else None
                ts = f"  PyTorch {statistics.median(tv):.2f} ms ({statistics.median(tv) / gm:.2f}x Go's time)" if tv else ""
                print(f"{fig:<14} {cores:>5} {gm:>8.2f} {om:>8.2f} {gm / om:>6.2f}x {gc:>9.1f} {oc:>10.1f} {fs}{ts}")
                a = vals.get(("go", fig + ":acts", cores))
                if a:  # every node's output kept (the grid's pass), against ORT and the plain forward
                    am, ac = statistics.median(a), statistics.median(cpus[("go", fig + ":acts", cores)])
                    print(f"{'  all maps':<14} {cores:>5} {am:>8.2f} {om:>8.2f} {am / om:>6.2f}x {ac:>9.1f} {oc:>10.1f}   all maps / plain forward: {am / gm:.2f}x (cpu {ac / gc:.2f}x)")
            else:
                of = fast.get(("ort", fig, cores))
                fs = f"{'-':>10} {min(of):>11.2f}" if of else ""
                print(f"{fig:<14} {cores:>5} {'-':>8} {om:>8.2f} {'-':>7} {'-':>9} {oc:>10.1f} {fs}")
EOF
