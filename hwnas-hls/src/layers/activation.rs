//! Activations in the firmware, in one place: lowering from the IR (constants and lookup
//! tables), bit-exact emulation, the C++ each one emits (`hls_lib/hwnas_activation.h`) and what
//! the resource model charges for it.
//!
//! The table-based activations (Sigmoid, Tanh, ELU, Softmax) are hls4ml 1.3's Vivado
//! implementations: the tables are computed in `float` exactly as `nnet_activation.h` computes
//! them (the same libm calls), indexed with the same integer arithmetic, so that the emulator,
//! hwnas's C simulation and hls4ml's C simulation agree bit for bit (the parity suite checks
//! the last against hls4ml's own output).

use hwnas_core::fixed::FixedType;
use hwnas_core::ir::{Activation, LayerTypes, Table};
use minijinja::{Value, context};

use super::{Casts, LayerImpl, Plan};
use crate::emit::layers::{Knobs, LayerCode, Names, typedef, weight_file};
use crate::emit::template::render;
use crate::model::{QLayer, QTensor};
use crate::resources::model::{ACT, CostCx, ELEM, FF_ELEM, Features, bram18, timing};
use crate::resources::{AnalyticModel, Tool, csd_terms};

/// An activation lowered for the firmware: constants quantised, tables computed.
#[derive(Debug, Clone, PartialEq)]
pub enum QActivation {
    /// `y = x > 0 ? cast(x) : 0`.
    Relu,
    /// `y = x >= 0 ? cast(x) : cast(x * alpha)`.
    LeakyRelu {
        /// The type `alpha` is quantised to.
        alpha_type: FixedType,
        /// Raw value of `alpha`.
        alpha: i128,
    },
    /// `y = x >= 0 ? cast(x) : cast(alpha * table[trunc(x * N / -8)])`.
    Elu {
        /// The type `alpha` is quantised to.
        alpha_type: FixedType,
        /// Raw value of `alpha`.
        alpha: i128,
        /// `exp(x) - 1` over `(-8, 0]`.
        table: QTensor,
    },
    /// `y = x > 0 ? cast(x) : cast(alpha[c] * x)`, one slope per channel.
    Prelu {
        /// `[channels]`.
        alpha: QTensor,
    },
    /// `y = cast(table[clamp(trunc(x * N / 16) + N / 2)])`.
    Sigmoid {
        /// `sigmoid` over `[-8, 8)`.
        table: QTensor,
    },
    /// `y = cast(table[clamp(trunc(x * N / 8) + N / 2)])`.
    Tanh {
        /// `tanh` over `[-4, 4)`.
        table: QTensor,
    },
    /// As [`QActivation::Sigmoid`], with `ln(1 + exp(x))`.
    Softplus {
        /// `softplus` over `[-8, 8)`.
        table: QTensor,
    },
    /// As [`QActivation::Sigmoid`], with `x / (1 + |x|)`.
    Softsign {
        /// `softsign` over `[-8, 8)`.
        table: QTensor,
    },
    /// hls4ml's stable softmax over the last axis (see [`QSoftmax`]).
    Softmax(QSoftmax),
}

/// The constants of a stable softmax.
#[derive(Debug, Clone, PartialEq)]
pub struct QSoftmax {
    /// Values per normalised slice (the last axis).
    pub slice: usize,
    /// Type of `max - x` (hls4ml's `inp_norm_t`).
    pub norm: FixedType,
    /// `exp(-d)` for `d` given by its top bits in `norm`.
    pub exp_table: QTensor,
    /// `1 / s` for `s` given by its top bits in `inv_inp`.
    pub inv_table: QTensor,
    /// Type of the exponentials and their sum.
    pub accum: FixedType,
    /// Type the sum is cast to before addressing the inverse table.
    pub inv_inp: FixedType,
}

