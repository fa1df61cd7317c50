//! Dense, Conv1D and Conv2D: the layers with weights, and so with width, kernel, bit-width,
//! reuse-factor and strategy decisions.

use super::{At, KindRules, LowerStep, Lowered, Setting, Slot};
use crate::Result;
use crate::ir::{AxisWindow, Conv1D, Conv2D, Dense, Op, Padding, Strategy};
use crate::space::decision::{Choice, DecisionKind};
use crate::space::layer::{LayerKind, LayerSpec};

pub(super) struct Kernel;

impl LayerSpec {
    /// A Dense layer with these unit options.
    pub fn dense(name: &str, units: &[usize]) -> Self {
        LayerSpec {
            widths: units.to_vec(),
            ..Self::new(name, LayerKind::Dense)
        }
    }

    /// A 2-D convolution (`same` padding, stride 1) with filter and square-kernel options.
    pub fn conv2d(name: &str, filters: &[usize], kernels: &[usize]) -> Self {
        LayerSpec {
            widths: filters.to_vec(),
            kernels: kernels.to_vec(),
            ..Self::new(name, LayerKind::Conv2D)
        }
    }

    /// A 1-D convolution (`same` padding, stride 1) with filter and kernel options.
    pub fn conv1d(name: &str, filters: &[usize], kernels: &[usize]) -> Self {
        LayerSpec {
            widths: filters.to_vec(),
            kernels: kernels.to_vec(),
            ..Self::new(name, LayerKind::Conv1D)
        }
    }

    /// The same convolution with a fixed stride `s` (square for Conv2D: IR `stride = [s, s]`).
    /// With `same` padding the output length is `ceil(in / s)`, with `valid`
    /// `(in - k) / s + 1`. A stride of 0 is rejected by
    /// [`SpaceBuilder::build`](crate::space::SpaceBuilder::build).
    pub fn stride(mut self, s: usize) -> Self {
        self.stride = s;
        self
    }

    /// The same layer with weight bit-width options.
    pub fn weight_bits(mut self, bits: &[u32]) -> Self {
        self.weight_bits = bits.to_vec();
        self
    }

    /// The same layer with result bit-width options.
    pub fn result_bits(mut self, bits: &[u32]) -> Self {
        self.result_bits = bits.to_vec();
        self
    }

    /// The same layer with reuse-factor options.
    pub fn reuse_factors(mut self, rf: &[u32]) -> Self {
        self.reuse_factors = rf.to_vec();
        self
    }

    /// The same layer with strategy options.
    pub fn strategies(mut self, s: &[Strategy]) -> Self {
        self.strategies = s.to_vec();
        self
    }

    /// The same layer with another convolution padding.
    pub fn padding(mut self, p: Padding) -> Self {
        self.padding = p;
        self
    }

    /// The same layer, switchable off (identity). Allowed for Dense and `same` convolutions whose
    /// width is fixed and equal to a fixed input width.
    pub fn optional(mut self) -> Self {
        self.optional = true;
        self
    }
}

/// The fixed layer of a Dense or convolution op.
pub(super) fn from_op(n: &str, op: &Op) -> std::result::Result<LayerSpec, String> {
    Ok(match op {
        Op::Conv2D(c) => {
            if c.stride[0] != c.stride[1] || c.kernel[0] != c.kernel[1] {
                return Err("non-square stride or kernel".into());
            }
            LayerSpec::conv2d(n, &[c.filters], &[c.kernel[0]])
                .padding(c.padding)
                .stride(c.stride[0])
        }
        Op::Conv1D(c) => LayerSpec::conv1d(n, &[c.filters], &[c.kernel])
            .padding(c.padding)
            .stride(c.stride),
        Op::Dense(d) => LayerSpec::dense(n, &[d.units]),
        other => unreachable!("kinds::from_op sends {} elsewhere", other.kind()),
    })
}

impl KindRules for Kernel {
    fn op(&self, l: &LayerSpec, at: At) -> Op {
        match l.kind {
            LayerKind::Conv1D => Op::Conv1D(Conv1D {
                filters: at.width,
                kernel: at.kernel,
                stride: l.stride,
                padding: l.padding,
                use_bias: true,
            }),
            LayerKind::Conv2D => Op::Conv2D(Conv2D {
                filters: at.width,
                kernel: [at.kernel, at.kernel],
                stride: [l.stride, l.stride],
                padding: l.padding,
                use_bias: true,
            }),
            _ => Op::Dense(Dense {
                units: at.width,
                use_bias: true,
            }),
        }
    }

