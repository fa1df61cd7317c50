//! The search-space description and its validation.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::arch::{Arch, Pick};
use crate::fixed::{FixedType, Overflow, Rounding};
use crate::ir::{
    BatchNorm, Conv1D, Conv2D, Dense, HlsKnobs, Layer, LeakyReLU, Network, NoParams, Op, Padding,
    Pool1D, Pool2D, Precision, Strategy,
};
use crate::{Error, Result};

/// The kind of a searchable layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LayerKind {
    /// Fully connected layer (input must be 1-D).
    Dense,
    /// 1-D convolution over `[length][channels]`, stride 1.
    Conv1D,
    /// 2-D convolution over `[height][width][channels]` with square kernels, stride 1.
    Conv2D,
    /// 1-D pooling (max or average, possibly a decision).
    Pool1D,
    /// 2-D pooling (max or average, possibly a decision).
    Pool2D,
    /// Batch normalisation over the channels.
    BatchNorm,
    /// `max(x, 0)`.
    ReLU,
    /// Leaky ReLU.
    LeakyReLU,
    /// Reshape to 1-D in `h, w, c` order.
    Flatten,
}

/// Max or average pooling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PoolKind {
    /// Maximum over the window.
    Max,
    /// Mean over the window.
    Avg,
}

/// What a decision chooses (DESIGN 2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    /// Output channels / units.
    Width,
    /// Kernel size (centred sub-kernels of the largest one).
    Kernel,
    /// Weight bit-width.
    WeightBits,
    /// Result (activation) bit-width.
    ResultBits,
    /// Operator choice (max or average pooling).
    Operator,
    /// Layer on or off (depth).
    OnOff,
    /// HLS reuse factor (cost only).
    ReuseFactor,
    /// HLS strategy (cost only).
    Strategy,
}

impl DecisionKind {
    /// The suffix of the decision's name (`conv1.width`).
    pub fn suffix(self) -> &'static str {
        match self {
            DecisionKind::Width => "width",
            DecisionKind::Kernel => "kernel",
            DecisionKind::WeightBits => "weight_bits",
            DecisionKind::ResultBits => "result_bits",
            DecisionKind::Operator => "op",
            DecisionKind::OnOff => "on",
            DecisionKind::ReuseFactor => "reuse_factor",
            DecisionKind::Strategy => "strategy",
        }
    }
}

/// One option of a decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Choice {
    /// A number: width, kernel size, bits or reuse factor.
    Value(usize),
    /// Layer on (`true`) or off.
    On(bool),
    /// A pooling operator.
    Pool(PoolKind),
    /// An HLS strategy.
    Strategy(Strategy),
}

impl fmt::Display for Choice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Choice::Value(v) => write!(f, "{v}"),
            Choice::On(true) => f.write_str("on"),
            Choice::On(false) => f.write_str("off"),
            Choice::Pool(PoolKind::Max) => f.write_str("max"),
            Choice::Pool(PoolKind::Avg) => f.write_str("avg"),
            Choice::Strategy(s) => write!(f, "{s}"),
        }
    }
}

/// A named, finite list of options (`conv1.width` in `{8, 16, 32}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// `<layer>.<kind suffix>`.
    pub name: String,
    /// Index of the layer in the space.
    pub layer: usize,
    /// What it chooses.
    pub kind: DecisionKind,
    /// The options, in declaration order (index 0 is the default).
    pub options: Vec<Choice>,
}

/// Fixed-point settings shared by every quantised tensor of a space.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct QuantSpec {
    /// Rounding of weights and results (default `AP_RND_CONV`).
    #[serde(with = "rounding_serde")]
    pub rounding: Rounding,
    /// Overflow handling (default `AP_SAT`).
    #[serde(with = "overflow_serde")]
    pub overflow: Overflow,
}

impl Default for QuantSpec {
    fn default() -> Self {
        QuantSpec {
            rounding: Rounding::RndConv,
            overflow: Overflow::Sat,
        }
    }
}

