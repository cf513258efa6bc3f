#!/usr/bin/python3
"""Writes Keras model files laid out exactly as Keras saves them, without
TensorFlow or Keras: Debian's python3-h5py writes the HDF5 and python3-torch
computes every layer's reference output. Run from this directory:

    /usr/bin/python3 make_fixtures.py                 # the committed fixtures
    /usr/bin/python3 make_fixtures.py --tutorial PATH # the full 150x150 tutorial
                                                      # model as .h5 (13.8 MB, benchmark)

Layouts followed (keras-team/keras, read at commit 3422977a5e):
- Keras 2 model.save("x.h5"): keras/src/legacy/saving/legacy_h5_format.py
  save_model_to_hdf5 (lines 28-76): root attributes keras_version, backend
  (str), model_config and training_config (json.dumps(...).encode("utf8"),
  fixed-length bytes); save_weights_to_hdf5_group (206-236): group
  model_weights with layer_names (bytes, model.layers order), backend and
  keras_version (bytes), one group per layer created in sorted name order,
  weight_names (bytes; an empty list is np.asarray([]), float64) and one
  dataset per weight created with create_dataset(name, shape, dtype), whose
  "conv2d_1/kernel:0" names make a subgroup. tf.keras 2.x names weights
  "<layer>/<weight>:0" and its Sequential config starts with an InputLayer
  (batch_input_shape).
- Keras 2 model.save_weights("x.h5"): the same as model_weights, at the root.
- Keras 3 model.save("x.keras"): keras/src/saving/saving_lib.py
  _save_model_to_fileobj (196-240): a zip (ZIP_STORED) of metadata.json,
  config.json, model.weights.h5; H5IOStore.make/_create_h5_group (1355-1443):
  "<path>/vars" groups with attribute name; _save_state and
  _save_container_state (768-830, 955-1000): layers/<snake_case(class)>[_N]
  numbered per class in model.layers order; Layer.save_own_variables
  (keras/src/layers/layer.py 1460-1471): vars/0, 1, … trainable first.
- Keras 3 model.save_weights("x.weights.h5"): the same HDF5 file alone.

Reference outputs: for each model, <name>.ref.npy holds the input and every
layer's output (NHWC, float32, computed in float64 by PyTorch from the same
float32 weights) concatenated, and <name>.ref.json lists [layer, shape] in
that order.
"""
import io
import struct
import json
import sys
import zipfile

import h5py
import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

# ---------------------------------------------------------------- model specs
# A spec is a list of layers: dict(cls, name, cfg, inputs (functional), w
# (list of float32 arrays in Keras order)). The Keras 2 and Keras 3 configs
# are generated from it.


def snake(name):
    import re
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


class Spec:
    def __init__(self, name, input_shape, functional, seed):
        self.name, self.input_shape, self.functional = name, list(input_shape), functional
        self.rng = np.random.default_rng(seed)
        self.layers = []

    def add(self, cls, name, cfg=None, inputs=None, w=None):
        self.layers.append(dict(cls=cls, name=name, cfg=dict(cfg or {}), inputs=inputs or [], w=w or []))
        return name

    def rand(self, *shape, scale=None, positive=False):
        fan_in = int(np.prod(shape[:-1])) if len(shape) > 1 else shape[0]
        s = scale if scale is not None else (1.0 / np.sqrt(max(fan_in, 1)))
        v = self.rng.standard_normal(shape) * s
        if positive:
            v = np.abs(v) + 0.5
        return v.astype(np.float32)


def conv_w(spec, kh, kw, cin, cout, bias=True):
    ws = [spec.rand(kh, kw, cin, cout)]
    if bias:
        ws.append(spec.rand(cout, scale=0.1))
    return ws


# -------------------------------------------------------- reference forward

