//! Lowering a `Network` to a [`QNetwork`]: BatchNorm fusion, quantisation, checks.

use hwnas_core::fixed::{FixedType, MAX_WIDTH, Rounding};
use hwnas_core::ir::TypePreset;
use hwnas_core::ir::{AxisWindow, LayerInfo, Network, Op};

use super::{MAX_CONST_WIDTH, QActivation, QLayer, QNetwork, QOp, QTensor, Window};
use crate::{Error, Result};

impl QNetwork {
    /// Lowers `net` (which must carry weights): validates it, fuses each BatchNorm that follows
    /// a Dense/Conv layer, quantises every weight and bias to its type and checks every cast
    /// the firmware will perform (see the [module docs](super)).
    ///
    /// # Errors
    /// [`Error::Core`] when the network is invalid, [`Error::Input`] when it has parameters but no
    /// weights,
    /// [`Error::Unsupported`] naming the layer when a type cannot be used (constants wider than
    /// 53 bits, a cast that trips the `ap_types` debug assertion, a BatchNorm variance that is
    /// not positive, ...).
    pub fn from_network(net: &Network) -> Result<QNetwork> {
        let analysis = net.analyze()?;
        // A network of parameter-free layers only (a ReLU, a pooling) needs no weights file.
        if !net.has_weights() && analysis.total_params() > 0 {
            return Err(Error::Input(format!(
                "network `{}` has no weights (an architecture-only document); give it a \
                 safetensors file (`weights` key, see docs/ir.md) before emitting or emulating it",
                net.name
            )));
        }
        check_const_type(usize::MAX, "input", "input", &net.input_type)?;
        let mut layers: Vec<QLayer> = Vec::with_capacity(net.layers.len());
        let mut i = 0;
        while i < net.layers.len() {
            let layer = &net.layers[i];
            let info = &analysis.layers[i];
            let fail = |reason: String| Error::Unsupported {
                index: i,
                layer: layer.name.clone(),
                kind: layer.op.kind().into(),
                reason,
            };
            let next_bn = net.batchnorm_is_fused(i + 1).then(|| &net.layers[i + 1]);
            let ty = &info.types;
            let op = match &layer.op {
                Op::Dense(_) | Op::Conv1D(_) | Op::Conv2D(_) => {
                    let weight_t = ty.weight.ok_or_else(|| fail("no weight type".into()))?;
                    check_const_type(i, &layer.name, "weight", &weight_t)?;
                    let w = &tensor(net, &layer.name, "weight")?.data;
                    let n_filt = *info.output_shape.last().unwrap_or(&1);
                    let mut wf: Vec<f32> = w.clone();
                    let mut bf: Option<Vec<f32>> = net
                        .weights
                        .get(&format!("{}.bias", layer.name))
                        .map(|t| t.data.clone());
                    let mut bias_t = ty.bias;
                    if let Some(bn) = next_bn {
                        // hls4ml's FuseBatchNormalization, in float32 as numpy computes it:
                        // w' = scale * w, b' = scale * b + (beta - scale * mean).
                        let (scale, shift) = bn_scale_shift(net, bn, n_filt)?;
                        for (k, v) in wf.iter_mut().enumerate() {
                            *v *= scale[k % n_filt];
                        }
                        let b = bf.get_or_insert_with(|| vec![0.0; n_filt]);
                        for (f, v) in b.iter_mut().enumerate() {
                            *v = scale[f] * *v + shift[f];
                        }
                        bias_t = Some(layer.precision.bias.unwrap_or(net.default_precision));
                    }
                    let weight = QTensor {
                        ty: weight_t,
                        raw: wf.iter().map(|&v| weight_t.quantize_printed(v)).collect(),
                    };
                    let bias = match (bf, bias_t) {
                        (Some(b), Some(t)) => {
                            check_const_type(i, &layer.name, "bias", &t)?;
                            Some(QTensor {
                                ty: t,
                                raw: b.iter().map(|&v| t.quantize_printed(v)).collect(),
                            })
                        }
                        _ => None,
                    };
                    let (n_in, n_terms) = match &layer.op {
                        Op::Dense(_) => (info.input_shape[0], info.input_shape[0]),
                        _ => (0, w.len() / n_filt),
                    };
                    let accum = match (layer.precision.accum, net.type_preset) {
                        (Some(a), _) => a,
                        // hwnas's lossless accumulator, widened for a bias the fusion added.
                        (None, TypePreset::Hwnas) => FixedType::lossless_accumulator(
                            &ty.input,
                            &weight_t,
                            bias.as_ref().map(|b| &b.ty),
                            n_terms,
                        )
                        .map_err(|e| fail(e.to_string()))?,
                        (None, _) => ty.accum.ok_or_else(|| fail("no accumulator type".into()))?,
                    };
                    match &layer.op {
                        Op::Dense(_) => QOp::Dense {
                            n_in,
                            n_out: n_filt,
                            weight,
                            bias,
                            accum,
                        },
                        _ => QOp::Conv {
                            one_d: matches!(layer.op, Op::Conv1D(_)),
                            win: window(info, kernel_of(&layer.op), stride_of(&layer.op)),
                            filters: n_filt,
                            weight,
                            bias,
                            accum,
                        },
                    }
                }
                Op::BatchNorm(_) => {
                    let chan = *info.input_shape.last().unwrap_or(&1);
                    let (scale, shift) = bn_scale_shift(net, layer, chan)?;
                    let st = ty.weight.ok_or_else(|| fail("no scale type".into()))?;
                    let bt = ty.bias.ok_or_else(|| fail("no bias type".into()))?;
                    check_const_type(i, &layer.name, "scale (weight)", &st)?;
                    check_const_type(i, &layer.name, "bias", &bt)?;
                    QOp::Scale {
                        chan,
                        scale: QTensor {
                            ty: st,
                            raw: scale.iter().map(|&v| st.quantize_printed(v)).collect(),
                        },
                        bias: QTensor {
                            ty: bt,
                            raw: shift.iter().map(|&v| bt.quantize_printed(v)).collect(),
                        },
                    }
                }
                Op::MaxPool1D(_) | Op::MaxPool2D(_) | Op::AvgPool1D(_) | Op::AvgPool2D(_) => {
                    let (one_d, max, pool, stride) = match &layer.op {
                        Op::MaxPool1D(p) => {
                            (true, true, [1, p.pool], [1, p.stride.unwrap_or(p.pool)])
                        }
                        Op::AvgPool1D(p) => {
                            (true, false, [1, p.pool], [1, p.stride.unwrap_or(p.pool)])
                        }
                        Op::MaxPool2D(p) => (false, true, p.pool, p.stride.unwrap_or(p.pool)),
                        Op::AvgPool2D(p) => (false, false, p.pool, p.stride.unwrap_or(p.pool)),
                        _ => unreachable!("matched above"),
                    };
                    QOp::Pool {
                        one_d,
                        max,
                        win: window(info, pool, stride),
                        accum: if max { None } else { ty.accum },
                    }
                }
                Op::Activation(a) => QOp::Activation(
                    QActivation::lower(a, ty, &info.input_shape, |param| {
                        tensor(net, &layer.name, param)
                            .map(|t| t.data.clone())
                            .map_err(|e| e.to_string())
                    })
                    .map_err(fail)?,
                ),
                Op::Flatten(_) => QOp::Flatten,
                Op::UpSampling1D(u) => QOp::UpSampling {
                    one_d: true,
                    in_h: 1,
                    in_w: info.input_shape[0],
                    chan: info.input_shape[1],
                    sh: 1,
                    sw: u.size,
                },
                Op::UpSampling2D(u) => QOp::UpSampling {
                    one_d: false,
                    in_h: info.input_shape[0],
                    in_w: info.input_shape[1],
                    chan: info.input_shape[2],
                    sh: u.size[0],
                    sw: u.size[1],
                },
                Op::ZeroPadding1D(z) => QOp::ZeroPadding {
                    one_d: true,
                    in_h: 1,
                    in_w: info.input_shape[0],
                    chan: info.input_shape[1],
                    top: 0,
                    bottom: 0,
                    left: z.left,
                    right: z.right,
                },
                Op::ZeroPadding2D(z) => QOp::ZeroPadding {
                    one_d: false,
                    in_h: info.input_shape[0],
                    in_w: info.input_shape[1],
                    chan: info.input_shape[2],
                    top: z.top,
                    bottom: z.bottom,
                    left: z.left,
                    right: z.right,
                },
            };
            let (result, output_shape, fused, consumed) = match next_bn {
                Some(bn) => {
                    let bn_info = &analysis.layers[i + 1];
                    (
                        bn_info.types.result,
                        bn_info.output_shape.clone(),
                        vec![bn.name.clone()],
                        2,
                    )
                }
                None => (ty.result, info.output_shape.clone(), Vec::new(), 1),
            };
            let q = QLayer {
                name: layer.name.clone(),
                fused,
                ir_index: i,
                op,
                input_shape: info.input_shape.clone(),
                output_shape,
                input: ty.input,
                result,
                hls: layer.hls,
            };
            check_casts(&q).map_err(fail)?;
            layers.push(q);
            i += consumed;
        }
        Ok(QNetwork {
            name: net.name.clone(),
            input_shape: net.input_shape.clone(),
            input_type: net.input_type,
            layers,
        })
    }
}

