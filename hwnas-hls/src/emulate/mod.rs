//! Bit-exact fixed-point inference of a [`QNetwork`], in integers only.
//!
//! Every value is the raw integer of its `ap_fixed` type; each layer performs exactly the
//! operations of the firmware in `hls_lib/` (same order, same intermediate types), so the
//! outputs equal the C simulation's bit for bit. Sums whose accumulator holds them exactly
//! (the default lossless accumulator) take a fast `i64` path; any other accumulator is
//! emulated term by term as hls4ml computes it: each product cast to the accumulator, then
//! added with the accumulator's overflow mode.
//!
//! ```
//! use hwnas_core::ir::{Dense, Layer, Network, Op, Tensor};
//! use hwnas_hls::emulate::Emulator;
//! use hwnas_hls::model::QNetwork;
//!
//! let mut net = Network::new("tiny", vec![2], "ap_fixed<8,4>".parse()?)
//!     .with_layer(Layer::new("fc", Op::Dense(Dense { units: 1, use_bias: true })));
//! net.weights.insert("fc.weight".into(), Tensor::new(vec![2, 1], vec![0.5, -1.0])?);
//! net.weights.insert("fc.bias".into(), Tensor::new(vec![1], vec![0.25])?);
//! let q = QNetwork::from_network(&net)?;
//! let emu = Emulator::new(&q)?;
//! let out = emu.run_f64(&[1.0, 2.0])?; // 0.5 - 2 + 0.25
//! assert_eq!(out, vec![-1.25]);
//! # Ok::<(), hwnas_hls::Error>(())
//! ```

use std::num::NonZeroUsize;

use hwnas_core::fixed::FixedType;

use crate::model::{QLayer, QNetwork, QOp, QTensor, Window};
use crate::{Error, Result};

/// One layer's output for every sample of a traced batch ([`Emulator::trace`]).
#[derive(Debug, Clone, PartialEq)]
pub struct LayerTrace {
    /// The layer's name (the IR layer's; a folded BatchNorm is part of the layer before it).
    pub name: String,
    /// The IR layers folded into this one (a BatchNorm after a Dense/Conv).
    pub fused: Vec<String>,
    /// The output shape of one sample (channels-last).
    pub shape: Vec<usize>,
    /// The output type.
    pub result: FixedType,
    /// Raw integers of `result`, one sample after the other.
    pub raw: Vec<i128>,
}

impl LayerTrace {
    /// The real values of the outputs.
    pub fn values(&self) -> Vec<f64> {
        self.raw.iter().map(|&r| self.result.to_f64(r)).collect()
    }
}

/// A network prepared for emulation (weights pre-shifted for the fast path).
#[derive(Debug, Clone)]
pub struct Emulator<'a> {
    net: &'a QNetwork,
    plans: Vec<Plan>,
    threads: NonZeroUsize,
}

/// How a Dense/Conv layer sums.
#[derive(Debug, Clone)]
enum Plan {
    /// Not a Dense/Conv layer.
    None,
    /// Exact in `i64` at the accumulator's LSB: weights and bias shifted onto it.
    Fast { w: Vec<i64>, b: Vec<i64> },
    /// Term by term with the accumulator's modes.
    Exact,
}

