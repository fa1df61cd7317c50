//! A standalone BatchNorm (one not folded into the Dense/Conv before it): a per-channel
//! `y = cast(x * scale[c] + bias[c])` (`hls_lib/hwnas_batchnorm.h`); and the folding arithmetic
//! the Dense/Conv lowering uses.

use hwnas_core::fixed::FixedType;
use hwnas_core::ir::{Layer, Network, Op, Strategy};
use minijinja::context;

use super::{Casts, LayerImpl, LowerCx, tensor};
use crate::emit::layers::{Knobs, LayerCode, Names, typedef, weight_file};
use crate::emit::template::render;
use crate::model::{QLayer, QOp, QTensor};
use crate::resources::model::{CostCx, Features};
use crate::resources::{Kernel, WeightShares};
use crate::{Error, Result};

/// Standalone BatchNorm: `y = cast(x * scale[c] + bias[c])`, exact before the cast.
#[derive(Debug, Clone, PartialEq)]
pub struct QScale {
    /// Channels (the last axis).
    pub chan: usize,
    /// `[chan]`.
    pub scale: QTensor,
    /// `[chan]`.
    pub bias: QTensor,
}

/// Lowers a BatchNorm that is not folded.
pub(super) fn lower(cx: &LowerCx<'_>) -> Result<QOp> {
    let ty = &cx.info.types;
    let chan = *cx.info.input_shape.last().unwrap_or(&1);
    let (scale, shift) = scale_shift(cx.net, cx.layer, chan)?;
    let st = ty.weight.ok_or_else(|| cx.fail("no scale type"))?;
    let bt = ty.bias.ok_or_else(|| cx.fail("no bias type"))?;
    cx.check_const("scale (weight)", &st)?;
    cx.check_const("bias", &bt)?;
    Ok(QOp::Scale(QScale {
        chan,
        scale: QTensor {
            ty: st,
            raw: scale.iter().map(|&v| st.quantize_printed(v)).collect(),
        },
        bias: QTensor {
            ty: bt,
            raw: shift.iter().map(|&v| bt.quantize_printed(v)).collect(),
        },
    }))
}

/// A standalone scale-and-shift (when not fused into the layer before it): one constant
/// multiplication and one addition per element.
pub(super) fn cost(cx: &CostCx<'_>) -> Features {
    let l = cx.l;
    let k = Kernel {
        n_in: 1,
        n_out: if cx.stream {
            cx.in_ch
        } else {
            CostCx::elems(&l.input_shape)
        },
        positions: if cx.stream { cx.in_pos } else { 1 },
        weight_bits: l.types.weight.map_or(cx.out_bits, |w| w.width),
        input_bits: cx.in_bits,
        accum_bits: cx.out_bits,
        result_bits: cx.out_bits,
        reuse_factor: l.hls.reuse_factor,
        strategy: Strategy::Latency,
        weights: WeightShares::default(),
    };
    cx.model.kernel(cx.c, &k)
}

/// `scale = gamma / sqrt(variance + epsilon)` and `shift = beta - scale * mean`, per channel, in
/// `float32` as hls4ml computes them from Keras's `float32` statistics (numpy 2 reads the
/// Python float `epsilon` as `float32`; every step is one IEEE-rounded `float32` operation).
pub(super) fn scale_shift(net: &Network, bn: &Layer, chan: usize) -> Result<(Vec<f32>, Vec<f32>)> {
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

impl LayerImpl for QScale {
    fn kind(&self) -> &'static str {
        "BatchNorm"
    }

    fn check_casts(&self, l: &QLayer, c: &Casts) -> std::result::Result<(), String> {
        let (scale, bias) = (&self.scale.ty, &self.bias.ty);
        let f = (l.input.frac_bits() + scale.frac_bits()).max(bias.frac_bits());
        let i = (l.input.integer + scale.integer).max(bias.integer) + 1;
        c.wide("value x * scale + bias", i, f)?;
        c.bad("scaled value", (i + f).max(1) as u32, f, &l.result)
    }

    fn run(&self, l: &QLayer, _: &super::Plan, x: &[i128], y: &mut [i128], _: &mut Vec<i64>) {
        let (inp, res) = (&l.input, &l.result);
        let (scale, bias) = (&self.scale, &self.bias);
        let fp = inp.frac_bits() + scale.ty.frac_bits();
        let fb = bias.ty.frac_bits();
        let f = fp.max(fb);
        for (k, (&xv, out)) in x.iter().zip(y.iter_mut()).enumerate() {
            let c = k % self.chan;
            let p = FixedType::mul_raw(inp, xv, &scale.ty, scale.raw[c]);
            let sum = (p << (f - fp)) + (bias.ty.raw_value(bias.raw[c]) << (f - fb));
            *out = res.cast_exact(sum, i64::from(f));
        }
    }

    fn emit(&self, l: &QLayer, n: &Names, k: &Knobs, c: &mut LayerCode, s: &mut String) -> String {
        let i = n.index;
        let (prefix, cfg) = (format!("layer{i}"), format!("config{i}"));
        let (s_t, b_t) = (format!("{prefix}_scale_t"), format!("{prefix}_bias_t"));
        c.typedefs.push(typedef(&self.scale.ty, &s_t));
        c.typedefs.push(typedef(&self.bias.ty, &b_t));
        let (sv, bv) = (format!("s{i}"), format!("b{i}"));
        let shape = format!("[{}]", self.chan);
        let what = format!("{} folded scale", l.name);
        c.weights.push((
            format!("{sv}.h"),
            weight_file(&sv, &s_t, &what, &self.scale, &shape),
        ));
        let what = format!("{} folded bias", l.name);
        c.weights.push((
            format!("{bv}.h"),
            weight_file(&bv, &b_t, &what, &self.bias, &shape),
        ));
        s.push_str(&render(
            "batchnorm.h",
            context! {
                cfg => &cfg, prefix, n_in => l.n_in(), n_chan => self.chan, reuse => k.reuse,
                stream => n.pixel_members(),
            },
        ));
        c.include = "hwnas_batchnorm.h";
        let (in_t, out_t, sfx) = n.template_types();
        let (in_var, out_var) = (n.in_var, n.out_var);
        format!("hwnas::normalize{sfx}<{in_t}, {out_t}, {cfg}>({in_var}, {out_var}, {sv}, {bv});")
    }
}
