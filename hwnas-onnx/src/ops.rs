//! One function per ONNX op type: what IR layers a node becomes, its weights in IR layout, and
//! the layout of its output.

use hwnas_core::ir::{
    Activation, AxisWindow, BatchNorm, Conv1D, Conv2D, Dense, Elu, Layer, LeakyReLU, NoParams, Op,
    Padding, Pool1D, Pool2D, Softmax, Table, Tensor, UpSampling1D, UpSampling2D, ZeroPadding1D,
    ZeroPadding2D,
};

use crate::error::Result;
use crate::import::{Import, unsupported};
use crate::proto::NodeProto;
use crate::tensor::{Attrs, Const};

/// The op types the import reads (listed in its errors).
pub const SUPPORTED: &str = "Gemm, MatMul (+ Add of a bias), Conv (1-D/2-D), MaxPool, \
    AveragePool, BatchNormalization, Relu, LeakyRelu, Elu, PRelu, Sigmoid, Tanh, Softplus, \
    Softsign, Softmax, Flatten, Reshape (to a flat vector), Transpose (between channels-first \
    and channels-last), Pad (zeros), Resize/Upsample (nearest, integer scales), Identity, \
    Dropout, Constant, and QONNX's Quant, BipolarQuant (weights) and Trunc";

/// Imports `node`, whose one tensor input is the tensor the chain has reached.
pub(crate) fn import_node(im: &mut Import, node: &NodeProto) -> Result<()> {
    match node.op_type.as_str() {
        "Gemm" => gemm(im, node),
        "MatMul" => matmul(im, node),
        "Add" => add(im, node),
        "Conv" => conv(im, node),
        "MaxPool" | "AveragePool" => pool(im, node),
        "BatchNormalization" => batchnorm(im, node),
        "Relu" | "LeakyRelu" | "Elu" | "PRelu" | "Sigmoid" | "Tanh" | "Softplus" | "Softsign"
        | "Softmax" => activation(im, node),
        "Flatten" => {
            let axis = Attrs(node).int("axis", 1);
            if axis != 1 {
                return Err(unsupported(
                    node,
                    &format!("axis = {axis}; hwnas flattens everything but the batch (axis = 1)"),
                ));
            }
            flatten(im, node)
        }
        "Reshape" => reshape(im, node),
        "Transpose" => transpose(im, node),
        "Pad" => pad(im, node),
        "Resize" | "Upsample" => resize(im, node),
        "Identity" | "Dropout" => Ok(()),
        "Quant" => {
            let t = im.quant_type(node, [1, 2, 3], "ROUND")?;
            set_result(im, node, t)
        }
        "Trunc" => trunc(im, node),
        "BipolarQuant" => Err(unsupported(
            node,
            "BipolarQuant of a computed tensor is a sign function, which hwnas has no layer \
             for (BipolarQuant of weights is supported)",
        )),
        _ => Err(unsupported(
            node,
            &format!("hwnas cannot import this op type; supported: {SUPPORTED}"),
        )),
    }
}

/// The result type of the last layer (the input type before any layer), set by the quantiser
/// `node`. A layer has one result type: a second quantiser right after the first would round
/// twice, which no single type does.
fn set_result(im: &mut Import, node: &NodeProto, t: hwnas_core::fixed::FixedType) -> Result<()> {
    if im.quantiser_ends.as_ref() == Some(&im.cur) {
        return Err(unsupported(
            node,
            "it quantises the output of another quantiser; hwnas gives each layer one result \
             type, so merge the two into one Quant",
        ));
    }
    im.quantiser_ends = node.output.first().cloned();
    // A Flatten only renames its input (its type cannot differ): the type belongs to the layer
    // before it.
    let at = im
        .layers
        .iter()
        .rposition(|l| !matches!(l.op, hwnas_core::ir::Op::Flatten(_)));
    match at.map(|i| &mut im.layers[i]) {
        Some(l) => {
            l.precision.result = Some(t);
            im.meta.apply(l);
        }
        None => im.input_type = crate::meta::Meta::refine(t, im.meta.input_type),
    }
    Ok(())
}