impl QActivation {
    /// Lowers an IR activation with its resolved types; `weight` reads the layer's tensors
    /// (PReLU's `alpha`). Returns why it cannot be lowered.
    pub(crate) fn lower(
        a: &Activation,
        types: &LayerTypes,
        input_shape: &[usize],
        weight: impl Fn(&str) -> Result<Vec<f32>, String>,
    ) -> Result<QActivation, String> {
        let param = || types.param.ok_or_else(|| "no alpha type".to_string());
        Ok(match a {
            Activation::ReLU(_) => QActivation::Relu,
            Activation::LeakyReLU(l) => {
                let alpha_type = param()?;
                QActivation::LeakyRelu {
                    alpha_type,
                    alpha: alpha_type.quantize(l.alpha),
                }
            }
            Activation::ELU(e) => {
                let alpha_type = param()?;
                let table = e.table();
                QActivation::Elu {
                    alpha_type,
                    alpha: alpha_type.quantize(e.alpha),
                    table: build_table(&table.table_t, table.table_size, |ii, n| {
                        let x = (-8.0 * ii as f64 / n as f64) as f32;
                        f64::from(x.exp()) - 1.0
                    }),
                }
            }
            Activation::PReLU(_) => {
                let ty = types.weight.ok_or("no slope (weight) type")?;
                let alpha = weight("alpha")?;
                let chan = *input_shape.last().unwrap_or(&1);
                if alpha.len() != chan {
                    return Err(format!(
                        "`alpha` has {} values for {chan} channels",
                        alpha.len()
                    ));
                }
                QActivation::Prelu {
                    alpha: QTensor {
                        ty,
                        raw: alpha.iter().map(|&v| ty.quantize_printed(v)).collect(),
                    },
                }
            }
            // The functions with hls4ml's return types: float, except tanh (double).
            Activation::Sigmoid(t) => QActivation::Sigmoid {
                table: symmetric_table(t, HALF, |x| {
                    f64::from((1.0 / f64::from(1.0 + (-x).exp())) as f32)
                }),
            },
            Activation::Tanh(t) => QActivation::Tanh {
                table: symmetric_table(t, TANH_HALF, |x| f64::from(x).tanh()),
            },
            Activation::Softplus(t) => QActivation::Softplus {
                table: symmetric_table(t, HALF, |x| {
                    f64::from((f64::from(x.exp()) + 1.0).ln() as f32)
                }),
            },
            Activation::Softsign(t) => QActivation::Softsign {
                table: symmetric_table(t, HALF, |x| {
                    f64::from((f64::from(x) / (f64::from(x.abs()) + 1.0)) as f32)
                }),
            },
            Activation::Softmax(s) => {
                let input = &types.input;
                let norm = hwnas_core::ir::Softmax::norm_type(input);
                let exp_size = s.exp_table_size(input);
                let exp_table = build_table(&s.exp_table_t, exp_size, |i, n| {
                    let x = top_bits_value(&norm, i, n) as f32;
                    f64::from((-x).exp())
                });
                let inv_table = build_table(&s.inv_table_t, s.table_size, |i, n| {
                    let x = top_bits_value(&s.inv_inp_t, i, n) as f32;
                    f64::from(1.0 / x)
                });
                QActivation::Softmax(QSoftmax {
                    slice: *input_shape.last().unwrap_or(&1),
                    norm,
                    exp_table,
                    inv_table,
                    accum: types.accum.ok_or("no accumulator type")?,
                    inv_inp: s.inv_inp_t,
                })
            }
        })
    }

