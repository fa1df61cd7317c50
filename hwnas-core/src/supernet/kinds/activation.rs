//! Activations in the supernet: the float forward of `Activation::forward` with the layer's
//! per-channel tensors (PReLU's slopes); the activations themselves live in
//! `ir/op/activation.rs`.

use crate::backend::TrainBackend;
use burn::tensor::Tensor;

use crate::space::LayerSpec;
use crate::supernet::net::{Act, LayerIds, Pass};
use crate::supernet::params::{Group, ParamStore};

/// The activation's per-channel tensors, at their initial values.
pub(super) fn tensors<B: TrainBackend>(
    l: &LayerSpec,
    input: &[usize],
    store: &mut ParamStore<B>,
) -> LayerIds {
    let params = l.activation.channel_params();
    if params.is_empty() {
        return LayerIds::None;
    }
    let cin = *input.last().unwrap_or(&1);
    let mut first = None;
    for &(n, v) in params {
        let id = store.add(
            format!("{}.{n}", l.name),
            vec![cin],
            vec![v; cin],
            Group::Weight,
        );
        first.get_or_insert(id);
    }
    LayerIds::Channels {
        first: first.unwrap_or(0),
        count: params.len(),
    }
}

pub(super) fn forward<B: TrainBackend>(
    l: &LayerSpec,
    ids: LayerIds,
    act: Act<B>,
    pass: &mut Pass<'_, B>,
) -> Act<B> {
    let params: Vec<Tensor<B, 1>> = ids
        .channel_params(&l.activation)
        .into_iter()
        .map(|(_, id)| pass.bound.leaves[id].clone())
        .collect();
    // Masked channels stay zero (and out of a Softmax's sum).
    let mask = pass.mask.clone();
    match act {
        Act::Map(x) => Act::Map(l.activation.forward(x, 1, &params, mask)),
        Act::Flat(x) => Act::Flat(l.activation.forward(x, 1, &params, mask)),
    }
}
