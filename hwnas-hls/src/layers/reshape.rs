//! Layers that move data: Flatten (an alias of its input), nearest-neighbour upsampling and
//! zero padding (`hls_lib/hwnas_resize.h`).

use hwnas_core::ir::Op;
use minijinja::context;

use super::{LayerImpl, LowerCx, cast};
use crate::Result;
use crate::emit::layers::{Knobs, LayerCode, Names};
use crate::emit::template::render;
use crate::model::{QLayer, QOp};
use crate::resources::model::{CostCx, ELEM, FF_ELEM, Features, timing};

/// A reshape to 1-D: no data changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QFlatten;

/// Nearest-neighbour upsampling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QUpSampling {
    /// Whether the IR layer was 1-D.
    pub one_d: bool,
    /// Input height (1 for 1-D).
    pub in_h: usize,
    /// Input width.
    pub in_w: usize,
    /// Channels.
    pub chan: usize,
    /// Vertical factor (1 for 1-D).
    pub sh: usize,
    /// Horizontal factor.
    pub sw: usize,
}

/// Zeros around the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QZeroPadding {
    /// Whether the IR layer was 1-D.
    pub one_d: bool,
    /// Input height (1 for 1-D).
    pub in_h: usize,
    /// Input width.
    pub in_w: usize,
    /// Channels.
    pub chan: usize,
    /// Rows on top.
    pub top: usize,
    /// Rows at the bottom.
    pub bottom: usize,
    /// Columns on the left.
    pub left: usize,
    /// Columns on the right.
    pub right: usize,
}

/// Lowers a Flatten, UpSampling or ZeroPadding layer.
pub(super) fn lower(cx: &LowerCx<'_>) -> Result<QOp> {
    let s = &cx.info.input_shape;
    Ok(match &cx.layer.op {
        Op::Flatten(_) => QOp::Flatten(QFlatten),
        Op::UpSampling1D(u) => QOp::UpSampling(QUpSampling {
            one_d: true,
            in_h: 1,
            in_w: s[0],
            chan: s[1],
            sh: 1,
            sw: u.size,
        }),
        Op::UpSampling2D(u) => QOp::UpSampling(QUpSampling {
            one_d: false,
            in_h: s[0],
            in_w: s[1],
            chan: s[2],
            sh: u.size[0],
            sw: u.size[1],
        }),
        Op::ZeroPadding1D(z) => QOp::ZeroPadding(QZeroPadding {
            one_d: true,
            in_h: 1,
            in_w: s[0],
            chan: s[1],
            top: 0,
            bottom: 0,
            left: z.left,
            right: z.right,
        }),
        Op::ZeroPadding2D(z) => QOp::ZeroPadding(QZeroPadding {
            one_d: false,
            in_h: s[0],
            in_w: s[1],
            chan: s[2],
            top: z.top,
            bottom: z.bottom,
            left: z.left,
            right: z.right,
        }),
        other => return Err(cx.fail(&format!("{} does not reshape", other.kind()))),
    })
}

/// Flatten only renames its input (io_parallel) or passes pixels on (io_stream); UpSampling
/// and ZeroPadding in io_stream are a small state machine writing every output pixel once.
pub(super) fn cost(cx: &CostCx<'_>) -> Features {
    let mut f = Features::default();
    match cx.l.op {
        Op::Flatten(_) => timing(&mut f, if cx.stream { cx.in_pos } else { 0 }, 0.0),
        _ if cx.stream => {
            let bits = cx.out_ch * cx.out_bits as usize;
            f.lut[ELEM] = bits as f64;
            f.ff[FF_ELEM] = bits as f64;
            timing(&mut f, cx.out_pos, 0.0);
        }
        _ => timing(&mut f, 1, 0.0),
    }
    f
}

