#!/usr/bin/python3
"""Reference explanations from PyTorch for internal/explain/reference_test.go.

Regenerate (needs Debian's python3-torch and python3-numpy; CI never runs
this; about a minute on two cores):

    cd internal/explain/testdata && /usr/bin/python3 make_reference.py

Model, weights and input are nn/testdata/torch/make_reference.py's (imported
from there, not copied): the tutorial's 150x150x3 convnet with formula
weights, and sample 0 of its input (hash01 with salt 1000 plus the
"input_patch" pixels that keep every ReLU input and pooling gap of the
forward pass away from its kink, so float32 and float64 take the same
branches). Everything is float64 autograd on those float32 values.

The score is the pre-sigmoid logit z with a sign: s = +z for class 1, -z for
class 0 (the predicted class here is written to the JSON). Formulas (the
same as internal/explain's doc comments):

  Grad-CAM   A = layer output (h, w, K), g = ds/dA,
             alpha_k = mean_ij g_ijk, L = relu(sum_k alpha_k A_k)
  Grad-CAM++ a = g^2 / (2 g^2 + sum_ab A_abk g^3) (0 where g <= 0),
             alpha_k = sum_ij a_ijk relu(g_ijk), L = relu(sum_k alpha_k A_k)
  gradient   ds/dx (150, 150, 3)
  guided     ds/dx with every ReLU's backward replaced by
             dz = max(dy, 0) * [y > 0] (Springenberg et al. 2015)
  IG         black baseline, 32 midpoint-Riemann steps alpha_k = (k + 1/2)/32:
             IG = x * mean_k ds/dx(alpha_k x); completeness sum(IG) vs s(x) - s(0)

A small graph model (graph_forward: a residual Add, max pooling, a valid
convolution, global average pooling, a softmax Dense; 12x12x3 input; the
same weight formulas; its own input salt, the first one whose forward pass
keeps every ReLU input and pooling gap 1e-4 of the layer's max away from its
kink) gets Grad-CAM, Grad-CAM++, the input gradient, guided backprop and IG
(8 midpoint steps) of its predicted class's logit, stored in full under "graph".

Maps of the tutorial model at the input's size are stored as statistics plus samples (index,
value) to keep the file small: every 150th flat index and the 40 largest
|values|.
"""

import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "nn", "testdata", "torch"))
import make_reference as mr  # noqa: E402  (the parity script: formulas, layers, model)

torch.set_default_dtype(torch.float64)
torch.set_num_threads(2)

STEPS = 32


def tutorial():
    m = mr.Model((150, 150, 3), [
        mr.Conv2D(32, 3), mr.MaxPooling2D(2),
        mr.Conv2D(64, 3), mr.MaxPooling2D(2),
        mr.Conv2D(128, 3), mr.MaxPooling2D(2),
        mr.Conv2D(128, 3), mr.MaxPooling2D(2),
        mr.Flatten(), mr.Dense(512, "relu"), mr.Dense(1, "sigmoid"),
    ])
    m.input_hw = (150, 150)
    return m


def logits(model, x):
    """Pre-activation of the last Dense, and every layer's output as used
    by the next layer (NCHW for maps; nhwc() turns them and their gradients
    NHWC)."""
    h = x.permute(0, 3, 1, 2)
    outs = []
    for layer in model.layers[:-1]:
        h = layer.forward(h, layer.p)
        outs.append(h)
    k, b = model.layers[-1].p
    return h @ k + b, outs


class GuidedReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, z):
        y = z.clamp(min=0)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, dy):
        (y,) = ctx.saved_tensors
        return dy.clamp(min=0) * (y > 0)


def nhwc(t):
    return t.permute(0, 2, 3, 1) if t.dim() == 4 else t


def cam(A, g, plus):
    A, g = nhwc(A)[0], nhwc(g)[0]  # (h, w, K)
    if plus:
        g2, g3 = g * g, g * g * g
        sumA = A.sum(dim=(0, 1))
        den = 2 * g2 + sumA * g3
        a = torch.where((g > 0) & (den != 0), g2 / torch.where(den != 0, den, torch.ones_like(den)), torch.zeros_like(g))
        alpha = (a * g.clamp(min=0)).sum(dim=(0, 1))
    else:
        alpha = g.mean(dim=(0, 1))
    return (A * alpha).sum(dim=2).clamp(min=0), alpha


