#!/usr/bin/env python3
"""Golden files for the hwnas <-> hls4ml 1.3.0 parity suite (issue 15, item 4).

For every network below: build it in Keras with seeded float32 weights, convert it with
hls4ml 1.3.0 (Vivado backend), compile the C simulation, run it on 1000 seeded inputs that
lie on the input type's grid, and write hwnas-hls/tests/parity/<name>/:

  network.json          hwnas IR document of the Keras-level network (docs/ir.md), plus
                        "type_preset": "name" | "model" (the hls4ml config granularity)
  weights.safetensors   the Keras float32 weights, <layer>.<param>, channels-last layouts
  inputs.csv            1000 rows, flattened channels-last, repr(float) of grid values
  outputs.csv           hls4ml C-sim outputs (double entry point), repr(float64)
  hls4ml_types.json     what hls4ml resolved per layer of its final graph, typedefs of
                        defines.h, fused/removed Keras layers, the hls4ml config used
  hls4ml_weights/       the weights/*.txt files hls4ml's C simulation loaded (decimal
                        strings; shows the folded BatchNorm values hls4ml used)

plus hwnas-hls/tests/parity/manifest.json. Usage:

  KERAS_BACKEND=jax python scripts/parity/make_golden.py [--out DIR] [--only NAME ...] [--keep-prj]

Deterministic: every network has its own seed; re-running gives byte-identical files
(as long as the pinned versions of scripts/parity/setup.sh are used).
"""

import argparse
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import traceback

os.environ.setdefault('KERAS_BACKEND', 'jax')

import numpy as np  # noqa: E402

N_SAMPLES = 1000
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(REPO, 'hwnas-hls', 'tests', 'parity')


# ----------------------------------------------------------------------------------------------
# Fixed-point type strings
# ----------------------------------------------------------------------------------------------

_TYPE_RE = re.compile(r'^(?:ap_)?(u?)fixed<\s*(\d+)\s*,\s*(-?\d+)\s*(?:,.*)?>$')
_INT_RE = re.compile(r'^(?:ap_)?(u?)int<\s*(\d+)\s*>$')


def parse_type(s):
    """(signed, width, integer) of an ap_fixed / ap_int spelling."""
    s = s.strip()
    m = _TYPE_RE.match(s)
    if m:
        return (m.group(1) != 'u', int(m.group(2)), int(m.group(3)))
    m = _INT_RE.match(s)
    if m:
        return (m.group(1) != 'u', int(m.group(2)), int(m.group(2)))
    raise ValueError(f'unparsed type {s!r}')


def hls_spelling(s):
    """hls4ml's config spelling of an IR type (hls4ml accepts the ap_ prefix too)."""
    return s


# ----------------------------------------------------------------------------------------------
# Network descriptions (IR layer dicts) -> Keras
# ----------------------------------------------------------------------------------------------


def keras_layer(spec):
    import keras

    L = keras.layers
    k = spec['kind']
    n = spec['name']
    if k == 'Dense':
        return L.Dense(spec['units'], use_bias=spec.get('use_bias', True), name=n)
    if k == 'Conv1D':
        return L.Conv1D(
            spec['filters'],
            spec['kernel'],
            strides=spec.get('stride', 1),
            padding=spec.get('padding', 'valid'),
            use_bias=spec.get('use_bias', True),
            name=n,
        )
    if k == 'Conv2D':
        return L.Conv2D(
            spec['filters'],
            tuple(spec['kernel']),
            strides=tuple(spec.get('stride', [1, 1])),
            padding=spec.get('padding', 'valid'),
            use_bias=spec.get('use_bias', True),
            name=n,
        )
    if k in ('MaxPool1D', 'AvgPool1D'):
        cls = L.MaxPooling1D if k == 'MaxPool1D' else L.AveragePooling1D
        return cls(spec['pool'], strides=spec.get('stride', spec['pool']), padding=spec.get('padding', 'valid'), name=n)
    if k in ('MaxPool2D', 'AvgPool2D'):
        cls = L.MaxPooling2D if k == 'MaxPool2D' else L.AveragePooling2D
        return cls(
            tuple(spec['pool']),
            strides=tuple(spec.get('stride', spec['pool'])),
            padding=spec.get('padding', 'valid'),
            name=n,
        )
    if k == 'BatchNorm':
        return L.BatchNormalization(epsilon=spec.get('epsilon', 0.001), name=n)
    if k == 'ReLU':
        # _keras: 'Activation' -> keras.layers.Activation('relu'), 'ReLU' -> keras.layers.ReLU()
        if spec.get('_keras', 'Activation') == 'ReLU':
            return L.ReLU(name=n)
        return L.Activation('relu', name=n)
    if k == 'LeakyReLU':
        return L.LeakyReLU(negative_slope=spec.get('alpha', 0.3), name=n)
    if k in ('Sigmoid', 'Tanh', 'Softmax', 'Softplus', 'Softsign'):
        return L.Activation(k.lower(), name=n)
    if k == 'ELU':
        return L.ELU(alpha=spec.get('alpha', 1.0), name=n)
    if k == 'PReLU':
        return L.PReLU(name=n)
    if k == 'Flatten':
        return L.Flatten(name=n)
    if k == 'UpSampling1D':
        return L.UpSampling1D(size=spec['size'], name=n)
    if k == 'UpSampling2D':
        return L.UpSampling2D(size=tuple(spec['size']), interpolation='nearest', name=n)
    if k == 'ZeroPadding1D':
        return L.ZeroPadding1D(padding=(spec['left'], spec['right']), name=n)
    if k == 'ZeroPadding2D':
        return L.ZeroPadding2D(padding=((spec['top'], spec['bottom']), (spec['left'], spec['right'])), name=n)
    raise ValueError(k)


