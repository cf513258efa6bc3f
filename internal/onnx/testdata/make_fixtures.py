#!/usr/bin/python3
"""Make the ONNX parity fixtures of internal/onnx (run with Debian's /usr/bin/python3:
python3-torch 1.13, python3-torchvision 0.14, python3-onnx 1.12).

    /usr/bin/python3 internal/onnx/testdata/make_fixtures.py

For each small model (seeded weights, non-trivial BatchNorm statistics, tiny
widths and inputs) it writes, under testdata/parity/:

    NAME.onnx   the model exported by torch.onnx.export, opset 13
    NAME.npz    "__input__" (NCHW, or NHWC for the nhwc model) and, for
                every node output of the graph, that value computed by
                PyTorch (NCHW as in ONNX), keyed by the ONNX value name.

Models: resnet (torchvision BasicBlocks), mobilenetv2 (torchvision
MobileNetV2: depthwise convolutions, ReLU6 exported as Clip), squeezenet
(Fire modules: Concat, ceil_mode pooling, Softmax), tutorial (the Keras
tutorial's conv/pool stack with Flatten + Dense + sigmoid; the first Dense
sees NCHW-flattened features), nhwc (a TensorFlow-style graph: NHWC input
wrapped in Transposes, Pad, AveragePool, LeakyReLU, HardSwish, MatMul),
se_block (squeeze-excitation gates: Mul of (1, C, H, W) by (1, C, 1, 1) in
either order, SiLU and Hardswish as Sigmoid/HardSigmoid + Mul, ReduceMean
with and without keepdims, a square x*x), mobilenetv3 (torchvision's
MobileNetV3 at tiny widths: HardSigmoid gates, Hardswish, GlobalAveragePool
squeezes) and efficientnet (torchvision's EfficientNet at tiny widths: SiLU,
Sigmoid gates).
Models with BatchNorm are exported twice: "_folded" (eval mode: PyTorch
folds BN into the convolutions) and "_bn" (TrainingMode.PRESERVE on an
eval-mode model: BatchNormalization nodes kept in inference form). A few
are exported again at older opsets ("_opsetN": 9, 10, 11).

Every node's output is computed by interpreting the exported graph with
torch.nn.functional (one line per op, below); the interpreter's final
outputs are checked against the PyTorch module's own forward pass, so the
per-node numbers are PyTorch's.
"""
import io
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper
import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision.models.resnet import BasicBlock
from torchvision.models.mobilenetv2 import MobileNetV2
from torchvision.ops.misc import Conv2dNormActivation, SqueezeExcitation
from torchvision.models.mobilenetv3 import InvertedResidualConfig, MobileNetV3
from torchvision.models.efficientnet import EfficientNet, MBConvConfig

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "parity")


def randomize_bn(model, gen):
    """Seeded, non-trivial BatchNorm statistics and affine parameters."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            c = m.num_features
            m.running_mean.copy_(torch.randn(c, generator=gen) * 0.3)
            m.running_var.copy_(torch.rand(c, generator=gen) * 1.5 + 0.5)
            m.weight.data.copy_(torch.rand(c, generator=gen) + 0.5)
            m.bias.data.copy_(torch.randn(c, generator=gen) * 0.2)


class SmallResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, stride=2, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        self.layer1 = BasicBlock(8, 8)
        down = nn.Sequential(nn.Conv2d(8, 16, 1, stride=2, bias=False), nn.BatchNorm2d(16))
        self.layer2 = BasicBlock(8, 16, stride=2, downsample=down)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer2(self.layer1(x))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def small_mobilenetv2():
    """torchvision's MobileNetV2 with three small stages and a 32-channel
    head instead of 1280."""
    m = MobileNetV2(num_classes=10, inverted_residual_setting=[[1, 8, 1, 1], [6, 8, 2, 2], [6, 16, 1, 2]])
    m.features[-1] = Conv2dNormActivation(16, 32, kernel_size=1, activation_layer=nn.ReLU6)
    m.classifier[1] = nn.Linear(32, 10)
    return m


class Fire(nn.Module):
    def __init__(self, cin, squeeze, e1, e3):
        super().__init__()
        self.squeeze = nn.Conv2d(cin, squeeze, 1)
        self.e1 = nn.Conv2d(squeeze, e1, 1)
        self.e3 = nn.Conv2d(squeeze, e3, 3, padding=1)

    def forward(self, x):
        x = F.relu(self.squeeze(x))
        return torch.cat([F.relu(self.e1(x)), F.relu(self.e3(x))], 1)


class SmallSqueezeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 16, 3, stride=2), nn.BatchNorm2d(16), nn.ReLU(inplace=True),
            nn.MaxPool2d(3, stride=2, ceil_mode=True),
            Fire(16, 4, 8, 8), Fire(16, 4, 8, 8),
            nn.MaxPool2d(3, stride=2, ceil_mode=True),
            Fire(16, 8, 12, 12))
        self.classifier = nn.Sequential(nn.Dropout(0.5), nn.Conv2d(24, 10, 1), nn.ReLU(inplace=True),
                                        nn.AdaptiveAvgPool2d(1))

    def forward(self, x):
        return F.softmax(torch.flatten(self.classifier(self.features(x)), 1), dim=1)


class Tutorial(nn.Module):
    """The Keras tutorial's network at a tiny width and input (62x62)."""

    def __init__(self):
        super().__init__()
        w = [3, 4, 8, 8, 8]
        self.convs = nn.ModuleList(nn.Conv2d(w[i], w[i + 1], 3) for i in range(4))
        self.fc1 = nn.Linear(8 * 2 * 2, 16)
        self.fc2 = nn.Linear(16, 1)

    def forward(self, x):
        for c in self.convs:
            x = F.max_pool2d(F.relu(c(x)), 2)
        x = F.relu(self.fc1(torch.flatten(x, 1)))
        return torch.sigmoid(self.fc2(x))


