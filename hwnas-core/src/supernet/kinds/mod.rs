//! One module per layer kind: the tensors it stores, its forward pass, and how its weights
//! leave the supernet for an IR network (`derive`) and enter it from one
//! (`supernet_from_network`). The four functions below are the table that finds them.

mod activation;
mod batchnorm;
mod kernel;
mod pool;
mod reshape;

use crate::backend::TrainBackend;

use super::net::{Act, LayerIds, Pass, Supernet};
use super::params::ParamStore;
use crate::Result;
use crate::ir::{Op, Tensor as IrTensor};
use crate::rng::SplitMix64;
use crate::space::{LayerKind, LayerSpec};

pub(crate) use batchnorm::BnIds;
pub(crate) use kernel::KernelIds;

/// Registers the tensors of layer `l` (input shape `input`, widest options) in `store`.
pub(super) fn tensors<B: TrainBackend>(
    l: &LayerSpec,
    input: &[usize],
    store: &mut ParamStore<B>,
    rng: &mut SplitMix64,
) -> LayerIds {
    match l.kind {
        LayerKind::Dense | LayerKind::Conv1D | LayerKind::Conv2D => {
            kernel::tensors(l, input, store, rng)
        }
        LayerKind::BatchNorm => batchnorm::tensors(l, input, store),
        LayerKind::Activation => activation::tensors(l, input, store),
        LayerKind::Pool1D
        | LayerKind::Pool2D
        | LayerKind::Flatten
        | LayerKind::UpSampling1D
        | LayerKind::UpSampling2D
        | LayerKind::ZeroPadding1D
        | LayerKind::ZeroPadding2D => LayerIds::None,
    }
}

/// The forward pass of layer `li`.
pub(super) fn forward<B: TrainBackend>(
    net: &Supernet<B>,
    li: usize,
    act: Act<B>,
    pass: &mut Pass<'_, B>,
) -> Act<B> {
    let l = &net.spec.layers[li];
    match (l.kind, net.ids[li]) {
        (LayerKind::Dense | LayerKind::Conv1D | LayerKind::Conv2D, LayerIds::Kernel(ids)) => {
            kernel::forward(net, li, ids, act, pass)
        }
        (LayerKind::Pool1D | LayerKind::Pool2D, _) => pool::forward(net, li, act, pass),
        (LayerKind::BatchNorm, LayerIds::BatchNorm(bn)) => {
            batchnorm::forward(net, li, bn, act, pass)
        }
        (LayerKind::Activation, ids) => activation::forward(l, ids, act, pass),
        (
            LayerKind::Flatten
            | LayerKind::UpSampling1D
            | LayerKind::UpSampling2D
            | LayerKind::ZeroPadding1D
            | LayerKind::ZeroPadding2D,
            _,
        ) => reshape::forward(l, act, pass),
        (kind, ids) => unreachable!("Supernet::new stores {ids:?} for a {kind:?} layer"),
    }
}

/// Receives a derived tensor: `(parameter, shape, data)`.
pub(crate) type Put<'a> = dyn FnMut(&str, Vec<usize>, Vec<f32>) -> Result<()> + 'a;

/// Where the channels of the derived network sit in the supernet's widest tensors, layer by
/// layer.
pub(crate) struct Channels {
    /// Supernet channel of each channel of the current activation (after a Flatten: of each
    /// flattened value).
    pub chan: Vec<usize>,
    /// Positions of the current activation (`h * w`).
    pub spatial: usize,
}

/// Writes the derived weights of layer `li` (IR op `op`) into `put(param, shape, data)` and
/// moves `ch` past the layer.
pub(crate) fn export<B: TrainBackend>(
    net: &Supernet<B>,
    li: usize,
    op: &Op,
    ch: &mut Channels,
    put: &mut Put<'_>,
) -> Result<()> {
    let l = &net.spec.layers[li];
    match (op, net.ids[li]) {
        (Op::Dense(_) | Op::Conv1D(_) | Op::Conv2D(_), LayerIds::Kernel(ids)) => {
            kernel::export(net, l, ids, op, ch, put)
        }
        (Op::BatchNorm(_), LayerIds::BatchNorm(bn)) => export_channels(net, bn.named(), ch, put),
        (Op::Activation(a), ids) => export_channels(net, ids.channel_params(a), ch, put),
        (Op::Flatten(_), _) => {
            reshape::export_flatten(net, li, ch);
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Writes per-channel tensors `(IR name, id)` at the chosen channels.
fn export_channels<B: TrainBackend>(
    net: &Supernet<B>,
    named: impl IntoIterator<Item = (&'static str, usize)>,
    ch: &Channels,
    put: &mut Put<'_>,
) -> Result<()> {
    for (key, id) in named {
        let v = net.store.values(id);
        put(
            key,
            vec![ch.chan.len()],
            ch.chan.iter().map(|&c| v[c]).collect(),
        )?;
    }
    Ok(())
}

/// Loads tensors `(IR name, id)` as the IR holds them.
fn import_named<B: TrainBackend>(
    net: &mut Supernet<B>,
    named: impl IntoIterator<Item = (&'static str, usize)>,
    get: &dyn Fn(&str) -> Result<IrTensor>,
) -> Result<()> {
    for (key, id) in named {
        net.store.set_values(id, get(key)?.data);
    }
    Ok(())
}

/// Loads the weights of IR layer `op` (read by `get(param)`) into layer `li`.
pub(crate) fn import<B: TrainBackend>(
    net: &mut Supernet<B>,
    li: usize,
    op: &Op,
    get: &dyn Fn(&str) -> Result<IrTensor>,
) -> Result<()> {
    match (op, net.ids[li]) {
        (Op::Dense(_) | Op::Conv1D(_) | Op::Conv2D(_), LayerIds::Kernel(ids)) => {
            kernel::import(net, ids, op, get)
        }
        (Op::BatchNorm(_), LayerIds::BatchNorm(bn)) => import_named(net, bn.named(), get),
        (Op::Activation(a), ids) => import_named(net, ids.channel_params(a), get),
        _ => Ok(()),
    }
}
