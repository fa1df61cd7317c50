#!/usr/bin/env python3
"""Writes the small ONNX/QONNX models of hwnas-onnx's tests (hwnas-onnx/tests/models/).

Each model is built node by node with `onnx.helper`, laid out the way its exporter writes it:
PyTorch (`torch.onnx.export`: channels-first, Gemm with transB=1, Flatten of NCHW maps,
BatchNormalization, Pad, Resize), tf2onnx for Keras (a channels-last input transposed to
channels-first, MatMul + Add, a Transpose back before the Reshape), and QONNX as Brevitas
and QKeras write it (Quant nodes with power-of-two scales on the input, the weights, the biases
and the activations; BipolarQuant weights; Trunc after an average).

Weights come from a fixed seed, so running the script again writes the same files. For the
QONNX model, whose custom ops ONNX runtimes do not run, the script also writes 64 inputs and
the outputs of QONNX's reference semantics (`Quant`: clamp(round(x / scale)) * scale, with
NumPy's round-half-even; `BipolarQuant`: sign(x) * scale; `Trunc` version 2: the low bits dropped by the output scale), as
`<model>.inputs.npy` and `<model>.expected.npy`.

Usage: python scripts/onnx/make_models.py   (needs `onnx` and `numpy`; `onnxruntime`, if
present, checks every float model).
"""

import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "hwnas-onnx", "tests", "models")
QONNX = "qonnx.custom_op.general"
rng = np.random.default_rng(20261204)


class Graph:
    def __init__(self, name):
        self.name = name
        self.nodes = []
        self.inits = []
        self.count = 0

    def const(self, name, array):
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def weight(self, name, shape, scale=0.5):
        return self.const(name, (rng.standard_normal(shape) * scale).astype(np.float32))

    def node(self, op, inputs, name=None, domain="", **attrs):
        self.count += 1
        name = name or f"{op.lower()}_{self.count}"
        self.nodes.append(helper.make_node(op, inputs, [name], name=name, domain=domain, **attrs))
        return name

    def quant(self, x, bits, frac, signed=1, narrow=0, name=None):
        s = self.const(f"{name or x}_scale", np.float32(2.0 ** -frac))
        z = self.const(f"{name or x}_zeropt", np.float32(0))
        b = self.const(f"{name or x}_bits", np.float32(bits))
        return self.node("Quant", [x, s, z, b], name=name, domain=QONNX,
                         signed=signed, narrow=narrow, rounding_mode="ROUND")

    def save(self, input_shape, output, output_shape, qonnx=False):
        inp = helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", *input_shape])
        out = helper.make_tensor_value_info(output, TensorProto.FLOAT, ["N", *output_shape])
        graph = helper.make_graph(self.nodes, self.name, [inp], [out], self.inits)
        opsets = [helper.make_opsetid("", 13)]
        if qonnx:
            opsets.append(helper.make_opsetid(QONNX, 2))
        model = helper.make_model(graph, opset_imports=opsets, producer_name="hwnas-make-models")
        model.ir_version = 8
        if not qonnx:
            onnx.checker.check_model(model)
        path = os.path.join(OUT, f"{self.name}.onnx")
        onnx.save(model, path)
        return model, path


def jet_mlp():
    """The hls4ml jet-tagging MLP (16 -> 64 -> 32 -> 32 -> 5, softmax), PyTorch's Gemm layout."""
    g = Graph("jet_mlp")
    x = "input"
    for i, (n_in, n_out) in enumerate([(16, 64), (64, 32), (32, 32)]):
        x = g.node("Gemm", [x, g.weight(f"fc{i}.weight", (n_out, n_in), 1 / np.sqrt(n_in)),
                            g.weight(f"fc{i}.bias", (n_out,), 0.1)], name=f"fc{i}", transB=1)
        x = g.node("Relu", [x], name=f"relu{i}")
    x = g.node("Gemm", [x, g.weight("out.weight", (5, 32), 1 / np.sqrt(32)), g.weight("out.bias", (5,), 0.1)],
               name="out", transB=1)
    x = g.node("Softmax", [x], name="softmax", axis=1)
    return g.save([16], x, [5])


def mlp_matmul():
    """tf2onnx's Dense: MatMul + Add, with the rest of the activations."""
    g = Graph("mlp_matmul")
    x = "input"
    acts = [("Tanh", {}), ("Elu", {"alpha": 0.5}), ("LeakyRelu", {"alpha": 0.2}),
            ("PRelu", None), ("Softplus", {}), ("Softsign", {}), ("Sigmoid", {})]
    n_in = 10
    for i, (act, attrs) in enumerate(acts):
        n_out = 12 if i % 2 == 0 else 8
        x = g.node("MatMul", [x, g.weight(f"d{i}.kernel", (n_in, n_out))], name=f"d{i}")
        x = g.node("Add", [x, g.weight(f"d{i}.bias", (n_out,), 0.1)], name=f"d{i}_bias")
        if act == "PRelu":
            x = g.node("PRelu", [x, g.const(f"a{i}.slope", rng.uniform(0, 0.5, n_out).astype(np.float32))],
                       name=f"a{i}")
        else:
            x = g.node(act, [x], name=f"a{i}", **attrs)
        n_in = n_out
    return g.save([10], x, [n_in])


