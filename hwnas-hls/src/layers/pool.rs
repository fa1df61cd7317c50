//! Max and average pooling, 1-D and 2-D (`hls_lib/hwnas_pooling.h`).

use hwnas_core::fixed::FixedType;
use hwnas_core::ir::{Op, Padding};
use minijinja::value::Serde;
use minijinja::{Value, context};

use super::{Casts, LayerImpl, LowerCx, cast, window};
use crate::Result;
use crate::emit::layers::{Knobs, LayerCode, Names, typedef};
use crate::emit::template::render;
use crate::model::{QLayer, QOp, Window};
use crate::resources::model::{CostCx, Features};

/// Max or average pooling, channel by channel. Padded positions are ignored (max) or not
/// counted (average divides the sum by the number of real elements, truncating towards zero at
/// the accumulator's LSB, as `ap_fixed` division by an integer does).
#[derive(Debug, Clone, PartialEq)]
pub struct QPool {
    /// Whether the IR layer was 1-D.
    pub one_d: bool,
    /// Max (true) or average.
    pub max: bool,
    /// Geometry.
    pub win: Window,
    /// Accumulator of average pooling.
    pub accum: Option<FixedType>,
}

/// Lowers a MaxPool/AvgPool layer.
pub(super) fn lower(cx: &LowerCx<'_>) -> Result<QOp> {
    let (one_d, max, pool, stride) = match &cx.layer.op {
        Op::MaxPool1D(p) => (true, true, [1, p.pool], [1, p.stride.unwrap_or(p.pool)]),
        Op::AvgPool1D(p) => (true, false, [1, p.pool], [1, p.stride.unwrap_or(p.pool)]),
        Op::MaxPool2D(p) => (false, true, p.pool, p.stride.unwrap_or(p.pool)),
        Op::AvgPool2D(p) => (false, false, p.pool, p.stride.unwrap_or(p.pool)),
        other => return Err(cx.fail(&format!("{} is not a pooling layer", other.kind()))),
    };
    Ok(QOp::Pool(QPool {
        one_d,
        max,
        win: window(cx.info, pool, stride),
        accum: if max { None } else { cx.info.types.accum },
    }))
}

/// A comparator (max) or adder (average) tree over each window.
pub(super) fn cost(cx: &CostCx<'_>) -> Features {
    match &cx.l.op {
        Op::MaxPool1D(p) | Op::AvgPool1D(p) => {
            let padded = pads(
                &cx.l.input_shape,
                &[p.pool],
                &[p.stride.unwrap_or(p.pool)],
                p.padding,
            );
            cx.model
                .pool(cx.l, &[p.pool], matches!(cx.l.op, Op::AvgPool1D(_)), padded)
        }
        Op::MaxPool2D(p) | Op::AvgPool2D(p) => {
            let padded = pads(
                &cx.l.input_shape,
                &p.pool,
                &p.stride.unwrap_or(p.pool),
                p.padding,
            );
            cx.model
                .pool(cx.l, &p.pool, matches!(cx.l.op, Op::AvgPool2D(_)), padded)
        }
        _ => Features::default(),
    }
}

/// Whether a window of `pool` at `stride` over the spatial axes of `input` (channels last)
/// reaches into padding somewhere.
fn pads(input: &[usize], pool: &[usize], stride: &[usize], padding: Padding) -> bool {
    input
        .iter()
        .zip(pool.iter().zip(stride))
        .filter_map(|(&n, (&k, &s))| padding.resolve(n, k, s))
        .any(|w| w.pad_begin + w.pad_end > 0)
}

/// `acc = (accum_t)(acc + term)` where `term = mant * 2^-frac`, as `ap_fixed`'s `+=`; `acc` is
/// a canonical raw value of `accum`.
fn add_exact(accum: &FixedType, acc: i128, mant: i128, frac: i32) -> i128 {
    let fa = accum.frac_bits();
    let f = fa.max(frac);
    let sum = (acc << (f - fa)) + (mant << (f - frac));
    accum.cast_exact(sum, i64::from(f))
}

impl LayerImpl for QPool {
    fn kind(&self) -> &'static str {
        match (self.one_d, self.max) {
            (true, true) => "MaxPool1D",
            (false, true) => "MaxPool2D",
            (true, false) => "AvgPool1D",
            (false, false) => "AvgPool2D",
        }
    }

    fn check_casts(&self, l: &QLayer, c: &Casts) -> std::result::Result<(), String> {
        let input = &l.input;
        match &self.accum {
            Some(acc) => {
                c.wide(
                    "sum of the accumulator and an input",
                    acc.integer.max(input.integer) + 1,
                    acc.frac_bits().max(input.frac_bits()),
                )?;
                c.bad("input", input.width, input.frac_bits(), acc)?;
                c.bad("average", acc.width + 1, acc.frac_bits(), &l.result)
            }
            None => c.bad("input", input.width, input.frac_bits(), &l.result),
        }
    }

    fn run(&self, l: &QLayer, _: &super::Plan, x: &[i128], y: &mut [i128], _: &mut Vec<i64>) {
        let (inp, res, win) = (&l.input, &l.result, &self.win);
        let chan = win.chan;
        for oh in 0..win.out_h {
            for ow in 0..win.out_w {
                for c in 0..chan {
                    let mut best: Option<i128> = None;
                    let mut acc = 0i128;
                    let mut count = 0i64;
                    for kh in 0..win.kh {
                        for kw in 0..win.kw {
                            let Some(pixel) = win.input_pixel(oh, ow, kh, kw) else {
                                continue;
                            };
                            let xv = x[pixel * chan + c];
                            count += 1;
                            if self.max {
                                if best.is_none_or(|b| xv > b) {
                                    best = Some(xv);
                                }
                            } else if let Some(a) = &self.accum {
                                acc = add_exact(a, acc, xv, inp.frac_bits());
                            }
                        }
                    }
                    let o = (oh * win.out_w + ow) * chan + c;
                    y[o] = match (self.max, &self.accum) {
                        (true, _) | (false, None) => cast(res, best.unwrap_or(0), inp),
                        (false, Some(a)) => {
                            let q = acc / i128::from(count.max(1));
                            res.cast_exact(q, i64::from(a.frac_bits()))
                        }
                    };
                }
            }
        }
    }

    fn emit(&self, l: &QLayer, n: &Names, k: &Knobs, c: &mut LayerCode, s: &mut String) -> String {
        let i = n.index;
        let (prefix, cfg) = (format!("layer{i}"), format!("config{i}"));
        c.typedefs.push(typedef(
            &self.accum.unwrap_or(l.input),
            &format!("{prefix}_accum_t"),
        ));
        let op = if self.max { "max_pool" } else { "average_pool" };
        s.push_str(&render(
            "pool.h",
            context! {
                cfg => &cfg, prefix, win => Value::from(Serde(self.win)), kernel => "pool", reuse => k.reuse, pool_op => op,
            },
        ));
        let f = if self.one_d {
            "pooling1d_cl"
        } else {
            "pooling2d_cl"
        };
        c.include = "hwnas_pooling.h";
        let (in_t, out_t, sfx) = n.template_types();
        format!(
            "hwnas::{f}{sfx}<{in_t}, {out_t}, {cfg}>({}, {});",
            n.in_var, n.out_var
        )
    }
}