mod rounding_serde {
    use super::Rounding;
    use serde::{Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(r: &Rounding, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(r.ap_name())
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Rounding, D::Error> {
        let s = String::deserialize(d)?;
        Rounding::ALL
            .into_iter()
            .find(|r| r.ap_name() == s)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown rounding mode `{s}`")))
    }
}

mod overflow_serde {
    use super::Overflow;
    use serde::{Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(r: &Overflow, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(r.ap_name())
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Overflow, D::Error> {
        let s = String::deserialize(d)?;
        Overflow::ALL
            .into_iter()
            .find(|r| r.ap_name() == s)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown overflow mode `{s}`")))
    }
}

/// One layer of a space: fixed hyper-parameters and lists of options. A list with one element is
/// fixed; longer lists are decisions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerSpec {
    /// Unique name, a C identifier.
    pub name: String,
    /// The layer kind.
    pub kind: LayerKind,
    /// Units (Dense) or filters (Conv) options.
    pub widths: Vec<usize>,
    /// Kernel-size options (Conv; square for Conv2D).
    pub kernels: Vec<usize>,
    /// Border handling of convolutions (kernel decisions need `Same`).
    pub padding: Padding,
    /// Pooling window `[h, w]` (`[1, p]` for Pool1D); the stride equals the window.
    pub pool: [usize; 2],
    /// Pooling operator options.
    pub pool_ops: Vec<PoolKind>,
    /// Weight bit-width options (empty: float weights, no quantisation).
    pub weight_bits: Vec<u32>,
    /// Result bit-width options (empty: float results).
    pub result_bits: Vec<u32>,
    /// Integer bits of the weight type; `None`: chosen from the observed range.
    pub weight_integer: Option<i32>,
    /// Integer bits of the result type; `None`: chosen from the observed range.
    pub result_integer: Option<i32>,
    /// Reuse-factor options (default `[1]`).
    pub reuse_factors: Vec<u32>,
    /// Strategy options (default `[Latency]`).
    pub strategies: Vec<Strategy>,
    /// Whether the layer may be switched off (identity); only where shapes allow.
    pub optional: bool,
    /// LeakyReLU slope.
    pub alpha: f64,
    /// BatchNorm epsilon.
    pub epsilon: f64,
}

impl LayerSpec {
    fn new(name: &str, kind: LayerKind) -> Self {
        LayerSpec {
            name: name.into(),
            kind,
            widths: Vec::new(),
            kernels: Vec::new(),
            padding: Padding::Same,
            pool: [1, 1],
            pool_ops: Vec::new(),
            weight_bits: Vec::new(),
            result_bits: Vec::new(),
            weight_integer: None,
            result_integer: None,
            reuse_factors: vec![1],
            strategies: vec![Strategy::Latency],
            optional: false,
            alpha: 0.3,
            epsilon: 1e-3,
        }
    }

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

    /// 2-D max pooling (stride = window).
    pub fn max_pool2d(name: &str, pool: [usize; 2]) -> Self {
        Self::pool2d(name, pool, &[PoolKind::Max])
    }

    /// 2-D pooling whose operator (max or average) is a decision.
    pub fn max_or_avg_pool2d(name: &str, pool: [usize; 2]) -> Self {
        Self::pool2d(name, pool, &[PoolKind::Max, PoolKind::Avg])
    }

    /// 2-D pooling with these operator options.
    pub fn pool2d(name: &str, pool: [usize; 2], ops: &[PoolKind]) -> Self {
        LayerSpec {
            pool,
            pool_ops: ops.to_vec(),
            ..Self::new(name, LayerKind::Pool2D)
        }
    }

    /// 1-D pooling with these operator options.
    pub fn pool1d(name: &str, pool: usize, ops: &[PoolKind]) -> Self {
        LayerSpec {
            pool: [1, pool],
            pool_ops: ops.to_vec(),
            ..Self::new(name, LayerKind::Pool1D)
        }
    }

    /// Batch normalisation (epsilon 1e-3).
    pub fn batch_norm(name: &str) -> Self {
        Self::new(name, LayerKind::BatchNorm)
    }

    /// ReLU.
    pub fn relu(name: &str) -> Self {
        Self::new(name, LayerKind::ReLU)
    }

    /// Leaky ReLU with slope `alpha`.
    pub fn leaky_relu(name: &str, alpha: f64) -> Self {
        LayerSpec {
            alpha,
            ..Self::new(name, LayerKind::LeakyReLU)
        }
    }

    /// Flatten (`h, w, c` order).
    pub fn flatten(name: &str) -> Self {
        Self::new(name, LayerKind::Flatten)
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

    /// Whether the layer multiplies by weights.
    pub fn has_kernel(&self) -> bool {
        matches!(
            self.kind,
            LayerKind::Dense | LayerKind::Conv1D | LayerKind::Conv2D
        )
    }

    /// Largest width option.
    pub fn max_width(&self) -> usize {
        self.widths.iter().copied().max().unwrap_or(0)
    }

    /// Largest kernel option.
    pub fn max_kernel(&self) -> usize {
        self.kernels.iter().copied().max().unwrap_or(1)
    }

    /// `(kind, options)` of every parameter of this layer, decisions or not, in decision order.
    pub(crate) fn slots(&self) -> Vec<(DecisionKind, Vec<Choice>)> {
        let vals = |v: &[usize]| v.iter().map(|&x| Choice::Value(x)).collect::<Vec<_>>();
        let bits = |v: &[u32]| v.iter().map(|&x| Choice::Value(x as usize)).collect();
        let mut out = Vec::new();
        if self.has_kernel() {
            out.push((DecisionKind::Width, vals(&self.widths)));
            if self.kind != LayerKind::Dense {
                out.push((DecisionKind::Kernel, vals(&self.kernels)));
            }
            out.push((DecisionKind::WeightBits, bits(&self.weight_bits)));
            out.push((DecisionKind::ResultBits, bits(&self.result_bits)));
        }
        if matches!(self.kind, LayerKind::Pool1D | LayerKind::Pool2D) {
            out.push((
                DecisionKind::Operator,
                self.pool_ops.iter().map(|&p| Choice::Pool(p)).collect(),
            ));
        }
        if self.optional {
            out.push((
                DecisionKind::OnOff,
                vec![Choice::On(true), Choice::On(false)],
            ));
        }
        if self.has_kernel() {
            out.push((DecisionKind::ReuseFactor, bits(&self.reuse_factors)));
            out.push((
                DecisionKind::Strategy,
                self.strategies
                    .iter()
                    .map(|&s| Choice::Strategy(s))
                    .collect(),
            ));
        }
        out
    }
}

/// A search space: an input and ordered layers whose options define [`Decision`]s.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpaceSpec {
    /// Name (a C identifier; the derived network takes it).
    pub name: String,
    /// Input shape, channels-last: `[n]`, `[length, c]` or `[h, w, c]`.
    pub input_shape: Vec<usize>,
    /// Fixed-point type of the input.
    pub input_type: FixedType,
    /// Type of tensors with no bit decision in the derived network.
    pub default_type: FixedType,
    /// Rounding and overflow of the quantisers.
    pub quant: QuantSpec,
    /// The layers, in order.
    pub layers: Vec<LayerSpec>,
    decisions: Vec<Decision>,
}

/// Builds a [`SpaceSpec`]; see the [module docs](super) for an example.
#[derive(Debug, Clone)]
pub struct SpaceBuilder {
    spec: SpaceSpec,
}

impl SpaceBuilder {
    /// Appends a layer.
    pub fn layer(mut self, layer: LayerSpec) -> Self {
        self.spec.layers.push(layer);
        self
    }

    /// Sets the input type (default `ap_fixed<16,6>`).
    pub fn input_type(mut self, t: FixedType) -> Self {
        self.spec.input_type = t;
        self
    }

    /// Sets the default type (default `ap_fixed<16,6>`).
    pub fn default_type(mut self, t: FixedType) -> Self {
        self.spec.default_type = t;
        self
    }

    /// Sets rounding and overflow of the quantisers (default `AP_RND_CONV`, `AP_SAT`).
    pub fn quant(mut self, q: QuantSpec) -> Self {
        self.spec.quant = q;
        self
    }

    /// Validates the space and lists its decisions.
    ///
    /// # Errors
    /// [`Error::InvalidSpace`] naming the layer and the problem.
    pub fn build(mut self) -> Result<SpaceSpec> {
        self.spec.validate()?;
        self.spec.decisions = self.spec.collect_decisions();
        Ok(self.spec)
    }
}

/// Shapes (channels-last, widest options) and width provenance of one layer.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LayerShape {
    pub input: Vec<usize>,
    pub output: Vec<usize>,
}

impl SpaceSpec {
    /// Starts a space with this name and channels-last input shape.
    pub fn builder(name: &str, input_shape: Vec<usize>) -> SpaceBuilder {
        let t = FixedType::new(16, 6, true).expect("ap_fixed<16,6> is valid");
        SpaceBuilder {
            spec: SpaceSpec {
                name: name.into(),
                input_shape,
                input_type: t,
                default_type: t,
                quant: QuantSpec::default(),
                layers: Vec::new(),
                decisions: Vec::new(),
            },
        }
    }

    /// Every decision, in layer order.
    pub fn decisions(&self) -> &[Decision] {
        &self.decisions
    }

    /// The decision called `name`.
    pub fn decision(&self, name: &str) -> Option<usize> {
        self.decisions.iter().position(|d| d.name == name)
    }

    /// Number of architectures (product of option counts), as `f64` because it overflows
    /// integers quickly.
    pub fn size(&self) -> f64 {
        self.decisions
            .iter()
            .map(|d| d.options.len() as f64)
            .product()
    }

    /// The architecture with the first option of every decision.
    pub fn default_arch(&self) -> Arch {
        self.arch_from_indices(&vec![0; self.decisions.len()])
            .expect("index 0 exists for every decision")
    }

    /// The architecture with these option indices (one per decision, in order).
    ///
    /// # Errors
    /// [`Error::InvalidArch`] when the count or an index is out of range.
    pub fn arch_from_indices(&self, idx: &[usize]) -> Result<Arch> {
        if idx.len() != self.decisions.len() {
            return Err(Error::InvalidArch(format!(
                "{} option indices given for a space with {} decisions",
                idx.len(),
                self.decisions.len()
            )));
        }
        let picks = self
            .decisions
            .iter()
            .zip(idx)
            .map(|(d, &i)| {
                d.options
                    .get(i)
                    .map(|&value| Pick {
                        decision: d.name.clone(),
                        value,
                    })
                    .ok_or_else(|| {
                        Error::InvalidArch(format!(
                            "option {i} of `{}` does not exist (it has {})",
                            d.name,
                            d.options.len()
                        ))
                    })
            })
            .collect::<Result<_>>()?;
        Ok(Arch { picks })
    }

    /// The option index of every decision of `arch` (which must belong to this space).
    ///
    /// # Errors
    /// [`Error::InvalidArch`] when a decision is missing, unknown, or has a value that is not
    /// one of its options.
    pub fn indices_of(&self, arch: &Arch) -> Result<Vec<usize>> {
        if arch.picks.len() != self.decisions.len() {
            return Err(Error::InvalidArch(format!(
                "the architecture has {} decisions, the space `{}` has {}; was it made for \
                 another space?",
                arch.picks.len(),
                self.name,
                self.decisions.len()
            )));
        }
        self.decisions
            .iter()
            .map(|d| {
                let pick = arch
                    .picks
                    .iter()
                    .find(|p| p.decision == d.name)
                    .ok_or_else(|| {
                        Error::InvalidArch(format!("the architecture lacks `{}`", d.name))
                    })?;
                d.options
                    .iter()
                    .position(|o| *o == pick.value)
                    .ok_or_else(|| {
                        let opts: Vec<String> = d.options.iter().map(|o| o.to_string()).collect();
                        Error::InvalidArch(format!(
                            "`{}` = {} is not an option; use one of {}",
                            d.name,
                            pick.value,
                            opts.join(", ")
                        ))
                    })
            })
            .collect()
    }

    /// The value of every slot of `layer` under the option indices `idx`, by kind.
    pub(crate) fn value(&self, idx: &[usize], layer: usize, kind: DecisionKind) -> Option<Choice> {
        let slots = self.layers[layer].slots();
        let (_, opts) = slots.iter().find(|(k, _)| *k == kind)?;
        if opts.len() == 1 {
            return Some(opts[0]);
        }
        let d = self
            .decisions
            .iter()
            .position(|d| d.layer == layer && d.kind == kind)?;
        Some(opts[idx[d]])
    }

    /// The decision index of `(layer, kind)`, if that slot is a decision.
    pub(crate) fn decision_of(&self, layer: usize, kind: DecisionKind) -> Option<usize> {
        self.decisions
            .iter()
            .position(|d| d.layer == layer && d.kind == kind)
    }

    fn collect_decisions(&self) -> Vec<Decision> {
        let mut out = Vec::new();
        for (i, l) in self.layers.iter().enumerate() {
            for (kind, options) in l.slots() {
                if options.len() > 1 {
                    out.push(Decision {
                        name: format!("{}.{}", l.name, kind.suffix()),
                        layer: i,
                        kind,
                        options,
                    });
                }
            }
        }
        out
    }

    fn fail(&self, i: usize, reason: impl Into<String>) -> Error {
        Error::InvalidSpace {
            layer: self.layers[i].name.clone(),
            reason: reason.into(),
        }
    }

    fn validate(&self) -> Result<()> {
        if self.layers.is_empty() {
            return Err(Error::InvalidSpace {
                layer: self.name.clone(),
                reason: "the space has no layers; add at least one".into(),
            });
        }
        if !crate::ir::is_c_identifier(&self.name) {
            return Err(Error::InvalidSpace {
                layer: self.name.clone(),
                reason: "the space name must be a C identifier".into(),
            });
        }
        for (i, l) in self.layers.iter().enumerate() {
            if !crate::ir::is_c_identifier(&l.name) {
                return Err(self.fail(i, "the name must be a C identifier"));
            }
            if self.layers[..i].iter().any(|o| o.name == l.name) {
                return Err(self.fail(i, "another layer has this name; names must be unique"));
            }
            for (kind, opts) in l.slots() {
                if opts.is_empty()
                    && !matches!(kind, DecisionKind::WeightBits | DecisionKind::ResultBits)
                {
                    return Err(self.fail(i, format!("the {} option list is empty", kind.suffix())));
                }
                for (j, o) in opts.iter().enumerate() {
                    if opts[..j].contains(o) {
                        return Err(self.fail(
                            i,
                            format!("the {} option {o} is listed twice", kind.suffix()),
                        ));
                    }
                    if let Choice::Value(v) = o {
                        let bad = match kind {
                            DecisionKind::WeightBits | DecisionKind::ResultBits => {
                                *v == 0 || *v > 32
                            }
                            _ => *v == 0,
                        };
                        if bad {
                            return Err(self.fail(
                                i,
                                format!(
                                    "{} = {v} is out of range (bits 1..=32, sizes >= 1)",
                                    kind.suffix()
                                ),
                            ));
                        }
                    }
                }
            }
            if matches!(l.kind, LayerKind::Conv1D | LayerKind::Conv2D) {
                if l.kernels.len() > 1 && l.padding != Padding::Same {
                    return Err(self.fail(
                        i,
                        "a kernel-size decision needs `same` padding (so that shapes do not depend \
                         on the choice)",
                    ));
                }
                if l.padding == Padding::Same && l.kernels.iter().any(|k| k % 2 == 0) {
                    return Err(self.fail(i, "kernels must be odd with `same` padding"));
                }
            }
        }
        self.shapes().map(|_| ())
    }

    /// Shapes with the widest options; checks that shapes flow and on/off is allowed.
    pub(crate) fn shapes(&self) -> Result<Vec<LayerShape>> {
        let mut s = self.input_shape.clone();
        if s.is_empty() || s.len() > 3 || s.contains(&0) {
            return Err(Error::InvalidSpace {
                layer: self.name.clone(),
                reason: format!(
                    "the input shape {s:?} must be [n], [length, channels] or [height, width, \
                     channels] with no zero"
                ),
            });
        }
        // Whether the current channel count is set by a width decision.
        let mut width_varies = false;
        let mut out = Vec::new();
        for (i, l) in self.layers.iter().enumerate() {
            let input = s.clone();
            let need = |rank: usize, what: &str| {
                if input.len() == rank {
                    Ok(())
                } else {
                    Err(self.fail(
                        i,
                        format!("{what} needs a rank-{rank} input, got shape {input:?}"),
                    ))
                }
            };
            match l.kind {
                LayerKind::Dense => {
                    need(1, "Dense")?;
                    s = vec![l.max_width()];
                }
                LayerKind::Conv1D => {
                    need(2, "Conv1D")?;
                    let len = conv_len(input[0], l.max_kernel(), l.padding)
                        .ok_or_else(|| self.fail(i, "the kernel is larger than the input"))?;
                    s = vec![len, l.max_width()];
                }
                LayerKind::Conv2D => {
                    need(3, "Conv2D")?;
                    let h = conv_len(input[0], l.max_kernel(), l.padding);
                    let w = conv_len(input[1], l.max_kernel(), l.padding);
                    let (Some(h), Some(w)) = (h, w) else {
                        return Err(self.fail(i, "the kernel is larger than the input"));
                    };
                    s = vec![h, w, l.max_width()];
                }
                LayerKind::Pool1D => {
                    need(2, "Pool1D")?;
                    if l.pool[1] == 0 || l.pool[1] > input[0] {
                        return Err(self.fail(i, "the pool window does not fit the input"));
                    }
                    s = vec![input[0] / l.pool[1], input[1]];
                }
                LayerKind::Pool2D => {
                    need(3, "Pool2D")?;
                    if l.pool.contains(&0) || l.pool[0] > input[0] || l.pool[1] > input[1] {
                        return Err(self.fail(i, "the pool window does not fit the input"));
                    }
                    s = vec![input[0] / l.pool[0], input[1] / l.pool[1], input[2]];
                }
                LayerKind::Flatten => s = vec![input.iter().product()],
                LayerKind::BatchNorm | LayerKind::ReLU | LayerKind::LeakyReLU => {}
            }
            if l.optional {
                let ok = l.has_kernel()
                    && l.widths.len() == 1
                    && !width_varies
                    && s == input
                    && (l.kind == LayerKind::Dense || l.padding == Padding::Same);
                if !ok {
                    return Err(self.fail(
                        i,
                        "only a Dense or `same` convolution whose single width equals its fixed \
                         input width can be switched off (the identity must have the same shape)",
                    ));
                }
            }
            if l.has_kernel() {
                width_varies = l.widths.len() > 1;
            }
            out.push(LayerShape {
                input,
                output: s.clone(),
            });
        }
        Ok(out)
    }

    /// The concrete network (architecture only, no weights) of the option indices `idx`, and for
    /// each space layer the index of its IR layer (`None` when switched off).
    ///
    /// `weight_int` / `result_int` give the integer bits per space layer where known (else the
    /// layer's fixed setting, else 1 for weights and the width's half for results).
    pub(crate) fn network_for(
        &self,
        idx: &[usize],
        weight_int: &[Option<i32>],
        result_int: &[Option<i32>],
    ) -> Result<(Network, Vec<Option<usize>>)> {
        let mut net = Network::new(self.name.clone(), self.input_shape.clone(), self.input_type)
            .with_default_precision(self.default_type);
        let mut map = Vec::new();
        let mut current = self.input_type;
        let q = |w: u32, i: i32| -> Result<FixedType> {
            Ok(FixedType::new(w, i, true)?
                .with_rounding(self.quant.rounding)
                .with_overflow(self.quant.overflow))
        };
        for (li, l) in self.layers.iter().enumerate() {
            let val = |k| match self.value(idx, li, k) {
                Some(Choice::Value(v)) => Some(v),
                _ => None,
            };
            if let Some(Choice::On(false)) = self.value(idx, li, DecisionKind::OnOff) {
                map.push(None);
                continue;
            }
            let mut precision = Precision::default();
            let mut hls = HlsKnobs::default();
            let op = match l.kind {
                LayerKind::Dense | LayerKind::Conv1D | LayerKind::Conv2D => {
                    let width = val(DecisionKind::Width).unwrap_or(0);
                    if let Some(b) = val(DecisionKind::WeightBits) {
                        let i = weight_int[li].or(l.weight_integer).unwrap_or(1);
                        precision.weight = Some(q(b as u32, i)?);
                    }
                    current = match val(DecisionKind::ResultBits) {
                        Some(b) => {
                            let i = result_int[li]
                                .or(l.result_integer)
                                .unwrap_or((b as i32 + 1) / 2);
                            let t = q(b as u32, i)?;
                            precision.result = Some(t);
                            t
                        }
                        None => self.default_type,
                    };
                    hls.reuse_factor = val(DecisionKind::ReuseFactor).unwrap_or(1) as u32;
                    if let Some(Choice::Strategy(s)) = self.value(idx, li, DecisionKind::Strategy) {
                        hls.strategy = s;
                    }
                    match l.kind {
                        LayerKind::Dense => Op::Dense(Dense {
                            units: width,
                            use_bias: true,
                        }),
                        LayerKind::Conv1D => Op::Conv1D(Conv1D {
                            filters: width,
                            kernel: val(DecisionKind::Kernel).unwrap_or(1),
                            stride: 1,
                            padding: l.padding,
                            use_bias: true,
                        }),
                        _ => {
                            let k = val(DecisionKind::Kernel).unwrap_or(1);
                            Op::Conv2D(Conv2D {
                                filters: width,
                                kernel: [k, k],
                                stride: [1, 1],
                                padding: l.padding,
                                use_bias: true,
                            })
                        }
                    }
                }
                LayerKind::Pool1D | LayerKind::Pool2D => {
                    let kind = match self.value(idx, li, DecisionKind::Operator) {
                        Some(Choice::Pool(p)) => p,
                        _ => PoolKind::Max,
                    };
                    if kind == PoolKind::Avg {
                        precision.result = Some(current);
                    }
                    match (l.kind, kind) {
                        (LayerKind::Pool1D, PoolKind::Max) => Op::MaxPool1D(pool1(l)),
                        (LayerKind::Pool1D, PoolKind::Avg) => Op::AvgPool1D(pool1(l)),
                        (_, PoolKind::Max) => Op::MaxPool2D(pool2(l)),
                        (_, PoolKind::Avg) => Op::AvgPool2D(pool2(l)),
                    }
                }
                LayerKind::BatchNorm => {
                    precision.result = Some(current);
                    Op::BatchNorm(BatchNorm { epsilon: l.epsilon })
                }
                LayerKind::ReLU => {
                    precision.result = Some(current);
                    Op::ReLU(NoParams {})
                }
                LayerKind::LeakyReLU => {
                    precision.result = Some(current);
                    Op::LeakyReLU(LeakyReLU { alpha: l.alpha })
                }
                LayerKind::Flatten => Op::Flatten(NoParams {}),
            };
            map.push(Some(net.layers.len()));
            net = net.with_layer(
                Layer::new(l.name.clone(), op)
                    .with_precision(precision)
                    .with_hls(hls),
            );
        }
        Ok((net, map))
    }
}

fn pool1(l: &LayerSpec) -> Pool1D {
    Pool1D {
        pool: l.pool[1],
        stride: None,
        padding: Padding::Valid,
    }
}

fn pool2(l: &LayerSpec) -> Pool2D {
    Pool2D {
        pool: l.pool,
        stride: None,
        padding: Padding::Valid,
    }
}

fn conv_len(input: usize, kernel: usize, padding: Padding) -> Option<usize> {
    padding.resolve(input, kernel, 1).map(|w| w.out)
}

impl fmt::Display for SpaceSpec {
    /// One line per decision: `name: {a, b, c}`, then the size.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "space `{}` (input {:?}):", self.name, self.input_shape)?;
        for d in &self.decisions {
            let opts: Vec<String> = d.options.iter().map(|o| o.to_string()).collect();
            writeln!(f, "  {}: {{{}}}", d.name, opts.join(", "))?;
        }
        write!(f, "  {} architectures", self.size())
    }
}