def same_pads(size, k, s, d=1):
    """Keras/TensorFlow "same": the extra pixel goes after (bottom/right)."""
    out = -(-size // s)
    total = max((out - 1) * s + (k - 1) * d + 1 - size, 0)
    return total // 2, total - total // 2


def act(x, name):
    return {"linear": lambda v: v, "relu": F.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh,
            "softmax": lambda v: torch.softmax(v, dim=1), "relu6": lambda v: torch.clamp(v, 0, 6)}[name](x)


def forward(spec, x):
    """x: NHWC float64 tensor. Returns [(name, NHWC output)] in layer order."""
    outs = {}
    prev = None
    results = []
    for l in spec.layers:
        c, w = l["cfg"], [torch.tensor(a, dtype=torch.float64) for a in l["w"]]
        if l["cls"] == "InputLayer":
            outs[l["name"]] = x
            prev = l["name"]
            continue
        ins = [outs[n] for n in l["inputs"]] if spec.functional else [outs[prev] if prev else x]
        h = ins[0]
        cls = l["cls"]
        if cls == "Functional":  # a nested model: its layers' outputs, not its own
            inner = forward(l["sub"], h)
            results.extend(inner)
            outs[l["name"]] = inner[-1][1]
            prev = l["name"]
            continue
        if cls in ("Conv2D", "DepthwiseConv2D", "SeparableConv2D"):
            t = h.permute(0, 3, 1, 2)
            k = c["kernel_size"]
            s = c.get("strides", [1, 1])
            if c.get("padding", "valid") == "same":
                pt, pb = same_pads(t.shape[2], k[0], s[0])
                pl, pr = same_pads(t.shape[3], k[1], s[1])
                t = F.pad(t, (pl, pr, pt, pb))
            if cls == "Conv2D":
                wt = w[0].permute(3, 2, 0, 1)
                groups = 1
            else:
                kh, kw, cin, mult = w[0].shape
                wt = w[0].reshape(kh, kw, cin * mult).permute(2, 0, 1).unsqueeze(1)
                groups = cin
            if cls == "SeparableConv2D":  # depthwise, then 1x1 pointwise with the bias
                t = F.conv2d(t, wt, None, stride=s, groups=groups)
                t = F.conv2d(t, w[1].permute(3, 2, 0, 1), w[2] if len(w) > 2 else None)
            else:
                b = w[1] if len(w) > 1 else None
                t = F.conv2d(t, wt, b, stride=s, groups=groups)
            h = act(t, c.get("activation", "linear")).permute(0, 2, 3, 1)
        elif cls in ("MaxPooling2D", "AveragePooling2D"):
            t = h.permute(0, 3, 1, 2)
            p = c["pool_size"]
            s = c.get("strides") or p
            if c.get("padding", "valid") == "same":
                pt, pb = same_pads(t.shape[2], p[0], s[0])
                pl, pr = same_pads(t.shape[3], p[1], s[1])
                if cls == "MaxPooling2D":
                    t = F.pad(t, (pl, pr, pt, pb), value=-float("inf"))
                    t = F.max_pool2d(t, p, s)
                else:  # Keras divides by the pixels inside the image
                    ones = F.pad(torch.ones_like(t), (pl, pr, pt, pb))
                    t = F.pad(t, (pl, pr, pt, pb))
                    t = F.avg_pool2d(t, p, s) / F.avg_pool2d(ones, p, s)
            else:
                t = F.max_pool2d(t, p, s) if cls == "MaxPooling2D" else F.avg_pool2d(t, p, s)
            h = t.permute(0, 2, 3, 1)
        elif cls == "Flatten":
            h = h.reshape(h.shape[0], -1)
        elif cls == "Reshape":
            h = h.reshape(h.shape[0], *c["target_shape"])
        elif cls == "Dense":
            h = act(h @ w[0] + (w[1] if len(w) > 1 else 0), c.get("activation", "linear"))
        elif cls == "Dropout":
            pass
        elif cls == "Activation":
            h = act(h, c["activation"])
        elif cls == "ReLU":
            h = F.relu(h)
            if c.get("max_value") is not None:
                h = torch.clamp(h, max=c["max_value"])
        elif cls == "BatchNormalization":
            i = 0
            gamma = beta = None
            if c.get("scale", True):
                gamma, i = w[i], i + 1
            if c.get("center", True):
                beta, i = w[i], i + 1
            mean, var = w[i], w[i + 1]
            h = (h - mean) / torch.sqrt(var + c.get("epsilon", 1e-3))
            if gamma is not None:
                h = h * gamma
            if beta is not None:
                h = h + beta
        elif cls == "Add":
            h = sum(ins)
        elif cls == "Concatenate":
            h = torch.cat(ins, dim=-1)
        elif cls == "ZeroPadding2D":
            (t_, b_), (l_, r_) = c["padding"]
            h = F.pad(h, (0, 0, l_, r_, t_, b_))
        elif cls == "GlobalAveragePooling2D":
            h = h.mean(dim=(1, 2))
        elif cls == "Normalization":
            h = (h - w[0]) / torch.clamp(torch.sqrt(w[1]), min=1e-7)
        elif cls == "Rescaling":
            h = h * c["scale"] + c.get("offset", 0.0)
        else:
            raise ValueError(cls)
        outs[l["name"]] = h
        prev = l["name"]
        results.append((l["name"], h))
    return results


def write_reference(spec, x, prefix):
    res = forward(spec, torch.tensor(x, dtype=torch.float64))
    index = [["input", list(x.shape[1:])]]
    flat = [x.reshape(-1).astype(np.float32)]
    for name, h in res:
        index.append([name, list(h.shape[1:])])
        flat.append(h.numpy().reshape(-1).astype(np.float32))
    np.save(prefix + ".ref.npy", np.concatenate(flat))
    with open(prefix + ".ref.json", "w") as f:
        json.dump(index, f)


# ----------------------------------------------------------- Keras configs

def nested_weights_k2(l):
    """A nested model's (name, value) pairs in Keras 2's Model.weights order:
    every trainable weight, then every non-trainable one (moving statistics)."""
    trainable, frozen = [], []
    for inner in l["sub"].layers:
        for n, v in zip(weight_names_k2(inner), inner["w"]):
            (frozen if "moving_" in n else trainable).append((n, v))
    return trainable + frozen


def weight_names_k2(l):
    names = {"Conv2D": ["kernel", "bias"], "Dense": ["kernel", "bias"],
             "DepthwiseConv2D": ["depthwise_kernel", "bias"],
             "SeparableConv2D": ["depthwise_kernel", "pointwise_kernel", "bias"],
             "Normalization": ["mean", "variance", "count"]}.get(l["cls"])
    if l["cls"] == "BatchNormalization":
        names = (["gamma"] if l["cfg"].get("scale", True) else []) + \
                (["beta"] if l["cfg"].get("center", True) else []) + ["moving_mean", "moving_variance"]
    return ["%s/%s:0" % (l["name"], n) for n in (names or [])][:len(l["w"])]


def layer_cfg(l, keras3):
    c = {"name": l["name"], "trainable": True, "dtype": "float32"}
    if keras3:
        c["dtype"] = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
                      "registered_name": None}
    c.update(l["cfg"])
    if l["cls"] in ("Conv2D", "DepthwiseConv2D", "SeparableConv2D", "Dense"):
        c.setdefault("activation", "linear")
        c.setdefault("use_bias", True)
        c["kernel_initializer"] = {"class_name": "GlorotUniform", "config": {"seed": None}}
        c["bias_initializer"] = {"class_name": "Zeros", "config": {}}
    if l["cls"] in ("Conv2D", "DepthwiseConv2D", "SeparableConv2D", "MaxPooling2D", "AveragePooling2D", "Flatten",
                    "GlobalAveragePooling2D", "ZeroPadding2D"):
        c["data_format"] = "channels_last"
    return c