fn tensor<'a>(net: &'a Network, layer: &str, param: &str) -> Result<&'a hwnas_core::ir::Tensor> {
    net.weights
        .get(&format!("{layer}.{param}"))
        .ok_or_else(|| Error::Input(format!("tensor `{layer}.{param}` is missing")))
}

/// `scale = gamma / sqrt(variance + epsilon)` and `shift = beta - scale * mean`, per channel, in
/// `float32` as hls4ml computes them from Keras's `float32` statistics (numpy 2 reads the
/// Python float `epsilon` as `float32`; every step is one IEEE-rounded `float32` operation).
fn bn_scale_shift(
    net: &Network,
    bn: &hwnas_core::ir::Layer,
    chan: usize,
) -> Result<(Vec<f32>, Vec<f32>)> {
    let Op::BatchNorm(p) = &bn.op else {
        return Err(Error::Input(format!("`{}` is not a BatchNorm", bn.name)));
    };
    let get = |name| tensor(net, &bn.name, name).map(|t| &t.data);
    let (g, b, m, v) = (get("gamma")?, get("beta")?, get("mean")?, get("variance")?);
    let epsilon = p.epsilon as f32;
    let mut scale = Vec::with_capacity(chan);
    let mut shift = Vec::with_capacity(chan);
    for c in 0..chan {
        let var = v[c] + epsilon;
        if var.is_nan() || var <= 0.0 {
            return Err(Error::Input(format!(
                "BatchNorm `{}`: variance + epsilon of channel {c} is {var}, not positive; \
                 check `{}.variance`",
                bn.name, bn.name
            )));
        }
        let s = g[c] / var.sqrt();
        scale.push(s);
        shift.push(b[c] - s * m[c]);
    }
    Ok((scale, shift))
}

