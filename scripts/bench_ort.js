#!/usr/bin/env node
// ONNX Runtime side of scripts/bench.sh: one ONNX model's full forward pass
// at batch 1 on the CPU, timed call by call.
//
// Usage: node scripts/bench_ort.js MODEL.onnx [--threads N] [--iters N] [--warmup N] [--ort DIR]
//
//   --threads N  intraOpNumThreads (default 2); inter-op 1, sequential
//                execution, graph optimisations "all" (ORT's default)
//   --iters N    timed runs (default 50), after --warmup N (default 5)
//   --ort DIR    directory holding node_modules/onnxruntime-node (default
//                .cache/bench/ort, where bench.sh --install puts
//                onnxruntime-node@1.30.0)
//
// The input is seeded uniform [0, 1) values of the model's input shape,
// with a dynamic (symbolic) batch axis set to 1. Prints one line, as
// scripts/bench_torch.py does:
//
//   ort <median wall ms per run> <CPU ms per run> <images/s at the median> <peak RSS MiB> <fastest run ms>
//
// CPU time is the whole process's (every ORT thread), averaged over the
// timed runs. On a loaded machine the fastest run is the best estimate of
// what an idle one gives.
"use strict";

const fs = require("fs");
const path = require("path");

function usage(msg) {
  process.stderr.write(`bench_ort.js: ${msg}\nusage: node scripts/bench_ort.js MODEL.onnx [--threads N] [--iters N] [--warmup N] [--ort DIR]\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const a = { threads: 2, iters: 50, warmup: 5, ort: ".cache/bench/ort", model: "" };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (["--threads", "--iters", "--warmup", "--ort"].includes(k)) {
      if (i + 1 >= argv.length) usage(`${k} needs a value`);
      const v = argv[++i];
      if (k === "--ort") {
        a.ort = v;
      } else {
        const n = Number(v);
        if (!Number.isInteger(n) || n < (k === "--warmup" ? 0 : 1)) usage(`expected a positive integer for ${k}, received ${v}`);
        a[k.slice(2)] = n;
      }
    } else if (k.startsWith("--")) {
      usage(`unknown option ${k}`);
    } else if (a.model) {
      usage(`expected one model, received ${a.model} and ${k}`);
    } else {
      a.model = k;
    }
  }
  if (!a.model) usage("expected an ONNX file");
  return a;
}

// Mulberry32: a small seeded generator, so every run feeds the same input.
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function peakRSSMiB() {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync("/proc/self/status", "utf8"));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

function median(v) {
  const s = [...v].sort((x, y) => x - y);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

async function main() {
  const a = parseArgs(process.argv.slice(2));
  const modDir = path.resolve(a.ort, "node_modules", "onnxruntime-node");
  if (!fs.existsSync(modDir)) {
    process.stderr.write(`bench_ort.js: ${modDir} not found: run scripts/bench.sh --install (npm install --ignore-scripts onnxruntime-node@1.30.0)\n`);
    process.exit(1);
  }
  const ort = require(modDir);
  const session = await ort.InferenceSession.create(a.model, {
    intraOpNumThreads: a.threads,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
  });
  const name = session.inputNames[0];
  let dims;
  const meta = session.inputMetadata && session.inputMetadata[0];
  if (meta && Array.isArray(meta.shape)) {
    dims = meta.shape.map((d) => (typeof d === "number" && d > 0 ? d : 1));
  } else {
    usage("cannot read the model's input shape");
  }
  const n = dims.reduce((p, d) => p * d, 1);
  const data = new Float32Array(n);
  const r = rng(1);
  for (let i = 0; i < n; i++) data[i] = r();
  const feeds = { [name]: new ort.Tensor("float32", data, dims) };

  for (let i = 0; i < a.warmup; i++) await session.run(feeds);
  const times = [];
  const c0 = process.cpuUsage();
  for (let i = 0; i < a.iters; i++) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const c = process.cpuUsage(c0);
  const ms = median(times);
  const cpu = (c.user + c.system) / 1e3 / a.iters;
  const fastest = Math.min(...times);
  console.log(`ort ${ms.toFixed(3)} ${cpu.toFixed(3)} ${(1000 / ms).toFixed(2)} ${peakRSSMiB().toFixed(1)} ${fastest.toFixed(3)}`);
}

main().catch((e) => {
  process.stderr.write(`bench_ort.js: ${e && e.message ? e.message : e}\n`);
  process.exit(1);
});