def keras2_config(spec):
    batch = [None] + spec.input_shape
    layers = []
    for l in spec.layers:
        if l["cls"] == "InputLayer":
            cfg = {"batch_input_shape": batch, "dtype": "float32", "sparse": False, "ragged": False,
                   "name": l["name"]}
        elif l["cls"] == "Functional":
            cfg = keras2_config(l["sub"])["config"]
        else:
            cfg = layer_cfg(l, False)
        d = {"class_name": l["cls"], "config": cfg}
        if spec.functional:
            d["name"] = l["name"]
            d["inbound_nodes"] = [[[n, 0, 0, {}] for n in l["inputs"]]] if l["inputs"] else []
        layers.append(d)
    if spec.functional:
        ins = [l["name"] for l in spec.layers if l["cls"] == "InputLayer"]
        return {"class_name": "Functional", "config": {
            "name": spec.name, "layers": layers, "input_layers": [[n, 0, 0] for n in ins],
            "output_layers": [[spec.layers[-1]["name"], 0, 0]]}}
    return {"class_name": "Sequential", "config": {"name": spec.name, "layers": layers}}


def keras3_config(spec, shapes):
    batch = [None] + spec.input_shape
    layers = []
    for l in spec.layers:
        d = {"module": "keras.layers", "class_name": l["cls"], "registered_name": None}
        if l["cls"] == "InputLayer":
            d["config"] = {"batch_shape": batch, "dtype": "float32", "sparse": False, "name": l["name"]}
        elif l["cls"] == "Functional":
            d.update({"module": "keras.src.models.functional", "registered_name": "Functional",
                      "config": keras3_config(l["sub"], shapes_of(l["sub"]))["config"],
                      "build_config": {"input_shape": batch}})
        else:
            d["config"] = layer_cfg(l, True)
            ins = l["inputs"] if spec.functional else []
            d["build_config"] = {"input_shape": [None] + shapes[ins[0]] if ins else batch}
        if spec.functional:
            d["name"] = l["name"]
            tensors = [{"class_name": "__keras_tensor__", "config": {
                "shape": [None] + shapes[n], "dtype": "float32", "keras_history": [n, 0, 0]}}
                for n in l["inputs"]]
            if not tensors:
                d["inbound_nodes"] = []
            elif len(tensors) == 1:
                d["inbound_nodes"] = [{"args": tensors, "kwargs": {}}]
            else:
                d["inbound_nodes"] = [{"args": [tensors], "kwargs": {}}]
        layers.append(d)
    if spec.functional:
        ins = [l["name"] for l in spec.layers if l["cls"] == "InputLayer"]
        cfg = {"name": spec.name, "trainable": True, "layers": layers,
               "input_layers": [ins[0], 0, 0], "output_layers": [spec.layers[-1]["name"], 0, 0]}
        cls, module = "Functional", "keras.src.models.functional"
    else:
        cfg = {"name": spec.name, "trainable": True, "dtype": layer_cfg({"name": "", "cfg": {}, "cls": ""}, True)["dtype"],
               "layers": layers, "build_input_shape": batch}
        cls, module = "Sequential", "keras"
    return {"module": module, "class_name": cls, "config": cfg, "registered_name": None,
            "build_config": {"input_shape": batch}, "compile_config": None}


