#!/usr/bin/env python3
"""Converts the public hls4ml synthesis corpus (shared/data/synthesis/calibration_public.csv)
into hwnas IR documents (architecture and types; no weights yet) and one CSV of the published
figures, for the resource model's fidelity test (hwnas-hls/tests/public_corpus.rs).

Every design whose `architecture` column lists its hls4ml layers (`keras_name:nnet_function[...]`,
generated from the committed parameters.h) becomes `<design_id>.json`: Dense, Conv1D/2D (explicit
padding as a ZeroPadding layer before a valid convolution, as hls4ml pads), max/average pooling,
BatchNorm (`normalize`), ReLU, Sigmoid, Softmax, with every type, reuse factor and strategy the
firmware used. hls4ml's `linear` activation (a cast) is folded into the layer before it as its
result type. Designs with layers the IR has no kind for (GRU, LSTM, global pooling) and the
designs described in free text are listed in `unconverted.csv` with the reason; none is dropped
silently. Each kernel layer's number of pruned (zero) weights goes to `published.csv`
(`layer_zeros`): the test gives the model weights with that many zeros; the firmware's weight
values are not read yet.

Where a design's firmware weights are committed (`weights` column) and a snapshot of its
repository is at hand (`--mirrors DIR`, holding `<owner>+<name>/repo` git directories, as the
tool library's `fetch` leaves them), the weights are read from `firmware/weights/w<N>.txt` and
`b<N>.txt` at the report's commit (hls4ml writes them in the IR's layouts, `[n_in][n_out]` and
`[kh][kw][c][filters]`) into `<design_id>.safetensors`; designs that share a model share the
file's content.

Usage: python scripts/corpus/convert.py [--mirrors DIR] [path/to/calibration_public.csv]
"""

import csv
import json
import os
import hashlib
import math
import re
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
ARGS = sys.argv[1:]
MIRRORS = None
if "--mirrors" in ARGS:
    i = ARGS.index("--mirrors")
    MIRRORS = ARGS[i + 1]
    del ARGS[i:i + 2]
SRC = ARGS[0] if ARGS else os.path.join(ROOT, "..", "shared", "data", "synthesis",
                                        "calibration_public.csv")
OUT = os.path.join(ROOT, "hwnas-hls", "tests", "data", "public_corpus")
LAYER = re.compile(r"\s*([^:]+):([a-z_0-9]+)\[(.*)\]\s*$")


class Unsupported(Exception):
    pass


def fields(body):
    """`a=b; c d; ...` as (key=value dict, list of the other items)."""
    kv, items = {}, []
    for part in body.split(";"):
        part = part.strip()
        if "=" in part and not part.startswith("in ") and "->" not in part:
            k, v = part.split("=", 1)
            kv[k.strip()] = v.strip()
        elif part:
            items.append(part)
    return kv, items


def item(items, prefix):
    for it in items:
        if it.startswith(prefix):
            return it
    return None


def rf_strategy(items):
    rf = item(items, "RF ")
    rf = int(rf.split()[1]) if rf else 1
    strategy = "Resource" if "resource" in items else "Latency"
    return rf, strategy


def dims(s):
    return [int(v) for v in s.split("x")]


def unique_name(name, layers):
    """`name` as a C identifier that no layer of `layers` has yet (`_2`, `_3`... appended)."""
    n = re.sub(r"[^A-Za-z0-9_]", "_", name)
    if n[0].isdigit():
        n = "l_" + n
    taken = {l["name"] for l in layers}
    out, i = n, 2
    while out in taken:
        out, i = f"{n}_{i}", i + 1
    return out


