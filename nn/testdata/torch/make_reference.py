#!/usr/bin/python3
"""Reference numbers from PyTorch for nn/parity_test.go.

Regenerate (needs Debian's python3-torch and python3-numpy; CI never runs
this; about two minutes on two cores):

    cd nn/testdata/torch && /usr/bin/python3 make_reference.py

Writes reference.json (the tutorial's 150x150x3 model: statistics and samples
of every layer output, gradient and two RMSprop steps) and tiny.json (a tiny
model with 'same' padding, strides, average pooling, softmax, categorical
cross-entropy, Adam, SGD and RMSprop, full tensors).

Weights and inputs are not stored: they are defined by formulas that
parity_test.go reproduces bit for bit (float64 arithmetic, rounded to
float32):

  hash01(i, t) in [0, 1) is a 32-bit integer hash (all arithmetic mod 2^32):
      h = i*0x9E3779B1 + t*0x85EBCA77 + 1
      h ^= h >> 16; h *= 0x7FEB352D; h ^= h >> 15; h *= 0x846CA68B; h ^= h >> 16
      hash01 = h / 2^32
  parameter tensor number t (0-based over the model's parameters in Keras
  order: conv2d_1/kernel, conv2d_1/bias, conv2d_2/kernel, ...), flat row-major
  index i in the Keras layout (Conv2D kernel (kh, kw, cin, cout), Dense kernel
  (in, out), bias (out,)):
      kernel[i] = scale_t * (2*hash01(i, t) - 1),
          scale_t = sqrt(6 / (fan_in + fan_out)) (the Glorot-uniform limit;
          Conv2D: fan_in = kh*kw*cin, fan_out = kh*kw*cout)
      bias[i]   = 0.01 * cos(0.5*i + t)
  input x (NHWC), i = flat row-major index over the whole batch tensor:
      x[i] = hash01(i, salt)   (salt 1000 for the reference model)
  then a short list of single pixels is overwritten ("input_patch", below).
  (A smooth formula such as scale*sin(0.7*i + 1.3*t) over a smooth input was
  tried first: it cancels out in every 3x3 window, activations became
  bias-dominated and the two predictions agreed to 4 digits.)

All arithmetic here is float64 on those float32 values, so the reference is
the exact answer for the float32 inputs the Go code sees.

Why the input patch (and the tiny model's salt search): the backward pass is
discontinuous at ReLU kinks (z = 0) and max-pooling ties. With 2.4 million
ReLU inputs, a few dozen lie within 1e-6 of zero and a few dozen pooling
windows have their two largest values within 1e-6; float32 rounding (about
1e-6 of a layer's largest value, measured for both torch and nn) flips some
of them, and one flip in conv2d_1 moves its kernel gradient by ~3e-3 of its
largest value, far beyond the 1e-4 the test demands. So the script nudges
single input pixels until every ReLU input and every live pooling gap of the
forward pass at the initial weights is at least MARGIN (2e-5) times the
layer's largest value away from the kink. The margins reached are written
to the JSON. The forward pass after the first RMSprop step cannot be made
robust the same way (see reference()), so the test compares the second
step's update with a looser tolerance.

Keras conventions implemented explicitly (PyTorch is NCHW and differs):
  * tensors are reported NHWC; Flatten order is (h, w, c);
  * Conv2D kernels map Keras (kh, kw, cin, cout) -> torch (cout, cin, kh, kw);
    Dense kernels are Keras (in, out), i.e. torch's weight transposed;
  * 'same' padding follows TensorFlow: out = ceil(in/s),
    pad_total = max((out-1)*s + k - in, 0), before = pad_total // 2, the rest
    after; max pooling pads with -inf;
  * losses: binary / categorical cross-entropy with predictions clipped to
    [1e-7, 1-1e-7] (predictions here stay far from 0 and 1, asserted below),
    averaged over the batch; categorical first normalises p / sum(p);
  * RMSprop (rho 0.9, eps 1e-7): v = rho*v + (1-rho)*g^2;
    w -= lr*g/(sqrt(v) + eps), eps OUTSIDE the square root as in the Keras 2
    the tutorial was written for (keras/optimizers.py, RMSprop.get_updates),
    and torch.optim.RMSprop (checked below). Keras 3 and tf.keras
    (tf.raw_ops.ApplyRMSProp) use lr*g/sqrt(v + eps) instead; with eps = 1e-7
    the two differ by ~5% at |g| ~ 1e-3, so the choice is visible here;
  * Adam (b1 0.9, b2 0.999, eps 1e-7): m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2;
    lr_t = lr*sqrt(1-b2^t)/(1-b1^t); w -= lr_t*m/(sqrt(v)+eps)  (Keras' eps
    placement, which torch.optim.Adam does not use, so it is written by hand);
  * SGD with momentum m: v = m*v - lr*g; w += v; nesterov: w += m*v - lr*g.
"""