# ------------------------------------------------------------------ writers

def model_layers(spec, keras3):
    """model.layers: Sequential omits its InputLayer (sequential.py 258-265)."""
    if spec.functional:
        return spec.layers
    return [l for l in spec.layers if l["cls"] != "InputLayer"]


def write_k2_weights(group, spec, big_endian=False, gzip=False):
    layers = model_layers(spec, False)
    group.attrs["layer_names"] = np.asarray([l["name"].encode("utf8") for l in layers])
    group.attrs["backend"] = b"tensorflow"
    group.attrs["keras_version"] = b"2.15.0"
    for l in sorted(layers, key=lambda l: l["name"]):
        g = group.create_group(l["name"])
        pairs = nested_weights_k2(l) if l["cls"] == "Functional" else list(zip(weight_names_k2(l), l["w"]))
        names = [n.encode("utf8") for n, _ in pairs]
        g.attrs["weight_names"] = np.asarray(names) if names else np.asarray([])
        for n, v in zip(names, [v for _, v in pairs]):
            if big_endian:
                v = v.astype(">f4")
            if gzip:
                ds = g.create_dataset(n, data=v, chunks=True, compression="gzip", shuffle=True)
            else:
                ds = g.create_dataset(n, v.shape, dtype=v.dtype)
                if not v.shape:
                    ds[()] = v
                else:
                    ds[:] = v


def write_h5(spec, path, **kw):
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = "2.15.0"
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = json.dumps(keras2_config(spec)).encode("utf8")
        f.attrs["training_config"] = json.dumps({"loss": "binary_crossentropy", "metrics": ["acc"],
                                                 "optimizer_config": {"class_name": "RMSprop",
                                                                      "config": {"learning_rate": 1e-4}}}).encode("utf8")
        write_k2_weights(f.create_group("model_weights"), spec, **kw)


