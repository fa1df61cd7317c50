//! The precomputed cost table and the exact expected cost.

use crate::backend::TrainBackend;
use burn::tensor::{Tensor, TensorData};

use super::metric::Metric;
use crate::Result;
use crate::cost::{CostModel, IoType, LayerConfig, Resources};
use crate::space::{DecisionKind, SpaceSpec};

/// Costs of one layer for every combination of the decisions it depends on.
#[derive(Debug, Clone)]
pub struct LayerTable {
    /// Index of the layer in the space.
    pub layer: usize,
    /// Decision indices the cost depends on (its own, the upstream width, bits and on/off).
    pub deps: Vec<usize>,
    /// Option counts of `deps`.
    pub sizes: Vec<usize>,
    /// One entry per combination, row-major over `deps` (last varies fastest).
    pub costs: Vec<Resources>,
}

/// Every layer's costs, priced once by a [`CostModel`] before the search (DESIGN 2.4).
///
/// The expected resources of the network are the exact expectation over this table under
/// independent categorical distributions per decision: areas add over layers, the initiation
/// interval is the largest expected per-layer interval, and the latency is the sum of the
/// layers' latency shares (each entry's `latency_cycles` holds its
/// [`CostModel::latency_share`]) plus, for a model whose layers form a DATAFLOW pipeline, that
/// largest interval; where the model's network waits for its latency
/// ([`CostModel::ii_waits_for_latency`]), the interval is at least the latency.
#[derive(Debug, Clone)]
pub struct CostTable {
    /// One table per space layer.
    pub layers: Vec<LayerTable>,
    /// Whether the network's latency includes the slowest interval
    /// ([`CostModel::latency_adds_slowest_ii`]).
    pub latency_adds_slowest_ii: bool,
    /// Whether the network's interval is at least its latency
    /// ([`CostModel::ii_waits_for_latency`]).
    pub ii_waits_for_latency: bool,
}