import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
torch.set_num_threads(2)

HERE = os.path.dirname(os.path.abspath(__file__))
EPS_LOSS = 1e-7
NSAMPLES = 64
MARGIN = 2e-5  # minimum distance from a ReLU kink / pooling tie, relative to the layer's max


# ---------------------------------------------------------------- formulas

def f32(a):
    """Round float64 values to float32 and back, as the Go side stores them."""
    return np.asarray(a, dtype=np.float64).astype(np.float32).astype(np.float64)


M32 = np.uint64(0xFFFFFFFF)


def hash01(i, t):
    """Uniform values in [0, 1) from a 32-bit integer hash of (index, salt)."""
    h = (np.asarray(i, dtype=np.uint64) * np.uint64(0x9E3779B1) + np.uint64((t * 0x85EBCA77 + 1) & 0xFFFFFFFF)) & M32
    h ^= h >> np.uint64(16)
    h = (h * np.uint64(0x7FEB352D)) & M32
    h ^= h >> np.uint64(15)
    h = (h * np.uint64(0x846CA68B)) & M32
    h ^= h >> np.uint64(16)
    return h.astype(np.float64) / 4294967296.0


def kernel_values(t, shape, fan_in, fan_out):
    i = np.arange(int(np.prod(shape)), dtype=np.uint64)
    scale = math.sqrt(6.0 / (fan_in + fan_out))
    return f32(scale * (2.0 * hash01(i, t) - 1.0)).reshape(shape)


def bias_values(t, n):
    i = np.arange(n, dtype=np.float64)
    return f32(0.01 * np.cos(0.5 * i + t))


def input_values(shape, salt):
    i = np.arange(int(np.prod(shape)), dtype=np.uint64)
    return f32(hash01(i, salt)).reshape(shape)


# ---------------------------------------------------------------- layers
# Parameters are leaf tensors in Keras layout; each layer converts to torch's
# layout inside forward, so autograd hands back gradients in Keras layout.
# Activations flow NCHW between layers; outputs are recorded NHWC. With cap
# (a list), layers append what the kink analysis needs: ReLU inputs, and
# max-pooling inputs (padded) with the window geometry.

