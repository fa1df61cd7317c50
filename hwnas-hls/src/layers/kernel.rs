//! Dense and Conv1D/Conv2D: lowering (BatchNorm folding, weight quantisation, the accumulator),
//! the bit-exact sums of the emulator, and the C++ (`hls_lib/hwnas_dense.h`,
//! `hwnas_conv.h`).

use hwnas_core::fixed::FixedType;
use hwnas_core::ir::{Op, TypePreset};
use minijinja::value::Serde;
use minijinja::{Value, context};

use super::{Casts, LayerImpl, LowerCx, cast, window};
use crate::Result;
use crate::emit::layers::{Knobs, LayerCode, Names, strategy_name, typedef, weight_file};
use crate::emit::template::render;
use crate::model::{QLayer, QOp, QTensor, Window};
use crate::resources::model::{CostCx, Features};

/// `y[j] = cast(sum_i x[i] * w[i][j] + b[j])`, summed in `accum` (bias first, then `i`
/// ascending).
#[derive(Debug, Clone, PartialEq)]
pub struct QDense {
    /// Inputs.
    pub n_in: usize,
    /// Outputs.
    pub n_out: usize,
    /// `[n_in][n_out]`.
    pub weight: QTensor,
    /// `[n_out]`, if any.
    pub bias: Option<QTensor>,
    /// Accumulator type.
    pub accum: FixedType,
}

/// Convolution (1-D as height 1): per output pixel and filter, the sum over the window in
/// `(kh, kw, c)` order, padded positions skipped.
#[derive(Debug, Clone, PartialEq)]
pub struct QConv {
    /// Whether the IR layer was a Conv1D.
    pub one_d: bool,
    /// Geometry.
    pub win: Window,
    /// Filters (output channels).
    pub filters: usize,
    /// `[kh][kw][chan][filters]`.
    pub weight: QTensor,
    /// `[filters]`, if any.
    pub bias: Option<QTensor>,
    /// Accumulator type.
    pub accum: FixedType,
}

/// How a Dense/Conv layer sums in the emulator.
#[derive(Debug, Clone)]
pub(crate) enum Plan {
    /// Not a Dense/Conv layer.
    None,
    /// Exact in `i64` at the accumulator's LSB: weights and bias shifted onto it.
    Fast { w: Vec<i64>, b: Vec<i64> },
    /// Term by term with the accumulator's modes.
    Exact,
}

/// Lowers a Dense or Conv layer, folding the BatchNorm that follows it (if any).
pub(super) fn lower(cx: &LowerCx<'_>) -> Result<QOp> {
    let (layer, info, ty) = (cx.layer, cx.info, &cx.info.types);
    let weight_t = ty.weight.ok_or_else(|| cx.fail("no weight type"))?;
    cx.check_const("weight", &weight_t)?;
    let w = &cx.tensor("weight")?.data;
    let n_filt = *info.output_shape.last().unwrap_or(&1);
    let mut wf: Vec<f32> = w.clone();
    let mut bf: Option<Vec<f32>> = cx
        .net
        .weights
        .get(&format!("{}.bias", layer.name))
        .map(|t| t.data.clone());
    let mut bias_t = ty.bias;
    if let Some(bn) = cx.next_bn {
        // hls4ml's FuseBatchNormalization, in float32 as numpy computes it:
        // w' = scale * w, b' = scale * b + (beta - scale * mean).
        let (scale, shift) = super::batchnorm::scale_shift(cx.net, bn, n_filt)?;
        for (k, v) in wf.iter_mut().enumerate() {
            *v *= scale[k % n_filt];
        }
        let b = bf.get_or_insert_with(|| vec![0.0; n_filt]);
        for (f, v) in b.iter_mut().enumerate() {
            *v = scale[f] * *v + shift[f];
        }
        bias_t = Some(layer.precision.bias.unwrap_or(cx.net.default_precision));
    }
    let weight = QTensor {
        ty: weight_t,
        raw: wf.iter().map(|&v| weight_t.quantize_printed(v)).collect(),
    };
    let bias = match (bf, bias_t) {
        (Some(b), Some(t)) => {
            cx.check_const("bias", &t)?;
            Some(QTensor {
                ty: t,
                raw: b.iter().map(|&v| t.quantize_printed(v)).collect(),
            })
        }
        _ => None,
    };
    let n_terms = match &layer.op {
        Op::Dense(_) => info.input_shape[0],
        _ => w.len() / n_filt,
    };
    let accum = match (layer.precision.accum, cx.net.type_preset) {
        (Some(a), _) => a,
        // hwnas's lossless accumulator, widened for a bias the fusion added.
        (None, TypePreset::Hwnas) => FixedType::lossless_accumulator(
            &ty.input,
            &weight_t,
            bias.as_ref().map(|b| &b.ty),
            n_terms,
        )
        .map_err(|e| cx.fail(&e.to_string()))?,
        (None, _) => ty.accum.ok_or_else(|| cx.fail("no accumulator type"))?,
    };
    Ok(match &layer.op {
        Op::Dense(_) => QOp::Dense(QDense {
            n_in: info.input_shape[0],
            n_out: n_filt,
            weight,
            bias,
            accum,
        }),
        Op::Conv1D(c) => QOp::Conv(QConv {
            one_d: true,
            win: window(info, [1, c.kernel], [1, c.stride]),
            filters: n_filt,
            weight,
            bias,
            accum,
        }),
        Op::Conv2D(c) => QOp::Conv(QConv {
            one_d: false,
            win: window(info, c.kernel, c.stride),
            filters: n_filt,
            weight,
            bias,
            accum,
        }),
        other => return Err(cx.fail(&format!("{} is not a Dense/Conv layer", other.kind()))),
    })
}