class TutorialView(Tutorial):
    """The tutorial network flattened with x.view(x.size(0), -1) and exported
    with a dynamic batch: Shape, Gather, Unsqueeze and Concat compute the
    Reshape's target. A 46×46 input (flattened to 1×1×8) keeps it small."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(8, 16)

    def forward(self, x):
        for c in self.convs:
            x = F.max_pool2d(F.relu(c(x)), 2)
        x = F.relu(self.fc1(x.view(x.size(0), -1)))
        return torch.sigmoid(self.fc2(x))


class NHWC(nn.Module):
    """What TensorFlow exporters produce: NHWC in, Transposes around the
    NCHW convolutions, NHWC flatten."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 3, stride=2)
        self.conv2 = nn.Conv2d(6, 8, 3, groups=2, dilation=2)
        self.w = nn.Parameter(torch.randn(8 * 6 * 6, 5) * 0.1)
        self.register_buffer("mean", torch.tensor([0.485, 0.456, 0.406]).reshape(1, 3, 1, 1))

    def forward(self, x):
        x = x.permute(0, 3, 1, 2)
        x = (x - self.mean) / 0.25  # input normalisation, per channel then scalar
        x = F.pad(x, (1, 0, 1, 0))  # asymmetric zero padding, TF 'same' style
        x = F.leaky_relu(self.conv1(x), 0.2)
        x = F.avg_pool2d(x, 3, stride=1, padding=1, count_include_pad=False)
        x = F.hardswish(self.conv2(x))
        x = torch.tanh(x) * 1.5
        x = F.hardsigmoid(x) + x
        x = x.permute(0, 2, 3, 1).reshape(1, -1)
        return torch.matmul(x, self.w)


