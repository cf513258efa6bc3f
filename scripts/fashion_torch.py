#!/usr/bin/python3
"""PyTorch 1.13 peer of Convscope's Fashion-MNIST model (BENCHMARKS.md).

Trains the network of scripts/fashion_arch.json -- Conv32-Conv32-pool-
Conv64-Conv64-pool-Dense128-Dropout(0.5)-Dense10, 3x3 'same' convolutions,
ReLU, Keras' default initialisers (Glorot-uniform kernels, zero biases) --
with Adam (lr 1e-3, betas 0.9/0.999, epsilon 1e-7, Keras' defaults) on
batches of 100 shuffled training images, pixels / 255, as

    convscope train --train DIR/train --val DIR/test --arch scripts/fashion_arch.json \
        --batch 100 --steps-per-epoch 600 --optimizer adam --lr 1e-3 ...

does. It reads the four IDX files directly (gzipped, as Debian's
dataset-fashion-mnist installs them). After each epoch it prints one line:

    epoch <n> <wall s> <CPU s> <images/s> <images per CPU-s> <test accuracy>

timing the training steps only (not the test pass after them); CPU time is
the process's, all threads (time.process_time), which a loaded machine moves
much less than wall time.

Run it with Debian's interpreter (the python3 first on PATH may lack torch),
2 threads and jemalloc, as scripts/fashion_bench.sh does:

    /usr/bin/python3 scripts/fashion_torch.py [--epochs 1] [--data DIR] [--threads 2] [--seed 0]
"""
import argparse
import gzip
import os
import struct
import time

import numpy as np
import torch
from torch import nn


def read_idx(path, magic, ndim):
    """Returns the IDX file's data as a uint8 array of its dimensions."""
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    got = struct.unpack(">I", data[:4])[0]
    if got != magic:
        raise SystemExit(f"{path}: expected magic {magic:#010x}, received {got:#010x}")
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    body = np.frombuffer(data, np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(dims)):
        raise SystemExit(f"{path}: expected {int(np.prod(dims))} bytes of data, received {body.size}")
    return body.reshape(dims)


def load(data, split):
    prefix = "t10k" if split == "test" else "train"
    x = read_idx(os.path.join(data, f"{prefix}-images-idx3-ubyte.gz"), 0x803, 3)
    y = read_idx(os.path.join(data, f"{prefix}-labels-idx1-ubyte.gz"), 0x801, 1)
    x = torch.from_numpy(x.astype(np.float32) / 255).unsqueeze(1)  # (n, 1, 28, 28)
    return x, torch.from_numpy(y.astype(np.int64))


def network():
    net = nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(),
        nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
        nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(7 * 7 * 64, 128), nn.ReLU(),
        nn.Dropout(0.5),
        nn.Linear(128, 10),  # softmax is inside CrossEntropyLoss
    )
    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    return net


def accuracy(net, x, y, batch=250):
    net.eval()
    right = 0
    with torch.no_grad():
        for i in range(0, len(x), batch):
            right += (net(x[i:i + batch]).argmax(1) == y[i:i + batch]).sum().item()
    net.train()
    return right / len(x)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=100)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    xtr, ytr = load(a.data, "train")
    xte, yte = load(a.data, "test")
    net = network()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    steps = len(xtr) // a.batch
    print(f"torch {torch.__version__}, {a.threads} threads, batch {a.batch}, {steps} steps per epoch", flush=True)
    for epoch in range(1, a.epochs + 1):
        perm = torch.randperm(len(xtr))
        t0, c0 = time.perf_counter(), time.process_time()
        for s in range(steps):
            idx = perm[s * a.batch:(s + 1) * a.batch]
            opt.zero_grad()
            loss = loss_fn(net(xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        acc = accuracy(net, xte, yte)
        n = steps * a.batch
        print(f"epoch {epoch} {dt:.1f} {dc:.1f} {n / dt:.0f} {n / dc:.0f} {acc:.4f}", flush=True)


if __name__ == "__main__":
    main()
