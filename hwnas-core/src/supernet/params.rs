//! Flat parameter storage, a seeded random generator and Adam, all checkpointable bit for bit.

use burn::tensor::backend::Backend;

use crate::backend::TrainBackend;
use burn::tensor::{Tensor, TensorData};

/// Which optimiser (if any) owns a stored tensor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Group {
    /// Network weights (trained on the train split).
    Weight,
    /// Architecture logits (trained on the validation split).
    Arch,
    /// Non-trained state (BatchNorm running statistics).
    Buffer,
}

/// One stored tensor, kept flat on the inner (non-autodiff) backend.
#[derive(Debug, Clone)]
pub(crate) struct Entry<B: Backend> {
    /// `<layer>.<parameter>` or `alpha.<decision>`.
    pub name: String,
    /// Logical shape (burn layout).
    pub shape: Vec<usize>,
    /// The values, flattened.
    pub value: Tensor<B, 1>,
    /// Owner.
    pub group: Group,
}

/// All tensors of a supernet.
#[derive(Debug, Clone)]
pub(crate) struct ParamStore<B: TrainBackend> {
    /// The entries, in creation order.
    pub entries: Vec<Entry<B::InnerBackend>>,
    /// Where they live.
    pub device: B::Device,
}

/// The autodiff leaves of one step: one per entry.
#[derive(Debug, Clone)]
pub(crate) struct Bound<B: TrainBackend> {
    /// Leaves in entry order.
    pub leaves: Vec<Tensor<B, 1>>,
}

impl<B: TrainBackend> Bound<B> {
    /// The entry `id` reshaped to `shape`.
    pub fn get<const D: usize>(&self, id: usize, shape: [usize; D]) -> Tensor<B, D> {
        self.leaves[id].clone().reshape(shape)
    }
}

impl<B: TrainBackend> ParamStore<B> {
    /// An empty store on `device`.
    pub fn new(device: &B::Device) -> Self {
        ParamStore {
            entries: Vec::new(),
            device: device.clone(),
        }
    }

    /// Adds a tensor; returns its id.
    pub fn add(&mut self, name: String, shape: Vec<usize>, data: Vec<f32>, group: Group) -> usize {
        let n = data.len();
        let value = Tensor::from_data(TensorData::new(data, [n]), &self.device);
        self.entries.push(Entry {
            name,
            shape,
            value,
            group,
        });
        self.entries.len() - 1
    }

    /// Autodiff leaves; entries of the groups in `train` track gradients.
    pub fn bind(&self, train: &[Group]) -> Bound<B> {
        let leaves = self
            .entries
            .iter()
            .map(|e| {
                let t = Tensor::<B, 1>::from_inner(e.value.clone());
                if train.contains(&e.group) {
                    t.require_grad()
                } else {
                    t
                }
            })
            .collect();
        Bound { leaves }
    }

    /// The values of entry `id` on the host.
    pub fn values(&self, id: usize) -> Vec<f32> {
        to_vec(self.entries[id].value.clone())
    }

    /// Replaces the values of entry `id`.
    ///
    /// # Panics
    /// When the length differs from the entry's.
    #[track_caller]
    pub fn set_values(&mut self, id: usize, data: Vec<f32>) {
        let n = data.len();
        assert_eq!(n, self.entries[id].shape.iter().product::<usize>());
        self.entries[id].value = Tensor::from_data(TensorData::new(data, [n]), &self.device);
    }
}

/// A tensor's values on the host as `f32`.
pub fn to_vec<B: Backend, const D: usize>(t: Tensor<B, D>) -> Vec<f32> {
    t.into_data()
        .convert::<f32>()
        .to_vec::<f32>()
        .expect("a float tensor converts to f32")
}

/// Adam (Kingma & Ba) over the entries of one [`Group`], with state that checkpoints exactly.
///
/// Why our own and not burn's `SimpleOptimizer` Adam: that one was tried. Its state is public,
/// stores in the checkpoint (moments and a per-entry step count) and resumes bit for bit, and
/// its update is the same formula; but it rounds differently (β powers in `f32`, ε scaled by
/// `√(1−β₂ᵗ)`), and on the calorimeter flagship the searched network came out worse at both
/// seeds tried (parameters −45.2 % vs −49.2 % at seed 1, −46.2 % vs −58.9 % at seed 2; MAE
/// 1.771 vs 1.720 and 1.814 vs 1.749 GeV).
#[derive(Debug, Clone)]
pub(crate) struct Adam<B: Backend> {
    /// Learning rate.
    pub lr: f64,
    /// First-moment decay.
    pub beta1: f64,
    /// Second-moment decay.
    pub beta2: f64,
    /// Added to the denominator.
    pub eps: f64,
    /// Decoupled weight decay (AdamW style), 0 by default.
    pub weight_decay: f64,
    /// Steps taken.
    pub t: u64,
    /// Moments per entry id (`None` for entries of other groups or never updated).
    pub m: Vec<Option<Tensor<B, 1>>>,
    /// Second moments per entry id.
    pub v: Vec<Option<Tensor<B, 1>>>,
}

impl<B: Backend> Adam<B> {
    /// Adam with the usual defaults (0.9, 0.999, 1e-8).
    pub fn new(lr: f64, n_entries: usize) -> Self {
        Adam {
            lr,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
            t: 0,
            m: vec![None; n_entries],
            v: vec![None; n_entries],
        }
    }

    /// One step on every entry of `group` that received a gradient.
    pub fn step<A>(
        &mut self,
        store: &mut ParamStore<A>,
        bound: &Bound<A>,
        grads: &A::Gradients,
        group: Group,
    ) where
        A: TrainBackend<InnerBackend = B>,
    {
        self.t += 1;
        let t = self.t as i32;
        let c1 = 1.0 - self.beta1.powi(t);
        let c2 = 1.0 - self.beta2.powi(t);
        for (id, e) in store.entries.iter_mut().enumerate() {
            if e.group != group {
                continue;
            }
            let Some(g) = bound.leaves[id].grad(grads) else {
                continue;
            };
            let m = match self.m[id].take() {
                Some(m) => m.mul_scalar(self.beta1) + g.clone().mul_scalar(1.0 - self.beta1),
                None => g.clone().mul_scalar(1.0 - self.beta1),
            };
            let v = match self.v[id].take() {
                Some(v) => v.mul_scalar(self.beta2) + g.square().mul_scalar(1.0 - self.beta2),
                None => g.square().mul_scalar(1.0 - self.beta2),
            };
            let update = m
                .clone()
                .div_scalar(c1)
                .div(v.clone().div_scalar(c2).sqrt().add_scalar(self.eps))
                .mul_scalar(self.lr);
            let mut value = e.value.clone();
            if self.weight_decay > 0.0 {
                value = value.mul_scalar(1.0 - self.lr * self.weight_decay);
            }
            e.value = value - update;
            self.m[id] = Some(m);
            self.v[id] = Some(v);
        }
    }
}
