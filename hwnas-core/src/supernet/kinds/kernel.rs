//! Dense, Conv1D and Conv2D in the supernet: the widest kernel and bias, width by a channel
//! mask, kernel size by centred sub-kernel masks, weight and result bits by mixtures of
//! fake-quantised copies, and the on/off switch of optional layers.

use crate::backend::TrainBackend;
use burn::tensor::ops::{ConvOptions, PadMode};
use burn::tensor::{Tensor, TensorData};

use super::{Channels, Put};
use crate::Result;
use crate::ir::{Op, Tensor as IrTensor};
use crate::rng::{Random, SplitMix64};
use crate::space::{DecisionKind, LayerKind, LayerSpec};
use crate::supernet::net::{
    Act, LayerIds, Pass, Supernet, add_channels, bcast2, bcast4, choice_value, mul_channels,
};
use crate::supernet::params::{Group, ParamStore};
use crate::supernet::quant::integer_bits_for;

/// Stored-tensor ids of a Dense/Conv layer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KernelIds {
    pub weight: usize,
    pub bias: usize,
}

/// The widest kernel (Kaiming-uniform from `rng`) and a zero bias.
pub(super) fn tensors<B: TrainBackend>(
    l: &LayerSpec,
    input: &[usize],
    store: &mut ParamStore<B>,
    rng: &mut SplitMix64,
) -> LayerIds {
    let cin = *input.last().unwrap_or(&1);
    let cout = l.max_width();
    let (shape, fan_in) = match l.kind {
        LayerKind::Dense => (vec![input[0], cout], input[0]),
        _ => {
            let k = l.max_kernel();
            let kh = if l.kind == LayerKind::Conv2D { k } else { 1 };
            (vec![cout, cin, kh, k], cin * kh * k)
        }
    };
    let a = (6.0 / fan_in as f64).sqrt();
    let n: usize = shape.iter().product();
    let data = (0..n)
        .map(|_| ((rng.uniform_open() * 2.0 - 1.0) * a) as f32)
        .collect();
    let weight = store.add(format!("{}.weight", l.name), shape, data, Group::Weight);
    let bias = store.add(
        format!("{}.bias", l.name),
        vec![cout],
        vec![0.0; cout],
        Group::Weight,
    );
    LayerIds::Kernel(KernelIds { weight, bias })
}

/// The layer, mixed with its input by the on/off decision of an optional layer.
pub(super) fn forward<B: TrainBackend>(
    net: &Supernet<B>,
    li: usize,
    ids: KernelIds,
    act: Act<B>,
    pass: &mut Pass<'_, B>,
) -> Act<B> {
    let probs = pass.probs;
    let x_in = match &act {
        Act::Map(t) => Act::Map(t.clone()),
        Act::Flat(t) => Act::Flat(t.clone()),
    };
    let out = kernel_layer(net, li, ids, act, pass);
    match net.dec(li, DecisionKind::OnOff) {
        None => out,
        Some(d) => match (probs[d].hot, out, x_in) {
            (Some(0), o, _) => o,
            (Some(_), _, x) => x,
            (None, Act::Map(o), Act::Map(x)) => {
                let p = &probs[d].t;
                Act::Map(o * bcast4(p.clone().slice(0..1)) + x * bcast4(p.clone().slice(1..2)))
            }
            (None, Act::Flat(o), Act::Flat(x)) => {
                let p = &probs[d].t;
                Act::Flat(o * bcast2(p.clone().slice(0..1)) + x * bcast2(p.clone().slice(1..2)))
            }
            _ => unreachable!("on/off layers keep the rank"),
        },
    }
}