/// `Trunc` (QONNX version 2: `X, scale, zeropt, in_bitwidth, out_scale, out_bitwidth`): the
/// low bits dropped from a fixed-point tensor, its value kept; a result type
/// `ap_fixed<out_bitwidth, out_bitwidth - f>` for `out_scale = 2^-f`, rounded by
/// `rounding_mode` (default FLOOR) and clamped.
fn trunc(im: &mut Import, node: &NodeProto) -> Result<()> {
    if node.input.len() != 6 {
        return Err(unsupported(
            node,
            "this is Trunc version 1 (five inputs), whose output is divided by 2^(in - out) \
             (Brevitas's sum pooling); hwnas reads Trunc version 2, with `out_scale`",
        ));
    }
    let t = im.quant_type(node, [4, 2, 5], "FLOOR")?;
    set_result(im, node, t)
}

/// `Gemm`: a Dense layer (`transA = 0`; `alpha` and `beta` folded into the weights).
fn gemm(im: &mut Import, node: &NodeProto) -> Result<()> {
    let a = Attrs(node);
    if a.int("transA", 0) != 0 {
        return Err(unsupported(
            node,
            "transA = 1; hwnas imports Gemm with transA = 0",
        ));
    }
    let w = im.const_input(node, 1)?.clone();
    if w.dims.len() != 2 {
        return Err(unsupported(node, "the weight B is not a matrix"));
    }
    let trans = a.int("transB", 0) != 0;
    let bias = im
        .optional_const(node, 2)?
        .map(|c| (c.clone(), a.float("beta", 1.0) as f64));
    let types = (im.type_of(node, 1), im.type_of(node, 2));
    dense(
        im,
        node,
        &w,
        trans,
        a.float("alpha", 1.0) as f64,
        bias,
        types,
    )
}

/// `MatMul` with a constant right-hand side: a Dense layer without bias (an `Add` after it
/// gives the bias).
fn matmul(im: &mut Import, node: &NodeProto) -> Result<()> {
    if node.input.first() != Some(&im.cur) {
        return Err(unsupported(
            node,
            "the constant is on the left; hwnas imports x @ W with the weights on the right",
        ));
    }
    let w = im.const_input(node, 1)?.clone();
    if w.dims.len() != 2 {
        return Err(unsupported(node, "the weight is not a matrix"));
    }
    let types = (im.type_of(node, 1), None);
    dense(im, node, &w, false, 1.0, None, types)?;
    im.bias_slot = node.output.first().cloned();
    Ok(())
}

/// `Add` of a constant to a `MatMul`'s output: that Dense layer's bias.
fn add(im: &mut Import, node: &NodeProto) -> Result<()> {
    let other = node.input.iter().position(|i| *i != im.cur).unwrap_or(1);
    let after_matmul = im.bias_slot.as_ref() == Some(&im.cur);
    let bias = im.const_input(node, other)?.clone();
    let bias_type = im.type_of(node, other);
    let Some(layer) = im.layers.last_mut().filter(|_| after_matmul) else {
        return Err(unsupported(
            node,
            "an Add of a constant is imported only as the bias of the MatMul before it",
        ));
    };
    let Op::Dense(d) = &mut layer.op else {
        unreachable!("bias_slot is set by a MatMul only")
    };
    let n = d.units;
    let data = broadcast(node, &bias, n, "the bias", "units")?;
    d.use_bias = true;
    layer.precision.bias = bias_type;
    let name = layer.name.clone();
    im.meta.apply(layer);
    im.weights
        .insert(format!("{name}.bias"), Tensor::new(vec![n], data)?);
    im.bias_slot = None;
    Ok(())
}

/// `values` as `n` values (a single value repeated); an error saying that `what` has another
/// number of values than `n` `per` (units, filters, channels).
fn broadcast(
    node: &NodeProto,
    values: &Const,
    n: usize,
    what: &str,
    per: &str,
) -> Result<Vec<f32>> {
    match values.data.len() {
        1 => Ok(vec![values.data[0] as f32; n]),
        len if len == n => Ok(values.to_f32()),
        len => Err(unsupported(
            node,
            &format!("{what} has {len} values for {n} {per}"),
        )),
    }
}