def tf_same_pad(n, k, s):
    out = -(-n // s)
    total = max((out - 1) * s + k - n, 0)
    return total // 2, total - total // 2


class Conv2D:
    kind = "Conv2D"

    def __init__(self, filters, k, stride=1, padding="valid", activation="relu"):
        self.filters, self.k, self.stride = filters, k, stride
        self.padding, self.activation = padding, activation

    def build(self, x):
        k, cin = self.k, x.shape[1]
        self.shapes = [(k, k, cin, self.filters), (self.filters,)]
        self.fans = (k * k * cin, k * k * self.filters)
        self.geom = (k, self.stride, self.pads(x)[0], self.pads(x)[2])

    def pads(self, x):
        if self.padding != "same":
            return 0, 0, 0, 0
        pt, pb = tf_same_pad(x.shape[2], self.k, self.stride)
        pl, pr = tf_same_pad(x.shape[3], self.k, self.stride)
        return pt, pb, pl, pr

    def forward(self, x, params, cap=None):
        kern, bias = params
        pt, pb, pl, pr = self.pads(x)
        x = F.pad(x, (pl, pr, pt, pb))
        z = F.conv2d(x, kern.permute(3, 2, 0, 1), bias, stride=self.stride)
        if cap is not None and self.activation == "relu":
            cap.append(("relu", self, z))
        return act(z, self.activation)


class MaxPooling2D:
    kind = "MaxPooling2D"
    shapes = []

    def __init__(self, pool=2, stride=None, padding="valid"):
        self.pool, self.stride, self.padding = pool, stride or pool, padding

    def build(self, x):
        self.geom = (self.pool, self.stride, self.pads(x)[0], self.pads(x)[2])

    def pads(self, x):
        if self.padding != "same":
            return 0, 0, 0, 0
        pt, pb = tf_same_pad(x.shape[2], self.pool, self.stride)
        pl, pr = tf_same_pad(x.shape[3], self.pool, self.stride)
        return pt, pb, pl, pr

    def forward(self, x, params, cap=None):
        pt, pb, pl, pr = self.pads(x)
        x = F.pad(x, (pl, pr, pt, pb), value=-math.inf)
        if cap is not None:
            cap.append(("pool", self, x))
        return F.max_pool2d(x, self.pool, self.stride)


class AveragePooling2D:
    kind = "AveragePooling2D"
    shapes = []

    def __init__(self, pool=2, stride=None):
        self.pool, self.stride = pool, stride or pool

    def build(self, x):
        self.geom = (self.pool, self.stride, 0, 0)

    def forward(self, x, params, cap=None):
        return F.avg_pool2d(x, self.pool, self.stride)


class Flatten:
    kind = "Flatten"
    shapes = []

    def build(self, x):
        self.geom = None

    def forward(self, x, params, cap=None):
        return x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)  # (h, w, c) order


class Dense:
    kind = "Dense"

    def __init__(self, units, activation):
        self.units, self.activation = units, activation

    def build(self, x):
        self.shapes = [(x.shape[1], self.units), (self.units,)]
        self.fans = (x.shape[1], self.units)
        self.geom = None

    def forward(self, x, params, cap=None):
        kern, bias = params
        z = x @ kern + bias
        if cap is not None and self.activation == "relu":
            cap.append(("relu", self, z))
        return act(z, self.activation)


def act(y, name):
    if name == "relu":
        return torch.relu(y)
    if name == "sigmoid":
        return torch.sigmoid(y)
    if name == "softmax":
        return torch.softmax(y, dim=1)
    assert name in (None, "linear")
    return y


SNAKE = {"Conv2D": "conv2d", "MaxPooling2D": "max_pooling2d", "AveragePooling2D": "average_pooling2d",
         "Flatten": "flatten", "Dense": "dense"}


