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

use crate::layers::Plan;
use crate::model::{QLayer, QNetwork};
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

impl<'a> Emulator<'a> {
    /// Prepares `net` for emulation, on all available cores.
    ///
    /// # Errors
    /// [`Error::Input`] when the network has no layers.
    pub fn new(net: &'a QNetwork) -> Result<Self> {
        if net.layers.is_empty() {
            return Err(Error::Input("the network has no layers".into()));
        }
        let plans = net.layers.iter().map(|l| l.op.imp().plan(l)).collect();
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

/// Runs one layer on canonical raw values; `scratch` holds the `i64` sums of the fast path.
fn run_layer(l: &QLayer, plan: &Plan, x: &[i128], y: &mut [i128], scratch: &mut Vec<i64>) {
    l.op.imp().run(l, plan, x, y, scratch);
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