/// The multipliers, adders and (for convolutions) window selection or line buffers.
pub(super) fn cost(cx: &CostCx<'_>) -> Features {
    let l = cx.l;
    match &l.op {
        Op::Dense(d) => cx.kernel(CostCx::elems(&l.input_shape), d.units, 1),
        Op::Conv1D(cv) => {
            let n_in = cv.kernel * cx.in_ch;
            let mut f = cx.kernel(n_in, cv.filters, loop_positions(cx));
            cx.model
                .window(&mut f, l, &[cv.kernel], n_in, cx.in_bits, cx.out_pos);
            f
        }
        Op::Conv2D(cv) => {
            let n_in = cv.kernel[0] * cv.kernel[1] * cx.in_ch;
            let mut f = cx.kernel(n_in, cv.filters, loop_positions(cx));
            cx.model
                .window(&mut f, l, &cv.kernel, n_in, cx.in_bits, cx.out_pos);
            f
        }
        _ => Features::default(),
    }
}

/// Iterations of a convolution's pipelined loop: io_stream kernels read one input pixel per
/// iteration (and compute an output where the window is complete), io_parallel ones loop over
/// the output pixels. The published io_stream CNNs (hls4ml tutorial part 6, 32x32 input) have
/// an II of 1028 cycles for 1024 input and 900 output pixels.
fn loop_positions(cx: &CostCx<'_>) -> usize {
    if cx.stream { cx.in_pos } else { cx.out_pos }
}

/// What Dense and Conv share: weights, bias, accumulator and the number of terms per sum.
struct Sum<'a> {
    weight: &'a QTensor,
    bias: Option<&'a QTensor>,
    accum: &'a FixedType,
    terms: usize,
    outputs: usize,
}

impl QDense {
    fn sum(&self) -> Sum<'_> {
        Sum {
            weight: &self.weight,
            bias: self.bias.as_ref(),
            accum: &self.accum,
            terms: self.n_in,
            outputs: self.n_out,
        }
    }
}

impl QConv {
    fn sum(&self) -> Sum<'_> {
        Sum {
            weight: &self.weight,
            bias: self.bias.as_ref(),
            accum: &self.accum,
            terms: self.win.kh * self.win.kw * self.win.chan,
            outputs: self.filters,
        }
    }
}

/// Whether `acc` holds every value of the lossless accumulator `need` exactly.
fn dominates(acc: &FixedType, need: &FixedType) -> bool {
    let sign_bit = i32::from(acc.signed && !need.signed);
    acc.width <= 62
        && (acc.signed || !need.signed)
        && acc.frac_bits() >= need.frac_bits()
        && acc.integer >= need.integer + sign_bit
}