def samples(name, a):
    a = np.asarray(a, dtype=np.float64).reshape(-1)
    idx = sorted(set(range(0, a.size, 150)) | set(np.argsort(-np.abs(a))[:40].tolist()))
    return {"name": name, "size": int(a.size), "sum": float(a.sum()), "sumabs": float(np.abs(a).sum()),
            "maxabs": float(np.abs(a).max()), "idx": idx, "val": [float(a[i]) for i in idx]}


def main():
    ref = json.load(open(os.path.join(HERE, "..", "..", "..", "nn", "testdata", "torch", "reference.json")))
    salt = ref["input_salt"]
    n1 = 150 * 150 * 3
    x_np = mr.input_values((2, 150, 150, 3), salt)[:1].copy()
    patch = [(i, v) for i, v in ref["input_patch"] if i < n1]
    flat = x_np.reshape(-1)
    for i, v in patch:
        flat[i] = v
    model = tutorial()
    names = model.names[:-1]

    x = torch.tensor(x_np, requires_grad=True)
    z, outs = logits(model, x)
    z0 = float(z[0, 0])
    cls = 1 if z0 > 0 else 0
    sign = 1.0 if cls == 1 else -1.0
    out = {"about": "generated by make_reference.py; PyTorch %s, float64" % torch.__version__,
           "input_salt": salt, "input_patch": patch, "logit": z0, "class": cls, "score": sign * z0, "cams": []}
    for o in outs:
        o.retain_grad()
    (sign * z[0, 0]).backward()
    gx = x.grad.numpy()[0]
    out["gradient"] = samples("gradient", gx)
    for layer in ("conv2d_4", "max_pooling2d_4", "conv2d_3"):
        A = outs[names.index(layer)]
        for plus in (False, True):
            L, alpha = cam(A.detach(), A.grad, plus)
            out["cams"].append({"method": "gradcam++" if plus else "gradcam", "layer": layer, "class": cls,
                                "shape": list(L.shape), "map": L.reshape(-1).tolist(), "weights": alpha.tolist()})
    # the other class: s = -sign*z, same layer
    x2 = torch.tensor(x_np)
    z2, outs2 = logits(model, x2)
    A = outs2[names.index("conv2d_4")]
    A.retain_grad()
    (-sign * z2[0, 0]).backward()
    L, alpha = cam(A.detach(), A.grad, False)
    out["cams"].append({"method": "gradcam", "layer": "conv2d_4", "class": 1 - cls, "shape": list(L.shape),
                        "map": L.reshape(-1).tolist(), "weights": alpha.tolist()})

    # guided backprop: every ReLU through GuidedReLU
    plain = mr.act
    mr.act = lambda y, name: GuidedReLU.apply(y) if name == "relu" else plain(y, name)
    try:
        xg = torch.tensor(x_np, requires_grad=True)
        zg, _ = logits(model, xg)
        (sign * zg[0, 0]).backward()
        out["guided"] = samples("guided", xg.grad.numpy()[0])
    finally:
        mr.act = plain

    # Integrated Gradients, black baseline, midpoint rule
    total = np.zeros_like(x_np)
    for k in range(STEPS):
        a = (k + 0.5) / STEPS
        xa = torch.tensor(mr.f32(a * x_np), requires_grad=True)  # the Go side forms the point in float32
        za, _ = logits(model, xa)
        (sign * za[0, 0]).backward()
        total += xa.grad.numpy() / STEPS
    ig = (x_np * total)[0]
    with torch.no_grad():
        zb, _ = logits(model, torch.zeros_like(torch.tensor(x_np)))
    sb = sign * float(zb[0, 0])
    out["ig"] = samples("ig", ig)
    out["ig_completeness"] = {"sum": float(ig.sum()), "delta": sign * z0 - sb, "baseline_score": sb}
    print("class %d, score %.6g, IG sum %.6g vs delta %.6g" % (cls, sign * z0, ig.sum(), sign * z0 - sb))
    out["graph"] = graph_reference()
    with open(os.path.join(HERE, "reference.json"), "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")


def graph_params():
    """The small graph model's weights, Keras layouts, in parameter order."""
    shapes = [((3, 3, 3, 6), 27, 54), (6,), ((3, 3, 6, 6), 54, 54), (6,), ((3, 3, 6, 8), 54, 72), (8,), ((8, 3), 8, 3), (3,)]
    out = []
    for t, s in enumerate(shapes):
        v = mr.bias_values(t, s[0]) if len(s) == 1 else mr.kernel_values(t, *s)
        out.append(torch.tensor(v))
    return out