class SEBlock(nn.Module):
    """Squeeze-excitation gates as MobileNetV3 and EfficientNet write them,
    and the Mul and ReduceMean forms exporters produce."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.se = SqueezeExcitation(8, 4, scale_activation=nn.Hardsigmoid)  # GlobalAveragePool
        self.dw = nn.Conv2d(8, 8, 3, padding=1, groups=8)
        self.fc1 = nn.Conv2d(8, 4, 1)
        self.fc2 = nn.Conv2d(4, 8, 1)
        self.fc = nn.Linear(8, 5)

    def forward(self, x):
        x = F.silu(self.bn(self.conv(x)))  # Sigmoid + Mul
        x = self.se(x)  # x * HardSigmoid(...), the gate second
        x = F.hardswish(self.dw(x))  # HardSigmoid + Mul at opset 13
        s = x.mean((2, 3), keepdim=True)  # ReduceMean, keepdims
        s = torch.sigmoid(self.fc2(F.relu(self.fc1(s))))
        x = s * x  # the gate first
        x = x * x  # a square: Mul of one value by itself, not an activation
        return self.fc(x.mean((2, 3)))  # ReduceMean without keepdims


def small_mobilenetv3():
    """torchvision's MobileNetV3 (Small's block types) at tiny widths."""
    conf = [InvertedResidualConfig(*c, width_mult=1.0) for c in [
        (8, 3, 8, 8, True, "RE", 2, 1), (8, 3, 24, 16, False, "RE", 2, 1),
        (16, 5, 32, 16, True, "HS", 1, 1), (16, 3, 48, 16, True, "HS", 2, 1)]]
    return MobileNetV3(conf, last_channel=24, num_classes=10)


def small_efficientnet():
    """torchvision's EfficientNet (B0's MBConv blocks) at tiny widths."""
    conf = [MBConvConfig(1, 3, 1, 8, 8, 1), MBConvConfig(4, 3, 2, 8, 16, 2), MBConvConfig(4, 5, 2, 16, 24, 1)]
    return EfficientNet(conf, dropout=0.2, num_classes=10, last_channel=32)


# ---- a tiny ONNX interpreter on torch.nn.functional ------------------------

def attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def pool_pads(a):
    p = list(a.get("pads", [0, 0, 0, 0]))
    return p


def run_graph(model, feed):
    opset = next(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
    vals = {k: torch.from_numpy(numpy_helper.to_array(t).copy()) for k, t in
            ((t.name, t) for t in model.graph.initializer)}
    vals.update(feed)
    out = {}
    for node in model.graph.node:
        a = attrs(node)
        x = [vals[i] if i else None for i in node.input]
        op = node.op_type
        if op == "Conv":
            t, l, b, r = a.get("pads", [0, 0, 0, 0])
            y = F.conv2d(F.pad(x[0], (l, r, t, b)), x[1], x[2] if len(x) > 2 else None,
                         stride=a.get("strides", [1, 1]), dilation=a.get("dilations", [1, 1]),
                         groups=a.get("group", 1))
        elif op == "BatchNormalization":
            y = F.batch_norm(x[0], x[3], x[4], x[1], x[2], False, 0.0, a.get("epsilon", 1e-5))
        elif op == "Relu":
            y = F.relu(x[0])
        elif op == "Clip":
            lo = x[1] if len(x) > 1 and x[1] is not None else torch.tensor(a.get("min", -np.inf))
            hi = x[2] if len(x) > 2 and x[2] is not None else torch.tensor(a.get("max", np.inf))
            y = torch.clamp(x[0], float(lo), float(hi))
        elif op == "LeakyRelu":
            y = F.leaky_relu(x[0], a.get("alpha", 0.01))
        elif op == "Sigmoid":
            y = torch.sigmoid(x[0])
        elif op == "Tanh":
            y = torch.tanh(x[0])
        elif op == "HardSigmoid":
            y = torch.clamp(a.get("alpha", 0.2) * x[0] + a.get("beta", 0.5), 0, 1)
        elif op == "HardSwish":
            y = F.hardswish(x[0])
        elif op in ("MaxPool", "AveragePool"):
            t, l, b, r = pool_pads(a)
            k, s = a["kernel_shape"], a.get("strides", [1, 1])
            if (t, l) != (b, r):  # opset < 10 writes ceil_mode as extra end padding
                assert op == "MaxPool", "asymmetric average pool pads"
                y = F.max_pool2d(F.pad(x[0], (l, r, t, b), value=-np.inf), k, s, 0, ceil_mode=bool(a.get("ceil_mode", 0)))
            elif op == "MaxPool":
                y = F.max_pool2d(x[0], k, s, (t, l), ceil_mode=bool(a.get("ceil_mode", 0)))
            else:
                y = F.avg_pool2d(x[0], k, s, (t, l), ceil_mode=bool(a.get("ceil_mode", 0)),
                                 count_include_pad=bool(a.get("count_include_pad", 0)))
        elif op == "GlobalAveragePool":
            y = x[0].mean(dim=(2, 3), keepdim=True)
        elif op == "ReduceMean":
            axes = a["axes"] if "axes" in a else (x[1].tolist() if len(x) > 1 else list(range(x[0].dim())))
            y = x[0].mean(dim=tuple(axes), keepdim=bool(a.get("keepdims", 1)))
        elif op == "Flatten":
            ax = a.get("axis", 1)
            y = x[0].reshape(int(np.prod(x[0].shape[:ax])), -1)
        elif op == "Reshape":
            shape = [int(v) if v != 0 else x[0].shape[i] for i, v in enumerate(x[1].tolist())]
            y = x[0].reshape(shape)
        elif op == "Transpose":
            y = x[0].permute(*a["perm"])
        elif op == "Pad":
            p = x[1].tolist()
            n = len(p) // 2
            torch_pads = []
            for d in reversed(range(n)):
                torch_pads += [p[d], p[d + n]]
            y = F.pad(x[0], torch_pads)
        elif op == "Gemm":
            A = x[0].t() if a.get("transA", 0) else x[0]
            B = x[1].t() if a.get("transB", 0) else x[1]
            y = a.get("alpha", 1.0) * A @ B
            if len(x) > 2:
                y = y + a.get("beta", 1.0) * x[2]
        elif op == "MatMul":
            y = x[0] @ x[1]
        elif op == "Add":
            y = x[0] + x[1]
        elif op == "Mul":
            y = x[0] * x[1]
        elif op == "Sub":
            y = x[0] - x[1]
        elif op == "Div":
            y = x[0] / x[1]
        elif op == "Concat":
            y = torch.cat(x, a["axis"])
        elif op == "Softmax":
            if opset >= 13:
                y = F.softmax(x[0], a.get("axis", -1))
            else:  # coerced to 2-D at axis (default 1)
                ax = a.get("axis", 1)
                y = F.softmax(x[0].reshape(int(np.prod(x[0].shape[:ax])), -1), 1).reshape(x[0].shape)
        elif op in ("Dropout", "Identity"):
            y = x[0]
        elif op == "Shape":
            y = torch.tensor(list(x[0].shape), dtype=torch.int64)
        elif op == "Gather":
            assert a.get("axis", 0) == 0
            y = x[0][x[1]]
        elif op == "Unsqueeze":
            y = x[0]
            for ax in sorted(x[1].tolist() if len(x) > 1 else a["axes"]):
                y = y.unsqueeze(ax)
        elif op == "Constant":
            y = torch.from_numpy(numpy_helper.to_array(a["value"]).copy())
        else:
            sys.exit(f"make_fixtures: no reference for op {op}")
        vals[node.output[0]] = y
        if op != "Constant" and y.is_floating_point():
            out[node.output[0]] = y.detach().numpy().astype(np.float32)
    return out


def nhwc_onnx(model):
    """The NHWC model written node by node as tf2onnx writes such graphs
    (torch.onnx would export F.pad as a ConstantOfShape/Slice subgraph).
    Opset 14, for HardSwish."""
    h = onnx.helper
    T = lambda n, a: numpy_helper.from_array(np.asarray(a, dtype=np.float32) if np.asarray(a).dtype.kind == "f" else np.asarray(a), n)
    p = {k: v.detach().numpy() for k, v in model.named_parameters()}
    inits = [T("pads", np.array([0, 0, 1, 1, 0, 0, 0, 0], dtype=np.int64)),
             T("conv1.weight", p["conv1.weight"]), T("conv1.bias", p["conv1.bias"]),
             T("conv2.weight", p["conv2.weight"]), T("conv2.bias", p["conv2.bias"]),
             T("shape", np.array([1, -1], dtype=np.int64)), T("w", p["w"]),
             T("mean", model.mean.numpy()), T("std", np.array(0.25, dtype=np.float32))]
    N = h.make_node
    nodes = [
        N("Transpose", ["input"], ["nchw"], name="to_nchw", perm=[0, 3, 1, 2]),
        N("Sub", ["nchw", "mean"], ["centered"], name="sub_mean"),
        N("Div", ["centered", "std"], ["normalized"], name="div_std"),
        N("Pad", ["normalized", "pads"], ["padded"], name="pad", mode="constant"),
        N("Conv", ["padded", "conv1.weight", "conv1.bias"], ["c1"], name="conv1", kernel_shape=[3, 3], strides=[2, 2]),
        N("LeakyRelu", ["c1"], ["l1"], name="leaky", alpha=0.2),
        N("AveragePool", ["l1"], ["p1"], name="avgpool", kernel_shape=[3, 3], pads=[1, 1, 1, 1], count_include_pad=0),
        N("Conv", ["p1", "conv2.weight", "conv2.bias"], ["c2"], name="conv2", kernel_shape=[3, 3], group=2, dilations=[2, 2]),
        N("HardSwish", ["c2"], ["hs"], name="hardswish"),
        N("Tanh", ["hs"], ["th"], name="tanh"),
        N("Constant", [], ["k"], name="k", value=T("kv", np.array(1.5, dtype=np.float32))),
        N("Mul", ["th", "k"], ["scaled"], name="scale"),
        N("HardSigmoid", ["scaled"], ["hsig"], name="hardsigmoid", alpha=1 / 6, beta=0.5),
        N("Add", ["hsig", "scaled"], ["sum"], name="add"),
        N("Transpose", ["sum"], ["nhwc"], name="to_nhwc", perm=[0, 2, 3, 1]),
        N("Reshape", ["nhwc", "shape"], ["flat"], name="flatten"),
        N("MatMul", ["flat", "w"], ["output"], name="dense"),
    ]
    g = h.make_graph(nodes, "nhwc", [h.make_tensor_value_info("input", onnx.TensorProto.FLOAT, [1, 20, 20, 3])],
                     [h.make_tensor_value_info("output", onnx.TensorProto.FLOAT, [1, 5])], inits)
    m = h.make_model(g, producer_name="make_fixtures.py (tf2onnx style)", opset_imports=[h.make_opsetid("", 14)])
    m.ir_version = 7
    return m.SerializeToString()


def export(name, model, x, keep_bn, handmade=None, opset=13):
    model.eval()
    buf = io.BytesIO()
    kw = dict(opset_version=opset, input_names=["input"], output_names=["output"])
    if "_dynamic" in name:
        kw["dynamic_axes"] = {"input": {0: "N"}, "output": {0: "N"}}
    if keep_bn:
        kw["training"] = torch.onnx.TrainingMode.PRESERVE
        kw["do_constant_folding"] = False
    with torch.no_grad():
        if handmade:
            buf.write(handmade(model))
        else:
            torch.onnx.export(model, x, buf, **kw)
        want = model(x).numpy()
    m = onnx.load_from_string(buf.getvalue())
    onnx.checker.check_model(m)
    ops = sorted({n.op_type for n in m.graph.node})
    if keep_bn:
        assert "BatchNormalization" in ops, f"{name}: BatchNormalization was folded"
    with torch.no_grad():
        vals = run_graph(m, {"input": x})
    got = vals[m.graph.output[0].name]
    err = np.abs(got - want).max()
    assert err < 1e-5, f"{name}: interpreter differs from PyTorch by {err}"
    os.makedirs(HERE, exist_ok=True)
    with open(os.path.join(HERE, name + ".onnx"), "wb") as f:
        f.write(buf.getvalue())
    vals["__input__"] = x.numpy()
    np.savez_compressed(os.path.join(HERE, name + ".npz"), **vals)
    print(f"{name}: {len(m.graph.node)} nodes, ops {' '.join(ops)}")


def main():
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(1)
    models = [
        ("resnet", SmallResNet(), (1, 3, 32, 32), True),
        ("mobilenetv2", small_mobilenetv2(), (1, 3, 24, 24), True),
        ("squeezenet", SmallSqueezeNet(), (1, 3, 48, 48), True),
        ("tutorial", Tutorial(), (1, 3, 62, 62), False),
        ("nhwc", NHWC(), (1, 20, 20, 3), False),
        ("tutorial_dynamic", TutorialView(), (1, 3, 46, 46), False),
        # Exported once each (BatchNorm kept for se_block, folded for the
        # others), to stay within the 2 MiB of committed test data.
        ("se_block", SEBlock(), (1, 3, 12, 12), "bn"),
        ("mobilenetv3", small_mobilenetv3(), (1, 3, 24, 24), "folded"),
        ("efficientnet", small_efficientnet(), (1, 3, 12, 12), "folded"),
    ]
    for name, model, shape, has_bn in models:
        randomize_bn(model, gen)
        x = torch.rand(shape, generator=gen)
        if has_bn in ("bn", "folded"):
            export(name + "_" + has_bn, model, x, has_bn == "bn")
        elif has_bn:
            export(name + "_folded", model, x, False)
            export(name + "_bn", model, x, True)
        else:
            export(name, model, x, False, nhwc_onnx if name == "nhwc" else None)
        # Older opsets: Clip's bounds as attributes (< 11), BatchNormalization
        # 9, Unsqueeze's axes as an attribute (< 13), Softmax's old axis rule.
        if name == "mobilenetv2":
            export(name + "_folded_opset10", model, x, False, opset=10)
        if name == "squeezenet":
            export(name + "_bn_opset9", model, x, True, opset=9)
        if name == "tutorial_dynamic":
            export(name + "_opset11", model, x, False, opset=11)


if __name__ == "__main__":
    main()