impl Sum<'_> {
    /// The fast `i64` path when the accumulator holds every sum exactly, else term by term.
    fn plan(&self, input: &FixedType) -> Plan {
        let need = FixedType::lossless_accumulator(
            input,
            &self.weight.ty,
            self.bias.map(|b| &b.ty),
            self.terms,
        );
        // The fast path multiplies in `i64`. Dominance keeps the accumulator within 62 bits, so
        // the input (and every product) fits `i64` too: the lossless width is at least
        // `Wi + Ww`.
        match need {
            Ok(need) if dominates(self.accum, &need) => {
                let fa = self.accum.frac_bits();
                let sw = fa - input.frac_bits() - self.weight.ty.frac_bits();
                let w = self
                    .weight
                    .raw
                    .iter()
                    .map(|&r| (self.weight.ty.raw_value(r) as i64) << sw)
                    .collect();
                let b = match self.bias {
                    Some(b) => {
                        let sb = fa - b.ty.frac_bits();
                        b.raw
                            .iter()
                            .map(|&r| (b.ty.raw_value(r) as i64) << sb)
                            .collect()
                    }
                    None => vec![0; self.outputs],
                };
                Plan::Fast { w, b }
            }
            _ => Plan::Exact,
        }
    }

    /// The cast checks of a sum: each product cast to the accumulator, then added to an
    /// accumulator value; the bias cast to it; the sum cast to the result.
    fn check_casts(&self, l: &QLayer, c: &Casts) -> std::result::Result<(), String> {
        let p = FixedType::product(&l.input, &self.weight.ty).map_err(|e| e.to_string())?;
        c.bad("product", p.width, p.frac_bits(), self.accum)?;
        c.wide(
            "sum of two accumulator values",
            self.accum.integer + 1,
            self.accum.frac_bits(),
        )?;
        if let Some(b) = self.bias {
            c.bad("bias", b.ty.width, b.ty.frac_bits(), self.accum)?;
        }
        c.bad(
            "accumulator",
            self.accum.width,
            self.accum.frac_bits(),
            &l.result,
        )
    }

    /// Typedefs and weight files of the layer; returns `(weight var, bias var, zeros)`.
    fn emit_constants(
        &self,
        l: &QLayer,
        index: usize,
        shape: String,
        c: &mut LayerCode,
    ) -> (String, String, usize) {
        let prefix = format!("layer{index}");
        let w_t = format!("{prefix}_weight_t");
        let b_t = format!("{prefix}_bias_t");
        c.typedefs
            .push(typedef(self.accum, &format!("{prefix}_accum_t")));
        c.typedefs.push(typedef(&self.weight.ty, &w_t));
        let bias = self.bias.cloned().unwrap_or_else(|| QTensor {
            ty: self.weight.ty,
            raw: vec![0; self.outputs],
        });
        c.typedefs.push(typedef(&bias.ty, &b_t));
        let zeros = self.weight.raw.iter().filter(|&&r| r == 0).count();
        let (wv, bv) = (format!("w{index}"), format!("b{index}"));
        let what = format!("{} weights", l.name);
        c.weights.push((
            format!("{wv}.h"),
            weight_file(&wv, &w_t, &what, self.weight, &shape),
        ));
        let what = format!("{} biases", l.name);
        let shape = format!("[{}]", self.outputs);
        c.weights.push((
            format!("{bv}.h"),
            weight_file(&bv, &b_t, &what, &bias, &shape),
        ));
        (wv, bv, zeros)
    }

    /// The template values of the multiplication's config (hls4ml's `dense_config`), named
    /// `cfg`.
    fn config(&self, cfg: &str, prefix: &str, k: &Knobs, zeros: usize) -> Value {
        let total = self.terms * self.outputs;
        context! {
            cfg, prefix,
            n_in => self.terms,
            n_out => self.outputs,
            reuse => k.reuse,
            block_factor => total / k.reuse,
            // hls4ml's `DIV_ROUNDUP(n_in * n_out, reuse_factor) - n_zeros / reuse_factor`,
            // at least one.
            multiplier_limit => (total.div_ceil(k.reuse) - zeros / k.reuse).max(1),
            n_zeros => zeros,
            n_nonzeros => total - zeros,
            strategy => strategy_name(k.strategy),
            io_type => if k.stream { "hwnas::io_stream" } else { "hwnas::io_parallel" },
            stream => (),
        }
    }
}