fn stride_of(op: &Op) -> [usize; 2] {
    match op {
        Op::Conv1D(c) => [1, c.stride],
        Op::Conv2D(c) => c.stride,
        _ => [1, 1],
    }
}

fn kernel_of(op: &Op) -> [usize; 2] {
    match op {
        Op::Conv1D(c) => [1, c.kernel],
        Op::Conv2D(c) => c.kernel,
        _ => [1, 1],
    }
}

/// The 2-D window of a conv/pool layer (1-D layers: height 1).
fn window(info: &LayerInfo, kernel: [usize; 2], stride: [usize; 2]) -> Window {
    let s = &info.input_shape;
    let unit = AxisWindow {
        out: 1,
        pad_begin: 0,
        pad_end: 0,
    };
    let (in_h, in_w, chan, h, w) = if s.len() == 2 {
        (1, s[0], s[1], unit, info.windows[0])
    } else {
        (s[0], s[1], s[2], info.windows[0], info.windows[1])
    };
    Window {
        in_h,
        in_w,
        chan,
        kh: kernel[0],
        kw: kernel[1],
        sh: stride[0],
        sw: stride[1],
        pad_top: h.pad_begin,
        pad_bottom: h.pad_end,
        pad_left: w.pad_begin,
        pad_right: w.pad_end,
        out_h: h.out,
        out_w: w.out,
    }
}