class Model:
    def __init__(self, input_shape, layers):
        self.layers = layers
        counts = {}
        self.params = []  # (name, leaf tensor), Keras order
        h, w, c = input_shape
        x = torch.zeros((1, c, h, w))  # dry run for the shapes
        t = 0
        for k, layer in enumerate(layers):
            base = SNAKE[layer.kind]
            counts[base] = counts.get(base, 0) + 1
            layer.name = "%s_%d" % (base, counts[base])
            layer.index = k
            layer.build(x)
            ps = []
            for shape, wname in zip(layer.shapes, ("kernel", "bias")):
                v = kernel_values(t, shape, *layer.fans) if wname == "kernel" else bias_values(t, shape[0])
                p = torch.tensor(v, requires_grad=True)
                self.params.append((layer.name + "/" + wname, p))
                ps.append(p)
                t += 1
            layer.p = ps
            with torch.no_grad():
                x = layer.forward(x, ps)
        self.names = [l.name for l in layers]

    def forward(self, x_nhwc, cap=None):
        x = x_nhwc.permute(0, 3, 1, 2)
        outs = []
        for layer in self.layers:
            x = layer.forward(x, layer.p, cap)
            outs.append(x.permute(0, 2, 3, 1) if x.dim() == 4 else x)
        return outs

    def values(self):
        return [p.detach().numpy().copy() for _, p in self.params]

    def set_values(self, vals):
        with torch.no_grad():
            for (_, p), v in zip(self.params, vals):
                p.copy_(torch.tensor(v))

    def receptive_box(self, layer, n, i, j):
        """Input pixels (n, r0, r1, c0, c1), inclusive, that output (i, j) of
        layer depends on; the whole image after a Flatten."""
        h, w = self.input_hw
        for l in reversed(self.layers[:layer.index + 1]):
            if l.geom is None:
                return n, 0, h - 1, 0, w - 1
        r0 = r1 = i
        c0 = c1 = j
        for l in reversed(self.layers[:layer.index + 1]):
            k, s, pt, pl = l.geom
            r0, r1 = r0 * s - pt, r1 * s - pt + k - 1
            c0, c1 = c0 * s - pl, c1 * s - pl + k - 1
        return n, max(r0, 0), min(r1, h - 1), max(c0, 0), min(c1, w - 1)


def bce(p, y):
    pc = p.clamp(EPS_LOSS, 1 - EPS_LOSS)
    return -(y * torch.log(pc) + (1 - y) * torch.log(1 - pc)).mean()


def cce(p, y):
    p = p / p.sum(dim=1, keepdim=True)
    pc = p.clamp(EPS_LOSS, 1 - EPS_LOSS)
    return -(y * torch.log(pc)).sum(dim=1).mean()


def loss_and_grads(model, x, y, lossfn):
    for _, p in model.params:
        p.grad = None
    outs = model.forward(x)
    p = outs[-1]
    assert float(p.min()) > 1e-3 and float(p.max()) < 1 - 1e-3, "predictions too close to 0/1: clipping would matter"
    loss = lossfn(p, y)
    loss.backward()
    return outs, float(loss), [p.grad.numpy().copy() for _, p in model.params]


# ---------------------------------------------------------------- kinks