def make_weights(model, specs, rng, gain):
    """Seeded float32 weights; returns {tensor name: array} in IR layouts (= Keras layouts)."""
    tensors = {}
    for spec in specs:
        layer = model.get_layer(spec['name'])
        k = spec['kind']
        g = spec.get('_gain', gain)
        if k in ('Dense', 'Conv1D', 'Conv2D'):
            kshape = tuple(layer.kernel.shape)
            fan_in = int(np.prod(kshape[:-1]))
            w = (rng.standard_normal(kshape) * (g / np.sqrt(fan_in))).astype(np.float32)
            ws = [w]
            tensors[f'{spec["name"]}.weight'] = w
            if spec.get('use_bias', True):
                b = (rng.standard_normal(kshape[-1]) * 0.5 * g).astype(np.float32)
                ws.append(b)
                tensors[f'{spec["name"]}.bias'] = b
            layer.set_weights(ws)
        elif k == 'BatchNorm':
            c = layer.gamma.shape[0]
            gamma = (rng.uniform(0.5, 2.0, c) * rng.choice([-1.0, 1.0], c, p=[0.2, 0.8])).astype(np.float32)
            beta = (rng.standard_normal(c) * 0.5).astype(np.float32)
            mean = (rng.standard_normal(c) * 0.5).astype(np.float32)
            var = rng.uniform(0.25, 3.0, c).astype(np.float32)
            layer.set_weights([gamma, beta, mean, var])
            for pn, arr in (('gamma', gamma), ('beta', beta), ('mean', mean), ('variance', var)):
                tensors[f'{spec["name"]}.{pn}'] = arr
        elif k == 'PReLU':
            alpha = rng.uniform(-0.5, 0.8, tuple(layer.alpha.shape)).astype(np.float32)
            layer.set_weights([alpha])
            tensors[f'{spec["name"]}.alpha'] = alpha.reshape(-1)
    return tensors