impl LayerImpl for QFlatten {
    fn kind(&self) -> &'static str {
        "Flatten"
    }

    fn run(&self, _: &QLayer, _: &super::Plan, x: &[i128], y: &mut [i128], _: &mut Vec<i64>) {
        y.copy_from_slice(x);
    }

    fn emit(&self, l: &QLayer, n: &Names, _: &Knobs, c: &mut LayerCode, s: &mut String) -> String {
        let cfg = format!("config{}", n.index);
        let (in_t, out_t, _) = n.template_types();
        let (in_var, out_var) = (n.in_var, n.out_var);
        c.include = "hwnas_common.h";
        if n.stream.is_some() {
            let stream = n.pixel_members();
            s.push_str(&render(
                "flatten.h",
                context! { cfg => &cfg, n_in => l.n_in(), stream },
            ));
            format!("hwnas::flatten_stream<{in_t}, {out_t}, {cfg}>({in_var}, {out_var});")
        } else if n.is_last {
            format!(
                "hwnas::copy<{in_t}, {out_t}, {}>({in_var}, {out_var});",
                l.n_out()
            )
        } else {
            // An alias, not a call: the caller writes it without declaring an array.
            c.alias = true;
            format!("{in_t} *const {out_var} = {in_var}; // Flatten: same data")
        }
    }
}

impl LayerImpl for QUpSampling {
    fn kind(&self) -> &'static str {
        if self.one_d {
            "UpSampling1D"
        } else {
            "UpSampling2D"
        }
    }

    fn run(&self, l: &QLayer, _: &super::Plan, x: &[i128], y: &mut [i128], _: &mut Vec<i64>) {
        let (inp, res) = (&l.input, &l.result);
        let (in_w, chan, sh, sw) = (self.in_w, self.chan, self.sh, self.sw);
        let ow = in_w * sw;
        for oh in 0..self.in_h * sh {
            for w in 0..ow {
                for c in 0..chan {
                    let src = ((oh / sh) * in_w + w / sw) * chan + c;
                    y[(oh * ow + w) * chan + c] = cast(res, x[src], inp);
                }
            }
        }
    }

    fn emit(&self, _: &QLayer, n: &Names, _: &Knobs, c: &mut LayerCode, s: &mut String) -> String {
        let cfg = format!("config{}", n.index);
        s.push_str(&render(
            "upsampling.h",
            context! {
                cfg => &cfg, in_h => self.in_h, in_w => self.in_w, chan => self.chan, sh => self.sh,
                sw => self.sw,
            },
        ));
        c.include = "hwnas_resize.h";
        let (in_t, out_t, sfx) = n.template_types();
        format!(
            "hwnas::upsampling2d_cl{sfx}<{in_t}, {out_t}, {cfg}>({}, {});",
            n.in_var, n.out_var
        )
    }
}

impl LayerImpl for QZeroPadding {
    fn kind(&self) -> &'static str {
        if self.one_d {
            "ZeroPadding1D"
        } else {
            "ZeroPadding2D"
        }
    }

    fn run(&self, l: &QLayer, _: &super::Plan, x: &[i128], y: &mut [i128], _: &mut Vec<i64>) {
        let (inp, res) = (&l.input, &l.result);
        let (in_w, chan) = (self.in_w, self.chan);
        let ow = in_w + self.left + self.right;
        y.fill(0);
        for h in 0..self.in_h {
            for w in 0..in_w {
                for c in 0..chan {
                    let dst = ((h + self.top) * ow + w + self.left) * chan + c;
                    y[dst] = cast(res, x[(h * in_w + w) * chan + c], inp);
                }
            }
        }
    }

    fn emit(&self, _: &QLayer, n: &Names, _: &Knobs, c: &mut LayerCode, s: &mut String) -> String {
        let cfg = format!("config{}", n.index);
        s.push_str(&render(
            "zeropadding.h",
            context! {
                cfg => &cfg, in_h => self.in_h, in_w => self.in_w, chan => self.chan, top => self.top,
                bottom => self.bottom, left => self.left, right => self.right,
            },
        ));
        c.include = "hwnas_resize.h";
        let (in_t, out_t, sfx) = n.template_types();
        format!(
            "hwnas::zeropad2d_cl{sfx}<{in_t}, {out_t}, {cfg}>({}, {});",
            n.in_var, n.out_var
        )
    }
}