/// A Dense layer of weight `w` (`[in, out]`, or `[out, in]` when `trans`) scaled by `alpha`,
/// with an optional bias scaled by its factor.
fn dense(
    im: &mut Import,
    node: &NodeProto,
    w: &Const,
    trans: bool,
    alpha: f64,
    bias: Option<(Const, f64)>,
    (weight_t, bias_t): (
        Option<hwnas_core::fixed::FixedType>,
        Option<hwnas_core::fixed::FixedType>,
    ),
) -> Result<()> {
    let (k, n) = if trans {
        (w.dims[1], w.dims[0])
    } else {
        (w.dims[0], w.dims[1])
    };
    if im.map.ir.len() != 1 {
        return Err(unsupported(
            node,
            &format!(
                "a Dense layer needs a flat input, but the tensor here is a {:?} map; add a \
                 Flatten before it",
                im.map.ir
            ),
        ));
    }
    if im.map.ir[0] != k {
        return Err(unsupported(
            node,
            &format!(
                "the weights take {k} inputs, but the tensor here has {}",
                im.map.ir[0]
            ),
        ));
    }
    // The IR flattens maps as (h, w, c); a channels-first Flatten gave (c, h, w): row i of the
    // IR weight is row perm[i] of the ONNX one.
    let perm = im.map.perm.take();
    let mut data = vec![0f32; k * n];
    for i in 0..k {
        let r = perm.as_ref().map_or(i, |p| p[i]);
        for o in 0..n {
            let v = if trans {
                w.data[o * k + r]
            } else {
                w.data[r * n + o]
            };
            data[i * n + o] = (alpha * v) as f32;
        }
    }
    let name = im.layer_name(node, "");
    let mut layer = Layer::new(
        name.clone(),
        Op::Dense(Dense {
            units: n,
            use_bias: bias.is_some(),
        }),
    );
    layer.precision.weight = weight_t;
    if let Some((b, beta)) = bias {
        let mut v = broadcast(node, &b, n, "the bias", "units")?;
        v.iter_mut().for_each(|x| *x = (*x as f64 * beta) as f32);
        layer.precision.bias = bias_t;
        im.weights
            .insert(format!("{name}.bias"), Tensor::new(vec![n], v)?);
    }
    im.weights
        .insert(format!("{name}.weight"), Tensor::new(vec![k, n], data)?);
    im.map.ir = vec![n];
    im.push(layer);
    Ok(())
}

/// Checks that the tensor is a channels-first map of 1 or 2 spatial dimensions, for a
/// window op; returns the number of spatial dimensions.
fn spatial(im: &Import, node: &NodeProto) -> Result<usize> {
    let rank = im.map.ir.len();
    if !(2..=3).contains(&rank) {
        return Err(unsupported(
            node,
            &format!(
                "needs a [batch, channels, length] or [batch, channels, height, width] input, \
                 but the tensor here is {:?} (channels-last, without the batch)",
                im.map.ir
            ),
        ));
    }
    if !im.map.channels_first {
        return Err(unsupported(
            node,
            "the tensor here is channels-last (after a Transpose), but ONNX window ops take \
             channels first; remove the Transpose",
        ));
    }
    Ok(rank - 1)
}

/// Explicit padding `(begin, end)` per spatial axis.
type Pads = Vec<(usize, usize)>;

