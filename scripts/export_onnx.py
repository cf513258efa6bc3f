#!/usr/bin/python3
"""Export the models scripts/bench.sh compares to ONNX (opset 13), for ONNX
Runtime (scripts/bench_ort.js) and, later, Convscope's ONNX importer.

  tutorial.onnx      the Keras tutorial's convnet (docs/REFERENCE.md §2, the model of
                     scripts/bench_torch.py), input (1, 3, 150, 150), full
                     forward up to the sigmoid
  resnet18.onnx      torchvision ResNet-18, input (1, 3, 224, 224)
  mobilenet_v2.onnx  torchvision MobileNetV2
  squeezenet1_1.onnx torchvision SqueezeNet 1.1
  mobilenet_v3_small.onnx  torchvision MobileNetV3-Small (Hardswish exported as
                     HardSigmoid + Mul at opset 13, squeeze-excitation gates)
  efficientnet_b0.onnx     torchvision EfficientNet-B0 (SiLU as Sigmoid + Mul,
                     squeeze-excitation gates)

Weights are seeded random (weights=None: nothing downloads; torch.manual_seed
before each model), the models are exported in eval mode (BatchNorm folded
into the convolutions, as an inference runtime sees them), batch 1 (the batch
axis is left dynamic). Files go to the output directory (default
.cache/bench/onnx, not committed); an existing file is kept unless --force.
Each file is checked with onnx.checker. Run with /usr/bin/python3 (Debian's
python3-torch 1.13, python3-torchvision, python3-onnx).

MobileNetV3 and EfficientNet with fresh BatchNorm statistics (mean 0,
variance 1) shrink their logits to 1e-10 and 1e-14: their statistics are
first set from a seeded batch (the test image, its mirror image and six
Gaussian noise images; BatchNorm's cumulative average), so that their
outputs, like a trained network's, are of order one. For those models the
script also writes NAME.ref.npz beside the .onnx file: "input", the test
image (Go's src/image/testdata/video-001.jpeg, resized to 224x224 bilinear,
ImageNet mean/std, NCHW) and "logits", PyTorch's outputs for it, which
internal/onnx's TestTorchvisionTop5 compares with the engine's.

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


# name: (constructor, input height and width, calibrate BatchNorm and
# write a reference)
MODELS = {
    "tutorial": (reference_model, 150, False),
    "resnet18": (lambda: torchvision_model("resnet18"), 224, False),
    "mobilenet_v2": (lambda: torchvision_model("mobilenet_v2"), 224, False),
    "squeezenet1_1": (lambda: torchvision_model("squeezenet1_1"), 224, False),
    "mobilenet_v3_small": (lambda: torchvision_model("mobilenet_v3_small"), 224, True),
    "efficientnet_b0": (lambda: torchvision_model("efficientnet_b0"), 224, True),
}


def test_image(size):
    """The test image as an ImageNet-normalised (1, 3, size, size) tensor."""
    import subprocess

    from PIL import Image
    import torchvision.transforms as T

    goroot = subprocess.run(["go", "env", "GOROOT"], capture_output=True, text=True).stdout.strip() or "/usr/local/go"
    img = Image.open(os.path.join(goroot, "src", "image", "testdata", "video-001.jpeg")).convert("RGB")
    tf = T.Compose([T.Resize((size, size), interpolation=T.InterpolationMode.BILINEAR), T.ToTensor(),
                    T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
    return tf(img)[None]


def calibrate(model, x):
    """Sets every BatchNorm's running statistics from a seeded batch (only
    BatchNorm in training mode: no dropout, no stochastic depth)."""
    gen = torch.Generator().manual_seed(2)
    batch = torch.cat([x, x.flip(3), torch.randn(6, *x.shape[1:], generator=gen)])
    model.eval()
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.reset_running_stats()
            m.momentum = None  # cumulative average
            m.train()
    with torch.no_grad():
        model(batch)
    model.eval()


def export(name, out, force):
    path = os.path.join(out, name + ".onnx")
    if os.path.exists(path) and not force:
        print(f"{path}: exists (--force to re-export)")
        return path
    build, size, calib = MODELS[name]
    torch.manual_seed(1)
    model = build().eval()
    x = torch.rand(1, 3, size, size)
    if calib:
        image = test_image(size)
        calibrate(model, image)
        import numpy as np

        with torch.no_grad():
            logits = model(image)
        np.savez(os.path.join(out, name + ".ref.npz"), input=image.numpy(), logits=logits.numpy())
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