def k3_layers(f, prefix, spec):
    used = {}
    for l in model_layers(spec, True):
        s = snake(l["cls"])
        if s in used:
            used[s] += 1
            s = "%s_%d" % (s, used[s])
        else:
            used[s] = 0
        g = f.create_group(prefix + "layers/" + s)
        v = g.create_group("vars")
        v.attrs["name"] = l["name"]
        for i, w in enumerate(l["w"]):
            v[str(i)] = w
        if l["cls"] == "Functional":  # a nested model's own layers
            k3_layers(f, prefix + "layers/" + s + "/", l["sub"])


def k3_weights_bytes(spec):
    bio = io.BytesIO()
    with h5py.File(bio, "w") as f:
        f.create_group("vars").attrs["name"] = spec.name
        k3_layers(f, "", spec)
    return bio.getvalue()


def write_keras(spec, path, shapes):
    # Keras' zf.writestr stamps the current time; a fixed one keeps the
    # fixtures reproducible.
    def entry(name):
        return zipfile.ZipInfo(name, date_time=(2026, 11, 29, 10, 0, 0))
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(entry("metadata.json"), json.dumps({"keras_version": "3.3.3", "date_saved": "2026-11-29@10:00:00"}))
        zf.writestr(entry("config.json"), json.dumps(keras3_config(spec, shapes)))
        zf.writestr(entry("model.weights.h5"), k3_weights_bytes(spec))


def shapes_of(spec):
    x = torch.zeros([1] + spec.input_shape)
    shapes = {l["name"]: spec.input_shape for l in spec.layers if l["cls"] == "InputLayer"}
    for name, h in forward(spec, x):
        shapes[name] = list(h.shape[1:])
    return shapes


# ------------------------------------------------------------------- models

def tutorial(size, filters, dense, k3_names, seed=1):
    """The Keras tutorial's convnet (GUIDE §2); size, filters and dense units scaled."""
    s = Spec("sequential_1", [size, size, 3], False, seed)
    n = (lambda base, i: base if i == 1 else "%s_%d" % (base, i - 1)) if k3_names else \
        (lambda base, i: "%s_%d" % (base, i))
    s.add("InputLayer", "conv2d_1_input" if not k3_names else "input_layer")
    cin = 3
    for i, f in enumerate(filters, 1):
        s.add("Conv2D", n("conv2d", i), {"filters": f, "kernel_size": [3, 3], "strides": [1, 1],
                                         "padding": "valid", "dilation_rate": [1, 1], "activation": "relu"},
              w=conv_w(s, 3, 3, cin, f))
        s.add("MaxPooling2D", n("max_pooling2d", i), {"pool_size": [2, 2], "strides": [2, 2], "padding": "valid"})
        cin = f
    s.add("Flatten", n("flatten", 1))
    side = size
    for _ in filters:
        side = (side - 2) // 2
    s.add("Dense", n("dense", 1), {"units": dense, "activation": "relu"}, w=[s.rand(side * side * cin, dense), s.rand(dense, scale=0.1)])
    s.add("Dense", n("dense", 2), {"units": 1, "activation": "sigmoid"}, w=[s.rand(dense, 1), s.rand(1, scale=0.1)])
    return s