/// The padding of a window op: `Same` when it equals Keras's `same`, `Valid` when there is
/// none, else the explicit `(begin, end)` per axis (for a ZeroPadding layer before a `valid`
/// op).
fn padding(
    im: &Import,
    node: &NodeProto,
    input: &[usize],
    kernel: &[usize],
    stride: &[usize],
) -> Result<(Padding, Option<Pads>)> {
    let a = Attrs(node);
    let sp = kernel.len();
    let same: Vec<AxisWindow> = (0..sp)
        .map(|i| Padding::Same.resolve(input[i], kernel[i], stride[i]))
        .collect::<Option<_>>()
        .ok_or_else(|| unsupported(node, "the window does not fit the input"))?;
    let pads: Vec<(usize, usize)> = match a.string("auto_pad", "NOTSET").as_str() {
        "NOTSET" => {
            let p = a.ints("pads").unwrap_or_else(|| vec![0; 2 * sp]);
            if p.len() != 2 * sp || p.iter().any(|&v| v < 0) {
                return Err(unsupported(
                    node,
                    &format!("pads = {p:?} is not 2 x {sp} sizes"),
                ));
            }
            (0..sp)
                .map(|i| (p[i] as usize, p[i + sp] as usize))
                .collect()
        }
        "VALID" => vec![(0, 0); sp],
        "SAME_UPPER" => same.iter().map(|w| (w.pad_begin, w.pad_end)).collect(),
        "SAME_LOWER" => same.iter().map(|w| (w.pad_end, w.pad_begin)).collect(),
        other => return Err(unsupported(node, &format!("auto_pad = {other}"))),
    };
    let is_same = pads
        .iter()
        .zip(&same)
        .all(|(&p, w)| p == (w.pad_begin, w.pad_end));
    if pads.iter().all(|&p| p == (0, 0)) {
        // `same` may pad nothing here too; then the two are one function and hwnas's own
        // metadata (if any) says which was written.
        let hint = im.meta.padding(&crate::import::node_name(node));
        Ok((
            if is_same {
                hint.unwrap_or(Padding::Valid)
            } else {
                Padding::Valid
            },
            None,
        ))
    } else if is_same {
        Ok((Padding::Same, None))
    } else {
        Ok((Padding::Valid, Some(pads)))
    }
}

/// The `kernel_shape`-like list attribute `name` as sizes (default: `default` each).
fn sizes(node: &NodeProto, name: &str, n: usize, default: usize) -> Result<Vec<usize>> {
    match Attrs(node).ints(name) {
        None => Ok(vec![default; n]),
        Some(v) if v.len() == n && v.iter().all(|&x| x >= 1) => {
            Ok(v.into_iter().map(|x| x as usize).collect())
        }
        Some(v) => Err(unsupported(
            node,
            &format!("{name} = {v:?} is not {n} positive sizes"),
        )),
    }
}

/// A ZeroPadding layer of `pads` (per spatial axis) named after `node` and `suffix`.
fn zero_padding(
    im: &mut Import,
    node: &NodeProto,
    suffix: &str,
    pads: &[(usize, usize)],
) -> Result<()> {
    let name = im.layer_name(node, suffix);
    let op = match pads {
        [(l, r)] => Op::ZeroPadding1D(ZeroPadding1D {
            left: *l,
            right: *r,
        }),
        [(t, b), (l, r)] => Op::ZeroPadding2D(ZeroPadding2D {
            top: *t,
            bottom: *b,
            left: *l,
            right: *r,
        }),
        _ => unreachable!("1 or 2 spatial axes"),
    };
    for (d, (b, e)) in im.map.ir.iter_mut().zip(pads) {
        *d += b + e;
    }
    im.push(Layer::new(name, op));
    Ok(())
}