fn kernel_layer<B: TrainBackend>(
    net: &Supernet<B>,
    li: usize,
    ids: KernelIds,
    act: Act<B>,
    pass: &mut Pass<'_, B>,
) -> Act<B> {
    let l = &net.spec.layers[li];
    let (bound, probs, ctx) = (pass.bound, pass.probs, &mut *pass.ctx);
    let wid = ids.weight;
    let shape = &net.store.entries[wid].shape;
    let bias = bound.leaves[ids.bias].clone();
    let mut y = match act {
        Act::Flat(x) => {
            let w: Tensor<B, 2> = bound.get(wid, [shape[0], shape[1]]);
            let r = B::max_abs(w.clone());
            ctx.weight_range[li] = ctx.weight_range[li].max(r);
            let wi = l.weight_integer.unwrap_or_else(|| integer_bits_for(r));
            let w = net.quant_mix(li, DecisionKind::WeightBits, w, wi, probs);
            Act::Flat(x.matmul(w) + bias.unsqueeze_dim(0))
        }
        Act::Map(x) => {
            let (co, ci, kh, kw) = (shape[0], shape[1], shape[2], shape[3]);
            let mut w: Tensor<B, 4> = bound.get(wid, [co, ci, kh, kw]);
            let (mut kh_eff, mut kw_eff) = (kh, kw);
            if let Some(d) = net.dec(li, DecisionKind::Kernel) {
                match probs[d].hot {
                    Some(i) => {
                        let s = choice_value(&net.spec.decisions()[d].options[i]);
                        let off = (kw - s) / 2;
                        let (offh, sh) = if kh == 1 { (0, 1) } else { (off, s) };
                        w = w.slice([0..co, 0..ci, offh..offh + sh, off..off + s]);
                        (kh_eff, kw_eff) = (sh, s);
                    }
                    None => {
                        let n = probs[d].t.dims()[0];
                        let m = probs[d]
                            .t
                            .clone()
                            .reshape([1, n])
                            .matmul(net.masks[d].clone().expect("kernel masks"))
                            .reshape([1, 1, kh, kw]);
                        w = w * m;
                    }
                }
            }
            let r = B::max_abs(w.clone());
            ctx.weight_range[li] = ctx.weight_range[li].max(r);
            let wi = l.weight_integer.unwrap_or_else(|| integer_bits_for(r));
            let w = net.quant_mix(li, DecisionKind::WeightBits, w, wi, probs);
            let [_, _, h, wd] = x.dims();
            // Keras `same`: the odd pixel of padding goes to the end; burn pads
            // symmetrically, so uneven padding is added to the input explicitly.
            let axis = |len: usize, k: usize| {
                l.padding
                    .resolve(len, k, l.stride)
                    .map(|a| (a.pad_begin, a.pad_end))
                    .unwrap_or((0, 0))
            };
            let (sh, ph) = if kh == 1 {
                (1, (0, 0))
            } else {
                (l.stride, axis(h, kh_eff))
            };
            let pw = axis(wd, kw_eff);
            let (x, pad) = if ph.0 == ph.1 && pw.0 == pw.1 {
                (x, [ph.0, pw.0])
            } else {
                (x.pad([ph, pw], PadMode::Constant(0.0)), [0, 0])
            };
            let opts = ConvOptions::new([sh, l.stride], pad, [1, 1], 1);
            // The bias is added here, not by conv2d: burn's conv bias gradient sums a
            // transposed copy of the output gradient; this sum runs on it as laid out.
            Act::Map(add_channels(B::conv2d_no_bias(x, w, opts), bias))
        }
    };
    // Result quantisation, unless it applies after the BatchNorm that follows.
    if !net.spec.result_after_batchnorm(li) {
        y = net.quantize_result(li, y, probs, ctx);
    }
    // Width mask.
    pass.mask = None;
    if let Some(d) = net.dec(li, DecisionKind::Width) {
        let m = match probs[d].hot {
            Some(i) => {
                let c = l.max_width();
                let w = choice_value(&net.spec.decisions()[d].options[i]);
                let v: Vec<f32> = (0..c).map(|j| if j < w { 1.0 } else { 0.0 }).collect();
                Tensor::from_data(TensorData::new(v, [c]), net.device())
            }
            None => {
                let n = probs[d].t.dims()[0];
                let c = l.max_width();
                probs[d]
                    .t
                    .clone()
                    .reshape([1, n])
                    .matmul(net.masks[d].clone().expect("width masks"))
                    .reshape([c])
            }
        };
        y = match y {
            Act::Flat(t) => Act::Flat(t * m.clone().unsqueeze_dim(0)),
            Act::Map(t) => Act::Map(mul_channels(t, m.clone())),
        };
        pass.mask = Some(m);
    }
    y
}