def write_safetensors(path, tensors):
    """safetensors by hand: u64 LE header length, JSON header, raw LE data (sorted names)."""
    header = {}
    blobs = []
    off = 0
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name], dtype='<f4')
        raw = a.tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(a.shape), 'data_offsets': [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    h = json.dumps(header, separators=(',', ':')).encode()
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


# ----------------------------------------------------------------------------------------------
# hls4ml config
# ----------------------------------------------------------------------------------------------

# IR precision key -> hls4ml precision key, per kind
def hls_prec_key(kind, key):
    if kind == 'BatchNorm' and key == 'weight':
        return 'scale'
    return key


def build_config(model, net):
    import hls4ml

    g = net['granularity']
    cfg = hls4ml.utils.config_from_keras_model(model, granularity=g, default_precision=net['default'])
    names = cfg.setdefault('LayerName', {}) if g == 'name' else None
    if g == 'model':
        names = {}
    # input type
    if net.get('input_type') is not None:
        names.setdefault(net['input_name'], {}).setdefault('Precision', {})['result'] = net['input_type']
    for spec in net['layers']:
        ent = None
        if spec.get('precision') or spec.get('_hls_precision'):
            ent = names.setdefault(spec['name'], {})
            p = ent.setdefault('Precision', {})
            for key, t in spec.get('precision', {}).items():
                p[hls_prec_key(spec['kind'], key)] = t
            for key, t in spec.get('_hls_precision', {}).items():  # hls4ml-only settings (e.g. 'auto')
                p[key] = t
        if 'reuse_factor' in spec:
            names.setdefault(spec['name'], {})['ReuseFactor'] = spec['reuse_factor']
        if 'strategy' in spec:
            names.setdefault(spec['name'], {})['Strategy'] = spec['strategy']
    if names:
        cfg['LayerName'] = names
    return cfg


# ----------------------------------------------------------------------------------------------
# Inputs on the grid
# ----------------------------------------------------------------------------------------------


def grid_inputs(rng, type_str, shape, scale):
    signed, w, i = parse_type(type_str)
    f = w - i
    lo = -(2 ** (w - 1)) if signed else 0
    hi = 2 ** (w - 1) - 1 if signed else 2**w - 1
    n = int(np.prod(shape))
    x = rng.standard_normal((N_SAMPLES, n)) * scale
    # a few samples at the range limits
    k = np.round(x * 2.0**f)
    k = np.clip(k, lo, hi)
    edge = rng.random((N_SAMPLES, n)) < 0.01
    k[edge] = rng.choice([lo, hi], size=int(edge.sum()))
    vals = k * 2.0**-f
    return vals.astype(np.float64)


def write_csv(path, arr):
    with open(path, 'w') as f:
        for row in arr:
            f.write(','.join(repr(float(v)) for v in row))
            f.write('\n')


# ----------------------------------------------------------------------------------------------
# What hls4ml resolved
# ----------------------------------------------------------------------------------------------


def type_cpp(precision):
    """C++ spelling as hls4ml's Vivado writer prints it (APFixedPrecisionDefinition)."""
    try:
        return precision.definition_cpp()
    except Exception:  # noqa: BLE001  a precision the backend has not decorated
        from hls4ml.model.types import FixedPrecisionType, IntegerPrecisionType

        if isinstance(precision, IntegerPrecisionType):
            return f'ap_{"" if precision.signed else "u"}int<{precision.width}>'
        if isinstance(precision, FixedPrecisionType):
            args = [str(precision.width), str(precision.integer)]
            q, o, n = str(precision.rounding_mode), str(precision.saturation_mode), precision.saturation_bits
            if not (q == 'TRN' and o == 'WRAP' and n == 0):
                args += [f'AP_{q}', f'AP_{o}', str(n)]
            return f'ap_{"" if precision.signed else "u"}fixed<{",".join(args)}>'
        return str(precision)


def json_safe(o):
    if isinstance(o, dict):
        return {str(k): json_safe(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [json_safe(v) for v in o]
    if isinstance(o, (str, int, float, bool)) or o is None:
        return o
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return float(o)
    return str(o)


def resolved_types(hm, keras_names, prj_dir):
    layers = []
    for layer in hm.get_layers():
        ent = {'name': layer.name, 'class': layer.class_name}
        types = {}
        for tname, t in layer.types.items():
            types[tname] = {'name': t.name, 'cpp': type_cpp(t.precision)}
        ent['types'] = types
        ws = {}
        for wname, wv in layer.weights.items():
            ws[wname] = {
                'var': wv.name,
                'type': wv.type.name,
                'cpp': type_cpp(wv.type.precision),
                'shape': [int(s) for s in wv.shape],
                'data_dtype': str(np.asarray(wv.data).dtype),
            }
        if ws:
            ent['weights'] = ws
        for a in ('reuse_factor', 'strategy', 'activation', 'activ_param', 'pool_op', 'padding', 'algorithm',
                  'n_in', 'n_out', 'n_filt', 'n_chan', 'epsilon', 'pad_top', 'pad_bottom', 'pad_left',
                  'pad_right', 'stride_width', 'stride_height', 'pool_width', 'pool_height', 'count_pad',
                  'conv_implementation'):
            v = layer.get_attr(a)
            if v is not None:
                ent[a] = json_safe(v)
        try:
            ent['output_shape'] = [int(s) for s in layer.get_output_variable().shape]
        except Exception:  # noqa: BLE001
            pass
        layers.append(ent)
    final_names = {layer.name for layer in hm.get_layers()}
    typedefs = {}
    defines = os.path.join(prj_dir, 'firmware', 'defines.h')
    if os.path.exists(defines):
        for line in open(defines):
            m = re.match(r'\s*typedef\s+(.+?)\s+(\w+);', line)
            if m:
                typedefs[m.group(2)] = m.group(1)
    return {
        'layers': layers,
        'defines_h_typedefs': typedefs,
        'keras_layers_not_in_final_graph': [n for n in keras_names if n not in final_names],
    }


# ----------------------------------------------------------------------------------------------
# The networks
# ----------------------------------------------------------------------------------------------

D16 = 'ap_fixed<16,6>'
RS16 = 'ap_fixed<16,6,AP_RND_CONV,AP_SAT>'


def mlp(prefix=''):
    return [
        {'name': 'fc1', 'kind': 'Dense', 'units': 24},
        {'name': 'relu1', 'kind': 'ReLU'},
        {'name': 'fc2', 'kind': 'Dense', 'units': 16},
        {'name': 'lrelu2', 'kind': 'LeakyReLU', 'alpha': 0.1},
        {'name': 'out', 'kind': 'Dense', 'units': 5},
    ]


def conv1d_layers(pool_padding='same'):
    return [
        {'name': 'pad', 'kind': 'ZeroPadding1D', 'left': 1, 'right': 2},
        {'name': 'conv1', 'kind': 'Conv1D', 'filters': 6, 'kernel': 3, 'stride': 2, 'padding': 'same'},
        {'name': 'relu1', 'kind': 'ReLU'},
        {'name': 'pool1', 'kind': 'MaxPool1D', 'pool': 2, 'padding': pool_padding},
        {'name': 'up', 'kind': 'UpSampling1D', 'size': 2},
        {'name': 'conv2', 'kind': 'Conv1D', 'filters': 4, 'kernel': 3, 'padding': 'valid'},
        {'name': 'lrelu2', 'kind': 'LeakyReLU', 'alpha': 0.1},
        {'name': 'pool2', 'kind': 'AvgPool1D', 'pool': 2, 'stride': 2, 'padding': pool_padding},
        {'name': 'flat', 'kind': 'Flatten'},
        {'name': 'out', 'kind': 'Dense', 'units': 3},
    ]


def conv2d_layers(pool_padding='same'):
    return [
        {'name': 'pad', 'kind': 'ZeroPadding2D', 'top': 1, 'bottom': 0, 'left': 0, 'right': 1},
        {'name': 'conv1', 'kind': 'Conv2D', 'filters': 4, 'kernel': [3, 3], 'stride': [2, 2], 'padding': 'same'},
        {'name': 'relu1', 'kind': 'ReLU'},
        {'name': 'up', 'kind': 'UpSampling2D', 'size': [2, 2]},
        {'name': 'pool1', 'kind': 'MaxPool2D', 'pool': [2, 2], 'padding': pool_padding},
        {'name': 'conv2', 'kind': 'Conv2D', 'filters': 4, 'kernel': [3, 3], 'padding': 'same'},
        {'name': 'lrelu2', 'kind': 'LeakyReLU', 'alpha': 0.1},
        {'name': 'pool2', 'kind': 'AvgPool2D', 'pool': [2, 2], 'padding': pool_padding},
        {'name': 'flat', 'kind': 'Flatten'},
        {'name': 'out', 'kind': 'Dense', 'units': 3},
    ]


def net(name, desc, shape, layers, granularity='name', default=D16, input_type=None, io='io_parallel', seed=0,
        gain=1.2, in_scale=1.5):
    return {
        'name': name,
        'description': desc,
        'shape': shape,
        'layers': layers,
        'granularity': granularity,
        'default': default,
        'input_type': input_type,
        'io_type': io,
        'seed': seed,
        'gain': gain,
        'in_scale': in_scale,
    }


def networks():
    nets = []
    nets.append(net('dense_name', 'MLP 16-24-16-5 (Activation relu, LeakyReLU 0.1), granularity name, default '
                    'ap_fixed<16,6>: result auto (lossless), accum = model default', [16], mlp(), seed=1))
    nets.append(net('dense_model', 'same MLP and weights as dense_name, granularity model: every type the default',
                    [16], mlp(), granularity='model', seed=1))
    nets.append(net('dense_model_rnd_sat', 'MLP, granularity model, default ap_fixed<16,6,AP_RND_CONV,AP_SAT> '
                    '(rounding + saturating accum/result/weights), large weights so sums saturate',
                    [16], mlp(), granularity='model', default=RS16, seed=2, gain=6.0, in_scale=4.0))
    layers = mlp()
    layers[0]['precision'] = {'accum': 'ap_fixed<14,4,AP_RND,AP_SAT>', 'result': 'ap_fixed<12,4,AP_RND_CONV,AP_SAT>'}
    layers[2]['precision'] = {'accum': 'ap_fixed<16,6,AP_RND_CONV,AP_SAT>'}
    layers[3]['precision'] = {'result': 'ap_fixed<10,3,AP_RND,AP_SAT>'}
    layers[4]['precision'] = {'weight': 'ap_fixed<8,2,AP_RND_CONV,AP_SAT>', 'bias': 'ap_fixed<10,3,AP_RND,AP_SAT>',
                              'accum': 'ap_fixed<18,6,AP_RND_CONV,AP_SAT>'}
    nets.append(net('dense_name_explicit_rnd_sat', 'MLP, granularity name, explicit rounding/saturating accum, '
                    'result, weight and bias types on single layers; input ap_fixed<10,4>',
                    [16], layers, input_type='ap_fixed<10,4>', seed=3, gain=3.0, in_scale=2.5))

    def bn_mlp():
        return [
            {'name': 'bn_in', 'kind': 'BatchNorm', 'epsilon': 0.001},
            {'name': 'fc1', 'kind': 'Dense', 'units': 16},
            {'name': 'bn1', 'kind': 'BatchNorm', 'epsilon': 0.001},
            {'name': 'relu1', 'kind': 'ReLU'},
            {'name': 'fc2', 'kind': 'Dense', 'units': 12},
            {'name': 'bn2', 'kind': 'BatchNorm', 'epsilon': 0.01},
            {'name': 'lrelu2', 'kind': 'LeakyReLU', 'alpha': 0.1},
            {'name': 'out', 'kind': 'Dense', 'units': 4},
        ]

    nets.append(net('bn_name_fused', 'Input BatchNorm (standalone) + Dense->BatchNorm x2, granularity name: '
                    'Dense result auto so hls4ml folds bn1/bn2 into fc1/fc2', [10], bn_mlp(), seed=4))
    layers = bn_mlp()
    layers[1]['precision'] = {'result': 'ap_fixed<18,8>'}
    layers[4]['precision'] = {'result': 'ap_fixed<16,6,AP_RND_CONV,AP_SAT>'}
    layers[5]['precision'] = {'weight': 'ap_fixed<12,3>', 'bias': 'ap_fixed<12,4>'}
    nets.append(net('bn_name_unfused', 'same as bn_name_fused, explicit Dense result types so BatchNorm is not '
                    'folded; bn2 has explicit scale/bias types', [10], layers, seed=4))
    nets.append(net('bn_model', 'same as bn_name_fused, granularity model: BatchNorm never folded, '
                    'scale/bias/result the default', [10], bn_mlp(), granularity='model', seed=4))

    def rf_mlp():
        return [
            {'name': 'fc1', 'kind': 'Dense', 'units': 16, 'reuse_factor': 2, 'strategy': 'Latency'},
            {'name': 'relu1', 'kind': 'ReLU'},
            {'name': 'fc2', 'kind': 'Dense', 'units': 16, 'reuse_factor': 4, 'strategy': 'Resource'},
            {'name': 'relu2', 'kind': 'ReLU', '_keras': 'ReLU'},
            {'name': 'fc3', 'kind': 'Dense', 'units': 8, 'reuse_factor': 2, 'strategy': 'Resource'},
            {'name': 'lrelu3', 'kind': 'LeakyReLU', 'alpha': 0.1},
            {'name': 'out', 'kind': 'Dense', 'units': 4, 'reuse_factor': 4, 'strategy': 'Resource'},
        ]

    nets.append(net('dense_rf_strategies', 'Latency RF 2, Resource RF 4 and 2, granularity name; relu2 is '
                    'keras.layers.ReLU()', [16], rf_mlp(), seed=5))
    nets.append(net('dense_rf_strategies_stream', 'dense_rf_strategies in io_stream', [16], rf_mlp(), seed=5,
                    io='io_stream'))

    nets.append(net('conv1d_name', 'ZeroPadding1D, Conv1D k3 s2 same, MaxPool1D same, UpSampling1D, Conv1D valid, '
                    'AvgPool1D same, Flatten, Dense; granularity name, io_parallel', [11, 2], conv1d_layers(), seed=6,
                    input_type='ap_fixed<8,3>'))
    # hls4ml's io_stream pooling kernels assert that pooling has no padding: valid pools there.
    nets.append(net('conv1d_name_stream', 'conv1d_name in io_stream, valid pooling', [11, 2],
                    conv1d_layers('valid'), seed=6,
                    input_type='ap_fixed<8,3>', io='io_stream'))
    nets.append(net('conv1d_model', 'conv1d_name, granularity model', [11, 2], conv1d_layers(), seed=6,
                    granularity='model', input_type='ap_fixed<8,3>'))
    nets.append(net('conv2d_name', 'ZeroPadding2D, Conv2D 3x3 s2 same, UpSampling2D, MaxPool2D same, Conv2D same, '
                    'AvgPool2D same, Flatten, Dense; granularity name, io_parallel', [5, 6, 2], conv2d_layers(), seed=7,
                    input_type='ap_fixed<8,3>'))
    nets.append(net('conv2d_name_stream', 'conv2d_name in io_stream, valid pooling', [5, 6, 2],
                    conv2d_layers('valid'), seed=7,
                    input_type='ap_fixed<8,3>', io='io_stream'))
    nets.append(net('conv2d_model', 'conv2d_name, granularity model', [5, 6, 2], conv2d_layers(), seed=7,
                    granularity='model', input_type='ap_fixed<8,3>'))

    def conv_bn_rf():
        return [
            # reuse factor 3: hls4ml snaps 2 (not a divisor of the 9 products per filter) to 1
            {'name': 'conv1', 'kind': 'Conv1D', 'filters': 4, 'kernel': 3, 'padding': 'same', 'reuse_factor': 3,
             'strategy': 'Resource'},
            {'name': 'bn1', 'kind': 'BatchNorm', 'epsilon': 0.001},
            {'name': 'relu1', 'kind': 'ReLU'},
            {'name': 'conv2', 'kind': 'Conv1D', 'filters': 4, 'kernel': 2, 'stride': 2, 'reuse_factor': 4,
             'strategy': 'Latency'},
            {'name': 'bn2', 'kind': 'BatchNorm', 'epsilon': 0.001},
            {'name': 'flat', 'kind': 'Flatten'},
            # the lossless result would be ap_fixed<57,27>: more than a double's 53 bits
            {'name': 'out', 'kind': 'Dense', 'units': 3, 'precision': {'result': 'ap_fixed<32,14>'}},
        ]

    nets.append(net('conv1d_bn_rf', 'Conv1D->BatchNorm folded (name, result auto), Conv Resource RF 3 and '
                    'Latency RF 4', [8, 3], conv_bn_rf(), seed=8, input_type='ap_fixed<10,4>'))
    nets.append(net('conv1d_bn_rf_stream', 'conv1d_bn_rf in io_stream', [8, 3], conv_bn_rf(), seed=8,
                    input_type='ap_fixed<10,4>', io='io_stream'))

    layers = [
        {'name': 'fc1', 'kind': 'Dense', 'units': 16, 'precision': {'weight': 'ap_fixed<24,2>', 'bias': 'ap_fixed<24,4>'}},
        {'name': 'relu1', 'kind': 'ReLU'},
        {'name': 'fc2', 'kind': 'Dense', 'units': 8,
         'precision': {'weight': 'ap_fixed<26,3,AP_RND_CONV,AP_SAT>', 'bias': 'ap_fixed<22,2>',
                       'accum': 'ap_fixed<40,12>'}},
        {'name': 'lrelu2', 'kind': 'LeakyReLU', 'alpha': 0.1, 'precision': {'result': 'ap_fixed<24,6>'}},
        {'name': 'out', 'kind': 'Dense', 'units': 4, 'precision': {'weight': 'ap_fixed<24,2>'}},
    ]
    nets.append(net('dense_wide_weights', 'weights ap_fixed<24,2>/<26,3,RND_CONV,SAT> (22-23 fractional bits), '
                    'granularity name, lossless results', [12], layers, seed=9, gain=1.0))

    layers = [
        {'name': 'fc1', 'kind': 'Dense', 'units': 16, 'precision': {'result': 'ap_fixed<32,16>'}},
        {'name': 'relu1', 'kind': 'ReLU'},
        {'name': 'fc2', 'kind': 'Dense', 'units': 8, 'precision': {'result': 'ap_fixed<32,16>'}},
        {'name': 'lrelu2', 'kind': 'LeakyReLU', 'alpha': 0.1},
        {'name': 'out', 'kind': 'Dense', 'units': 4, 'precision': {'result': 'ap_fixed<32,16>'}},
    ]
    nets.append(net('dense_fixed32_name', 'ap_fixed<32,16> default/input/weights/bias/accum (accum = model '
                    'default under name), granularity name; Dense results set to ap_fixed<32,16> explicitly',
                    [12], layers, default='ap_fixed<32,16>', seed=10, gain=2.0, in_scale=8.0))
    # ap_fixed<32,16> everywhere with lossless accumulators (hls4ml 'auto' accum: 69 bits),
    # which needs hwnas's wide types; the resolved accumulator types go into the IR.
    layers = [
        {'name': 'fc1', 'kind': 'Dense', 'units': 16, '_hls_precision': {'accum': 'auto'}},
        {'name': 'relu1', 'kind': 'ReLU'},
        {'name': 'fc2', 'kind': 'Dense', 'units': 8, '_hls_precision': {'accum': 'auto'}},
        {'name': 'lrelu2', 'kind': 'LeakyReLU', 'alpha': 0.1},
        {'name': 'out', 'kind': 'Dense', 'units': 4, '_hls_precision': {'accum': 'auto'},
         'precision': {'result': 'ap_fixed<48,24>'}},
    ]
    nets.append(net('dense_fixed32_lossless', 'ap_fixed<32,16> default, input, weights and bias; lossless '
                    'accumulators (accum auto: 69 bits) and lossless Dense results, granularity name; '
                    'output ap_fixed<48,24>', [12], layers, default='ap_fixed<32,16>', seed=11, gain=2.0,
                    in_scale=8.0))
    layers = [
        {'name': 'conv1', 'kind': 'Conv1D', 'filters': 4, 'kernel': 3, 'padding': 'same',
         '_hls_precision': {'accum': 'auto'}},
        {'name': 'relu1', 'kind': 'ReLU'},
        {'name': 'pool1', 'kind': 'MaxPool1D', 'pool': 2},
        {'name': 'flat', 'kind': 'Flatten'},
        {'name': 'out', 'kind': 'Dense', 'units': 3, '_hls_precision': {'accum': 'auto'},
         'precision': {'result': 'ap_fixed<48,24>'}},
    ]
    nets.append(net('conv1d_fixed32_lossless', 'Conv1D ap_fixed<32,16> everywhere, lossless accumulators and '
                    'results (68 bits), granularity name; output ap_fixed<48,24>', [8, 2], layers,
                    default='ap_fixed<32,16>', seed=12, gain=2.0, in_scale=8.0))
    # The table-based activations (issue 17): hls4ml's default tables (1024 entries of
    # ap_fixed<18,8>; softmax 'stable' with ap_fixed<18,8,AP_RND,AP_SAT> tables and sums).
    layers = [
        {'name': 'fc1', 'kind': 'Dense', 'units': 24},
        {'name': 'sig1', 'kind': 'Sigmoid'},
        {'name': 'fc2', 'kind': 'Dense', 'units': 16},
        {'name': 'tanh2', 'kind': 'Tanh'},
        {'name': 'fc3', 'kind': 'Dense', 'units': 12},
        {'name': 'elu3', 'kind': 'ELU', 'alpha': 1.0},
        {'name': 'fc4', 'kind': 'Dense', 'units': 12},
        {'name': 'prelu4', 'kind': 'PReLU'},
        {'name': 'fc5', 'kind': 'Dense', 'units': 10},
        {'name': 'elu5', 'kind': 'ELU', 'alpha': 0.5},
        # A narrow result so that the softmax's tables see distinct addresses (with the lossless
        # ap_fixed<37,17> every max - x would read entry 0), and the exp table is capped at
        # 2^9 entries.
        {'name': 'out', 'kind': 'Dense', 'units': 5, 'precision': {'result': 'ap_fixed<10,4>'}},
        {'name': 'softmax', 'kind': 'Softmax'},
    ]
    nets.append(net('activations_name', 'MLP through Sigmoid, Tanh, ELU (alpha 1 and 0.5), PReLU and a final '
                    'Softmax, hls4ml default tables, granularity name, default ap_fixed<16,6>',
                    [16], layers, seed=13, gain=2.0, in_scale=3.0))
    nets.append(net('activations_name_stream', 'activations_name in io_stream', [16], layers, io='io_stream',
                    seed=13, gain=2.0, in_scale=3.0))
    nets.append(net('activations_soft', 'MLP through Softplus and Softsign (hls4ml default tables), granularity name',
                    [12], [
                        {'name': 'fc1', 'kind': 'Dense', 'units': 16},
                        {'name': 'splus1', 'kind': 'Softplus'},
                        {'name': 'fc2', 'kind': 'Dense', 'units': 12},
                        {'name': 'ssign2', 'kind': 'Softsign'},
                        {'name': 'out', 'kind': 'Dense', 'units': 4},
                    ], seed=14, gain=2.0, in_scale=3.0))
    nets.append(net('activations_model', 'activations_name, granularity model (every type the default)', [16],
                    [{k: v for k, v in spec.items() if k != 'precision'} for spec in layers], granularity='model',
                    seed=13, gain=2.0, in_scale=3.0))
    return nets


# ----------------------------------------------------------------------------------------------
# Per network
# ----------------------------------------------------------------------------------------------


def ir_document(n):
    layers = []
    for spec in n['layers']:
        d = {k: v for k, v in spec.items() if not k.startswith('_')}
        layers.append(d)
    return {
        'format': 'hwnas-network',
        'version': 1,
        'name': n['name'],
        'input': {'shape': n['shape'], 'type': None},
        'default_precision': None,
        'type_preset': n['granularity'],
        'weights': 'weights.safetensors',
        'layers': layers,
    }


def run_one(n, out_root, keep_prj, log):
    import hls4ml
    import keras

    t0 = time.time()
    rng = np.random.default_rng(1000 + n['seed'])
    keras.utils.set_random_seed(n['seed'])
    input_name = 'x'
    n['input_name'] = input_name
    model = keras.Sequential([keras.Input(tuple(n['shape']), name=input_name)] + [keras_layer(s) for s in n['layers']],
                             name=n['name'])
    tensors = make_weights(model, n['layers'], rng, n['gain'])

    cfg = build_config(model, n)
    prj = tempfile.mkdtemp(prefix=f'hwnas_parity_{n["name"]}_')
    hm = hls4ml.converters.convert_from_keras_model(
        model, hls_config=cfg, output_dir=prj, backend='Vivado', io_type=n['io_type'], project_name='myproject'
    )
    hm.compile()

    # resolved input / default types
    input_layer = [la for la in hm.get_layers() if la.class_name == 'Input'][0]
    input_t = type_cpp(input_layer.get_output_variable().type.precision)
    default_t = type_cpp(hm.config.backend.convert_precision_string(hm.config.model_precision['default']))
    out_layer = hm.get_layers()[-1] if not hm.outputs else hm.graph[hm.outputs[0]]
    out_t = type_cpp(out_layer.get_output_variable().type.precision)
    _, ow, _ = parse_type(out_t)
    if ow > 53:
        raise RuntimeError(f'output type {out_t} has more than 53 bits')

    x = grid_inputs(rng, input_t, n['shape'], n['in_scale'])
    xin = np.ascontiguousarray(x.reshape((N_SAMPLES, *n['shape'])), dtype=np.float64)
    y = hm.predict(xin)
    y = np.asarray(y, dtype=np.float64).reshape(N_SAMPLES, -1)
    yk = np.asarray(model.predict(xin.astype(np.float32), verbose=0), dtype=np.float64).reshape(N_SAMPLES, -1)

    d = os.path.join(out_root, n['name'])
    if os.path.exists(d):
        shutil.rmtree(d)
    os.makedirs(d)
    doc = ir_document(n)
    doc['input']['type'] = input_t
    doc['default_precision'] = default_t
    # the hls4ml-side reuse factor / strategy actually used must equal the document's
    final = {la.name: la for la in hm.get_layers()}
    for spec in n['layers']:
        la = final.get(spec['name'])
        if la is None:
            continue
        if 'reuse_factor' in spec and la.get_attr('reuse_factor') != spec['reuse_factor']:
            raise RuntimeError(f'{spec["name"]}: hls4ml used reuse factor {la.get_attr("reuse_factor")}')
    # Types set to 'auto' in hls4ml's config only: write the types hls4ml resolved into the IR.
    by_name = {la['name']: la for la in doc['layers']}
    for spec in n['layers']:
        auto = [k for k, v in spec.get('_hls_precision', {}).items() if v == 'auto']
        la = final.get(spec['name'])
        for key in auto:
            if la is None:
                raise RuntimeError(f'{spec["name"]}: not in hls4ml\'s final graph')
            t = type_cpp(la.types[f'{key}_t'].precision)
            by_name[spec['name']].setdefault('precision', {})[key] = t
    with open(os.path.join(d, 'network.json'), 'w') as f:
        json.dump(doc, f, indent=1)
        f.write('\n')
    write_safetensors(os.path.join(d, 'weights.safetensors'), tensors)
    write_csv(os.path.join(d, 'inputs.csv'), x)
    write_csv(os.path.join(d, 'outputs.csv'), y)
    res = resolved_types(hm, [s['name'] for s in n['layers']], prj)
    res['io_type'] = n['io_type']
    res['granularity'] = n['granularity']
    res['input_type'] = input_t
    res['output_type'] = out_t
    res['hls4ml_config'] = json_safe(cfg)
    with open(os.path.join(d, 'hls4ml_types.json'), 'w') as f:
        json.dump(res, f, indent=1)
        f.write('\n')
    wdir = os.path.join(d, 'hls4ml_weights')
    os.makedirs(wdir)
    for fn in sorted(os.listdir(os.path.join(prj, 'firmware', 'weights'))):
        if fn.endswith('.txt'):
            shutil.copy(os.path.join(prj, 'firmware', 'weights', fn), os.path.join(wdir, fn))
    if not keep_prj:
        shutil.rmtree(prj, ignore_errors=True)
    else:
        log(f'  project kept in {prj}')
    err = np.abs(y - yk)
    return {
        'status': 'ok',
        'output_type': out_t,
        'keras_float_vs_hls4ml_max_abs': float(err.max()),
        'keras_float_vs_hls4ml_mean_abs': float(err.mean()),
    }


def run_in_child(args):
    """Runs the network named `args.one` and prints its manifest entry as `RESULT {json}`."""
    import hls4ml  # noqa: F401
    import keras  # noqa: F401

    def log(s):
        print(s, file=sys.stderr, flush=True)

    n = next(x for x in networks() if x['name'] == args.one)
    try:
        result = run_one(n, args.out, args.keep_prj, log)
    except Exception as e:  # noqa: BLE001  recorded, not dropped
        log(traceback.format_exc())
        result = {'status': 'hls4ml_error', 'error': f'{type(e).__name__}: {e}'}
        d = os.path.join(args.out, n['name'])
        if os.path.exists(d):
            shutil.rmtree(d)
    print('RESULT ' + json.dumps(result), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--out', default=DEFAULT_OUT)
    ap.add_argument('--only', nargs='*')
    ap.add_argument('--keep-prj', action='store_true')
    ap.add_argument('--one', help=argparse.SUPPRESS)  # internal: run one network, print its entry
    args = ap.parse_args()
    if args.one:
        return run_in_child(args)

    import hls4ml
    import keras

    def log(s):
        print(s, file=sys.stderr, flush=True)

    os.makedirs(args.out, exist_ok=True)
    man_path = os.path.join(args.out, 'manifest.json')
    manifest = {'networks': []}
    if args.only and os.path.exists(man_path):
        manifest = json.load(open(man_path))
    by_name = {e['name']: e for e in manifest['networks']}
    t_all = time.time()
    for n in networks():
        if args.only and n['name'] not in args.only:
            continue
        log(f'== {n["name"]}')
        entry = {
            'name': n['name'],
            'description': n['description'],
            'type_preset': n['granularity'],
            'io_type': n['io_type'],
            'default_precision': n['default'],
        }
        # A child process per network: hls4ml's C simulation runs in-process, and an assertion
        # in its C++ (e.g. io_stream pooling with padding) aborts the interpreter.
        cmd = [sys.executable, os.path.abspath(__file__), '--out', args.out, '--one', n['name']]
        if args.keep_prj:
            cmd.append('--keep-prj')
        proc = subprocess.run(cmd, capture_output=True, text=True)
        result = None
        for line in proc.stdout.splitlines():
            if line.startswith('RESULT '):
                result = json.loads(line[len('RESULT '):])
        if result is None:
            tail = [x for x in proc.stderr.splitlines() if x.strip() and 'da4ml' not in x and 'Warning' not in x]
            result = {'status': 'hls4ml_error', 'error': f'exit {proc.returncode}: ' + ' | '.join(tail[-2:])}
            log('\n'.join(tail[-15:]))
            d = os.path.join(args.out, n['name'])
            if os.path.exists(d):
                shutil.rmtree(d)
        entry.update(result)
        log(f'   {entry["status"]}')
        by_name[n['name']] = entry
    order = [n['name'] for n in networks()]
    manifest = {
        'generator': 'scripts/parity/make_golden.py',
        'command': 'KERAS_BACKEND=jax ~/.cache/hwnas-parity-venv/bin/python scripts/parity/make_golden.py',
        'versions': {
            'hls4ml': hls4ml.__version__,
            'keras': keras.__version__,
            'numpy': np.__version__,
            'backend': keras.backend.backend(),
        },
        'samples': N_SAMPLES,
        'networks': [by_name[k] for k in order if k in by_name],
    }
    with open(man_path, 'w') as f:
        json.dump(manifest, f, indent=1)
        f.write('\n')
    log(f'total {time.time() - t_all:.0f}s')


if __name__ == '__main__':
    main()