def branch():
    """A functional model with a branch, a merge, depthwise, separable (relu6) and batch norm."""
    s = Spec("functional_1", [16, 16, 3], True, 2)
    i = s.add("InputLayer", "input_1")
    r = s.add("Rescaling", "rescaling", {"scale": 1 / 255, "offset": 0.0}, [i])
    a = s.add("Conv2D", "conv_a", {"filters": 8, "kernel_size": [3, 3], "padding": "same", "activation": "relu"}, [r],
              conv_w(s, 3, 3, 3, 8))
    b = s.add("DepthwiseConv2D", "depthwise", {"kernel_size": [3, 3], "padding": "same", "depth_multiplier": 2}, [a],
              [s.rand(3, 3, 8, 2, scale=0.3), s.rand(16, scale=0.1)])
    b = s.add("BatchNormalization", "bn", {"axis": -1, "epsilon": 0.001, "momentum": 0.99}, [b],
              [s.rand(16, scale=0.5, positive=True), s.rand(16, scale=0.1), s.rand(16, scale=0.1),
               s.rand(16, scale=0.2, positive=True)])
    b = s.add("ReLU", "relu6", {"max_value": 6.0, "negative_slope": 0.0, "threshold": 0.0}, [b])
    c = s.add("Conv2D", "conv_c", {"filters": 16, "kernel_size": [1, 1], "activation": "linear"}, [a],
              conv_w(s, 1, 1, 8, 16))
    m = s.add("Add", "add", {}, [b, c])
    m = s.add("Concatenate", "concat", {"axis": -1}, [m, a])
    m = s.add("ZeroPadding2D", "pad", {"padding": [[1, 0], [1, 0]]}, [m])
    m = s.add("Conv2D", "conv_s2", {"filters": 12, "kernel_size": [3, 3], "strides": [2, 2], "activation": "relu"}, [m],
              conv_w(s, 3, 3, 24, 12))
    m = s.add("MaxPooling2D", "pool", {"pool_size": [2, 2], "strides": [2, 2], "padding": "valid"}, [m])
    m = s.add("SeparableConv2D", "sep", {"filters": 12, "kernel_size": [3, 3], "padding": "same",
                                        "depth_multiplier": 2, "activation": "relu6"}, [m],
              [s.rand(3, 3, 12, 2, scale=0.3), s.rand(1, 1, 24, 12), s.rand(12, scale=0.1)])
    m = s.add("AveragePooling2D", "avg", {"pool_size": [2, 2], "strides": [1, 1], "padding": "same"}, [m])
    m = s.add("GlobalAveragePooling2D", "gap", {}, [m])
    m = s.add("Dense", "fc", {"units": 10}, [m], [s.rand(12, 10), s.rand(10, scale=0.1)])
    m = s.add("Activation", "tanh", {"activation": "tanh"}, [m])
    m = s.add("Dropout", "drop", {"rate": 0.3}, [m])
    s.add("Dense", "out", {"units": 3, "activation": "softmax"}, [m], [s.rand(10, 3), s.rand(3, scale=0.1)])
    return s


def bn_seq():
    """A grayscale Sequential model with a Reshape, Normalization and BatchNormalization (center=False)."""
    s = Spec("sequential", [100], False, 3)
    s.add("InputLayer", "input_layer")
    s.add("Reshape", "reshape", {"target_shape": [10, 10, 1]})
    # Normalization after adapt(): variables mean, variance and an int64 count.
    s.add("Normalization", "normalization", {"axis": -1, "invert": False},
          w=[np.array([0.4], np.float32), np.array([0.09], np.float32), np.array(100, np.int64)])
    s.add("Conv2D", "conv2d", {"filters": 4, "kernel_size": [3, 3], "use_bias": False}, w=conv_w(s, 3, 3, 1, 4, bias=False))
    s.add("BatchNormalization", "batch_normalization", {"axis": -1, "epsilon": 0.001, "center": False, "scale": True},
          w=[s.rand(4, scale=0.5, positive=True), s.rand(4, scale=0.1), s.rand(4, scale=0.2, positive=True)])
    s.add("ReLU", "re_lu", {})
    s.add("MaxPooling2D", "max_pooling2d", {"pool_size": [2, 2], "strides": [2, 2], "padding": "valid"})
    s.add("Flatten", "flatten")
    s.add("Dense", "dense", {"units": 1, "activation": "sigmoid"}, w=[s.rand(64, 1), s.rand(1, scale=0.1)])
    return s


def transfer():
    """Keras' transfer-learning recipe, small: Sequential([conv_base, Flatten, Dense, Dense])
    where conv_base is a functional model (with BatchNormalization)."""
    base = Spec("conv_base", [20, 20, 3], True, 6)
    i = base.add("InputLayer", "input_base")
    x = base.add("Conv2D", "block1_conv1", {"filters": 8, "kernel_size": [3, 3], "padding": "same", "activation": "relu"}, [i],
                 conv_w(base, 3, 3, 3, 8))
    x = base.add("BatchNormalization", "block1_bn", {"axis": -1, "epsilon": 0.001}, [x],
                 [base.rand(8, scale=0.5, positive=True), base.rand(8, scale=0.1), base.rand(8, scale=0.1),
                  base.rand(8, scale=0.2, positive=True)])
    x = base.add("MaxPooling2D", "block1_pool", {"pool_size": [2, 2], "strides": [2, 2], "padding": "valid"}, [x])
    base.add("Conv2D", "block2_conv1", {"filters": 8, "kernel_size": [3, 3], "activation": "relu"}, [x],
             conv_w(base, 3, 3, 8, 8))
    s = Spec("sequential_2", [20, 20, 3], False, 7)
    s.layers.append(dict(cls="Functional", name="conv_base", cfg={}, inputs=[], w=[], sub=base))
    s.add("Flatten", "flatten_2")
    s.add("Dense", "dense_3", {"units": 16, "activation": "relu"}, w=[s.rand(8 * 8 * 8, 16), s.rand(16, scale=0.1)])
    s.add("Dense", "dense_4", {"units": 1, "activation": "sigmoid"}, w=[s.rand(16, 1), s.rand(1, scale=0.1)])
    return s