    /// The IR `kind` it came from.
    pub fn name(&self) -> &'static str {
        match self {
            QActivation::Relu => "ReLU",
            QActivation::LeakyRelu { .. } => "LeakyReLU",
            QActivation::Elu { .. } => "ELU",
            QActivation::Prelu { .. } => "PReLU",
            QActivation::Sigmoid { .. } => "Sigmoid",
            QActivation::Tanh { .. } => "Tanh",
            QActivation::Softplus { .. } => "Softplus",
            QActivation::Softsign { .. } => "Softsign",
            QActivation::Softmax(_) => "Softmax",
        }
    }

    /// The exact intermediates the emulator computes in `i128`: `(what, integer bits,
    /// fractional bits)`, for the lowering's width check.
    fn products(&self, input: &FixedType) -> Vec<(&'static str, i32, i32)> {
        let with = |what, t: &FixedType, by: &FixedType| {
            (what, t.integer + by.integer, t.frac_bits() + by.frac_bits())
        };
        match self {
            QActivation::LeakyRelu { alpha_type, .. } => {
                vec![with("product with alpha", input, alpha_type)]
            }
            QActivation::Elu {
                alpha_type, table, ..
            } => vec![with(
                "product of alpha and a table entry",
                &table.ty,
                alpha_type,
            )],
            QActivation::Prelu { alpha } => vec![with("product with alpha", input, &alpha.ty)],
            QActivation::Softmax(s) => vec![with(
                "product of an exponential and the inverse sum",
                &s.accum,
                &s.inv_table.ty,
            )],
            _ => Vec::new(),
        }
    }

    /// Runs the activation on one sample's canonical raw values.
    fn apply(&self, inp: &FixedType, res: &FixedType, x: &[i128], y: &mut [i128]) {
        let cast = |v: i128| res.cast_exact(v, i64::from(inp.frac_bits()));
        match self {
            QActivation::Relu => {
                for (&xv, out) in x.iter().zip(y.iter_mut()) {
                    *out = if xv > 0 { cast(xv) } else { 0 };
                }
            }
            QActivation::LeakyRelu { alpha_type, alpha } => {
                let f = i64::from(inp.frac_bits() + alpha_type.frac_bits());
                for (&xv, out) in x.iter().zip(y.iter_mut()) {
                    *out = if xv >= 0 {
                        cast(xv)
                    } else {
                        res.cast_exact(FixedType::mul_raw(inp, xv, alpha_type, *alpha), f)
                    };
                }
            }
            QActivation::Elu {
                alpha_type,
                alpha,
                table,
            } => {
                let n = table.raw.len();
                let f = i64::from(table.ty.frac_bits() + alpha_type.frac_bits());
                for (&xv, out) in x.iter().zip(y.iter_mut()) {
                    *out = if xv >= 0 {
                        cast(xv)
                    } else {
                        // int index = x * N / -8: non-negative, capped at N - 1.
                        let index = (scaled_int(inp, xv, n as i128, -8) as usize).min(n - 1);
                        let p = FixedType::mul_raw(alpha_type, *alpha, &table.ty, table.raw[index]);
                        res.cast_exact(p, f)
                    };
                }
            }
            QActivation::Prelu { alpha } => {
                let f = i64::from(inp.frac_bits() + alpha.ty.frac_bits());
                let chan = alpha.raw.len().max(1);
                for (k, (&xv, out)) in x.iter().zip(y.iter_mut()).enumerate() {
                    *out = if xv > 0 {
                        cast(xv)
                    } else {
                        let a = alpha.raw[k % chan];
                        res.cast_exact(FixedType::mul_raw(inp, xv, &alpha.ty, a), f)
                    };
                }
            }
            QActivation::Sigmoid { table }
            | QActivation::Softplus { table }
            | QActivation::Softsign { table } => lookup(inp, res, table, HALF, x, y),
            QActivation::Tanh { table } => lookup(inp, res, table, TANH_HALF, x, y),
            QActivation::Softmax(s) => {
                for (xs, ys) in x.chunks(s.slice).zip(y.chunks_mut(s.slice)) {
                    s.run_slice(inp, res, xs, ys);
                }
            }
        }
    }

    /// The C++ of the layer: typedefs and weight files into `c`, the config struct into `s`;
    /// returns the call.
    fn write(&self, l: &QLayer, n: &Names, k: &Knobs, c: &mut LayerCode, s: &mut String) -> String {
        let i = n.index;
        let (prefix, cfg) = (format!("layer{i}"), format!("config{i}"));
        let (in_t, out_t, sfx) = n.template_types();
        let (in_var, out_var) = (n.in_var, n.out_var);
        c.include = "hwnas_activation.h";
        // ReLU/LeakyReLU streams walk `pixel_size` values per pixel themselves; the other
        // activations are called once per pixel, `n_in` being the pixel's values.
        let per_call = match (&n.stream, self) {
            (Some(st), a) if !matches!(a, QActivation::Relu | QActivation::LeakyRelu { .. }) => {
                st.in_chan
            }
            _ => l.n_in(),
        };
        // The config's extra members and its typedefs (`<prefix>_<type>` in defines.h).
        let mut extra: Vec<Value> = Vec::new();
        let mut types: Vec<&str> = Vec::new();
        let mut member = |name: &str, value: usize| extra.push(context! { name, value });
        let mut typedef_of = |t: &FixedType, member: &'static str| {
            let name = format!("{prefix}_{member}");
            c.typedefs.push(typedef(t, &name));
            types.push(member);
            name
        };
        let f = |name: &str| format!("hwnas::{name}{sfx}<{in_t}, {out_t}, {cfg}>");
        let call = match self {
            QActivation::Relu => format!("{}({in_var}, {out_var});", f("relu")),
            QActivation::LeakyRelu { alpha_type, alpha }
            | QActivation::Elu {
                alpha_type, alpha, ..
            } => {
                let a_t = typedef_of(alpha_type, "alpha_t");
                let name = if let QActivation::Elu { table, .. } = self {
                    member("table_size", table.raw.len());
                    typedef_of(&table.ty, "table_t");
                    "elu"
                } else {
                    "leaky_relu"
                };
                let a = crate::emit::layers::literal(alpha_type, *alpha);
                format!("{}({in_var}, {out_var}, {a_t}({a}));", f(name))
            }
            QActivation::Prelu { alpha } => {
                let a_t = typedef_of(&alpha.ty, "alpha_t");
                member("n_chan", alpha.raw.len());
                let av = format!("a{i}");
                let what = format!("{} slopes", l.name);
                let shape = format!("[{}]", alpha.raw.len());
                c.weights.push((
                    format!("{av}.h"),
                    weight_file(&av, &a_t, &what, alpha, &shape),
                ));
                format!("{}({in_var}, {out_var}, {av});", f("prelu"))
            }
            QActivation::Sigmoid { table }
            | QActivation::Tanh { table }
            | QActivation::Softplus { table }
            | QActivation::Softsign { table } => {
                member("table_size", table.raw.len());
                typedef_of(&table.ty, "table_t");
                let name = match self {
                    QActivation::Sigmoid { .. } => "sigmoid",
                    QActivation::Tanh { .. } => "tanh",
                    QActivation::Softplus { .. } => "softplus",
                    _ => "softsign",
                };
                format!("{}({in_var}, {out_var});", f(name))
            }
            QActivation::Softmax(q) => {
                member("n_slice", q.slice);
                member("exp_table_size", q.exp_table.raw.len());
                member("inv_table_size", q.inv_table.raw.len());
                typedef_of(&q.exp_table.ty, "exp_table_t");
                typedef_of(&q.inv_table.ty, "inv_table_t");
                typedef_of(&q.accum, "accum_t");
                typedef_of(&q.inv_inp, "inv_inp_t");
                typedef_of(&q.norm, "inp_norm_t");
                format!("{}({in_var}, {out_var});", f("softmax"))
            }
        };
        s.push_str(&render(
            "activation.h",
            context! {
                cfg, prefix, n_in => per_call, reuse => k.reuse, stream => n.pixel_members(),
                members => extra, types,
            },
        ));
        call
    }
}

