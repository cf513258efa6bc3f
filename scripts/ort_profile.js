#!/usr/bin/env node
// ONNX Runtime's per-node profile of one model at batch 1: the counterpart
// of nn's BenchmarkGraphNodes (BENCHMARKS.md, "MobileNetV2 and SqueezeNet
// against ONNX Runtime, node by node").
//
// Usage: node scripts/ort_profile.js MODEL.onnx [--threads N] [--iters N] [--ort DIR]
//
// Runs the model with enableProfiling (intraOpNumThreads N, default 2;
// graph optimisations "all", as scripts/bench_ort.js), then reads the
// profile's per-node kernel times and prints, for every node of the
// optimised graph in execution order, the median µs over the timed runs,
// its operator (after ORT's fusions) and share of the summed medians, then
// that sum, the median run (profiling included) and the CPU time per run.
"use strict";

const fs = require("fs");
const path = require("path");
const os = require("os");

function arg(argv, k, d) {
  const i = argv.indexOf(k);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : d;
}

function median(v) {
  const s = [...v].sort((x, y) => x - y);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

async function main() {
  const argv = process.argv.slice(2);
  const model = argv.find((a, i) => !a.startsWith("--") && (i === 0 || !argv[i - 1].startsWith("--")));
  if (!model) {
    process.stderr.write("usage: node scripts/ort_profile.js MODEL.onnx [--threads N] [--iters N] [--ort DIR]\n");
    process.exit(2);
  }
  const threads = Number(arg(argv, "--threads", "2"));
  const iters = Number(arg(argv, "--iters", "50"));
  const ort = require(path.resolve(arg(argv, "--ort", ".cache/bench/ort"), "node_modules", "onnxruntime-node"));
  const prefix = path.join(os.tmpdir(), `ort_profile_${process.pid}`);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
    enableProfiling: true,
    profileFilePrefix: prefix,
  });
  const meta = session.inputMetadata[0];
  const dims = meta.shape.map((d) => (typeof d === "number" && d > 0 ? d : 1));
  const data = new Float32Array(dims.reduce((p, d) => p * d, 1));
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761 % 1000) / 1000;
  const feeds = { [session.inputNames[0]]: new ort.Tensor("float32", data, dims) };
  for (let i = 0; i < 10; i++) await session.run(feeds);
  const c0 = process.cpuUsage();
  for (let i = 0; i < iters; i++) await session.run(feeds);
  const c = process.cpuUsage(c0);
  session.endProfiling(); // writes PREFIX_<date>.json (the node binding returns nothing)
  const base = path.basename(prefix);
  const file = fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith(base) && f.endsWith(".json")).map((f) => path.join(os.tmpdir(), f))[0];
  const events = JSON.parse(fs.readFileSync(file, "utf8"));
  fs.unlinkSync(file);
  // Runs are "model_run" events; node kernels "<name>_kernel_time".
  const runs = events.filter((e) => e.name === "model_run").slice(-iters);
  const t0 = runs[0].ts;
  const per = new Map();
  for (const e of events) {
    if (e.cat !== "Node" || !e.name.endsWith("_kernel_time") || e.ts < t0) continue;
    if (!runs.some((m) => e.ts >= m.ts && e.ts <= m.ts + m.dur)) continue;
    const n = e.name.slice(0, -"_kernel_time".length);
    if (!per.has(n)) per.set(n, { op: e.args.op_name, d: [] });
    per.get(n).d.push(e.dur);
  }
  let total = 0;
  for (const v of per.values()) total += median(v.d);
  for (const [n, v] of per) {
    const m = median(v.d);
    console.log(`${n.slice(-40).padEnd(40)} ${String(v.op).padEnd(22)} ${m.toFixed(1).padStart(8)} µs ${(100 * m / total).toFixed(1).padStart(5)}%`);
  }
  console.log(`nodes' median kernel times, summed ${(total / 1000).toFixed(3)} ms; run median ${(median(runs.map((r) => r.dur)) / 1000).toFixed(3)} ms; CPU ${((c.user + c.system) / 1000 / iters).toFixed(3)} ms/run`);
}

main().catch((e) => {
  process.stderr.write(`ort_profile.js: ${e && e.message ? e.message : e}\n`);
  process.exit(1);
});
