//! The search space: its layers, its decisions and the architectures that belong to it.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::arch::{Arch, Pick};
use super::decision::{Choice, Decision, DecisionKind};
use super::layer::{LayerKind, LayerSpec};
use super::quant::QuantSpec;
use crate::fixed::FixedType;
use crate::{Error, Result};

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

    /// Whether the searched result type of kernel layer `li` applies after the BatchNorm that
    /// follows it: the layer has result bits, neither it nor the next layer (a BatchNorm) can be
    /// switched off. The export folds that BatchNorm into the layer (hls4ml folds a BatchNorm
    /// into a Dense/Conv whose result type is left unset), so the fused layer's output, after
    /// normalisation, is what gets the type: the lowering puts it on the BatchNorm and the
    /// supernet quantises the normalised output.
    pub fn result_after_batchnorm(&self, li: usize) -> bool {
        let (Some(l), Some(next)) = (self.layers.get(li), self.layers.get(li + 1)) else {
            return false;
        };
        l.has_kernel()
            && !l.result_bits.is_empty()
            && !l.optional
            && next.kind == LayerKind::BatchNorm
            && !next.optional
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
        if let Some(p) = arch
            .picks
            .iter()
            .find(|p| self.decisions.iter().all(|d| d.name != p.decision))
        {
            return Err(Error::InvalidArch(format!(
                "`{}` is not a decision of the space `{}`; was the architecture made for another \
                 space?",
                p.decision, self.name
            )));
        }
        if let Some(d) = self
            .decisions
            .iter()
            .find(|d| arch.picks.iter().all(|p| p.decision != d.name))
        {
            return Err(Error::InvalidArch(format!(
                "the architecture lacks `{}`",
                d.name
            )));
        }
        if arch.picks.len() != self.decisions.len() {
            return Err(Error::InvalidArch(format!(
                "the architecture has {} decisions, the space `{}` has {}; is a decision listed \
                 twice?",
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

    /// The same space with every decision fixed to the choice of `arch`: a space of one
    /// member with no decisions, whose network equals this space's network of `arch`. Layers that
    /// `arch` switches off are left out. This is how a fixed network (e.g. a baseline) is
    /// trained: `Supernet::new(&space.restricted_to(&arch)?, ..)` and `search::train_fixed`.
    ///
    /// ```
    /// use hwnas_core::space::{LayerSpec, SpaceSpec};
    ///
    /// let space = SpaceSpec::builder("s", vec![8, 8, 1])
    ///     .layer(LayerSpec::conv2d("conv1", &[4, 8], &[3, 5]).stride(2))
    ///     .layer(LayerSpec::flatten("flat"))
    ///     .layer(LayerSpec::dense("out", &[1]))
    ///     .build()?;
    /// let arch = space.arch_from_indices(&[1, 0])?;
    /// let fixed = space.restricted_to(&arch)?;
    /// assert!(fixed.decisions().is_empty());
    /// assert_eq!(fixed.layers[0].widths, [8]);
    /// assert_eq!(fixed.lower(&fixed.default_arch())?, space.lower(&arch)?);
    /// # Ok::<(), hwnas_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidArch`] naming the decision when `arch` does not belong to this space
    /// (unknown or missing decision, value that is not an option).
    pub fn restricted_to(&self, arch: &Arch) -> Result<SpaceSpec> {
        let idx = self.indices_of(arch)?;
        let mut layers = Vec::with_capacity(self.layers.len());
        for (li, l) in self.layers.iter().enumerate() {
            let mut l = l.clone();
            let mut off = false;
            for (d, &i) in self.decisions.iter().zip(&idx) {
                if d.layer != li {
                    continue;
                }
                let choice = d.options[i];
                let v = match choice {
                    Choice::Value(v) => v,
                    _ => 0,
                };
                match (d.kind, choice) {
                    (DecisionKind::Width, _) => l.widths = vec![v],
                    (DecisionKind::Kernel, _) => l.kernels = vec![v],
                    (DecisionKind::WeightBits, _) => l.weight_bits = vec![v as u32],
                    (DecisionKind::ResultBits, _) => l.result_bits = vec![v as u32],
                    (DecisionKind::ReuseFactor, _) => l.reuse_factors = vec![v as u32],
                    (DecisionKind::Operator, Choice::Pool(p)) => l.pool_ops = vec![p],
                    (DecisionKind::Strategy, Choice::Strategy(s)) => l.strategies = vec![s],
                    (DecisionKind::OnOff, Choice::On(on)) => {
                        l.optional = false;
                        off = !on;
                    }
                    _ => {
                        return Err(Error::InvalidArch(format!(
                            "`{}` = {choice} has the wrong type of value",
                            d.name
                        )));
                    }
                }
            }
            if !off {
                layers.push(l);
            }
        }
        let mut spec = SpaceSpec {
            layers,
            decisions: Vec::new(),
            ..self.clone()
        };
        spec.validate()?;
        spec.decisions = spec.collect_decisions();
        Ok(spec)
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

    pub(super) fn collect_decisions(&self) -> Vec<Decision> {
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

    pub(super) fn fail(&self, i: usize, reason: impl Into<String>) -> Error {
        Error::InvalidSpace {
            layer: self.layers[i].name.clone(),
            reason: reason.into(),
        }
    }
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