/// The chosen rows/filters and centred sub-kernel, in the IR's layouts (Dense
/// `[n_in][n_out]`, Conv2D `[kh][kw][c_in][c_out]`, Conv1D `[k][c_in][c_out]`).
pub(super) fn export<B: TrainBackend>(
    net: &Supernet<B>,
    l: &LayerSpec,
    ids: KernelIds,
    op: &Op,
    ch: &mut Channels,
    put: &mut Put<'_>,
) -> Result<()> {
    let chan = &ch.chan;
    let filters = match op {
        Op::Dense(d) => {
            let w = net.store.values(ids.weight);
            let umax = l.max_width();
            let mut out = Vec::with_capacity(chan.len() * d.units);
            for &r in chan {
                out.extend_from_slice(&w[r * umax..r * umax + d.units]);
            }
            put("weight", vec![chan.len(), d.units], out)?;
            d.units
        }
        _ => {
            let (filters, kk) = match op {
                Op::Conv2D(c2) => (c2.filters, c2.kernel[1]),
                Op::Conv1D(c1) => (c1.filters, c1.kernel),
                _ => unreachable!("a Dense/Conv op"),
            };
            let e = &net.store.entries[ids.weight];
            let (ci_max, kh_max, kw_max) = (e.shape[1], e.shape[2], e.shape[3]);
            let w = net.store.values(ids.weight);
            let off = (kw_max - kk) / 2;
            let (offh, kh) = if kh_max == 1 { (0, 1) } else { (off, kk) };
            let mut out = Vec::with_capacity(kh * kk * chan.len() * filters);
            for i in 0..kh {
                for j in 0..kk {
                    for &ci in chan {
                        for co in 0..filters {
                            let src = ((co * ci_max + ci) * kh_max + i + offh) * kw_max + j + off;
                            out.push(w[src]);
                        }
                    }
                }
            }
            let shape = if l.kind == LayerKind::Conv2D {
                vec![kh, kk, chan.len(), filters]
            } else {
                vec![kk, chan.len(), filters]
            };
            put("weight", shape, out)?;
            filters
        }
    };
    let b = net.store.values(ids.bias);
    put("bias", vec![filters], b[..filters].to_vec())?;
    ch.chan = (0..filters).collect();
    Ok(())
}

/// The IR's kernel and bias, permuted to the supernet's layouts.
pub(super) fn import<B: TrainBackend>(
    net: &mut Supernet<B>,
    ids: KernelIds,
    op: &Op,
    get: &dyn Fn(&str) -> Result<IrTensor>,
) -> Result<()> {
    let w = get("weight")?;
    match op {
        Op::Dense(_) => net.store.set_values(ids.weight, w.data),
        _ => {
            let sh = &net.store.entries[ids.weight].shape;
            let (co, ci, kh, kw) = (sh[0], sh[1], sh[2], sh[3]);
            let mut out = vec![0.0; co * ci * kh * kw];
            for i in 0..kh {
                for j in 0..kw {
                    for c in 0..ci {
                        for o in 0..co {
                            out[((o * ci + c) * kh + i) * kw + j] =
                                w.data[((i * kw + j) * ci + c) * co + o];
                        }
                    }
                }
            }
            net.store.set_values(ids.weight, out);
        }
    }
    net.store.set_values(ids.bias, get("bias")?.data);
    Ok(())
}
