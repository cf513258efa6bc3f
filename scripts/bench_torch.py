#!/usr/bin/python3
"""PyTorch side of scripts/bench.sh: the reference model (docs/REFERENCE.md §2, the Keras
tutorial's cats-vs-dogs convnet) timed the way nn's Go benchmarks time it.

Modes (one per run, so that the Go and PyTorch runs can alternate):
  train        one training step at batch 20 (forward, binary cross-entropy,
               backward, RMSprop(1e-4, rho 0.9, eps 1e-7)), as BenchmarkTrainStep
  inference    a forward pass at batch 20 without gradients, as BenchmarkInference
  activations  every conv/pool layer's output for one image, as BenchmarkActivations
  rss          --steps training steps, then the process's peak RSS (VmHWM)
  torchvision  a plain forward of torchvision's --model (resnet18,
               mobilenet_v2, squeezenet1_1, ...) at batch 1, 224x224, eval,
               no gradients: the PyTorch side of bench.sh --imported

Prints one line: "<mode> <wall ms per op> <CPU ms per op> <images/s> <peak
RSS in MiB>" (CPU time of the whole process, all threads). The wall time is
the mean op for batches (train, inference, rss) and the median op for one
image (activations, torchvision), as bench_ort.js and the Go benchmarks'
median-ms report.
Run with /usr/bin/python3 (Debian's python3-torch) and, as docs/REFERENCE.md §6 says,
LD_PRELOAD=libjemalloc.so.2; bench.sh does both.
"""
import argparse
import resource
import statistics
import time

import torch
import torch.nn as nn


def reference_model():
    """The tutorial's model; PyTorch's default init (it does not change the timing)."""
    return nn.Sequential(
        nn.Conv2d(3, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(64, 128, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(128, 128, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(6272, 512), nn.ReLU(),
        nn.Linear(512, 1), nn.Sigmoid(),
    )


def cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["train", "inference", "activations", "rss", "torchvision"])
    ap.add_argument("--model", default="resnet18", help="torchvision model for the torchvision mode")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--iters", type=int, default=10, help="timed operations")
    ap.add_argument("--steps", type=int, default=20, help="training steps for rss")
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    if a.mode == "torchvision":
        import torchvision

        model = getattr(torchvision.models, a.model)(weights=None)
        batch = 1
        x = torch.rand(batch, 3, 224, 224)
    else:
        model = reference_model()
        batch = 1 if a.mode in ("activations", "torchvision") else 20
        x = torch.rand(batch, 3, 150, 150)
    y = (torch.arange(batch) % 2).float().unsqueeze(1)

    if a.mode in ("train", "rss"):
        loss_fn = nn.BCELoss()
        opt = torch.optim.RMSprop(model.parameters(), lr=1e-4, alpha=0.9, eps=1e-7)

        def op():
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
    elif a.mode in ("inference", "torchvision"):
        model.eval()

        def op():
            with torch.no_grad():
                model(x)
    else:
        model.eval()
        convpool = [m for m in model if isinstance(m, (nn.ReLU, nn.MaxPool2d))][:8]

        def op():
            # The tutorial's activation model: the output of every conv
            # (after its relu) and pool layer, in one pass.
            outs = []
            with torch.no_grad():
                h = x
                for m in model:
                    h = m(h)
                    if any(m is c for c in convpool):
                        outs.append(h)
            return outs

    n = a.steps if a.mode == "rss" else a.iters
    op()  # warm up: allocations, kernels chosen
    c0, t0 = cpu_seconds(), time.perf_counter()
    times = []
    for _ in range(n):
        t = time.perf_counter()
        op()
        times.append(time.perf_counter() - t)
    dt, dc = (time.perf_counter() - t0) / n, (cpu_seconds() - c0) / n
    if batch == 1:
        # One image at a time: the median call, as bench_ort.js reports for
        # ONNX Runtime and the Go benchmarks' median-ms (one descheduled
        # call on a shared VM moves a mean, not a median).
        dt = statistics.median(times)
    print(f"{a.mode} {dt * 1e3:.3f} {dc * 1e3:.3f} {batch / dt:.2f} {peak_rss_mib():.1f}")


if __name__ == "__main__":
    main()
