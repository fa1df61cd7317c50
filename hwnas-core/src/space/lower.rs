//! Lowering of a space's architecture to the network IR.

use super::arch::Arch;
use super::decision::{Choice, DecisionKind};
use super::kinds::{LowerStep, rules};
use super::spec::SpaceSpec;
use crate::Result;
use crate::ir::{Layer, Network};

impl SpaceSpec {
    /// The concrete network (architecture only, no weights) of `arch`: the lowering of this
    /// space to the [`Network`] IR. Integer bits of quantised types are the layers' fixed
    /// settings, else 1 for weights and half the width for results ([`derive`] chooses them
    /// from data instead).
    ///
    /// [`derive`]: crate::search::derive()
    ///
    /// # Errors
    /// [`Error::InvalidArch`](crate::Error::InvalidArch) when `arch` does not belong to this space.
    pub fn lower(&self, arch: &Arch) -> Result<Network> {
        let idx = self.indices_of(arch)?;
        let none = vec![None; self.layers.len()];
        Ok(self.network_for(&idx, &none, &none)?.0)
    }

    /// The concrete network (architecture only, no weights) of the option indices `idx`, and for
    /// each space layer the index of its IR layer (`None` when switched off).
    ///
    /// `weight_int` / `result_int` give the integer bits per space layer where known (else the
    /// layer's fixed setting, else 1 for weights and the width's half for results). See
    /// [`SpaceSpec::lower`] for the same from an [`Arch`].
    ///
    /// # Errors
    /// [`Error::InvalidFixedType`](crate::Error::InvalidFixedType) when integer bits are out of range for a bit-width.
    ///
    /// # Panics
    /// When `idx` does not have one valid option index per decision, or the integer-bit slices
    /// do not have one entry per layer.
    #[track_caller]
    pub fn network_for(
        &self,
        idx: &[usize],
        weight_int: &[Option<i32>],
        result_int: &[Option<i32>],
    ) -> Result<(Network, Vec<Option<usize>>)> {
        let mut net = Network::new(self.name.clone(), self.input_shape.clone(), self.input_type)
            .with_default_precision(self.default_type);
        let mut map = Vec::new();
        let mut current = self.input_type;
        for (li, l) in self.layers.iter().enumerate() {
            if let Some(Choice::On(false)) = self.value(idx, li, DecisionKind::OnOff) {
                map.push(None);
                continue;
            }
            let step = LowerStep {
                spec: self,
                idx,
                li,
                weight_int: weight_int[li],
                result_int: result_int[li],
                current,
            };
            let rules = rules(l.kind);
            let op = rules.op(l, step.at());
            let lowered = rules.lower(l, &step)?;
            current = lowered.output;
            map.push(Some(net.layers.len()));
            net = net.with_layer(
                Layer::new(l.name.clone(), op)
                    .with_precision(lowered.precision)
                    .with_hls(lowered.hls),
            );
        }
        Ok((net, map))
    }
}