impl<'a> Emulator<'a> {
    /// Prepares `net` for emulation, on all available cores.
    ///
    /// # Errors
    /// [`Error::Input`] when the network has no layers.
    pub fn new(net: &'a QNetwork) -> Result<Self> {
        if net.layers.is_empty() {
            return Err(Error::Input("the network has no layers".into()));
        }
        let plans = net.layers.iter().map(plan).collect();
        let threads = std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN);
        Ok(Emulator {
            net,
            plans,
            threads,
        })
    }

    /// The same emulator using at most `n` threads (`0` is read as 1).
    pub fn with_threads(mut self, n: usize) -> Self {
        self.threads = NonZeroUsize::new(n).unwrap_or(NonZeroUsize::MIN);
        self
    }

    /// The network being emulated.
    pub fn network(&self) -> &QNetwork {
        self.net
    }

    /// Runs a batch of samples given as raw input integers (`input_len()` per sample, flat),
    /// returning the raw output integers (`output_len()` per sample). Samples are spread over
    /// threads.
    ///
    /// # Errors
    /// [`Error::Input`] when the input length is not a multiple of the sample size.
    pub fn run_raw(&self, inputs: &[i128]) -> Result<Vec<i128>> {
        let (n_in, n_out) = (self.net.input_len(), self.net.output_len());
        let samples = self.samples(inputs)?;
        let mut out = vec![0i128; samples * n_out];
        let threads = self.threads.get().min(samples.max(1));
        let per = samples.div_ceil(threads).max(1);
        std::thread::scope(|s| {
            for (xs, ys) in inputs.chunks(per * n_in).zip(out.chunks_mut(per * n_out)) {
                s.spawn(move || {
                    let (mut a, mut b, mut scratch) = (Vec::new(), Vec::new(), Vec::new());
                    for (x, y) in xs.chunks_exact(n_in).zip(ys.chunks_exact_mut(n_out)) {
                        self.run_one(x, y, [&mut a, &mut b], &mut scratch);
                    }
                });
            }
        });
        Ok(out)
    }

    /// Runs a batch like [`Emulator::run_raw`] and keeps every layer's output, as hls4ml's
    /// trace does: for debugging precision, layer by layer (one thread).
    ///
    /// ```
    /// # use hwnas_core::ir::{Dense, Layer, Network, NoParams, Op, Tensor};
    /// # use hwnas_hls::{emulate::Emulator, model::QNetwork};
    /// let mut net = Network::new("tiny", vec![2], "ap_fixed<8,4>".parse()?)
    ///     .with_layer(Layer::new("fc", Op::Dense(Dense { units: 1, use_bias: false })))
    ///     .with_layer(Layer::new("relu", Op::relu()));
    /// net.weights.insert("fc.weight".into(), Tensor::new(vec![2, 1], vec![0.5, -1.0])?);
    /// let q = QNetwork::from_network(&net)?;
    /// let trace = Emulator::new(&q)?.trace(&q.quantize_inputs(&[1.0, 2.0]))?;
    /// assert_eq!(trace[0].name, "fc");
    /// assert_eq!(trace[0].values(), vec![-1.5]); // before the ReLU
    /// assert_eq!(trace[1].values(), vec![0.0]);
    /// # Ok::<(), hwnas_hls::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`Emulator::run_raw`].
    pub fn trace(&self, inputs: &[i128]) -> Result<Vec<LayerTrace>> {
        let samples = self.samples(inputs)?;
        let mut trace: Vec<LayerTrace> = self
            .net
            .layers
            .iter()
            .map(|l| LayerTrace {
                name: l.name.clone(),
                fused: l.fused.clone(),
                shape: l.output_shape.clone(),
                result: l.result,
                raw: Vec::with_capacity(samples * l.n_out()),
            })
            .collect();
        let (mut a, mut b, mut scratch) = (Vec::new(), Vec::new(), Vec::new());
        for x in inputs.chunks_exact(self.net.input_len()) {
            self.run_layers(x, [&mut a, &mut b], &mut scratch, |i, y| {
                trace[i].raw.extend_from_slice(y);
            });
        }
        Ok(trace)
    }

    /// The number of samples in `inputs`, or why it is not a whole number.
    fn samples(&self, inputs: &[i128]) -> Result<usize> {
        let n_in = self.net.input_len();
        if !inputs.len().is_multiple_of(n_in) {
            return Err(Error::Input(format!(
                "{} input values are not a whole number of samples of {n_in} values (input \
                 shape {:?})",
                inputs.len(),
                self.net.input_shape
            )));
        }
        Ok(inputs.len() / n_in)
    }

    /// Quantises float inputs to the input type (as `input_t(double)`), runs them and returns
    /// the real values of the outputs.
    ///
    /// # Errors
    /// As [`Emulator::run_raw`].
    pub fn run_f64(&self, inputs: &[f64]) -> Result<Vec<f64>> {
        let raw = self.run_raw(&self.net.quantize_inputs(inputs))?;
        let t = self.net.output_type();
        Ok(raw.iter().map(|&r| t.to_f64(r)).collect())
    }

    fn run_one(
        &self,
        x: &[i128],
        y: &mut [i128],
        buffers: [&mut Vec<i128>; 2],
        scratch: &mut Vec<i64>,
    ) {
        let out = self.run_layers(x, buffers, scratch, |_, _| {});
        y.copy_from_slice(out);
    }

    /// Runs one sample through every layer, showing `visit` each layer's output (index, raw
    /// values); returns the last layer's output.
    fn run_layers<'b>(
        &self,
        x: &[i128],
        [a, b]: [&'b mut Vec<i128>; 2],
        scratch: &mut Vec<i64>,
        mut visit: impl FnMut(usize, &[i128]),
    ) -> &'b [i128] {
        // Only the low W bits of a raw input count (as `.V = raw`); from here on every value is
        // canonical (in its type's range), so the layers read raw values as they are.
        let t = self.net.input_type;
        a.clear();
        a.extend(x.iter().map(|&v| t.raw_value(v)));
        for (i, (layer, plan)) in self.net.layers.iter().zip(&self.plans).enumerate() {
            b.clear();
            b.resize(layer.n_out(), 0);
            run_layer(layer, plan, a, b, scratch);
            std::mem::swap(a, b);
            visit(i, a);
        }
        a
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