def convert(row):
    """The IR document of `row`, its total of pruned weights, and each kernel layer's number of
    pruned (zero) weights."""
    layers, zeros, weights = [], 0, {}

    def kernel_weights(name, shape, n_zero, n_out):
        weights[name] = n_zero

    shape = [int(v) for v in row["input_shape"].replace("x", ",").split(",") if v.strip()]
    rank = len(shape)
    m = re.search(r"input=([^;]+)", row["precision"])
    input_type = m.group(1).strip() if m else "ap_fixed<16,6>"

    def name_of(keras):
        return unique_name(keras, layers)

    for part in row["architecture"].split(" ; "):
        m = LAYER.match(part)
        keras, fn, body = m.group(1), m.group(2), m.group(3)
        kv, items = fields(body)
        precision = {}
        for key, ir in [("weight_t", "weight"), ("scale_t", "weight"), ("bias_t", "bias"),
                        ("accum_t", "accum"), ("out", "result")]:
            if key in kv:
                precision[ir] = kv[key]
        rf, strategy = rf_strategy(items)
        layer = {"name": name_of(keras)}
        if fn == "dense":
            if rank != 1:
                layers.append({"name": name_of(keras + "_flatten"), "kind": "Flatten"})
                rank = 1
            n_in, n_out = (int(v) for v in re.search(r"(\d+)->(\d+)", items[0]).groups())
            layer.update(kind="Dense", units=n_out)
            z = item(items, "zeros ")
            z = int(z.split()[1]) if z else 0
            zeros += z
            kernel_weights(layer["name"], [n_in, n_out], z, n_out)
        elif fn in ("conv_1d_cl", "conv_2d_cl"):
            io = item(items, "in ")
            out = io.split(" out ")[1]
            k = item(items, "k ")
            # "k 3x3 s 1x1 pad t0b0l0r0" or "k 3 s 2 pad l0r0"
            kk = re.match(r"k (\S+) s (\S+) pad (\S+)", k)
            kernel, stride, pad = dims(kk.group(1)), dims(kk.group(2)), kk.group(3)
            p = {c: int(v) for c, v in re.findall(r"([tblr])(\d+)", pad)}
            if any(p.values()):
                if fn == "conv_1d_cl":
                    layers.append({"name": name_of(keras + "_pad"), "kind": "ZeroPadding1D",
                                   "left": p.get("l", 0), "right": p.get("r", 0)})
                else:
                    layers.append({"name": name_of(keras + "_pad"), "kind": "ZeroPadding2D",
                                   "top": p.get("t", 0), "bottom": p.get("b", 0),
                                   "left": p.get("l", 0), "right": p.get("r", 0)})
            filters = dims(out)[-1]
            cin = dims(io.split(" out ")[0][3:])[-1]
            z = item(items, "zeros ")
            z = int(z.split()[1]) if z else 0
            zeros += z
            kernel_weights(layer["name"], kernel + [cin, filters], z, filters)
            if fn == "conv_1d_cl":
                layer.update(kind="Conv1D", filters=filters, kernel=kernel[0], stride=stride[0],
                             padding="valid")
            else:
                layer.update(kind="Conv2D", filters=filters, kernel=kernel, stride=stride,
                             padding="valid")
        elif fn in ("pooling1d_cl", "pooling2d_cl"):
            pp = re.search(r"pool (\S+) s (\S+) nnet::(\w+)", body)
            pool, stride, op = dims(pp.group(1)), dims(pp.group(2)), pp.group(3)
            kind = ("Max" if op == "Max" else "Avg") + ("Pool1D" if fn == "pooling1d_cl" else "Pool2D")
            if fn == "pooling1d_cl":
                layer.update(kind=kind, pool=pool[0])
                if stride[0] != pool[0]:
                    layer["stride"] = stride[0]
            else:
                layer.update(kind=kind, pool=pool)
                if stride != pool:
                    layer["stride"] = stride
            precision = {k: v for k, v in precision.items() if k in ("result", "accum")}
            if kind.startswith("Max"):
                precision.pop("accum", None)
        elif fn == "normalize":
            layer.update(kind="BatchNorm")
        elif fn == "relu":
            layer.update(kind="ReLU")
            precision = {"result": kv["out"]} if "out" in kv else {}
        elif fn == "sigmoid":
            layer.update(kind="Sigmoid")
            if "table_t" in kv:
                layer["table_t"] = kv["table_t"]
            precision = {"result": kv["out"]} if "out" in kv else {}
        elif fn == "softmax":
            layer.update(kind="Softmax")
            for t in ("exp_table_t", "inv_table_t"):
                if t in kv:
                    layer[t] = kv[t]
            precision = {"result": kv["out"]} if "out" in kv else {}
        elif fn == "linear":
            # A cast: its type becomes the result of the layer before it.
            if layers and "out" in kv:
                layers[-1].setdefault("precision", {})["result"] = kv["out"]
                continue
            raise Unsupported("a linear activation with no layer before it")
        else:
            raise Unsupported(f"`{fn}` ({keras}) has no IR kind")
        if precision:
            layer["precision"] = precision
        if layer["kind"] in ("Dense", "Conv1D", "Conv2D"):
            if rf != 1:
                layer["reuse_factor"] = rf
            if strategy != "Latency":
                layer["strategy"] = strategy
        layers.append(layer)
    doc = {
        "format": "hwnas-network",
        "version": 1,
        "name": "d_" + re.sub(r"[^A-Za-z0-9_]", "_", row["design_id"]).lower(),
        "input": {"shape": shape, "type": input_type},
        "default_precision": "ap_fixed<16,6>",
        "type_preset": "name",
        "layers": layers,
    }
    return doc, zeros, weights