impl LayerImpl for QActivation {
    fn kind(&self) -> &'static str {
        self.name()
    }

    fn check_casts(&self, l: &QLayer, c: &Casts) -> std::result::Result<(), String> {
        for (what, integer, frac) in self.products(&l.input) {
            c.wide(what, integer, frac)?;
            c.bad(what, (integer + frac).max(1) as u32, frac, &l.result)?;
        }
        c.bad("input", l.input.width, l.input.frac_bits(), &l.result)
    }

    fn run(&self, l: &QLayer, _: &Plan, x: &[i128], y: &mut [i128], _: &mut Vec<i64>) {
        self.apply(&l.input, &l.result, x, y);
    }

    fn emit(&self, l: &QLayer, n: &Names, k: &Knobs, c: &mut LayerCode, s: &mut String) -> String {
        self.write(l, n, k, c, s)
    }
}

/// Width of the C `int` in which hls4ml computes table indices.
const C_INT_BITS: usize = 32;

/// The resource-model features of an activation layer: per value a comparison and
/// multiplexer (one LUT level per input bit; two for LeakyReLU), a table read from a dual-port
/// ROM (one per two values) and a product where the activation has one; Softmax as
/// [`softmax_features`].
pub(super) fn cost(cx: &CostCx<'_>, a: &Activation) -> Features {
    let t = &cx.l.types;
    let width = if cx.stream {
        cx.in_ch
    } else {
        CostCx::elems(&cx.l.input_shape)
    };
    // Constants of one or two CSD terms are shifts and an adder, which HLS builds in LUTs;
    // a slope of exactly 1 makes the layer the identity.
    let easy = |x: f64, t: Option<FixedType>| {
        t.is_some_and(|t| csd_terms(t.quantize_printed(x as f32)) < 3)
    };
    let (logic_per_bit, table, product, stages) = match a {
        Activation::ReLU(_) => (1.0, None, None, 0.0),
        Activation::LeakyReLU(l) if l.alpha == 1.0 => (0.0, None, None, 0.0),
        Activation::LeakyReLU(_) => (2.0, None, None, 0.0),
        Activation::PReLU(_) => {
            let w = t.weight.or(t.param).map_or(t.input.width, |w| w.width);
            // Per channel a product by its slope: only the hard slopes need a DSP.
            // Slopes of one or two CSD terms (zero included) are shifts chained combinationally
            // into the comparison (hls4ml CI: Dense + PReLU with zero slopes, latency 0, 18 FF).
            let hard = cx.weights.hard.unwrap_or(1.0);
            let product = (hard > 0.0).then_some((t.input.width, w, hard));
            (1.0, None, product, if hard > 0.0 { 1.0 } else { 0.0 })
        }
        Activation::Sigmoid(x)
        | Activation::Tanh(x)
        | Activation::Softplus(x)
        | Activation::Softsign(x) => (0.0, Some((x.table_size, x.table_t.width)), None, 1.0),
        Activation::ELU(e) => {
            let p = t.param.map_or(1, |p| p.width);
            let product =
                (!easy(e.alpha, t.param.or(Some(e.table_t)))).then_some((p, e.table_t.width, 1.0));
            (1.0, Some((e.table_size, e.table_t.width)), product, 2.0)
        }
        Activation::Softmax(_) => {
            let slices = width / cx.in_ch.max(1);
            let mut f = softmax_features(cx.model, cx.in_ch, slices);
            if cx.stream {
                let latency = f.latency_cycles;
                timing(&mut f, cx.in_pos, latency);
            }
            return f;
        }
    };
    let mut f = Features::default();
    f.lut[ACT] = logic_per_bit * (width * cx.in_bits as usize) as f64;
    // hls4ml computes a table index in a C `int`, which csynth prices at its full 32 bits:
    // sigmoid-like tables add an offset, then compare with the top and clamp (the bottom clamp
    // is a sign test); ELU, whose index is its negated input, only clamps. Per value that is
    // three and one 32-bit operations besides the sign test (hls4ml CI, Dense 1->64 + Sigmoid
    // / ELU, both io types: 110-165 LUT per sigmoid value, about 65 per ELU value beyond the
    // Dense layer, Vivado HLS 2020.1 and Vitis HLS 2023.1-2024.1).
    let index_ops = match a {
        Activation::ELU(_) => 1.0,
        _ if table.is_some() => 3.0,
        _ => 0.0,
    };
    f.lut[ACT] += index_ops * (width * C_INT_BITS) as f64;
    // A combinational activation (ReLU, LeakyReLU) registers nothing: HLS chains it into its
    // neighbours (hls4ml notebook reports: ReLU instances with 0 FF; the tutorial's io_stream
    // CNN under Vivado HLS: 13-18 FF per ReLU process). A Vitis HLS stream process registers
    // the word it writes ([`crate::resources::AnalyticModel::layer_features`]).
    if stages > 0.0 {
        f.ff[FF_ELEM] = (width * cx.out_bits as usize) as f64;
    }
    if let Some((entries, bits)) = table {
        f.bram18 = width.div_ceil(2) as f64 * bram18(entries, bits as usize);
    }
    if let Some((a_bits, b_bits, share)) = product {
        f.dsp = share
            * width as f64
            * f64::from(cx.model.dsp_kind().slices_per_product(a_bits, b_bits));
    }
    // io_parallel: a sign test and a multiplexer (one LUT level) that HLS chains into the
    // producer's last stage, plus a stage per table read or product; io_stream: its own
    // DATAFLOW process, one pixel per cycle.
    if cx.stream {
        timing(&mut f, cx.in_pos, 1.0 + stages);
    } else {
        f.latency_cycles = stages;
        f.ii = 1.0;
    }
    f
}

