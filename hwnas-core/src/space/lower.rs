//! Lowering of a space's architecture to the network IR.

use super::arch::Arch;
use super::decision::{Choice, DecisionKind};
use super::layer::{LayerKind, LayerSpec, PoolKind};
use super::spec::SpaceSpec;
use crate::Result;
use crate::fixed::FixedType;
use crate::ir::{
    BatchNorm, Conv1D, Conv2D, Dense, HlsKnobs, Layer, Network, NoParams, Op, Padding, Pool1D,
    Pool2D, Precision, UpSampling1D, UpSampling2D, ZeroPadding1D, ZeroPadding2D,
};

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
            let pool = match self.value(idx, li, DecisionKind::Operator) {
                Some(Choice::Pool(p)) => p,
                _ => PoolKind::Max,
            };
            let width = val(DecisionKind::Width).unwrap_or(0);
            let op = l.op(width, val(DecisionKind::Kernel).unwrap_or(1), pool);
            match l.kind {
                LayerKind::Dense | LayerKind::Conv1D | LayerKind::Conv2D => {
                    if let Some(b) = val(DecisionKind::WeightBits) {
                        let i = weight_int[li].or(l.weight_integer).unwrap_or(1);
                        precision.weight = Some(q(b as u32, i)?);
                    }
                    // The supernet trains float biases: store them in the default type, rounded
                    // to nearest like every other quantiser (the default type's own mode may
                    // truncate, which would shift every bias down by half an LSB on average).
                    precision.bias = Some(
                        self.default_type
                            .with_rounding(self.quant.rounding)
                            .with_overflow(self.quant.overflow),
                    );
                    current = match val(DecisionKind::ResultBits) {
                        Some(b) => {
                            let i = result_int[li]
                                .or(l.result_integer)
                                .unwrap_or((b as i32 + 1) / 2);
                            let t = q(b as u32, i)?;
                            // Before a BatchNorm the type goes on the BatchNorm: an explicit
                            // result here would stop the export from folding it (hls4ml's rule),
                            // and the supernet quantises the normalised output.
                            if !self.result_after_batchnorm(li) {
                                precision.result = Some(t);
                            }
                            t
                        }
                        None => self.default_type,
                    };
                    hls.reuse_factor = val(DecisionKind::ReuseFactor).unwrap_or(1) as u32;
                    if let Some(Choice::Strategy(s)) = self.value(idx, li, DecisionKind::Strategy) {
                        hls.strategy = s;
                    }
                }
                LayerKind::Pool1D | LayerKind::Pool2D if pool == PoolKind::Avg => {
                    precision.result = Some(current);
                }
                LayerKind::BatchNorm | LayerKind::Activation => {
                    precision.result = Some(current);
                }
                _ => {}
            }
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

impl LayerSpec {
    /// The IR operation of this layer with the given width, kernel and pooling operator (the
    /// values a layer without such a decision ignores): the one place a space layer becomes an
    /// IR op, for the lowering and for shape inference (at the widest options).
    pub(crate) fn op(&self, width: usize, kernel: usize, pool: PoolKind) -> Op {
        let pool1 = || Pool1D {
            pool: self.pool[1],
            stride: None,
            padding: Padding::Valid,
        };
        let pool2 = || Pool2D {
            pool: self.pool,
            stride: None,
            padding: Padding::Valid,
        };
        match self.kind {
            LayerKind::Dense => Op::Dense(Dense {
                units: width,
                use_bias: true,
            }),
            LayerKind::Conv1D => Op::Conv1D(Conv1D {
                filters: width,
                kernel,
                stride: self.stride,
                padding: self.padding,
                use_bias: true,
            }),
            LayerKind::Conv2D => Op::Conv2D(Conv2D {
                filters: width,
                kernel: [kernel, kernel],
                stride: [self.stride, self.stride],
                padding: self.padding,
                use_bias: true,
            }),
            LayerKind::Pool1D => match pool {
                PoolKind::Max => Op::MaxPool1D(pool1()),
                PoolKind::Avg => Op::AvgPool1D(pool1()),
            },
            LayerKind::Pool2D => match pool {
                PoolKind::Max => Op::MaxPool2D(pool2()),
                PoolKind::Avg => Op::AvgPool2D(pool2()),
            },
            LayerKind::BatchNorm => Op::BatchNorm(BatchNorm {
                epsilon: self.epsilon,
            }),
            LayerKind::Activation => Op::Activation(self.activation.clone()),
            LayerKind::Flatten => Op::Flatten(NoParams {}),
            LayerKind::UpSampling1D => Op::UpSampling1D(UpSampling1D { size: self.size[1] }),
            LayerKind::UpSampling2D => Op::UpSampling2D(UpSampling2D { size: self.size }),
            LayerKind::ZeroPadding1D => Op::ZeroPadding1D(ZeroPadding1D {
                left: self.pad[2],
                right: self.pad[3],
            }),
            LayerKind::ZeroPadding2D => Op::ZeroPadding2D(ZeroPadding2D {
                top: self.pad[0],
                bottom: self.pad[1],
                left: self.pad[2],
                right: self.pad[3],
            }),
        }
    }
}