fn plan(l: &QLayer) -> Plan {
    let (weight, bias, accum, terms) = match &l.op {
        QOp::Dense {
            n_in,
            weight,
            bias,
            accum,
            ..
        } => (weight, bias, accum, *n_in),
        QOp::Conv {
            win,
            weight,
            bias,
            accum,
            ..
        } => (weight, bias, accum, win.kh * win.kw * win.chan),
        _ => return Plan::None,
    };
    let need =
        FixedType::lossless_accumulator(&l.input, &weight.ty, bias.as_ref().map(|b| &b.ty), terms);
    // The fast path multiplies in `i64`. Dominance keeps the accumulator within 62 bits, so the
    // input (and every product) fits `i64` too: the lossless width is at least `Wi + Ww`.
    match need {
        Ok(need) if dominates(accum, &need) => {
            let fa = accum.frac_bits();
            let sw = fa - l.input.frac_bits() - weight.ty.frac_bits();
            let w = weight
                .raw
                .iter()
                .map(|&r| (weight.ty.raw_value(r) as i64) << sw)
                .collect();
            let n_out = match &l.op {
                QOp::Dense { n_out, .. } => *n_out,
                QOp::Conv { filters, .. } => *filters,
                _ => 0,
            };
            let b = match bias {
                Some(b) => {
                    let sb = fa - b.ty.frac_bits();
                    b.raw
                        .iter()
                        .map(|&r| (b.ty.raw_value(r) as i64) << sb)
                        .collect()
                }
                None => vec![0; n_out],
            };
            Plan::Fast { w, b }
        }
        _ => Plan::Exact,
    }
}

/// `acc = (accum_t)(acc + term)` where `term = mant * 2^-frac`, as `ap_fixed`'s `+=`; `acc` is
/// a canonical raw value of `accum`.
fn add_exact(accum: &FixedType, acc: i128, mant: i128, frac: i32) -> i128 {
    let fa = accum.frac_bits();
    let f = fa.max(frac);
    let sum = (acc << (f - fa)) + (mant << (f - frac));
    accum.cast_exact(sum, i64::from(f))
}

/// Whether every value of `t` fits `i64`.
fn fits_i64(t: &FixedType) -> bool {
    t.width <= if t.signed { 64 } else { 63 }
}

/// `to(v)` for a canonical raw value `v` of `from` (no need to re-read its low bits).
#[inline]
fn cast(to: &FixedType, v: i128, from: &FixedType) -> i128 {
    to.cast_exact(v, i64::from(from.frac_bits()))
}

/// State of one exact (term-by-term) sum.
struct ExactSum<'t> {
    accum: FixedType,
    weight: &'t QTensor,
    fp: i32,
    /// Input and weights fit `i64`: one widening multiply per product.
    narrow: bool,
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