/// hls4ml's stable softmax over `slices` slices of `n` values: per output one DSP
/// multiplication by the inverted sum, LUT and FF as the `softmax_stable` instance of the
/// nac-opt tutorial report (n = 10: 2,158 LUT, 1,817 FF, 10 DSP), BRAM18 table copies as the
/// tool makes them; a max tree, the exp table read (one BRAM cycle), a sum tree,
/// the inverse table read (one BRAM cycle) and a registered DSP multiplication.
pub(crate) fn softmax_features(model: &AnalyticModel, n: usize, slices: usize) -> Features {
    let mut f = Features::default();
    let outputs = (n * slices.max(1)) as f64;
    f.lut[ELEM] = 216.0 * outputs;
    f.ff[FF_ELEM] = 182.0 * outputs;
    f.dsp = outputs;
    // Table copies for parallel reads: Vitis HLS 2021.1 keeps one BRAM18 per output (the
    // ArgyKokk softmaxes of 2, 3, 5, 6, 10 and 16 classes: 2, 3, 5, 6, 10 and 16 BRAM18),
    // Vivado HLS 2019.2 one exp table per two outputs (dual-port) and the inverse table (hls4ml
    // notebooks, 5 classes: 4).
    let per_slice = match model.tool {
        Tool::VitisHls => n.max(1) as f64,
        Tool::VivadoHls => n.div_ceil(2) as f64 + 1.0,
    };
    f.bram18 = per_slice * slices.max(1) as f64;
    let tree = model.adder_cycles((n.max(2) as f64).log2().ceil());
    f.latency_cycles = 2.0 * tree + 3.0;
    f.ii = 1.0;
    f
}

