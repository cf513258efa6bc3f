#!/usr/bin/python3
"""Export the models scripts/bench.sh compares to ONNX (opset 13), for ONNX
Runtime (scripts/bench_ort.js) and, later, Convscope's ONNX importer.

  tutorial.onnx      the Keras tutorial's convnet (docs/REFERENCE.md §2, the model of
                     scripts/bench_torch.py), input (1, 3, 150, 150), full
                     forward up to the sigmoid
  resnet18.onnx      torchvision ResNet-18, input (1, 3, 224, 224)
  mobilenet_v2.onnx  torchvision MobileNetV2
  squeezenet1_1.onnx torchvision SqueezeNet 1.1

Weights are seeded random (weights=None: nothing downloads; torch.manual_seed
before each model), the models are exported in eval mode (BatchNorm folded
into the convolutions, as an inference runtime sees them), batch 1 (the batch
axis is left dynamic). Files go to the output directory (default
.cache/bench/onnx, not committed); an existing file is kept unless --force.
Each file is checked with onnx.checker. Run with /usr/bin/python3 (Debian's
python3-torch 1.13, python3-torchvision, python3-onnx).

Usage: /usr/bin/python3 scripts/export_onnx.py [--out DIR] [--force] [MODEL ...]
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_torch import reference_model  # noqa: E402


def torchvision_model(name):
    import torchvision

    return getattr(torchvision.models, name)(weights=None)


# name: (constructor, input height and width)
MODELS = {
    "tutorial": (reference_model, 150),
    "resnet18": (lambda: torchvision_model("resnet18"), 224),
    "mobilenet_v2": (lambda: torchvision_model("mobilenet_v2"), 224),
    "squeezenet1_1": (lambda: torchvision_model("squeezenet1_1"), 224),
}


def export(name, out, force):
    path = os.path.join(out, name + ".onnx")
    if os.path.exists(path) and not force:
        print(f"{path}: exists (--force to re-export)")
        return path
    build, size = MODELS[name]
    torch.manual_seed(1)
    model = build().eval()
    x = torch.rand(1, 3, size, size)
    tmp = path + ".tmp"
    torch.onnx.export(
        model, x, tmp, opset_version=13, input_names=["input"], output_names=["output"],
        dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}},
    )
    import onnx

    onnx.checker.check_model(onnx.load(tmp))
    os.replace(tmp, path)  # a complete file or none
    print(f"{path}: {os.path.getsize(path) / 2**20:.1f} MiB, input (1, 3, {size}, {size})")
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=".cache/bench/onnx")
    ap.add_argument("--force", action="store_true")
    ap.add_argument("models", nargs="*", choices=[[]] + list(MODELS), metavar="MODEL",
                    help="any of " + ", ".join(MODELS) + " (default: all)")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for name in a.models or list(MODELS):
        export(name, a.out, a.force)


if __name__ == "__main__":
    main()