/// `Conv` (1-D or 2-D, `group = 1`, no dilation): a convolution, after a ZeroPadding layer
/// when its padding is neither none nor Keras's `same`.
fn conv(im: &mut Import, node: &NodeProto) -> Result<()> {
    let sp = spatial(im, node)?;
    let a = Attrs(node);
    if a.int("group", 1) != 1 {
        return Err(unsupported(
            node,
            &format!(
                "group = {} (a grouped or depthwise convolution); hwnas imports group = 1",
                a.int("group", 1)
            ),
        ));
    }
    if sizes(node, "dilations", sp, 1)?.iter().any(|&d| d != 1) {
        return Err(unsupported(node, "dilated convolutions are not supported"));
    }
    let w = im.const_input(node, 1)?.clone();
    if w.dims.len() != sp + 2 {
        return Err(unsupported(
            node,
            "the weight's rank does not match the input's",
        ));
    }
    let (filters, cin) = (w.dims[0], w.dims[1]);
    if cin != im.map.channels() {
        return Err(unsupported(
            node,
            &format!(
                "the weights take {cin} channels, but the tensor here has {}",
                im.map.channels()
            ),
        ));
    }
    let kernel = w.dims[2..].to_vec();
    let stride = sizes(node, "strides", sp, 1)?;
    let (pad, explicit) = padding(im, node, &im.map.ir[..sp], &kernel, &stride)?;
    if let Some(p) = explicit {
        zero_padding(im, node, "_pad", &p)?;
    }
    // ONNX [O][I][k...] to the IR's [k...][I][O].
    let ksz: usize = kernel.iter().product();
    let mut data = vec![0f32; w.data.len()];
    for o in 0..filters {
        for i in 0..cin {
            for k in 0..ksz {
                data[(k * cin + i) * filters + o] = w.data[(o * cin + i) * ksz + k] as f32;
            }
        }
    }
    let bias = im.optional_const(node, 2)?.cloned();
    let name = im.layer_name(node, "");
    let use_bias = bias.is_some();
    let op = if sp == 1 {
        Op::Conv1D(Conv1D {
            filters,
            kernel: kernel[0],
            stride: stride[0],
            padding: pad,
            use_bias,
        })
    } else {
        Op::Conv2D(Conv2D {
            filters,
            kernel: [kernel[0], kernel[1]],
            stride: [stride[0], stride[1]],
            padding: pad,
            use_bias,
        })
    };
    let mut layer = Layer::new(name.clone(), op);
    layer.precision.weight = im.type_of(node, 1);
    let mut wshape = kernel.clone();
    wshape.extend([cin, filters]);
    im.weights
        .insert(format!("{name}.weight"), Tensor::new(wshape, data)?);
    if let Some(b) = bias {
        let v = broadcast(node, &b, filters, "the bias", "filters")?;
        layer.precision.bias = im.type_of(node, 2);
        im.weights
            .insert(format!("{name}.bias"), Tensor::new(vec![filters], v)?);
    }
    window_output(im, node, &kernel, &stride, pad)?;
    *im.map.ir.last_mut().expect("maps have channels") = filters;
    im.push(layer);
    Ok(())
}

/// Moves the map's spatial shape past a window op.
fn window_output(
    im: &mut Import,
    node: &NodeProto,
    kernel: &[usize],
    stride: &[usize],
    pad: Padding,
) -> Result<()> {
    for (i, d) in im.map.ir.iter_mut().take(kernel.len()).enumerate() {
        *d = pad
            .resolve(*d, kernel[i], stride[i])
            .ok_or_else(|| unsupported(node, "the window does not fit the input"))?
            .out;
    }
    Ok(())
}