/// Runs one layer on canonical raw values; `scratch` holds the `i64` sums of the fast path.
fn run_layer(l: &QLayer, plan: &Plan, x: &[i128], y: &mut [i128], scratch: &mut Vec<i64>) {
    let (inp, res) = (l.input, l.result);
    match (&l.op, plan) {
        (
            QOp::Dense {
                n_in, n_out, accum, ..
            },
            Plan::Fast { w, b },
        ) => {
            let acc = scratch;
            acc.clear();
            acc.extend_from_slice(b);
            for (i, &xi) in x.iter().enumerate().take(*n_in) {
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
                *out = cast(&res, i128::from(a), accum);
            }
        }
        (
            QOp::Dense {
                n_in,
                n_out,
                weight,
                bias,
                accum,
            },
            _,
        ) => {
            let s = ExactSum::new(*accum, inp, weight);
            for (j, out) in y.iter_mut().enumerate().take(*n_out) {
                let mut acc = s.start(bias.as_ref(), j);
                for (i, &xi) in x.iter().enumerate().take(*n_in) {
                    acc = s.add(acc, xi, i * n_out + j);
                }
                *out = cast(&res, acc, accum);
            }
        }
        (
            QOp::Conv {
                win,
                filters,
                weight,
                bias,
                accum,
                ..
            },
            plan,
        ) => conv(l, win, *filters, weight, bias.as_ref(), accum, plan, x, y),
        (
            QOp::Pool {
                max, win, accum, ..
            },
            _,
        ) => pool(l, win, *max, accum.as_ref(), x, y),
        (QOp::Scale { chan, scale, bias }, _) => {
            let fp = inp.frac_bits() + scale.ty.frac_bits();
            let fb = bias.ty.frac_bits();
            let f = fp.max(fb);
            for (k, (&xv, out)) in x.iter().zip(y.iter_mut()).enumerate() {
                let c = k % chan;
                let p = FixedType::mul_raw(&inp, xv, &scale.ty, scale.raw[c]);
                let sum = (p << (f - fp)) + (bias.ty.raw_value(bias.raw[c]) << (f - fb));
                *out = res.cast_exact(sum, i64::from(f));
            }
        }
        (QOp::Activation(a), _) => a.run(&inp, &res, x, y),
        (QOp::Flatten, _) => y.copy_from_slice(x),
        (
            QOp::UpSampling {
                in_h,
                in_w,
                chan,
                sh,
                sw,
                ..
            },
            _,
        ) => {
            let ow = in_w * sw;
            for oh in 0..in_h * sh {
                for w in 0..ow {
                    for c in 0..*chan {
                        let src = ((oh / sh) * in_w + w / sw) * chan + c;
                        y[(oh * ow + w) * chan + c] = cast(&res, x[src], &inp);
                    }
                }
            }
        }
        (
            QOp::ZeroPadding {
                in_h,
                in_w,
                chan,
                top,
                left,
                right,
                ..
            },
            _,
        ) => {
            let ow = in_w + left + right;
            y.fill(0);
            for h in 0..*in_h {
                for w in 0..*in_w {
                    for c in 0..*chan {
                        let dst = ((h + top) * ow + w + left) * chan + c;
                        y[dst] = cast(&res, x[(h * in_w + w) * chan + c], &inp);
                    }
                }
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn conv(
    l: &QLayer,
    win: &Window,
    filters: usize,
    weight: &QTensor,
    bias: Option<&QTensor>,
    accum: &FixedType,
    plan: &Plan,
    x: &[i128],
    y: &mut [i128],
) {
    let (inp, res) = (l.input, l.result);
    let chan = win.chan;
    let exact = ExactSum::new(*accum, inp, weight);
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
                let ih = (oh * win.sh + kh) as isize - win.pad_top as isize;
                if ih < 0 || ih >= win.in_h as isize {
                    continue;
                }
                for kw in 0..win.kw {
                    let iw = (ow * win.sw + kw) as isize - win.pad_left as isize;
                    if iw < 0 || iw >= win.in_w as isize {
                        continue;
                    }
                    let base = (ih as usize * win.in_w + iw as usize) * chan;
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
                        *v = cast(&res, i128::from(a), accum);
                    }
                }
                _ => {
                    for (v, &a) in out.iter_mut().zip(&acc) {
                        *v = cast(&res, a, accum);
                    }
                }
            }
        }
    }
}