fn check_const_type(index: usize, layer: &str, what: &str, t: &FixedType) -> Result<()> {
    if t.width > MAX_CONST_WIDTH {
        return Err(Error::Unsupported {
            index,
            layer: layer.into(),
            kind: what.into(),
            reason: format!(
                "the {what} type {t} is wider than {MAX_CONST_WIDTH} bits, so its constants and \
                 test vectors cannot be written as exact decimals; use a narrower type"
            ),
        });
    }
    Ok(())
}

/// A cast from a `(width, frac)` source to `to` that the `ap_types` headers built without
/// `NDEBUG` abort on: non-truncating rounding with the target's LSB more than `width` bits
/// above the source's.
fn trips_assertion(from_width: u32, from_frac: i32, to: &FixedType) -> bool {
    !matches!(to.rounding, Rounding::Trn | Rounding::TrnZero)
        && i64::from(from_frac) - i64::from(to.frac_bits()) > i64::from(from_width)
}

/// Checks the casts of one layer; returns the reason of the first bad one.
fn check_casts(l: &QLayer) -> std::result::Result<(), String> {
    let bad = |what: &str, from_w: u32, from_f: i32, to: &FixedType| {
        if trips_assertion(from_w, from_f, to) {
            Err(format!(
                "the cast of the {what} (width {from_w}, {from_f} fractional bits) to {to} \
                 would abort the ap_types debug assertion (the whole source lies below the \
                 target's rounding bit); give the result fewer integer bits or use AP_TRN"
            ))
        } else {
            Ok(())
        }
    };
    // The emulator computes every exact intermediate in `i128`: none may be wider than the
    // widest type.
    let wide = |what: &str, integer: i32, frac: i32| {
        let width = i64::from(integer) + i64::from(frac);
        if width > i64::from(MAX_WIDTH) {
            Err(format!(
                "the exact {what} needs {width} bits, but hwnas computes exactly with at most \
                 {MAX_WIDTH}; use narrower types or set an explicit accumulator or result type"
            ))
        } else {
            Ok(())
        }
    };
    let input = l.input;
    match &l.op {
        QOp::Dense {
            weight,
            bias,
            accum,
            ..
        }
        | QOp::Conv {
            weight,
            bias,
            accum,
            ..
        } => {
            let p = FixedType::product(&input, &weight.ty).map_err(|e| e.to_string())?;
            // Each product is cast to accum_t, then added to an accum_t value.
            bad("product", p.width, p.frac_bits(), accum)?;
            wide(
                "sum of two accumulator values",
                accum.integer + 1,
                accum.frac_bits(),
            )?;
            if let Some(b) = bias {
                bad("bias", b.ty.width, b.ty.frac_bits(), accum)?;
            }
            bad("accumulator", accum.width, accum.frac_bits(), &l.result)
        }
        QOp::Scale { scale, bias, .. } => {
            let f = (input.frac_bits() + scale.ty.frac_bits()).max(bias.ty.frac_bits());
            let i = (input.integer + scale.ty.integer).max(bias.ty.integer) + 1;
            wide("value x * scale + bias", i, f)?;
            bad("scaled value", (i + f).max(1) as u32, f, &l.result)
        }
        QOp::Activation(a) => {
            for (what, integer, frac) in a.products(&input) {
                wide(what, integer, frac)?;
                bad(what, (integer + frac).max(1) as u32, frac, &l.result)?;
            }
            bad("input", input.width, input.frac_bits(), &l.result)
        }
        QOp::Pool {
            accum: Some(acc), ..
        } => {
            wide(
                "sum of the accumulator and an input",
                acc.integer.max(input.integer) + 1,
                acc.frac_bits().max(input.frac_bits()),
            )?;
            bad("input", input.width, input.frac_bits(), acc)?;
            bad("average", acc.width + 1, acc.frac_bits(), &l.result)
        }
        _ => bad("input", input.width, input.frac_bits(), &l.result),
    }
}