/// The argument range `[-H, H)` of hls4ml's sigmoid, softplus and softsign tables.
const HALF: i32 = 8;
/// The argument range `[-H, H)` of hls4ml's tanh table.
const TANH_HALF: i32 = 4;

/// The table of `f` over `[-half, half)`: entry `i` is `f(2 half (i - N/2) / N)`, the argument
/// rounded to `float` as hls4ml's `init_*_table` does.
fn symmetric_table(t: &Table, half: i32, f: impl Fn(f32) -> f64) -> QTensor {
    build_table(&t.table_t, t.table_size, |ii, n| {
        let x = (2.0 * f64::from(half) * (ii as f64 - n as f64 / 2.0) / n as f64) as f32;
        f(x)
    })
}

/// Entries `f(i, n)` of a table of `n` entries of type `t` (the `float`s computed by hls4ml's
/// init functions, converted as `table_t(float)`).
fn build_table(t: &FixedType, n: usize, f: impl Fn(usize, usize) -> f64) -> QTensor {
    QTensor {
        ty: *t,
        raw: (0..n).map(|i| t.quantize(f(i, n))).collect(),
    }
}

/// The value of type `t` whose top `log2(n)` bits are `i` and the others zero (hls4ml's
/// `softmax_real_val_from_idx`).
fn top_bits_value(t: &FixedType, i: usize, n: usize) -> f64 {
    let bits = n.trailing_zeros();
    let shift = t.width - bits;
    t.to_f64(t.raw_value((i as i128) << shift))
}