def graph_forward(ps, x, cap=None):
    """The small graph model (internal/explain/graph_test.go's smallGraph):
    conv2d_1 (6, 3x3, same, relu) -> conv2d_2 (same) -> add_1 = conv2d_1 +
    conv2d_2 -> max_pooling2d_1 2x2 -> conv2d_3 (8, 3x3, valid, relu) ->
    global average pooling -> dense_1 (3) logits. Returns the logits and the
    node outputs (NCHW)."""
    k1, b1, k2, b2, k3, b3, kd, bd = ps
    conv = lambda h, k, b, pad: torch.nn.functional.conv2d(h, k.permute(3, 2, 0, 1), b, padding=pad)
    h = x.permute(0, 3, 1, 2)
    z1 = conv(h, k1, b1, 1)
    a = mr.act(z1, "relu")
    z2 = conv(a, k2, b2, 1)
    b = mr.act(z2, "relu")
    s = a + b
    p = torch.nn.functional.max_pool2d(s, 2)
    z3 = conv(p, k3, b3, 0)
    c = mr.act(z3, "relu")
    g = c.mean(dim=(2, 3))
    if cap is not None:
        cap += [z1, z2, z3, g @ kd + bd]
        cap.append(torch.nn.functional.unfold(s.reshape(-1, 1, 12, 12), 2, stride=2).sort(dim=1).values)
    return g @ kd + bd, {"conv2d_1": a, "conv2d_2": b, "add_1": s, "max_pooling2d_1": p, "conv2d_3": c}


def graph_reference():
    ps = graph_params()
    # The first input salt whose ReLU inputs and pooling gaps all stay 1e-4
    # of their layer's max away from a kink (float32 then takes torch's branches;
    # pooling windows whose maximum is 0 tie exactly on both sides).
    for salt in range(3000, 3200):
        x_np = mr.input_values((1, 12, 12, 3), salt)
        cap = []
        with torch.no_grad():
            graph_forward(ps, torch.tensor(x_np), cap)
        z1, z2, z3, _, win = cap
        ok = all(float(z.abs().min()) > 1e-4 * float(z.abs().max()) for z in (z1, z2, z3))
        live = win[:, 3, :] > 0  # windows whose maximum is 0 tie in float32 and float64 alike
        gaps = (win[:, 3, :] - win[:, 2, :])[live]
        ok = ok and float(gaps.min()) > 1e-4 * float(win.abs().max())
        if ok:
            break
    else:
        raise SystemExit("no clean salt for the graph model")
    x = torch.tensor(x_np, requires_grad=True)
    z, outs = graph_forward(ps, x)
    for o in outs.values():
        o.retain_grad()
    cls = int(z[0].argmax())
    z[0, cls].backward()
    out = {"input_salt": salt, "class": cls, "score": float(z[0, cls]), "logits": z[0].tolist(),
           "gradient": x.grad.numpy()[0].reshape(-1).tolist(), "cams": []}
    for layer in ("conv2d_3", "add_1"):
        A = outs[layer]
        for plus in (False, True):
            L, alpha = cam(A.detach(), A.grad, plus)
            out["cams"].append({"method": "gradcam++" if plus else "gradcam", "layer": layer, "class": cls,
                                "shape": list(L.shape), "map": L.reshape(-1).tolist(), "weights": alpha.tolist()})
    plain = mr.act
    mr.act = lambda y, name: GuidedReLU.apply(y) if name == "relu" else plain(y, name)
    try:
        xg = torch.tensor(x_np, requires_grad=True)
        zg, _ = graph_forward(ps, xg)
        zg[0, cls].backward()
        out["guided"] = xg.grad.numpy()[0].reshape(-1).tolist()
    finally:
        mr.act = plain
    total = np.zeros_like(x_np)
    steps = 8
    for k in range(steps):
        xa = torch.tensor(mr.f32((k + 0.5) / steps * x_np), requires_grad=True)
        za, _ = graph_forward(ps, xa)
        za[0, cls].backward()
        total += xa.grad.numpy() / steps
    out["ig_steps"] = steps
    out["ig"] = (x_np * total)[0].reshape(-1).tolist()
    print("graph: salt %d, class %d, logits %s" % (salt, cls, z[0].tolist()))
    return out


if __name__ == "__main__":
    main()