/// State of one exact (term-by-term) sum.
struct ExactSum<'t> {
    accum: FixedType,
    weight: &'t QTensor,
    fp: i32,
    /// Input and weights fit `i64`: one widening multiply per product.
    narrow: bool,
}

/// Whether every value of `t` fits `i64`.
fn fits_i64(t: &FixedType) -> bool {
    t.width <= if t.signed { 64 } else { 63 }
}

impl<'t> ExactSum<'t> {
    fn new(accum: FixedType, input: FixedType, weight: &'t QTensor) -> Self {
        ExactSum {
            accum,
            weight,
            fp: input.frac_bits() + weight.ty.frac_bits(),
            narrow: fits_i64(&input) && fits_i64(&weight.ty),
        }
    }

    fn start(&self, bias: Option<&QTensor>, j: usize) -> i128 {
        bias.map_or(0, |b| self.accum.cast_from(b.raw[j], &b.ty))
    }

    /// `acc += (accum_t)(x * w)`: hls4ml casts every product to `accum_t` before adding it
    /// (the `mult[]` array of its Latency kernels, the `static_cast` of its Resource kernels).
    /// `acc` and `x` are canonical raw values.
    #[inline]
    fn add(&self, acc: i128, x: i128, wi: usize) -> i128 {
        let w = self.weight.raw[wi];
        // Exact: the product's type (at most MAX_WIDTH bits) was checked at lowering.
        let p = if self.narrow {
            i128::from(x as i64) * i128::from(w as i64)
        } else {
            x.wrapping_mul(w)
        };
        let term = self.accum.cast_exact(p, i64::from(self.fp));
        // Both on the accumulator's LSB: only the overflow mode can apply.
        self.accum.fit(acc + term)
    }
}

impl LayerImpl for QDense {
    fn kind(&self) -> &'static str {
        "Dense"
    }

    fn mult_shape(&self) -> Option<(usize, usize)> {
        Some((self.n_in, self.n_out))
    }

    fn check_casts(&self, l: &QLayer, c: &Casts) -> std::result::Result<(), String> {
        self.sum().check_casts(l, c)
    }

    fn plan(&self, l: &QLayer) -> Plan {
        self.sum().plan(&l.input)
    }

    fn run(&self, l: &QLayer, plan: &Plan, x: &[i128], y: &mut [i128], scratch: &mut Vec<i64>) {
        let (n_in, n_out, res) = (self.n_in, self.n_out, &l.result);
        match plan {
            Plan::Fast { w, b } => {
                let acc = scratch;
                acc.clear();
                acc.extend_from_slice(b);
                for (i, &xi) in x.iter().enumerate().take(n_in) {
                    let xi = xi as i64;
                    if xi == 0 {
                        continue;
                    }
                    let row = &w[i * n_out..(i + 1) * n_out];
                    for (a, &wv) in acc.iter_mut().zip(row) {
                        *a = a.wrapping_add(xi.wrapping_mul(wv));
                    }
                }
                for (out, &a) in y.iter_mut().zip(acc.iter()) {
                    *out = cast(res, i128::from(a), &self.accum);
                }
            }
            _ => {
                let s = ExactSum::new(self.accum, l.input, &self.weight);
                for (j, out) in y.iter_mut().enumerate().take(n_out) {
                    let mut acc = s.start(self.bias.as_ref(), j);
                    for (i, &xi) in x.iter().enumerate().take(n_in) {
                        acc = s.add(acc, xi, i * n_out + j);
                    }
                    *out = cast(res, acc, &self.accum);
                }
            }
        }
    }

    fn emit(&self, l: &QLayer, n: &Names, k: &Knobs, c: &mut LayerCode, s: &mut String) -> String {
        let i = n.index;
        let (prefix, cfg) = (format!("layer{i}"), format!("config{i}"));
        let shape = format!("[{}][{}]", self.n_in, self.n_out);
        let (wv, bv, zeros) = self.sum().emit_constants(l, i, shape, c);
        let config = self.sum().config(&cfg, &prefix, k, zeros);
        s.push_str(&render(
            "dense.h",
            context! { stream => n.pixel_members(), ..config },
        ));
        c.include = "hwnas_dense.h";
        let (in_t, out_t, sfx) = n.template_types();
        let (in_var, out_var) = (n.in_var, n.out_var);
        format!("hwnas::dense{sfx}<{in_t}, {out_t}, {cfg}>({in_var}, {out_var}, {wv}, {bv});")
    }
}