/// The top `log2(n)` bits of the raw value `v` of type `t` (hls4ml's
/// `softmax_idx_from_real_val`).
fn top_bits(t: &FixedType, v: i128, n: usize) -> usize {
    let bits = n.trailing_zeros();
    let word = (v as u128) & ((1u128 << t.width) - 1);
    (word >> (t.width - bits)) as usize
}

/// `int(x * n / d)` for the raw value `x` of `t`: hls4ml's `data * table_size / d` (exact
/// product, division truncated towards zero at the input's LSB), then the conversion to `int`
/// (towards zero, low 32 bits kept).
fn scaled_int(t: &FixedType, x: i128, n: i128, d: i128) -> i32 {
    let f = t.frac_bits();
    let q = if f >= 0 {
        // |x * n| < 2^(64 + 21): below the divisor once f exceeds ~90 bits.
        if f > 100 { 0 } else { (x * n) / (d << f) }
    } else {
        (x << (-f).min(100)) * n / d
    };
    q as i32
}

/// The symmetric tables' lookup: `table[clamp(int(x * N / 2H) + H * N / 2H)]`, cast to `res`.
fn lookup(
    inp: &FixedType,
    res: &FixedType,
    table: &QTensor,
    half: i32,
    x: &[i128],
    y: &mut [i128],
) {
    let (range, offset) = (2 * i128::from(half), i128::from(half));
    let n = table.raw.len();
    let base = (offset * n as i128 / range) as u32;
    for (&xv, out) in x.iter().zip(y.iter_mut()) {
        // int + unsigned in C: unsigned wrap, back to int.
        let index = (scaled_int(inp, xv, n as i128, range) as u32).wrapping_add(base) as i32;
        let index = index.clamp(0, n as i32 - 1) as usize;
        *out = res.cast_from(table.raw[index], &table.ty);
    }
}

impl QSoftmax {
    fn run_slice(&self, inp: &FixedType, res: &FixedType, x: &[i128], y: &mut [i128]) {
        let fi = i64::from(inp.frac_bits());
        let max = x.iter().copied().max().unwrap_or(0);
        let exp_n = self.exp_table.raw.len();
        let exps: Vec<i128> = x
            .iter()
            .map(|&xv| {
                let d = self.norm.cast_exact(max - xv, fi);
                let e = self.exp_table.raw[top_bits(&self.norm, d, exp_n)];
                self.accum.cast_from(e, &self.exp_table.ty)
            })
            .collect();
        let sum = self.tree_sum(&exps);
        let sum = self.inv_inp.cast_from(sum, &self.accum);
        let inv_n = self.inv_table.raw.len();
        let inv = self.inv_table.raw[top_bits(&self.inv_inp, sum, inv_n)];
        let f = i64::from(self.accum.frac_bits() + self.inv_table.ty.frac_bits());
        for (out, &e) in y.iter_mut().zip(&exps) {
            *out = res.cast_exact(
                FixedType::mul_raw(&self.accum, e, &self.inv_table.ty, inv),
                f,
            );
        }
    }

    /// hls4ml's `reduce` with `Op_add<accum_t>`: a balanced tree whose left part is the
    /// largest power of two below the length, each sum cast to `accum_t`.
    fn tree_sum(&self, x: &[i128]) -> i128 {
        match x.len() {
            0 => 0,
            1 => x[0],
            2 => self.add(x[0], x[1]),
            n => {
                let left = 1usize << (usize::BITS - 1 - (n - 1).leading_zeros());
                let (a, b) = x.split_at(left);
                self.add(self.tree_sum(a), self.tree_sum(b))
            }
        }
    }