/// `MaxPool` / `AveragePool`: pooling with no padding or Keras's `same` (average pooling then
/// must exclude the padding, `count_include_pad = 0`, as Keras does).
fn pool(im: &mut Import, node: &NodeProto) -> Result<()> {
    let sp = spatial(im, node)?;
    let a = Attrs(node);
    let avg = node.op_type == "AveragePool";
    let kernel = match a.ints("kernel_shape") {
        Some(_) => sizes(node, "kernel_shape", sp, 1)?,
        None => return Err(unsupported(node, "kernel_shape is missing")),
    };
    let stride = sizes(node, "strides", sp, 1)?;
    if a.int("ceil_mode", 0) != 0 {
        return Err(unsupported(
            node,
            "ceil_mode = 1; hwnas pools with ceil_mode = 0",
        ));
    }
    if sizes(node, "dilations", sp, 1)?.iter().any(|&d| d != 1) {
        return Err(unsupported(node, "dilated pooling is not supported"));
    }
    let (pad, explicit) = padding(im, node, &im.map.ir[..sp], &kernel, &stride)?;
    if explicit.is_some() || (avg && pad == Padding::Same && a.int("count_include_pad", 0) != 0) {
        return Err(unsupported(
            node,
            "its padding is neither none nor Keras's `same` (or an average that counts the \
             padding); pad with zeros before pooling instead",
        ));
    }
    let given = im.meta.stride_given(&crate::import::node_name(node));
    let name = im.layer_name(node, "");
    let op = if sp == 1 {
        let p = Pool1D {
            pool: kernel[0],
            stride: (stride[0] != kernel[0] || given).then_some(stride[0]),
            padding: pad,
        };
        if avg {
            Op::AvgPool1D(p)
        } else {
            Op::MaxPool1D(p)
        }
    } else {
        let k = [kernel[0], kernel[1]];
        let s = [stride[0], stride[1]];
        let p = Pool2D {
            pool: k,
            stride: (s != k || given).then_some(s),
            padding: pad,
        };
        if avg {
            Op::AvgPool2D(p)
        } else {
            Op::MaxPool2D(p)
        }
    };
    window_output(im, node, &kernel, &stride, pad)?;
    im.push(Layer::new(name, op));
    Ok(())
}

/// `BatchNormalization` (inference form): a BatchNorm layer over the channels.
fn batchnorm(im: &mut Import, node: &NodeProto) -> Result<()> {
    let a = Attrs(node);
    if a.int("training_mode", 0) != 0 {
        return Err(unsupported(
            node,
            "training_mode = 1; export the model in eval mode",
        ));
    }
    let c = im.map.channels();
    let name = im.layer_name(node, "");
    for (i, key) in [(1, "gamma"), (2, "beta"), (3, "mean"), (4, "variance")] {
        let v = im.const_input(node, i)?;
        let data = broadcast(node, v, c, &format!("`{key}`"), "channels")?;
        let data = perm_channels(im, data);
        im.weights
            .insert(format!("{name}.{key}"), Tensor::new(vec![c], data)?);
    }
    let epsilon = a.decimal("epsilon", 1e-5);
    im.push(Layer::new(name, Op::BatchNorm(BatchNorm { epsilon })));
    Ok(())
}

/// Per-channel values of a flat tensor after a channels-first Flatten, in the IR's order.
fn perm_channels(im: &Import, data: Vec<f32>) -> Vec<f32> {
    match &im.map.perm {
        Some(p) if im.map.ir.len() == 1 => p.iter().map(|&j| data[j]).collect(),
        _ => data,
    }
}

/// The activations.
fn activation(im: &mut Import, node: &NodeProto) -> Result<()> {
    let a = Attrs(node);
    let act = match node.op_type.as_str() {
        "Relu" => Activation::ReLU(NoParams {}),
        "LeakyRelu" => Activation::LeakyReLU(LeakyReLU {
            alpha: a.decimal("alpha", 0.01),
        }),
        "Elu" => Activation::ELU(Elu {
            alpha: a.decimal("alpha", 1.0),
            ..Elu::default()
        }),
        "PRelu" => Activation::PReLU(NoParams {}),
        "Sigmoid" => Activation::Sigmoid(Table::default()),
        "Tanh" => Activation::Tanh(Table::default()),
        "Softplus" => Activation::Softplus(Table::default()),
        "Softsign" => Activation::Softsign(Table::default()),
        _ => {
            // Softmax: over the channels of each position (or the whole vector). Before opset
            // 13 it ran over every axis from `axis` on, which is the channels only for vectors.
            let rank = im.map.ir.len() as i64;
            let axis = a.int("axis", if im.opset >= 13 { -1 } else { 1 });
            let axis = if axis < 0 { axis + rank + 1 } else { axis };
            let channel_axis = if rank > 1 && im.map.channels_first {
                1
            } else {
                rank
            };
            if axis != channel_axis || (rank > 1 && im.opset < 13) {
                return Err(unsupported(
                    node,
                    "hwnas's Softmax runs over the channels of each position (the features of \
                     a vector); this one runs over other axes",
                ));
            }
            Activation::Softmax(Softmax::default())
        }
    };
    let name = im.layer_name(node, "");
    if matches!(act, Activation::PReLU(_)) {
        let c = im.map.channels();
        let slope = im.const_input(node, 1)?;
        let data = broadcast(node, slope, c, "the slope", "channels").map_err(|_| {
            unsupported(
                node,
                &format!(
                    "the slope has {} values; hwnas has one per channel ({c}) or one shared",
                    slope.data.len()
                ),
            )
        })?;
        let data = perm_channels(im, data);
        im.weights
            .insert(format!("{name}.alpha"), Tensor::new(vec![c], data)?);
    }
    im.push(Layer::new(name, Op::Activation(act)));
    Ok(())
}