impl CostTable {
    /// Prices every `(layer, local option combination)` of `spec` with `model`.
    ///
    /// # Errors
    /// The errors of building or analysing a candidate network (a space that validated never
    /// fails here).
    pub fn build(spec: &SpaceSpec, model: &dyn CostModel, io: IoType) -> Result<Self> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mut layers = Vec::new();
        for li in 0..spec.layers.len() {
            let deps = dependencies(spec, li);
            let sizes: Vec<usize> = deps
                .iter()
                .map(|&d| spec.decisions()[d].options.len())
                .collect();
            let total: usize = sizes.iter().product();
            // Layer `li` depends only on the layers up to itself: price it in the network
            // prefix that ends there, whose decisions are the first ones of the space.
            let prefix = prefix(spec, li)?;
            let per = total.div_ceil(threads).max(1);
            let chunks: Vec<Result<Vec<Resources>>> = std::thread::scope(|scope| {
                let handles: Vec<_> = (0..total)
                    .step_by(per)
                    .map(|first| {
                        let (prefix, deps, sizes) = (&prefix, &deps, &sizes);
                        scope.spawn(move || {
                            (first..(first + per).min(total))
                                .map(|combo| price(prefix, li, deps, sizes, combo, model, io))
                                .collect()
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                    .collect()
            });
            let mut costs = Vec::with_capacity(total);
            for c in chunks {
                costs.extend(c?.into_iter().map(|mut r| {
                    r.latency_cycles = model.latency_share(&r, io);
                    r
                }));
            }
            layers.push(LayerTable {
                layer: li,
                deps,
                sizes,
                costs,
            });
        }
        Ok(CostTable {
            layers,
            latency_adds_slowest_ii: model.latency_adds_slowest_ii(io),
            ii_waits_for_latency: model.ii_waits_for_latency(io),
        })
    }

    /// Number of priced configurations.
    pub fn len(&self) -> usize {
        self.layers.iter().map(|l| l.costs.len()).sum()
    }

    /// True when the table prices nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn row(t: &LayerTable, idx: &[usize]) -> usize {
        t.deps
            .iter()
            .zip(&t.sizes)
            .fold(0, |acc, (&d, &s)| acc * s + idx[d])
    }

    /// Resources of one architecture (option indices), from the table.
    pub fn cost_of(&self, idx: &[usize]) -> Resources {
        let mut r = self
            .layers
            .iter()
            .map(|t| t.costs[Self::row(t, idx)])
            .fold(Resources::default(), Resources::then);
        if self.latency_adds_slowest_ii {
            r.latency_cycles += r.ii;
        }
        if self.ii_waits_for_latency {
            r.ii = r.ii.max(r.latency_cycles);
        }
        r
    }

    /// Exact expected resources in `f64` for probabilities `p[decision][option]`.
    pub fn expected_host(&self, p: &[Vec<f64>]) -> Resources {
        let mut sum = [0.0; 7];
        let mut ii = 0.0f64;
        for t in &self.layers {
            let mut e = [0.0; 7];
            for (row, c) in t.costs.iter().enumerate() {
                let mut rest = row;
                let mut w = 1.0;
                for (k, &d) in t.deps.iter().enumerate().rev() {
                    w *= p[d][rest % t.sizes[k]];
                    rest /= t.sizes[k];
                }
                for (acc, v) in e.iter_mut().zip(c.to_array()) {
                    *acc += w * v;
                }
            }
            for k in 0..6 {
                sum[k] += e[k];
            }
            ii = ii.max(e[6]);
        }
        sum[6] = ii;
        if self.latency_adds_slowest_ii {
            sum[5] += ii;
        }
        if self.ii_waits_for_latency {
            sum[6] = sum[6].max(sum[5]);
        }
        Resources::from_array(sum)
    }

    /// Expected resources as a differentiable `[7]` tensor (fields of
    /// [`Resources::to_array`]) for probabilities `p` (one tensor per decision).
    pub fn expected<B: TrainBackend>(
        &self,
        p: &[Tensor<B, 1>],
        device: &B::Device,
    ) -> Tensor<B, 1> {
        let mut rows = Vec::new();
        for t in &self.layers {
            let n = t.costs.len();
            let data: Vec<f32> = t
                .costs
                .iter()
                .flat_map(|c| c.to_array().map(|v| v as f32))
                .collect();
            let table = Tensor::<B, 2>::from_data(TensorData::new(data, [n, 7]), device);
            let weights = t.deps.iter().fold(None::<Tensor<B, 1>>, |acc, &d| {
                let pd = p[d].clone();
                Some(match acc {
                    None => pd,
                    Some(a) => {
                        let (na, nd) = (a.dims()[0], pd.dims()[0]);
                        (a.reshape([na, 1]) * pd.reshape([1, nd])).reshape([na * nd])
                    }
                })
            });
            let e = match weights {
                None => table,
                Some(w) => w.reshape([1, n]).matmul(table),
            };
            rows.push(e);
        }
        let all = Tensor::cat(rows, 0);
        let sums = all.clone().sum_dim(0).reshape([7]);
        let ii = all
            .slice([0..self.layers.len(), 6..7])
            .max_dim(0)
            .reshape([1]);
        let latency = if self.latency_adds_slowest_ii {
            sums.clone().slice(5..6) + ii.clone()
        } else {
            sums.clone().slice(5..6)
        };
        let ii = if self.ii_waits_for_latency {
            ii.max_pair(latency.clone())
        } else {
            ii
        };
        Tensor::cat(vec![sums.slice(0..5), latency, ii], 0)
    }

    /// The smallest value of `metric` over the architectures of `spec` and one architecture
    /// reaching it: exhaustive up to 200,000 architectures, else coordinate descent (then the
    /// value is an upper bound of the minimum).
    pub fn minimum(&self, spec: &SpaceSpec, metric: &Metric) -> (f64, Vec<usize>, bool) {
        let sizes: Vec<usize> = spec.decisions().iter().map(|d| d.options.len()).collect();
        let mut idx = vec![0; sizes.len()];
        let mut best = (metric.eval(&self.cost_of(&idx)), idx.clone());
        if spec.size() <= 200_000.0 {
            loop {
                let v = metric.eval(&self.cost_of(&idx));
                if v < best.0 {
                    best = (v, idx.clone());
                }
                let mut k = 0;
                loop {
                    if k == sizes.len() {
                        return (best.0, best.1, true);
                    }
                    idx[k] += 1;
                    if idx[k] < sizes[k] {
                        break;
                    }
                    idx[k] = 0;
                    k += 1;
                }
            }
        }
        for _ in 0..10 {
            let mut improved = false;
            for k in 0..sizes.len() {
                for o in 0..sizes[k] {
                    let mut c = best.1.clone();
                    c[k] = o;
                    let v = metric.eval(&self.cost_of(&c));
                    if v < best.0 {
                        best = (v, c);
                        improved = true;
                    }
                }
            }
            if !improved {
                break;
            }
        }
        (best.0, best.1, false)
    }
}

/// The decisions a layer's [`LayerConfig`] depends on: its own, and walking upstream, those of
/// every layer up to and including the first kernel layer that cannot be switched off (the
/// width and result bits that reach this layer, pooling operators, on/off switches).
/// The space made of the layers `0..=li` of `spec` (same input, types and quantisers); its
/// decisions are the first decisions of `spec`, in the same order.
fn prefix(spec: &SpaceSpec, li: usize) -> Result<SpaceSpec> {
    let mut b = SpaceSpec::builder(&spec.name, spec.input_shape.clone())
        .input_type(spec.input_type)
        .default_type(spec.default_type)
        .quant(spec.quant);
    for l in &spec.layers[..=li] {
        b = b.layer(l.clone());
    }
    let p = b.build()?;
    debug_assert!(
        p.decisions()
            .iter()
            .zip(spec.decisions())
            .all(|(a, b)| a.name == b.name)
    );
    Ok(p)
}

/// Cost of layer `li` of `prefix` for the option combination `combo` of `deps` (row-major,
/// last varies fastest); other decisions take their first option.
fn price(
    prefix: &SpaceSpec,
    li: usize,
    deps: &[usize],
    sizes: &[usize],
    combo: usize,
    model: &dyn CostModel,
    io: IoType,
) -> Result<Resources> {
    let mut idx = vec![0; prefix.decisions().len()];
    let mut rest = combo;
    for (k, &d) in deps.iter().enumerate().rev() {
        idx[d] = rest % sizes[k];
        rest /= sizes[k];
    }
    let none = vec![None; prefix.layers.len()];
    let (net, map) = prefix.network_for(&idx, &none, &none)?;
    Ok(match map[li] {
        None => Resources::default(),
        Some(ir) => {
            let configs = LayerConfig::of_network(&net, io)?;
            model.layer_cost(&configs[ir])
        }
    })
}

pub(crate) fn dependencies(spec: &SpaceSpec, li: usize) -> Vec<usize> {
    let mut deps: Vec<usize> = Vec::new();
    let own = |j: usize, deps: &mut Vec<usize>| {
        for (d, dec) in spec.decisions().iter().enumerate() {
            if dec.layer == j && !deps.contains(&d) {
                deps.push(d);
            }
        }
    };
    own(li, &mut deps);
    for j in (0..li).rev() {
        let l = &spec.layers[j];
        for (d, dec) in spec.decisions().iter().enumerate() {
            let relevant = matches!(
                dec.kind,
                DecisionKind::Width
                    | DecisionKind::ResultBits
                    | DecisionKind::Operator
                    | DecisionKind::OnOff
            );
            if dec.layer == j && relevant && !deps.contains(&d) {
                deps.push(d);
            }
        }
        if l.has_kernel() && !l.optional {
            break;
        }
    }
    deps.sort_unstable();
    deps
}