    fn slots(&self, l: &LayerSpec) -> Vec<Slot> {
        let vals = |v: &[usize]| v.iter().map(|&x| Choice::Value(x)).collect::<Vec<_>>();
        let bits = |v: &[u32]| v.iter().map(|&x| Choice::Value(x as usize)).collect();
        let mut out = vec![(DecisionKind::Width, vals(&l.widths))];
        if l.kind != LayerKind::Dense {
            out.push((DecisionKind::Kernel, vals(&l.kernels)));
        }
        out.push((DecisionKind::WeightBits, bits(&l.weight_bits)));
        out.push((DecisionKind::ResultBits, bits(&l.result_bits)));
        if l.optional {
            out.push((
                DecisionKind::OnOff,
                vec![Choice::On(true), Choice::On(false)],
            ));
        }
        out.push((DecisionKind::ReuseFactor, bits(&l.reuse_factors)));
        out.push((
            DecisionKind::Strategy,
            l.strategies.iter().map(|&s| Choice::Strategy(s)).collect(),
        ));
        out
    }

    fn settings(&self, l: &LayerSpec) -> &'static [Setting] {
        match l.kind {
            LayerKind::Dense => &[],
            _ => &[Setting::Stride],
        }
    }

    fn check(&self, l: &LayerSpec) -> std::result::Result<(), String> {
        if l.kind == LayerKind::Dense {
            return Ok(());
        }
        if l.stride == 0 {
            return Err(
                "stride = 0 is invalid; a convolution's stride must be at least 1 \
                        (leave it out for 1)"
                    .into(),
            );
        }
        if l.kernels.len() > 1 && l.padding != Padding::Same {
            return Err(
                "a kernel-size decision needs `same` padding (so that shapes do not \
                        depend on the choice)"
                    .into(),
            );
        }
        if l.padding == Padding::Same && l.kernels.iter().any(|k| k % 2 == 0) {
            return Err("kernels must be odd with `same` padding".into());
        }
        Ok(())
    }

    /// Every kernel option must share the largest kernel's (centred) padding along each axis,
    /// so that the supernet's sub-kernel masks compute exactly the smaller kernels.
    fn check_windows(
        &self,
        l: &LayerSpec,
        input: &[usize],
        windows: &[AxisWindow],
    ) -> std::result::Result<(), String> {
        let axes: &[&str] = match l.kind {
            LayerKind::Conv1D => &["length"],
            LayerKind::Conv2D => &["height", "width"],
            _ => &[],
        };
        let kmax = l.max_kernel();
        for ((axis, w), &n) in axes.iter().zip(windows).zip(input) {
            for &k in &l.kernels {
                let Some(wk) = l.padding.resolve(n, k, l.stride) else {
                    continue;
                };
                if wk.pad_begin + (kmax - k) / 2 != w.pad_begin {
                    return Err(format!(
                        "with stride {} and `same` padding the kernel {k} needs no padding on \
                         the {axis} of {n} while the kernel {kmax} does, so the kernel options \
                         cannot share weights; drop kernels smaller than the stride or use \
                         stride 1",
                        l.stride
                    ));
                }
            }
        }
        Ok(())
    }

    fn lower(&self, l: &LayerSpec, step: &LowerStep<'_>) -> Result<Lowered> {
        let spec = step.spec;
        let mut out = Lowered::keep(spec.default_type);
        if let Some(b) = step.value(DecisionKind::WeightBits) {
            let i = step.weight_int.or(l.weight_integer).unwrap_or(1);
            out.precision.weight = Some(step.fixed(b as u32, i)?);
        }
        // The supernet trains float biases: store them in the default type, rounded to nearest
        // like every other quantiser (the default type's own mode may truncate, which would
        // shift every bias down by half an LSB on average).
        out.precision.bias = Some(
            spec.default_type
                .with_rounding(spec.quant.rounding)
                .with_overflow(spec.quant.overflow),
        );
        if let Some(b) = step.value(DecisionKind::ResultBits) {
            let i = step
                .result_int
                .or(l.result_integer)
                .unwrap_or((b as i32 + 1) / 2);
            let t = step.fixed(b as u32, i)?;
            // Before a BatchNorm the type goes on the BatchNorm: an explicit result here would
            // stop the export from folding it (hls4ml's rule), and the supernet quantises the
            // normalised output.
            if !spec.result_after_batchnorm(step.li) {
                out.precision.result = Some(t);
            }
            out.output = t;
        }
        out.hls.reuse_factor = step.value(DecisionKind::ReuseFactor).unwrap_or(1) as u32;
        if let Some(Choice::Strategy(s)) = step.choice(DecisionKind::Strategy) {
            out.hls.strategy = s;
        }
        Ok(out)
    }

    fn has_kernel(&self) -> bool {
        true
    }
}