def scan(model, x, margin):
    """Forward x and find the ReLU inputs and live max-pooling gaps closer
    than margin·(layer max) to a kink. Returns the fragile values (dicts with
    a key to find them again, value, sign, threshold, receptive box) and the
    smallest relative margin of each layer."""
    cap = []
    with torch.no_grad():
        model.forward(x, cap)
    items, margins = [], {}
    for kind, layer, t in cap:
        if kind == "relu":
            a = t.abs().reshape(-1)
            scale = float(a.max())
            margins[layer.name] = float(a.min()) / scale
            for q in torch.nonzero(a < margin * scale).flatten().tolist():
                if t.dim() == 4:
                    n, c, i, j = np.unravel_index(q, t.shape)
                    box = model.receptive_box(layer, n, i, j)
                else:
                    box = model.receptive_box(layer, q // t.shape[1], 0, 0)
                v = float(t.reshape(-1)[q])
                items.append(dict(key=(layer.index, q), value=v, sign=1.0 if v >= 0 else -1.0,
                                  thresh=margin * scale, box=box))
        else:
            n_, c_, hp, wp = t.shape
            k, s = layer.pool, layer.stride
            scale = float(t[torch.isfinite(t)].abs().max())
            u = F.unfold(t.reshape(n_ * c_, 1, hp, wp), k, stride=s)  # (n*c, k*k, L)
            top = u.topk(2, dim=1)
            gap = top.values[:, 0] - top.values[:, 1]
            live = top.values[:, 0] > 0
            margins[layer.name] = float(gap[live].min()) / scale if bool(live.any()) else 1.0
            ow = (wp - k) // s + 1
            for nc, l in torch.nonzero(live & (gap < margin * scale)).tolist():
                i0, i1 = int(top.indices[nc, 0, l]), int(top.indices[nc, 1, l])
                box = model.receptive_box(layer, nc // c_, l // ow, l % ow)
                items.append(dict(key=(layer.index, nc, l, i0, i1), value=float(gap[nc, l]), sign=1.0,
                                  thresh=margin * scale, box=box))
    return items, margins


def values(model, x, keys):
    """The fragile values with the given keys, differentiable w.r.t. x."""
    cap = []
    model.forward(x, cap)
    by_layer = {layer.index: (kind, layer, t) for kind, layer, t in cap}
    out = []
    for key in keys:
        kind, layer, t = by_layer[key[0]]
        if kind == "relu":
            out.append(t.reshape(-1)[key[1]])
        else:
            _, nc, l, i0, i1 = key
            n_, c_, hp, wp = t.shape
            u = F.unfold(t[nc // c_, nc % c_].reshape(1, 1, hp, wp), layer.pool, stride=layer.stride)
            out.append(u[0, i0, l] - u[0, i1, l])
    return out


def overlaps(a, b):
    return a[0] == b[0] and a[1] <= b[2] and b[1] <= a[2] and a[3] <= b[4] and b[3] <= a[4]


def make_robust(model, x_np, weight_sets, margin, rounds=200):
    """Nudge single input pixels until no value of the forward passes with
    any of weight_sets (functions of the input returning weights) is
    fragile. Each round repairs a set of fragile values with disjoint
    receptive boxes (nudges for overlapping ones could undo each other),
    small boxes first, each by moving the pixel it depends on most so the
    value lands at 3·margin on its side of the kink (3, not 2: a value
    flagged in two weight states with opposite signs, less than 2·margin apart,
    then clears both instead of oscillating). A value repaired before gets a
    target 2·margin further each time, which breaks longer cycles."""
    w_orig = model.values()
    repaired = {}  # (layer, position) -> times repaired
    for rnd in range(rounds):
        states, found, margins = [], 0, []
        for ws in weight_sets:
            w = ws(x_np)
            model.set_values(w)
            items, m = scan(model, torch.tensor(x_np), margin)
            states.append((w, items))
            margins.append(m)
            found += len(items)
        if not found:
            model.set_values(w_orig)
            return x_np, rnd, margins
        tagged = sorted(((s, it) for s, (_, items) in enumerate(states) for it in items),
                        key=lambda si: (si[1]["box"][2] - si[1]["box"][1] + 1) * (si[1]["box"][4] - si[1]["box"][3] + 1))
        group = []
        for s, it in tagged:
            if not any(overlaps(it["box"], o["box"]) for _, o in group):
                group.append((s, it))
        print("round %d: %d fragile values (%s), repairing %d" % (
            rnd, found, "+".join(str(len(items)) for _, items in states), len(group)))
        new = x_np.copy()
        for s, (w, _) in enumerate(states):
            mine = [it for t, it in group if t == s]
            if not mine:
                continue
            model.set_values(w)
            x = torch.tensor(x_np, requires_grad=True)
            (gx,) = torch.autograd.grad(sum(values(model, x, [it["key"] for it in mine])), x)
            gx = gx.numpy()
            for it in mine:
                n, r0, r1, c0, c1 = it["box"]
                where = it["key"][:3] if len(it["key"]) == 5 else it["key"]
                repaired[where] = repaired.get(where, 0) + 1
                target = it["sign"] * (1 + 2 * repaired[where]) * it["thresh"]
                sub = gx[n, r0:r1 + 1, c0:c1 + 1, :]
                for flat in np.argsort(-np.abs(sub), axis=None):
                    i, j, c = np.unravel_index(flat, sub.shape)
                    d = sub[i, j, c]
                    if d == 0:
                        break
                    nv = new[n, r0 + i, c0 + j, c] + (target - it["value"]) / d
                    if 0 <= nv < 1:
                        new[n, r0 + i, c0 + j, c] = nv
                        break
        x_np = f32(new)
    raise SystemExit("input repair did not converge")


# ---------------------------------------------------------------- optimizers (Keras formulas)

class RMSprop:
    def __init__(self, lr, rho=0.9, eps=1e-7):
        self.lr, self.rho, self.eps, self.v = lr, rho, eps, None

    def step(self, ws, gs):
        if self.v is None:
            self.v = [np.zeros_like(w) for w in ws]
        out = []
        for k, (w, g) in enumerate(zip(ws, gs)):
            self.v[k] = self.rho * self.v[k] + (1 - self.rho) * g * g
            out.append(w - self.lr * g / (np.sqrt(self.v[k]) + self.eps))
        return out


class Adam:
    def __init__(self, lr, b1=0.9, b2=0.999, eps=1e-7):
        self.lr, self.b1, self.b2, self.eps, self.t, self.m, self.v = lr, b1, b2, eps, 0, None, None

    def step(self, ws, gs):
        if self.m is None:
            self.m = [np.zeros_like(w) for w in ws]
            self.v = [np.zeros_like(w) for w in ws]
        self.t += 1
        lr_t = self.lr * math.sqrt(1 - self.b2 ** self.t) / (1 - self.b1 ** self.t)
        out = []
        for k, (w, g) in enumerate(zip(ws, gs)):
            self.m[k] = self.b1 * self.m[k] + (1 - self.b1) * g
            self.v[k] = self.b2 * self.v[k] + (1 - self.b2) * g * g
            out.append(w - lr_t * self.m[k] / (np.sqrt(self.v[k]) + self.eps))
        return out


class SGD:
    def __init__(self, lr, momentum=0.0, nesterov=False):
        self.lr, self.m, self.nesterov, self.v = lr, momentum, nesterov, None

    def step(self, ws, gs):
        if self.v is None:
            self.v = [np.zeros_like(w) for w in ws]
        out = []
        for k, (w, g) in enumerate(zip(ws, gs)):
            self.v[k] = self.m * self.v[k] - self.lr * g
            if self.nesterov:
                out.append(w + self.m * self.v[k] - self.lr * g)
            else:
                out.append(w + self.v[k])
        return out


def check_optimizers_against_torch(model, x, y, lossfn):
    """The hand-written RMSprop and SGD (plain and Nesterov momentum) match
    torch.optim after one step, and the eps placement matters at this
    gradient scale (Keras 3's lr*g/sqrt(v+eps) would differ)."""
    w0 = model.values()
    _, _, g = loss_and_grads(model, x, y, lossfn)
    params = [p for _, p in model.params]
    lr = 1e-4
    torch.optim.RMSprop(params, lr=lr, alpha=0.9, eps=1e-7).step()
    mine = RMSprop(lr).step(w0, g)
    keras3 = [w - lr * gg / np.sqrt(0.1 * gg * gg + 1e-7) for w, gg in zip(w0, g)]
    for a, (_, p) in zip(mine, model.params):
        assert np.allclose(a, p.detach().numpy(), rtol=0, atol=1e-15), "RMSprop formula differs from torch"
    assert max(np.abs(a - b).max() for a, b in zip(mine, keras3)) > 1e-6, "the eps placement should matter here"
    model.set_values(w0)
    for nesterov in (False, True):
        torch.optim.SGD(params, lr=0.1, momentum=0.9, nesterov=nesterov).step()
        mine = SGD(0.1, 0.9, nesterov).step(w0, g)
        for a, (_, p) in zip(mine, model.params):
            assert np.allclose(a, p.detach().numpy(), rtol=0, atol=1e-15), "SGD formula differs from torch"
        model.set_values(w0)


def train(model, x, y, lossfn, opt, steps):
    """Returns the losses before each step and the weights after each step;
    restores the initial weights."""
    w0 = model.values()
    losses, after = [], []
    for _ in range(steps):
        _, loss, g = loss_and_grads(model, x, y, lossfn)
        losses.append(loss)
        w = opt.step(model.values(), g)
        model.set_values(w)
        after.append(w)
    model.set_values(w0)
    return losses, after


# ---------------------------------------------------------------- output

def sample_indices(candidates, name):
    if candidates.size <= NSAMPLES:
        return candidates
    seed = sum(ord(ch) * (k + 1) for k, ch in enumerate(name)) % (2 ** 32)
    return np.sort(np.random.default_rng(seed).choice(candidates, NSAMPLES, replace=False))


def stats(name, a, eligible=None):
    """Statistics of a, and samples at pseudo-random flat indices (among
    the eligible ones, a boolean mask, when given)."""
    a = np.asarray(a, dtype=np.float64)
    flat = a.reshape(-1)
    candidates = np.arange(flat.size) if eligible is None else np.nonzero(eligible.reshape(-1))[0]
    idx = sample_indices(candidates, name)
    return {
        "name": name,
        "shape": list(a.shape),
        "sum": float(flat.sum()),
        "sumsq": float((flat * flat).sum()),
        "sumabs": float(np.abs(flat).sum()),
        "min": float(flat.min()),
        "max": float(flat.max()),
        "idx": [int(i) for i in idx],
        "val": [float(flat[i]) for i in idx],
    }


def full(name, a):
    a = np.asarray(a, dtype=np.float64)
    return {"name": name, "shape": list(a.shape), "data": [float(v) for v in a.reshape(-1)]}


def dump(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", path, os.path.getsize(path), "bytes")


def reference():
    model = Model((150, 150, 3), [
        Conv2D(32, 3), MaxPooling2D(2),
        Conv2D(64, 3), MaxPooling2D(2),
        Conv2D(128, 3), MaxPooling2D(2),
        Conv2D(128, 3), MaxPooling2D(2),
        Flatten(), Dense(512, "relu"), Dense(1, "sigmoid"),
    ])
    model.input_hw = (150, 150)
    salt, lr = 1000, 1e-4
    x_formula = input_values((2, 150, 150, 3), salt)
    y = torch.tensor([[0.0], [1.0]])
    check_optimizers_against_torch(model, torch.tensor(x_formula), y, bce)

    # Nudge pixels until the forward passes at w0 and at w1 (the weights
    # after one RMSprop step, where the second gradient is taken) are clear
    # of kinks.
    # Only the forward pass at the initial weights is made robust. The one at
    # w1 (after one RMSprop step, where the second gradient is taken) cannot
    # be: the first step is lr*g/(0.316|g| + 1e-7), with slope 1000 at g = 0,
    # so w1 moves discontinuously with every nudge and the repair never
    # settles (tried). The test compares the second step more loosely.
    w0 = model.values()
    x_np, rounds, (margins0,) = make_robust(model, x_formula, [lambda _: w0], MARGIN)
    patch = [(int(i), float(x_np.reshape(-1)[i])) for i in np.nonzero(x_np.reshape(-1) != x_formula.reshape(-1))[0]]
    print("input patch: %d pixels after %d rounds; margins %s" % (len(patch), rounds, margins0))

    x = torch.tensor(x_np)
    outs, loss, grads = loss_and_grads(model, x, y, bce)
    losses, after = train(model, x, y, bce, RMSprop(lr), 2)
    assert losses[0] == loss
    tensors = []
    for name, o in zip(model.names, outs):
        tensors.append(stats("output/" + name, o.detach().numpy()))
    for (pname, _), g in zip(model.params, grads):
        tensors.append(stats("grad/" + pname, g))
    # Optimizer steps are reported as the change from the initial weights, so
    # the comparison sees the update rather than the (much larger) weights.
    for step, ws in enumerate(after, 1):
        for (pname, _), w, w_0, g in zip(model.params, ws, w0, grads):
            # Samples only where |g1| >= 1e-5: below, the first step
            # lr*g/(0.316|g| + 1e-7) turns float32 noise in g into a visible
            # difference (slope up to lr/eps = 1000).
            tensors.append(stats("rmsprop%d/%s" % (step, pname), w - w_0, np.abs(g) >= 1e-5))
    print("reference: losses", losses, "predictions", outs[-1].detach().numpy().ravel())
    dump(os.path.join(HERE, "reference.json"), {
        "about": "generated by make_reference.py; PyTorch %s, float64" % torch.__version__,
        "input": [2, 150, 150, 3],
        "input_salt": salt,
        "input_patch": patch,
        "targets": [0, 1],
        "kink_margin": MARGIN,
        "margins": margins0,
        "optimizer": {"name": "RMSprop", "lr": lr, "rho": 0.9, "epsilon": 1e-7},
        "losses": losses,
        "tensors": tensors,
    })


def tiny():
    def build():
        m = Model((10, 8, 2), [
            Conv2D(3, 3, stride=2, padding="same"),  # (5, 4, 3): pads H (0, 1), W (0, 1)
            MaxPooling2D(2, padding="same"),         # (3, 2, 3): pads H (0, 1) with -inf
            AveragePooling2D(2, stride=1),           # (2, 1, 3)
            Flatten(),                               # (6,)
            Dense(3, "softmax"),
        ])
        m.input_hw = (10, 8)
        return m

    y = torch.tensor([[1.0, 0, 0], [0, 0, 1.0], [0, 1.0, 0]])
    configs = {
        "adam": ({"name": "Adam", "lr": 1e-2, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}, lambda: Adam(1e-2)),
        "sgd": ({"name": "SGD", "lr": 0.1, "momentum": 0.9, "nesterov": False}, lambda: SGD(0.1, 0.9)),
        "nesterov": ({"name": "SGD", "lr": 0.1, "momentum": 0.9, "nesterov": True}, lambda: SGD(0.1, 0.9, True)),
        "rmsprop": ({"name": "RMSprop", "lr": 1e-2, "rho": 0.9, "epsilon": 1e-7}, lambda: RMSprop(1e-2)),
    }
    # Kinks: too few values to repair; take the first input salt whose every
    # forward pass (initial weights and after each step but the last) keeps
    # a margin of 1e-4 of the layer's max (float32 errors are ~1e-7 here),
    # and whose nonzero gradients are all above 1e-4 of their tensor's max
    # (Adam's step is ill-conditioned where |g| is near eps).
    model = build()
    w0 = model.values()
    for salt in range(2000, 2200):
        x_np = input_values((3, 10, 8, 2), salt)
        x = torch.tensor(x_np)
        ok, worst = True, 1.0
        runs = {}
        for key, (cfg, mk) in configs.items():
            losses, after = train(model, x, y, cce, mk(), 3)
            for ws in [w0] + after[:-1]:
                model.set_values(ws)
                items, margins = scan(model, torch.tensor(x_np), 1e-4)
                worst = min([worst] + list(margins.values()))
                _, _, g = loss_and_grads(model, x, y, cce)
                tiny_g = any(((np.abs(a) > 0) & (np.abs(a) < 1e-4 * np.abs(a).max())).any() for a in g)
                ok = ok and not items and not tiny_g
            model.set_values(w0)
            runs[key] = dict(cfg, losses=losses, weights=[[full(n, w) for (n, _), w in zip(model.params, ws)] for ws in after])
        if ok:
            break
    else:
        raise SystemExit("no clean salt for the tiny model")
    print("tiny: input salt %d, smallest kink margin %.2e" % (salt, worst))
    outs, loss, grads = loss_and_grads(model, x, y, cce)
    tensors = [full("output/" + n, o.detach().numpy()) for n, o in zip(model.names, outs)]
    tensors += [full("grad/" + n, g) for (n, _), g in zip(model.params, grads)]
    for key, r in runs.items():
        assert r["losses"][0] == loss
        print("tiny %s: losses %s" % (key, r["losses"]))
    dump(os.path.join(HERE, "tiny.json"), {
        "about": "generated by make_reference.py; PyTorch %s, float64" % torch.__version__,
        "input": [3, 10, 8, 2],
        "input_salt": salt,
        "targets": [0, 2, 1],
        "kink_margin": worst,
        "loss": loss,
        "tensors": tensors,
        "optimizers": runs,
    })


if __name__ == "__main__":
    tiny()
    reference()