/// `Flatten`: an IR Flatten of a map (nothing for a vector); a channels-first map leaves a
/// permutation for the next Dense layer.
fn flatten(im: &mut Import, node: &NodeProto) -> Result<()> {
    if im.map.ir.len() == 1 {
        return Ok(());
    }
    let ir = im.map.ir.clone();
    let n: usize = ir.iter().product();
    if im.map.channels_first {
        // IR position (.., c) in (h, w, c) order; ONNX position in (c, h, w) order.
        let c = *ir.last().expect("maps have channels");
        let positions = n / c;
        im.map.perm = Some((0..n).map(|j| (j % c) * positions + j / c).collect());
    }
    let name = im.layer_name(node, "");
    im.map.ir = vec![n];
    im.push(Layer::new(name, Op::Flatten(NoParams {})));
    Ok(())
}

/// `Reshape` to `[batch, -1]` (or the flat size): a Flatten; to the current shape: nothing.
fn reshape(im: &mut Import, node: &NodeProto) -> Result<()> {
    let shape = im.const_input(node, 1)?.data.clone();
    let n: usize = im.map.ir.iter().product();
    let flat = shape.len() == 2 && (shape[1] == -1.0 || shape[1] == n as f64);
    if flat {
        return flatten(im, node);
    }
    let onnx: Vec<f64> = im.map.onnx_shape().iter().map(|&d| d as f64).collect();
    if shape.len() == onnx.len() + 1 && shape[1..] == onnx[..] {
        return Ok(());
    }
    Err(unsupported(
        node,
        &format!(
            "a Reshape to {shape:?} is neither a flatten ([batch, -1]) nor the identity; \
             hwnas imports Reshape as Flatten only"
        ),
    ))
}

/// `Transpose` between channels-first and channels-last (no IR layer: the IR is channels-last
/// either way).
fn transpose(im: &mut Import, node: &NodeProto) -> Result<()> {
    let perm = Attrs(node).ints("perm").unwrap_or_default();
    let (to_last, to_first): (&[i64], &[i64]) = match im.map.ir.len() {
        3 => (&[0, 2, 3, 1], &[0, 3, 1, 2]),
        2 => (&[0, 2, 1], &[0, 2, 1]),
        _ => (&[], &[]),
    };
    if im.map.channels_first && perm == to_last && !to_last.is_empty() {
        im.map.channels_first = false;
        Ok(())
    } else if !im.map.channels_first && perm == to_first && !to_first.is_empty() {
        im.map.channels_first = true;
        Ok(())
    } else {
        Err(unsupported(
            node,
            &format!(
                "perm = {perm:?}; hwnas imports a Transpose only between channels-first and \
                 channels-last ({to_last:?} / {to_first:?}) of a map"
            ),
        ))
    }
}