impl LayerImpl for QConv {
    fn kind(&self) -> &'static str {
        if self.one_d { "Conv1D" } else { "Conv2D" }
    }

    fn mult_shape(&self) -> Option<(usize, usize)> {
        let s = self.sum();
        Some((s.terms, s.outputs))
    }

    fn check_casts(&self, l: &QLayer, c: &Casts) -> std::result::Result<(), String> {
        self.sum().check_casts(l, c)
    }

    fn plan(&self, l: &QLayer) -> Plan {
        self.sum().plan(&l.input)
    }

    fn run(&self, l: &QLayer, plan: &Plan, x: &[i128], y: &mut [i128], _: &mut Vec<i64>) {
        let (win, filters, res) = (&self.win, self.filters, &l.result);
        let chan = win.chan;
        let bias = self.bias.as_ref();
        let exact = ExactSum::new(self.accum, l.input, &self.weight);
        // `i64` sums of the fast path; `i128` raw accumulators of the term-by-term path.
        let mut fast = vec![0i64; filters];
        let mut acc = vec![0i128; filters];
        for oh in 0..win.out_h {
            for ow in 0..win.out_w {
                match plan {
                    Plan::Fast { b, .. } => fast.copy_from_slice(b),
                    _ => {
                        for (f, a) in acc.iter_mut().enumerate() {
                            *a = exact.start(bias, f);
                        }
                    }
                }
                for kh in 0..win.kh {
                    for kw in 0..win.kw {
                        let Some(pixel) = win.input_pixel(oh, ow, kh, kw) else {
                            continue;
                        };
                        let base = pixel * chan;
                        for c in 0..chan {
                            let wrow = ((kh * win.kw + kw) * chan + c) * filters;
                            let xv = x[base + c];
                            match plan {
                                Plan::Fast { w, .. } => {
                                    let xi = xv as i64;
                                    if xi == 0 {
                                        continue;
                                    }
                                    for (a, &wv) in fast.iter_mut().zip(&w[wrow..wrow + filters]) {
                                        *a = a.wrapping_add(xi.wrapping_mul(wv));
                                    }
                                }
                                _ => {
                                    for (f, a) in acc.iter_mut().enumerate() {
                                        *a = exact.add(*a, xv, wrow + f);
                                    }
                                }
                            }
                        }
                    }
                }
                let o = (oh * win.out_w + ow) * filters;
                let out = &mut y[o..o + filters];
                match plan {
                    Plan::Fast { .. } => {
                        for (v, &a) in out.iter_mut().zip(&fast) {
                            *v = cast(res, i128::from(a), &self.accum);
                        }
                    }
                    _ => {
                        for (v, &a) in out.iter_mut().zip(&acc) {
                            *v = cast(res, a, &self.accum);
                        }
                    }
                }
            }
        }
    }

    fn emit(&self, l: &QLayer, n: &Names, k: &Knobs, c: &mut LayerCode, s: &mut String) -> String {
        let (i, win) = (n.index, &self.win);
        let (prefix, cfg) = (format!("layer{i}"), format!("config{i}"));
        let shape = format!("[{}][{}][{}][{}]", win.kh, win.kw, win.chan, self.filters);
        let (wv, bv, zeros) = self.sum().emit_constants(l, i, shape, c);
        let config = self.sum().config(&format!("{cfg}_mult"), &prefix, k, zeros);
        s.push_str(&render(
            "conv.h",
            context! { conv_cfg => &cfg, win => Value::from(Serde(win)), kernel => "filt", ..config },
        ));
        let f = if self.one_d {
            "conv_1d_cl"
        } else {
            "conv_2d_cl"
        };
        c.include = "hwnas_conv.h";
        let (in_t, out_t, sfx) = n.template_types();
        let (in_var, out_var) = (n.in_var, n.out_var);
        format!("hwnas::{f}{sfx}<{in_t}, {out_t}, {cfg}>({in_var}, {out_var}, {wv}, {bv});")
    }
}