def unsupported():
    s = Spec("model", [4, 4, 1], True, 4)
    i = s.add("InputLayer", "input_1")
    s.add("Lambda", "my_lambda", {"function": ["4wEAAAAAAAAA", None, None], "function_type": "lambda"}, [i])
    return s


def image(spec, seed, scale=255.0):
    rng = np.random.default_rng(seed)
    return (rng.random([1] + spec.input_shape) * scale).astype(np.float32)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--tutorial":
        write_h5(tutorial(150, [32, 64, 128, 128], 512, False), sys.argv[2])
        return
    t2 = tutorial(46, [8, 16, 32, 32], 64, False)
    t3 = tutorial(46, [8, 16, 32, 32], 64, True)
    x = image(t2, 10, 1.0)  # pixels already rescaled by 1/255
    write_h5(t2, "tutorial_small.h5")
    write_keras(t3, "tutorial_small.keras", shapes_of(t3))
    write_reference(t2, x, "tutorial_small")
    # Weights only: model.to_json() and model.save_weights, Keras 2 and 3.
    with open("tutorial_small.json", "w") as f:
        json.dump(keras2_config(t2), f)
    with h5py.File("tutorial_small.weights_k2.h5", "w") as f:
        write_k2_weights(f, t2)
    with open("tutorial_small.weights.h5", "wb") as f:
        f.write(k3_weights_bytes(t3))
    with open("tutorial_small.config.json", "w") as f:
        json.dump(keras3_config(t3, shapes_of(t3)), f)

    b = branch()
    write_h5(b, "branch.h5")
    write_h5(b, "branch_be_gzip.h5", big_endian=True, gzip=True)
    write_keras(b, "branch.keras", shapes_of(b))
    write_reference(b, image(b, 11), "branch")

    s = bn_seq()
    write_h5(s, "bn_seq.h5")
    write_keras(s, "bn_seq.keras", shapes_of(s))
    write_reference(s, image(s, 12, 1.0), "bn_seq")

    tr = transfer()
    write_h5(tr, "transfer.h5")
    write_keras(tr, "transfer.keras", shapes_of(tr))
    write_reference(tr, image(tr, 13, 1.0), "transfer")

    u = unsupported()
    with h5py.File("lambda.h5", "w") as f:
        f.attrs["keras_version"] = "2.15.0"
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = json.dumps(keras2_config(u)).encode("utf8")
        write_k2_weights(f.create_group("model_weights"), u)

    # A Keras file whose Dense kernel (13, 1) is patched to declare
    # (2**29, 1) float32 values — 2 GiB — in a file of a few KB.
    h = Spec("sequential", [13], False, 5)
    h.add("InputLayer", "input_layer")
    h.add("Dense", "dense", {"units": 1}, w=[h.rand(13, 1), h.rand(1)])
    write_h5(h, "huge.h5")
    raw = bytearray(open("huge.h5", "rb").read())
    dims = struct.pack("<QQ", 13, 1)
    assert raw.count(dims) == 2  # dims and maxdims
    raw = raw.replace(dims, struct.pack("<QQ", 1 << 29, 1))
    layouts = [k for k in range(len(raw) - 18) if raw[k:k + 2] == b"\x03\x01" and raw[k + 10:k + 18] == struct.pack("<Q", 52)]
    assert len(layouts) == 1, layouts
    raw[layouts[0] + 10:layouts[0] + 18] = struct.pack("<Q", 4 << 29)
    open("huge.h5", "wb").write(bytes(raw))


main()
