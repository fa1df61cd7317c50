#!/usr/bin/env python3
"""Runs QONNX's reference executor on hwnas's exports (hwnas-onnx/tests/exports/<name>.onnx,
written by `HWNAS_BLESS=1 cargo test --release -p hwnas-onnx --test qonnx_exec`) with the
inputs the test generates (200 samples on the input type's grid from a 64-bit LCG, seed 3,
channels-last as hwnas reads them) and writes its outputs (<name>.qonnx.npy, float64) for the
test to compare with the emulator.

Usage: python scripts/onnx/run_qonnx.py   (needs `qonnx`, `onnx`, `numpy`)
"""

import glob
import os

import numpy as np
from onnx import numpy_helper
from qonnx.core.modelwrapper import ModelWrapper
from qonnx.core.onnx_exec import execute_onnx
from qonnx.transformation.infer_shapes import InferShapes

DIR = os.path.join(os.path.dirname(__file__), "..", "..", "hwnas-onnx", "tests", "exports")

def inputs(model, count, seed):
    """The test's inputs: raw integers of the input Quant's type over half its range."""
    init = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    quant = next(n for n in model.graph.node if n.op_type == "Quant")
    scale, bits = float(init[quant.input[1]]), int(init[quant.input[3]])
    half = 1 << (bits - 1)
    s, out, mask = seed, [], (1 << 64) - 1
    for _ in range(count):
        s = (s * 6364136223846793005 + 1442695040888963407) & mask
        out.append(((s >> 40) % half - half // 2) * scale)
    return np.array(out, dtype=np.float64)


for path in sorted(glob.glob(os.path.join(DIR, "*.onnx"))):
    name = os.path.basename(path)[:-5]
    model = ModelWrapper(path)
    inp = model.graph.input[0]
    dims = [d.dim_value for d in inp.type.tensor_type.shape.dim][1:]
    n = 200
    x = inputs(model, n * int(np.prod(dims)), seed=3).reshape(n, -1)
    # hwnas's rows are channels-last; the export's input is channels-first.
    if len(dims) > 1:
        x = x.reshape(n, *dims[1:], dims[0])
        x = np.moveaxis(x, -1, 1)
    x = x.reshape(n, *dims).astype(np.float32)
    model.set_tensor_shape(inp.name, [n, *dims])
    for out in model.graph.output:
        out.type.tensor_type.shape.dim[0].dim_value = n
    model = model.transform(InferShapes())
    y = execute_onnx(model, {inp.name: x})[model.graph.output[0].name]
    np.save(os.path.join(DIR, f"{name}.qonnx.npy"), y.reshape(n, -1).astype(np.float64))
    print(f"{name}: {n} samples -> {y.shape}")