    fn add(&self, a: i128, b: i128) -> i128 {
        self.accum
            .cast_exact(a + b, i64::from(self.accum.frac_bits()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(s: &str) -> FixedType {
        s.parse().unwrap()
    }

    /// hls4ml's sigmoid on `ap_fixed<16,6>` inputs, worked by hand: x = -1.25 -> int(-80) =
    /// -80 -> index 432 -> sigmoid(16 * (432 - 512) / 1024) = sigmoid(-1.25).
    #[test]
    fn sigmoid_index_truncates_towards_zero() {
        let t = ty("ap_fixed<16,6>");
        assert_eq!(scaled_int(&t, t.quantize(-1.25), 1024, 16), -80);
        // -0.01 * 64 = -0.64: towards zero gives 0, not -1.
        assert_eq!(scaled_int(&t, t.quantize(-0.01), 1024, 16), 0);
        assert_eq!(scaled_int(&t, t.quantize(0.99), 1024, 16), 63);
        assert_eq!(scaled_int(&t, t.quantize(-3.0), 1024, -8), 384);
    }

    /// A Softmax layer is priced by the same calibrated model as a whole design's softmax
    /// (`AnalyticModel::softmax`), per slice of a map.
    #[test]
    fn softmax_layers_cost_what_the_calibrated_softmax_costs() {
        use hwnas_core::cost::{IoType, LayerConfig};
        use hwnas_core::ir::{Layer, Network, Op};
        let model = crate::resources::AnalyticModel::for_part(
            "xcu250-figd2104-2L-e",
            crate::resources::Target::Csynth,
        )
        .unwrap();
        let soft = || Layer::new("s", Op::Activation(Activation::Softmax(Default::default())));
        let flat = Network::new("n", vec![5], ty("ap_fixed<16,6>")).with_layer(soft());
        let l = &LayerConfig::of_network(&flat, IoType::IoParallel).unwrap()[0];
        let f = model.layer_features(l, 0.0);
        let whole = model.softmax(5);
        let c = model.coefficients_for(l);
        let layer = f.price(c);
        assert_eq!((layer.dsp, layer.bram18), (whole.dsp, whole.bram18));
        assert_eq!(layer.latency_cycles, whole.latency_cycles);
        // A [3, 4, 5] map: 12 slices of 5 values.
        let map = Network::new("m", vec![3, 4, 5], ty("ap_fixed<16,6>")).with_layer(soft());
        let l = &LayerConfig::of_network(&map, IoType::IoParallel).unwrap()[0];
        let layer = model.layer_features(l, 0.0).price(c);
        assert_eq!(
            (layer.dsp, layer.bram18),
            (12.0 * whole.dsp, 12.0 * whole.bram18)
        );
    }

    #[test]
    fn softmax_top_bits_and_tree() {
        let t = ty("ap_fixed<18,8,AP_RND,AP_SAT>");
        // 2.5 in ap_fixed<18,8>: raw 2.5 * 1024 = 2560; top 10 bits: 2560 >> 8 = 10.
        assert_eq!(top_bits(&t, 2560, 1024), 10);
        // -1: raw -1024 as 18 bits = 0x3FC00; top 10 bits = 0x3FC = 1020.
        assert_eq!(top_bits(&t, -1024, 1024), 1020);
        assert_eq!(top_bits_value(&t, 10, 1024), 2.5);
        assert_eq!(top_bits_value(&t, 1020, 1024), -1.0);
        let s = QSoftmax {
            slice: 5,
            norm: ty("ap_ufixed<15,5>"),
            exp_table: QTensor { ty: t, raw: vec![] },
            inv_table: QTensor { ty: t, raw: vec![] },
            accum: ty("ap_fixed<8,3,AP_RND,AP_SAT>"),
            inv_inp: t,
        };
        // Saturating sums: (((a + b) + (c + d)) + e) with the accumulator's max 3.96875 (127).
        assert_eq!(s.tree_sum(&[100, 20, 5, 5, 10]), 127);
        assert_eq!(s.tree_sum(&[100, 20, 5, 5, -10]), 117);
    }
}
