#!/usr/bin/env python3
"""Feeds an hwnas QONNX export to hls4ml's own QONNX converter, compiles hls4ml's C++ and
compares its predictions with hwnas's emulator (`hwnas emulate`), output by output.

    python scripts/onnx/check_with_hls4ml.py MODEL.onnx NET.json INPUTS.npy [INPUT_TYPE]

MODEL.onnx is `hwnas export NET.json --out MODEL.onnx`; INPUTS.npy holds samples channels-last
as hwnas reads them (the first 200 are used). hls4ml keeps its input layer at the configured
default precision instead of the export's input Quant, so INPUT_TYPE (e.g. "fixed<16,7,TRN,SAT>",
the network's `input_type`) sets it; without it, inputs beyond the default's range wrap in
hls4ml's input and those samples differ.

Needs hls4ml (1.3), qonnx, onnx and g++ (hls4ml's compile), and cargo for the emulator.
"""

import os
import subprocess
import sys
import tempfile

import numpy as np
import hls4ml
from qonnx.core.modelwrapper import ModelWrapper
from qonnx.transformation.channels_last import ConvertToChannelsLastAndClean
from qonnx.transformation.gemm_to_matmul import GemmToMatMul
from qonnx.util.cleanup import cleanup_model

model_path, net_path, inputs_path = sys.argv[1:4]
input_type = sys.argv[4] if len(sys.argv) > 4 else None
x = np.load(inputs_path)[:200]

m = cleanup_model(ModelWrapper(model_path))
m = m.transform(ConvertToChannelsLastAndClean())
m = cleanup_model(m.transform(GemmToMatMul()))
cfg = hls4ml.utils.config.config_from_onnx_model(m, granularity="name", backend="Vitis")
if input_type:
    first = next(iter(cfg["LayerName"]))
    cfg["LayerName"][first]["Precision"] = {"result": input_type}
tmp = tempfile.mkdtemp(prefix="hwnas-hls4ml-")
hm = hls4ml.converters.convert_from_onnx_model(
    m, output_dir=os.path.join(tmp, "prj"), io_type="io_parallel", backend="Vitis", hls_config=cfg)
hm.compile()
y = np.asarray(hm.predict(np.ascontiguousarray(x.astype(np.float32))), dtype=np.float64)
y = y.reshape(len(x), -1)

np.save(os.path.join(tmp, "x.npy"), x)
out = os.path.join(tmp, "emulated.csv")
subprocess.run(["cargo", "run", "--release", "-q", "--", "emulate", net_path, "--input",
                os.path.join(tmp, "x.npy"), "--output", out], check=True)
e = np.loadtxt(out, delimiter=",", ndmin=2).reshape(len(x), -1)
differ = int((y != e).sum())
print(f"hls4ml's conversion of {model_path} vs hwnas's emulator: {differ} of {y.size} outputs differ")
sys.exit(1 if differ else 0)