def calo_cnn():
    """A PyTorch CNN on the calorimeter's [4, 14, 7] maps: same and asymmetric padding, a
    stride, BatchNorm, both poolings, and the Flatten of a channels-first map."""
    g = Graph("calo_cnn")
    x = g.node("Conv", ["input", g.weight("conv1.weight", (8, 4, 3, 3)), g.weight("conv1.bias", (8,), 0.1)],
               name="conv1", kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    x = g.node("BatchNormalization", [x, g.const("bn1.scale", rng.uniform(0.5, 1.5, 8).astype(np.float32)),
                                      g.weight("bn1.bias", (8,), 0.1), g.weight("bn1.mean", (8,), 0.1),
                                      g.const("bn1.var", rng.uniform(0.5, 2, 8).astype(np.float32))],
               name="bn1", epsilon=1e-3)
    x = g.node("Relu", [x], name="relu1")
    x = g.node("MaxPool", [x], name="pool1", kernel_shape=[2, 1], strides=[2, 1])
    # Asymmetric padding: a ZeroPadding layer before a valid convolution.
    x = g.node("Conv", [x, g.weight("conv2.weight", (6, 8, 3, 3), 0.3), g.weight("conv2.bias", (6,), 0.1)],
               name="conv2", kernel_shape=[3, 3], strides=[2, 2], pads=[0, 1, 1, 0])
    x = g.node("Relu", [x], name="relu2")
    x = g.node("AveragePool", [x], name="pool2", kernel_shape=[2, 2], strides=[1, 1])
    x = g.node("Flatten", [x], name="flat", axis=1)
    x = g.node("Gemm", [x, g.weight("fc1.weight", (16, 6 * 2 * 2), 0.3), g.weight("fc1.bias", (16,), 0.1)],
               name="fc1", transB=1)
    x = g.node("Relu", [x], name="relu3")
    x = g.node("Gemm", [x, g.weight("out.weight", (1, 16)), g.weight("out.bias", (1,), 0.1)],
               name="out", transB=1)
    return g.save([4, 14, 7], x, [1])


def conv1d_resize():
    """1-D PyTorch layers: Pad, a Conv1d, nearest Resize, a strided Conv1d with same padding,
    MaxPool1d, and a Reshape to [N, -1]."""
    g = Graph("conv1d_resize")
    pads = g.const("pad.pads", np.array([0, 0, 2, 0, 0, 1], dtype=np.int64))
    x = g.node("Pad", ["input", pads], name="pad", mode="constant")
    x = g.node("Conv", [x, g.weight("c1.weight", (4, 2, 3)), g.weight("c1.bias", (4,), 0.1)],
               name="c1", kernel_shape=[3])
    x = g.node("Relu", [x], name="r1")
    scales = g.const("up.scales", np.array([1, 1, 2], dtype=np.float32))
    x = g.node("Resize", [x, "", scales], name="up", mode="nearest",
               coordinate_transformation_mode="asymmetric", nearest_mode="floor")
    x = g.node("Conv", [x, g.weight("c2.weight", (5, 4, 3), 0.3), g.weight("c2.bias", (5,), 0.1)],
               name="c2", kernel_shape=[3], strides=[2], pads=[0, 1])
    x = g.node("MaxPool", [x], name="pool", kernel_shape=[2], strides=[2])
    shape = g.const("flat.shape", np.array([-1, 5 * 7], dtype=np.int64))
    x = g.node("Reshape", [x, shape], name="flat")
    x = g.node("Gemm", [x, g.weight("out.weight", (3, 35), 0.3), g.weight("out.bias", (3,), 0.1)],
               name="out", transB=1)
    return g.save([2, 13], x, [3])


def keras_nhwc():
    """tf2onnx's Keras CNN: a channels-last input transposed to channels-first, Conv with
    auto_pad SAME_UPPER, a Transpose back and a Reshape (so the flattening is h, w, c)."""
    g = Graph("keras_nhwc")
    x = g.node("Transpose", ["input"], name="to_nchw", perm=[0, 3, 1, 2])
    x = g.node("Conv", [x, g.weight("conv.weight", (5, 3, 3, 3), 0.3), g.weight("conv.bias", (5,), 0.1)],
               name="conv", kernel_shape=[3, 3], auto_pad="SAME_UPPER", strides=[2, 2])
    x = g.node("Relu", [x], name="relu")
    x = g.node("Transpose", [x], name="to_nhwc", perm=[0, 2, 3, 1])
    shape = g.const("flat.shape", np.array([-1, 4 * 4 * 5], dtype=np.int64))
    x = g.node("Reshape", [x, shape], name="flat")
    x = g.node("MatMul", [x, g.weight("dense.kernel", (80, 4), 0.3)], name="dense")
    x = g.node("Add", [x, g.weight("dense.bias", (4,), 0.1)], name="dense_bias")
    return g.save([8, 8, 3], x, [4])


# QONNX reference semantics (qonnx.custom_op.general.quant / bipolar_quant / trunc).
def q_quant(x, bits, frac, signed=True, narrow=False):
    scale = 2.0 ** -frac
    lo = -(2 ** (bits - 1)) + (1 if narrow else 0) if signed else 0
    hi = 2 ** (bits - 1) - 1 if signed else 2 ** bits - 1
    return np.clip(np.round(x / scale), lo, hi) * scale


def qonnx_mlp():
    """A QONNX MLP as Brevitas writes it: quantised input, 6-bit narrow weights, 12-bit biases,
    unsigned 8-bit activations after the ReLUs, bipolar weights in the second layer, and a
    Trunc of the output."""
    g = Graph("qonnx_mlp")
    x = g.quant("input", 8, 4, name="input_quant")
    w1 = g.weight("fc1.weight", (20, 8))
    b1 = g.weight("fc1.bias", (20,), 0.2)
    x = g.node("Gemm", [x, g.quant(w1, 6, 4, narrow=1, name="fc1_wq"), g.quant(b1, 12, 8, name="fc1_bq")],
               name="fc1", transB=1)
    x = g.node("Relu", [x], name="relu1")
    x = g.quant(x, 8, 4, signed=0, name="relu1_quant")
    w2 = g.weight("fc2.weight", (10, 20))
    s2 = g.const("fc2_bipolar_scale", np.float32(0.25))
    x = g.node("Gemm", [x, g.node("BipolarQuant", [w2, s2], name="fc2_wq", domain=QONNX)], name="fc2",
               transB=1)
    x = g.node("Relu", [x], name="relu2")
    x = g.quant(x, 10, 5, signed=0, name="relu2_quant")
    w3 = g.weight("out.weight", (3, 10), 0.3)
    x = g.node("Gemm", [x, g.quant(w3, 8, 3, name="out_wq")], name="out", transB=1)
    # The sum is on the 2^-8 grid (2^-5 activations times 2^-3 weights): Trunc (version 2) keeps
    # 12 of its 16 bits, dropping 4 fractional bits (output scale 2^-4).
    scale = g.const("trunc_scale", np.float32(2.0 ** -8))
    zero = g.const("trunc_zeropt", np.float32(0))
    b_in = g.const("trunc_in_bits", np.float32(16))
    out_scale = g.const("trunc_out_scale", np.float32(2.0 ** -4))
    b_out = g.const("trunc_out_bits", np.float32(12))
    x = g.node("Trunc", [x, scale, zero, b_in, out_scale, b_out], name="out_trunc", domain=QONNX,
               rounding_mode="FLOOR", signed=1, narrow=0)
    g.save([8], x, [3], qonnx=True)

    # The reference outputs, in float64 (every value here is exact in float64).
    inputs = rng.uniform(-4, 4, (64, 8)).astype(np.float32)
    w = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in g.inits}
    h = q_quant(inputs.astype(np.float64), 8, 4)
    h = h @ q_quant(w["fc1.weight"], 6, 4, narrow=True).T + q_quant(w["fc1.bias"], 12, 8)
    h = q_quant(np.maximum(h, 0), 8, 4, signed=False)
    h = h @ (np.where(w["fc2.weight"] >= 0, 1.0, -1.0) * 0.25).T
    h = q_quant(np.maximum(h, 0), 10, 5, signed=False)
    h = h @ q_quant(w["out.weight"], 8, 3).T
    # Trunc (version 2): round to the input scale, divide by the scale ratio, clamp, floor.
    h = np.floor(np.clip(np.round(h / 2.0 ** -8) / 16, -2048, 2047)) * 2.0 ** -4
    np.save(os.path.join(OUT, "qonnx_mlp.inputs.npy"), inputs)
    np.save(os.path.join(OUT, "qonnx_mlp.expected.npy"), h.astype(np.float32))


def check_with_onnxruntime(model, path, shape):
    try:
        import onnxruntime as ort
    except ImportError:
        return
    sess = ort.InferenceSession(path)
    x = rng.standard_normal((3, *shape)).astype(np.float32)
    y = sess.run(None, {"input": x})[0]
    print(f"{os.path.basename(path)}: onnxruntime runs it, output {y.shape}")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    for make, shape in [(jet_mlp, [16]), (mlp_matmul, [10]), (calo_cnn, [4, 14, 7]),
                        (conv1d_resize, [2, 13]), (keras_nhwc, [8, 8, 3])]:
        model, path = make()
        check_with_onnxruntime(model, path, shape)
    qonnx_mlp()
    print("wrote", sorted(os.listdir(OUT)))