/// `Pad` with zeros of the spatial axes: a ZeroPadding layer.
fn pad(im: &mut Import, node: &NodeProto) -> Result<()> {
    let a = Attrs(node);
    if a.string("mode", "constant") != "constant" {
        return Err(unsupported(
            node,
            "only constant (zero) padding is supported",
        ));
    }
    let value = match im.optional_const(node, 2)? {
        Some(c) => c.scalar().unwrap_or(f64::NAN),
        None => a.float("value", 0.0) as f64,
    };
    if value != 0.0 {
        return Err(unsupported(
            node,
            &format!("the padding value is {value}, not 0"),
        ));
    }
    let pads: Vec<i64> = match im.optional_const(node, 1)? {
        Some(c) => c.data.iter().map(|&v| v as i64).collect(),
        None => a.ints("pads").unwrap_or_default(),
    };
    let rank = im.map.ir.len();
    let onnx_rank = rank + 1;
    if pads.len() != 2 * onnx_rank || pads.iter().any(|&p| p < 0) || !(2..=3).contains(&rank) {
        return Err(unsupported(
            node,
            &format!("pads = {pads:?} are not non-negative pads of a map"),
        ));
    }
    let mut spatial = Vec::new();
    for ax in 0..rank {
        let o = im.map.onnx_axis(ax);
        let (b, e) = (pads[o] as usize, pads[o + onnx_rank] as usize);
        if ax == rank - 1 {
            if (b, e) != (0, 0) {
                return Err(unsupported(node, "padding the channels is not supported"));
            }
        } else {
            spatial.push((b, e));
        }
    }
    if pads[0] != 0 || pads[onnx_rank] != 0 {
        return Err(unsupported(node, "padding the batch is not supported"));
    }
    zero_padding(im, node, "", &spatial)
}

/// `Resize` / `Upsample` by integer factors, nearest neighbour: an UpSampling layer.
fn resize(im: &mut Import, node: &NodeProto) -> Result<()> {
    let a = Attrs(node);
    if a.string("mode", "nearest") != "nearest" {
        return Err(unsupported(
            node,
            "only nearest-neighbour resizing is supported",
        ));
    }
    let coord = a.string("coordinate_transformation_mode", "half_pixel");
    if matches!(coord.as_str(), "align_corners" | "tf_crop_and_resize") {
        return Err(unsupported(
            node,
            &format!("coordinate_transformation_mode = {coord} does not repeat pixels"),
        ));
    }
    let rank = im.map.ir.len();
    if !(2..=3).contains(&rank) {
        return Err(unsupported(node, "only maps can be upsampled"));
    }
    // Upsample: (X, scales); Resize: (X, roi, scales, sizes).
    let scale_input = if node.op_type == "Upsample" { 1 } else { 2 };
    let mut factors: Vec<f64> = match im.optional_const(node, scale_input)? {
        Some(c) if !c.data.is_empty() => c.data.clone(),
        _ => Vec::new(),
    };
    if factors.is_empty()
        && let Some(sizes) = im.optional_const(node, 3)?
    {
        let sizes = sizes.data.clone();
        factors = (0..=rank)
            .map(|o| {
                let ax = (0..rank).find(|&a| im.map.onnx_axis(a) == o);
                let cur = ax.map_or(sizes.first().copied().unwrap_or(1.0), |a| {
                    im.map.ir[a] as f64
                });
                sizes.get(o).copied().unwrap_or(f64::NAN) / cur
            })
            .collect();
    }
    if factors.len() != rank + 1 {
        return Err(unsupported(node, "the scales (or sizes) are missing"));
    }
    let mut size = Vec::new();
    for ax in 0..rank {
        let f = factors[im.map.onnx_axis(ax)];
        if ax == rank - 1 {
            if f != 1.0 {
                return Err(unsupported(node, "resizing the channels is not supported"));
            }
        } else if f.fract() != 0.0 || f < 1.0 {
            return Err(unsupported(
                node,
                &format!("the scale {f} is not a whole factor of at least 1"),
            ));
        } else {
            size.push(f as usize);
        }
    }
    let name = im.layer_name(node, "");
    let op = match size.as_slice() {
        [s] => Op::UpSampling1D(UpSampling1D { size: *s }),
        [h, w] => Op::UpSampling2D(UpSampling2D { size: [*h, *w] }),
        _ => unreachable!("1 or 2 spatial axes"),
    };
    for (d, s) in im.map.ir.iter_mut().zip(&size) {
        *d *= s;
    }
    im.push(Layer::new(name, op));
    Ok(())
}