Q_TYPE = "ap_fixed<6,1>"  # QKeras quantized_bits(6,0,alpha=1), as hls4ml types it
QRELU_TYPE = "ap_ufixed<6,0>"  # QKeras quantized_relu(6)
SHAPE = re.compile(r"(\d+(?:x\d+)*)")


def convert_text(row):
    """The IR document of a design whose `architecture` is written out in words (the hls4ml
    tutorial, notebook and CI rows: `Input 16 ; Dense fc1 16->64 ; ReLU ; ...`), with the same
    return values as `convert`. Types not written in a layer are the model precision
    (`ap_fixed<16,6>`, hls4ml's default); QKeras layers get the types the `precision` column
    names (6-bit kernels `ap_fixed<6,1>`, `quantized_relu(6)` outputs `ap_ufixed<6,0>`)."""
    layers, weights = [], {}
    shape = [int(v) for v in row["input_shape"].split("x")]
    m = re.search(r"default_precision='fixed<(\d+),(\d+)>'", row["precision"])
    default = f"ap_fixed<{m.group(1)},{m.group(2)}>" if m else "ap_fixed<16,6>"
    rf = int(re.match(r"\s*(\d+)", row["reuse_factor"]).group(1))
    strategy = row["strategy"] if row["strategy"] in ("Latency", "Resource") else "Latency"
    sparsity = re.search(r"(\d+)% sparsity", row["notes"])
    sparsity = int(sparsity.group(1)) / 100 if sparsity else 0.0
    zeros = 0

    def name_of(base):
        return unique_name(base, layers)

    def kernel_layer(layer, n):
        nonlocal zeros
        z = round(sparsity * n)
        zeros += z
        weights[layer["name"]] = z
        if rf != 1:
            layer["reuse_factor"] = rf
        if strategy != "Latency":
            layer["strategy"] = strategy

    parts = [p.strip() for p in row["architecture"].split(" ; ")]
    for part in parts:
        words = part.split()
        head = words[0]
        quant = head.startswith("Q") and head != "QActivation" or "quantized_bits" in part \
            or "6-bit" in part
        if head == "Input":
            continue
        if head.startswith("Depthwise") or head.startswith("Separable"):
            raise Unsupported(f"`{head}` has no IR kind")
        if head in ("Dense", "QDense"):
            n_in, n_out = (int(v) for v in re.search(r"(\d+)->(\d+)", part).groups())
            if len(shape) != 1:
                layers.append({"name": name_of("flatten"), "kind": "Flatten"})
                shape = [math.prod(shape)]
            layer = {"name": name_of(words[1]), "kind": "Dense", "units": n_out}
            if "no-bias" in part or "no bias" in part:
                layer["use_bias"] = False
            if quant and "float->" not in part:
                layer["precision"] = {"weight": Q_TYPE}
                if layer.get("use_bias", True):
                    layer["precision"]["bias"] = Q_TYPE
            kernel_layer(layer, n_in * n_out)
            shape = [n_out]
        elif head.startswith(("Conv1D", "Conv2D", "QConv1D", "QConv2D")):
            two = "2D" in head
            f = re.search(r"(\d+)f (\d+(?:x\d+)?)", part)
            filters, k = int(f.group(1)), dims(f.group(2))
            s = re.search(r"(?:\bs|stride )(\d+(?:x\d+)?)\b", part)
            stride = dims(s.group(1)) if s else [1]
            padding = "same" if "same" in part else "valid"
            named = words[1] if not re.match(r"\d+f$", words[1]) else head.lower()
            layer = {"name": name_of(named), "kind": "Conv2D" if two else "Conv1D",
                     "filters": filters}
            if two:
                k = k * 2 if len(k) == 1 else k
                stride = stride * 2 if len(stride) == 1 else stride
                layer.update(kernel=k, stride=stride, padding=padding)
            else:
                layer.update(kernel=k[0], stride=stride[0], padding=padding)
            if "no-bias" in part or "no bias" in part:
                layer["use_bias"] = False
            if quant:
                layer["precision"] = {"weight": Q_TYPE}
                if layer.get("use_bias", True):
                    layer["precision"]["bias"] = Q_TYPE
            kernel_layer(layer, math.prod(k) * shape[-1] * filters)
            shape = next_shape(layer, shape) if padding == "valid" else \
                [-(-shape[i] // (layer["stride"][i] if two else layer["stride"])) for i in
                 range(len(shape) - 1)] + [filters]
        elif re.match(r"(Max|Average)Pool(ing)?[12]D", head):
            pm = re.match(r"(Max|Average)Pool(?:ing)?([12])D", head)
            kind = ("Max" if pm.group(1) == "Max" else "Avg") + f"Pool{pm.group(2)}D"
            pool = re.search(r"(?:pool )?(\d+(?:x\d+)?)", part[len(pm.group(0)):])
            pool = dims(pool.group(1))
            st = re.search(r"stride (\d+(?:x\d+)?)", part)
            stride = dims(st.group(1)) if st else pool
            padding = "same" if "same" in part else "valid"
            layer = {"name": name_of(kind.lower()), "kind": kind}
            if pm.group(2) == "2":
                pool = pool * 2 if len(pool) == 1 else pool
                stride = stride * 2 if len(stride) == 1 else stride
                layer.update(pool=pool)
                if stride != pool:
                    layer["stride"] = stride
            else:
                layer.update(pool=pool[0])
                if stride != pool:
                    layer["stride"] = stride[0]
            if padding == "same":
                layer["padding"] = "same"
                shape = [-(-shape[i] // stride[i]) for i in range(len(shape) - 1)] + [shape[-1]]
            else:
                shape = [(shape[i] - pool[i]) // stride[i] + 1 for i in range(len(shape) - 1)] \
                    + [shape[-1]]
        elif head == "Flatten":
            layers.append({"name": name_of("flatten"), "kind": "Flatten"})
            shape = [math.prod(shape)]
            continue
        elif head == "BatchNormalization":
            layer = {"name": name_of(words[1]), "kind": "BatchNorm"}
        elif "quantized_relu" in part:
            layer = {"name": name_of("relu"), "kind": "ReLU", "precision": {"result": QRELU_TYPE}}
        elif head in ("ReLU", "Activation('relu')"):
            layer = {"name": name_of("relu"), "kind": "ReLU"}
        elif head == "Activation('sigmoid')":
            layer = {"name": name_of("sigmoid"), "kind": "Sigmoid"}
        elif head.startswith("ELU"):
            layer = {"name": name_of("elu"), "kind": "ELU"}
        elif head.startswith("LeakyReLU"):
            a = re.search(r"alpha=([0-9.]+)", part)
            layer = {"name": name_of("leaky_relu"), "kind": "LeakyReLU",
                     "alpha": float(a.group(1)) if a else 0.3}
        elif head.startswith("PReLU"):
            layer = {"name": name_of("prelu"), "kind": "PReLU"}
        elif head == "Softmax":
            layer = {"name": name_of("softmax"), "kind": "Softmax"}
        else:
            raise Unsupported(f"`{head}` in the free-text architecture is not understood")
        layers.append(layer)
    doc = {
        "format": "hwnas-network",
        "version": 1,
        "name": "d_" + re.sub(r"[^A-Za-z0-9_]", "_", row["design_id"]).lower(),
        "input": {"shape": [int(v) for v in row["input_shape"].split("x")], "type": default},
        "default_precision": default,
        "type_preset": "model",
        "layers": layers,
    }
    return doc, zeros, weights


def stand_in(row):
    """How the test draws stand-in weights for a design whose weights were not committed: the
    initialiser the architecture names (CI tests), else Keras's default `glorot_uniform` (the
    tutorial and notebook models were trained from it; trained values keep its scale), and
    `+zero_slopes` where PReLU slopes start (and stay) at zero."""
    m = re.search(r"RandomUniform\((-?[0-9.]+),\s*(-?[0-9.]+)\)", row["architecture"])
    if m:
        init = f"uniform:{m.group(1)}:{m.group(2)}"
    elif "lecun_uniform" in row["architecture"]:
        init = "lecun_uniform"
    else:
        init = "glorot_uniform"
    # PReLU slopes initialised to zero (and never trained: the CI models are not fitted).
    if "alpha_initializer='zeros'" in row["architecture"]:
        init += "+zero_slopes"
    return init


def clock_uncertainty(row):
    """The clock uncertainty the project's Tcl set: hls4ml's Vitis backend writes 27 %, its
    Vivado backend (which the `ArgyKokk` projects drove Vitis HLS 2021.1 with, `build_prj.tcl`)
    12.5 %."""
    notes = row["notes"].lower()
    return 0.27 if "backend vitis" in notes or "vitis backend" in notes else 0.125


def git_show(repo_dir, commit, path):
    r = subprocess.run(["git", "--git-dir", repo_dir, "show", f"{commit}:{path}"],
                       capture_output=True, text=True)
    return r.stdout if r.returncode == 0 else None


def committed_weights(row, doc):
    """The firmware's weights of `row` as `{tensor: (shape, values)}`, or None."""
    if not MIRRORS or not row["weights"].endswith("files)"):
        return None
    owner_name = row["source_repo"].rstrip("/").split("github.com/")[-1].replace("/", "+")
    repo_dir = os.path.join(MIRRORS, owner_name, "repo")
    if not os.path.isdir(repo_dir):
        return None
    wdir = row["weights"].split(" ")[0].rstrip("/")
    listing = subprocess.run(["git", "--git-dir", repo_dir, "ls-tree", "--name-only",
                              row["commit"], wdir + "/"], capture_output=True, text=True).stdout
    index = sorted(int(m.group(1)) for m in re.finditer(r"/w(\d+)\.txt", listing))
    scales = sorted(int(m.group(1)) for m in re.finditer(r"/s(\d+)\.txt", listing))
    kernels = [l for l in doc["layers"] if l["kind"] in ("Dense", "Conv1D", "Conv2D")]
    norms = [l for l in doc["layers"] if l["kind"] == "BatchNorm"]
    if len(index) != len(kernels) or len(scales) != len(norms):
        return None

    def read(name):
        text = git_show(repo_dir, row["commit"], f"{wdir}/{name}")
        return None if text is None else [float(v) for v in text.replace("\n", " ").split(",")
                                          if v.strip()]
    shape, out = list(doc["input"]["shape"]), {}
    for layer in doc["layers"]:
        if layer["kind"] == "Dense":
            wshape = [shape[0], layer["units"]]
        elif layer["kind"] in ("Conv1D", "Conv2D"):
            k = layer["kernel"] if isinstance(layer["kernel"], list) else [layer["kernel"]]
            wshape = k + [shape[-1], layer["filters"]]
        elif layer["kind"] == "BatchNorm":
            # hls4ml keeps a BatchNorm as scale and bias: gamma = scale, beta = bias, with a
            # mean of 0 and a variance of 1 - epsilon (the IR's default epsilon, 1e-3).
            n = scales.pop(0)
            scale, bias = read(f"s{n}.txt"), read(f"b{n}.txt")
            if scale is None or bias is None or len(scale) != shape[-1] or len(bias) != shape[-1]:
                return None
            c = shape[-1]
            out[f"{layer['name']}.gamma"] = ([c], scale)
            out[f"{layer['name']}.beta"] = ([c], bias)
            out[f"{layer['name']}.mean"] = ([c], [0.0] * c)
            out[f"{layer['name']}.variance"] = ([c], [1.0 - 1e-3] * c)
            wshape = None
        else:
            wshape = None
        if wshape is not None:
            n = index.pop(0)
            weight, bias = read(f"w{n}.txt"), read(f"b{n}.txt")
            if weight is None or bias is None or len(weight) != math.prod(wshape) \
                    or len(bias) != wshape[-1]:
                return None
            out[f"{layer['name']}.weight"] = (wshape, weight)
            out[f"{layer['name']}.bias"] = ([wshape[-1]], bias)
        shape = next_shape(layer, shape)
    return out


def next_shape(layer, shape):
    """The output shape of `layer` (channels-last) for the layers the converter writes."""
    kind = layer["kind"]
    if kind == "Dense":
        return [layer["units"]]
    if kind == "Flatten":
        return [math.prod(shape)]
    if kind in ("ZeroPadding1D",):
        return [shape[0] + layer["left"] + layer["right"], shape[1]]
    if kind in ("ZeroPadding2D",):
        return [shape[0] + layer["top"] + layer["bottom"], shape[1] + layer["left"] + layer["right"],
                shape[2]]
    if kind in ("Conv1D", "Conv2D", "MaxPool1D", "AvgPool1D", "MaxPool2D", "AvgPool2D"):
        k = layer.get("kernel", layer.get("pool"))
        k = k if isinstance(k, list) else [k]
        s = layer.get("stride", k)
        s = s if isinstance(s, list) else [s]
        c = layer.get("filters", shape[-1])
        return [(shape[i] - k[i]) // s[i] + 1 for i in range(len(k))] + [c]
    return shape


def write_safetensors(path, weights):
    """`weights` as a safetensors file (little-endian F32), written through a temporary file."""
    header, blobs, offset = {}, [], 0
    for name in sorted(weights):
        shape, vals = weights[name]
        blob = struct.pack(f"<{len(vals)}f", *vals)
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    os.replace(path + ".tmp", path)


def main():
    rows = [r for r in csv.DictReader(l for l in open(SRC) if not l.startswith("#"))]
    totals = [r for r in rows if r["row_type"] == "total"]
    os.makedirs(OUT, exist_ok=True)
    published, skipped, done = [], [], set()
    # Pruning is a fact of the design, not of one report: a synthesis row whose notes do not
    # repeat it takes it from the design's csynth row.
    pruned = {}
    for r in totals:
        parts = r["architecture"].split(" ; ")
        try:
            if all(LAYER.match(p) for p in parts):
                doc, zeros, weights = convert(r)
            else:
                doc, zeros, weights = convert_text(r)
        except Unsupported as e:
            skipped.append((r["design_id"], r["target"], str(e)))
            continue
        if zeros == 0 and r["design_id"] in pruned:
            zeros, weights = pruned[r["design_id"]]
        elif zeros:
            pruned.setdefault(r["design_id"], (zeros, weights))
        if r["design_id"] not in done:
            committed = committed_weights(r, doc)
            if committed:
                # One file per distinct set of weights (the variants of a model share it).
                key = hashlib.sha256(json.dumps(committed, sort_keys=True).encode()).hexdigest()
                doc["weights"] = f"weights_{key[:12]}.safetensors"
                path = os.path.join(OUT, doc["weights"])
                if not os.path.exists(path):
                    write_safetensors(path, committed)
            with open(os.path.join(OUT, f"{r['design_id']}.json"), "w") as f:
                json.dump(doc, f, indent=1)
                f.write("\n")
            done.add(r["design_id"])
        published.append({
            "design_id": r["design_id"], "target": r["target"], "io_type": r["io_type"],
            "strategy": r["strategy"], "part": r["part"], "clock_ns": r["clock_ns"],
            "tool": r["tool"], "tool_version": r["tool_version"],
            "latency_max": r["latency_max"], "ii_max": r["ii_max"], "bram18": r["bram18"],
            "dsp": r["dsp"], "ff": r["ff"], "lut": r["lut"], "zeros": zeros,
            # `config_op mul -impl fabric` in the project's Tcl: every multiplier in LUTs.
            "mul_impl": "fabric" if "mul -impl fabric" in r["flags"] else "auto",
            # Pruned weights per kernel layer (`name:count`), for the test to place.
            "layer_zeros": " ".join(f"{k}:{v}" for k, v in weights.items()),
            "stand_in": "committed" if "weights" in doc else stand_in(r),
            "clock_uncertainty": clock_uncertainty(r),
            "flags": r["flags"],
            "source_repo": r["source_repo"], "commit": r["commit"], "report_path": r["report_path"],
        })
    with open(os.path.join(OUT, "published.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(published[0].keys()))
        w.writeheader()
        w.writerows(published)
    with open(os.path.join(OUT, "unconverted.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["design_id", "target", "reason"])
        w.writerows(skipped)
    print(f"{len(done)} designs ({len(published)} report rows) converted, {len(skipped)} rows not")


if __name__ == "__main__":
    main()
