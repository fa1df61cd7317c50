#!/usr/bin/env python3
"""Writes the inputs of `examples/bring_your_own.rs`: a model a user trained elsewhere, as an
ONNX file, and their data as NumPy arrays (examples/data/bring_your_own/).

The task stands in for a small trigger regression: the energy of a particle from the 16 cell
energies of a 4 x 4 calorimeter patch, with a cell-dependent response, an energy-dependent
leakage and noise. The model is a 16 -> 32 -> 32 -> 1 MLP trained here in NumPy (Adam, MAE of
the energy), and written as PyTorch's exporter writes a Linear/ReLU stack (Gemm with
transB = 1); there is no PyTorch in the loop, so the file is reproducible from this script
alone (fixed seed).

Usage: python scripts/onnx/make_bring_your_own.py   (needs `onnx` and `numpy`)
"""

import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "data", "bring_your_own")
rng = np.random.default_rng(1204)


def events(n):
    """Cell energies (GeV) and the particle's true energy (GeV)."""
    energy = rng.uniform(5, 100, n)
    # A shower centred somewhere in the patch, spread over the cells.
    cx, cy = rng.uniform(1, 2, n), rng.uniform(1, 2, n)
    ix, iy = np.meshgrid(np.arange(4), np.arange(4), indexing="ij")
    d2 = (ix.ravel()[None] - cx[:, None]) ** 2 + (iy.ravel()[None] - cy[:, None]) ** 2
    share = np.exp(-d2 / 0.8)
    share /= share.sum(1, keepdims=True)
    response = 0.8 + 0.2 * np.cos(np.arange(16))  # cell-dependent response
    leakage = 1 - 0.1 * np.log(energy / 5) / np.log(20)  # more leakage at high energy
    cells = energy[:, None] * share * response[None] * leakage[:, None]
    cells += rng.normal(0, 0.3, cells.shape) * np.sqrt(np.maximum(cells, 0)) + rng.normal(0, 0.05, cells.shape)
    return cells.astype(np.float32), energy.astype(np.float32)


def train(x, y, epochs=200, batch=64, lr=3e-3):
    """A 16-32-32-1 ReLU MLP on inputs and targets scaled by 1/100 (MAE, Adam)."""
    sizes = [16, 32, 32, 1]
    params = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        params += [rng.normal(0, np.sqrt(2 / a), (b, a)), np.zeros(b)]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    xs, ys = x / 100.0, y / 100.0
    step = 0
    for epoch in range(epochs):
        order = rng.permutation(len(xs))
        for i in range(0, len(xs), batch):
            idx = order[i:i + batch]
            h = [xs[idx]]
            for j in range(3):
                z = h[-1] @ params[2 * j].T + params[2 * j + 1]
                h.append(np.maximum(z, 0) if j < 2 else z)
            g = np.sign(h[-1][:, 0] - ys[idx])[:, None] / len(idx)
            grads = [None] * len(params)
            for j in reversed(range(3)):
                grads[2 * j] = g.T @ h[j]
                grads[2 * j + 1] = g.sum(0)
                g = (g @ params[2 * j]) * (h[j] > 0)
            step += 1
            lr_t = lr * 0.5 * (1 + np.cos(np.pi * epoch / epochs))
            for k, (p, gr) in enumerate(zip(params, grads)):
                m[k] = 0.9 * m[k] + 0.1 * gr
                v[k] = 0.999 * v[k] + 0.001 * gr * gr
                p -= lr_t * (m[k] / (1 - 0.9 ** step)) / (np.sqrt(v[k] / (1 - 0.999 ** step)) + 1e-8)
    return params


def predict(params, x):
    h = x / 100.0
    for j in range(3):
        z = h @ params[2 * j].T + params[2 * j + 1]
        h = np.maximum(z, 0) if j < 2 else z
    return h[:, 0] * 100.0


def save_onnx(params, path):
    """The model as PyTorch exports `Linear`s: inputs scaled by 1/100 folded into the first
    layer, the output scaled by 100 folded into the last."""
    w = [p.astype(np.float32) for p in params]
    w[0] = w[0] / 100.0
    w[4], w[5] = w[4] * 100.0, w[5] * 100.0
    inits, nodes, x = [], [], "input"
    for j, name in enumerate(["fc1", "fc2", "out"]):
        inits += [numpy_helper.from_array(w[2 * j], f"{name}.weight"),
                  numpy_helper.from_array(w[2 * j + 1], f"{name}.bias")]
        nodes.append(helper.make_node("Gemm", [x, f"{name}.weight", f"{name}.bias"], [name],
                                      name=name, transB=1))
        x = name
        if j < 2:
            nodes.append(helper.make_node("Relu", [x], [f"relu{j + 1}"], name=f"relu{j + 1}"))
            x = f"relu{j + 1}"
    graph = helper.make_graph(
        nodes, "energy_mlp",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 16])],
        [helper.make_tensor_value_info(x, TensorProto.FLOAT, ["N", 1])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="hwnas-make-bring-your-own")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    x_train, y_train = events(4000)
    x_test, y_test = events(1000)
    params = train(x_train, y_train)
    mae = np.abs(predict(params, x_test) - y_test).mean()
    naive = np.abs(x_test.sum(1) * (y_train.sum() / x_train.sum()) - y_test).mean()
    print(f"float MLP: test MAE {mae:.3f} GeV (calibrated sum: {naive:.3f} GeV)")
    save_onnx(params, os.path.join(OUT, "energy_mlp.onnx"))
    for name, a in [("x_train", x_train), ("y_train", y_train[:, None]),
                    ("x_test", x_test), ("y_test", y_test[:, None])]:
        np.save(os.path.join(OUT, f"{name}.npy"), a)
    print("wrote", sorted(os.listdir(OUT)))