fn pool(
    l: &QLayer,
    win: &Window,
    max: bool,
    accum: Option<&FixedType>,
    x: &[i128],
    y: &mut [i128],
) {
    let (inp, res) = (l.input, l.result);
    let chan = win.chan;
    for oh in 0..win.out_h {
        for ow in 0..win.out_w {
            for c in 0..chan {
                let mut best: Option<i128> = None;
                let mut acc = 0i128;
                let mut count = 0i64;
                for kh in 0..win.kh {
                    let ih = (oh * win.sh + kh) as isize - win.pad_top as isize;
                    if ih < 0 || ih >= win.in_h as isize {
                        continue;
                    }
                    for kw in 0..win.kw {
                        let iw = (ow * win.sw + kw) as isize - win.pad_left as isize;
                        if iw < 0 || iw >= win.in_w as isize {
                            continue;
                        }
                        let xv = x[(ih as usize * win.in_w + iw as usize) * chan + c];
                        count += 1;
                        if max {
                            if best.is_none_or(|b| xv > b) {
                                best = Some(xv);
                            }
                        } else if let Some(a) = accum {
                            acc = add_exact(a, acc, xv, inp.frac_bits());
                        }
                    }
                }
                let o = (oh * win.out_w + ow) * chan + c;
                y[o] = match (max, accum) {
                    (true, _) | (false, None) => cast(&res, best.unwrap_or(0), &inp),
                    (false, Some(a)) => {
                        let q = acc / i128::from(count.max(1));
                        res.cast_exact(q, i64::from(a.frac_bits()))
                    }
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hwnas_core::ir::{Conv2D, Dense, Layer, Network, Op, Padding, Tensor};
    use hwnas_core::rng::{Random, SplitMix64};

    fn net_with_weights(mut net: Network) -> Network {
        let a = net.analyze().unwrap();
        let mut rng = SplitMix64::new(1);
        for (layer, info) in net.layers.iter().zip(&a.layers) {
            for (param, shape) in &info.weight_shapes {
                let n: usize = shape.iter().product();
                let data = (0..n).map(|_| (rng.uniform() as f32 - 0.5) * 1.5).collect();
                net.weights.insert(
                    format!("{}.{param}", layer.name),
                    Tensor::new(shape.clone(), data).unwrap(),
                );
            }
        }
        net
    }

    /// The fast `i64` path and the term-by-term path agree whenever the accumulator is
    /// lossless (oracle: the exact path, which follows `ap_fixed`'s `+=` step by step).
    #[test]
    fn fast_and_exact_sums_agree() {
        let t = "ap_fixed<12,4>".parse().unwrap();
        let net = net_with_weights(
            Network::new("n", vec![6, 5, 3], t)
                .with_layer(Layer::new(
                    "c",
                    Op::Conv2D(Conv2D {
                        filters: 4,
                        kernel: [3, 2],
                        stride: [2, 1],
                        padding: Padding::Same,
                        use_bias: true,
                    }),
                ))
                .with_layer(Layer::new("f", Op::Flatten(hwnas_core::ir::NoParams {})))
                .with_layer(Layer::new(
                    "d",
                    Op::Dense(Dense {
                        units: 7,
                        use_bias: true,
                    }),
                )),
        );
        let q = QNetwork::from_network(&net).unwrap();
        let emu = Emulator::new(&q).unwrap();
        assert!(emu.plans.iter().any(|p| matches!(p, Plan::Fast { .. })));
        let mut exact = emu.clone();
        exact.plans = q.layers.iter().map(|_| Plan::Exact).collect();
        let x = crate::emit::random_inputs(&q, 50, 3);
        let (a, b) = (emu.run_raw(&x).unwrap(), exact.run_raw(&x).unwrap());
        assert_eq!(a, b);
        let mut distinct = a.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert!(distinct.len() > 100, "{} distinct outputs", distinct.len());
        // Threads do not change the result.
        assert_eq!(emu.clone().with_threads(1).run_raw(&x).unwrap(), a);
        assert!(emu.run_raw(&x[1..]).is_err());
        // The trace keeps every layer's output; its last layer is the network's output, and
        // the Flatten's is the convolution's, unchanged.
        let trace = emu.trace(&x).unwrap();
        assert_eq!(trace.len(), 3);
        assert_eq!(trace[2].raw, a);
        assert_eq!(trace[0].raw, trace[1].raw);
        assert_eq!(
            (trace[0].shape.clone(), trace[1].shape.clone()),
            (vec![3, 5, 4], vec![60])
        );
        assert_eq!(trace[0].raw.len(), 50 * 60);
        assert!(emu.trace(&x[1..]).is_err());
    }

    /// A hand-computed Dense layer with rounding and saturation on the result.
    #[test]
    fn dense_by_hand() {
        let mut net = Network::new("n", vec![2], "ap_fixed<8,4>".parse().unwrap()).with_layer(
            Layer::new(
                "d",
                Op::Dense(Dense {
                    units: 2,
                    use_bias: true,
                }),
            )
            .with_precision(hwnas_core::ir::Precision {
                result: Some("ap_fixed<6,3,AP_RND,AP_SAT>".parse().unwrap()),
                ..Default::default()
            }),
        );
        // y0 = 1.5 * 0.25 + (-2) * 0.5 + 0.0625 = -0.5625 -> LSB 1/8: -4.5 LSB, AP_RND ties up: -0.5
        // y1 = 1.5 * 2 + (-2) * (-1) + 0 = 5 -> saturates to 3.875
        net.weights.insert(
            "d.weight".into(),
            Tensor::new(vec![2, 2], vec![0.25, 2.0, 0.5, -1.0]).unwrap(),
        );
        net.weights.insert(
            "d.bias".into(),
            Tensor::new(vec![2], vec![0.0625, 0.0]).unwrap(),
        );
        let q = QNetwork::from_network(&net).unwrap();
        let out = Emulator::new(&q).unwrap().run_f64(&[1.5, -2.0]).unwrap();
        assert_eq!(out, vec![-0.5, 3.875]);
    }
}
