//! From a supernet to a concrete network and back.

use crate::backend::TrainBackend;

use super::data::Samples;
use super::train::predict;
use crate::fixed::FixedType;
use crate::ir::{Network, Tensor as IrTensor};
use crate::space::{LayerSpec, QuantSpec, SpaceSpec};
use crate::supernet::{Channels, Supernet, export_layer, import_layer, integer_bits_for};
use crate::{Error, Result};

/// The network IR of the architecture `idx`, with weights sliced from the supernet and permuted
/// to the IR's channels-last layouts (Dense `[n_in][n_out]` with rows in `h, w, c` order after a
/// Flatten, Conv2D `[kh][kw][c_in][c_out]`, Conv1D `[k][c_in][c_out]`).
///
/// Integer bits of every quantised type come from the ranges observed while running `calib`
/// through the architecture (weights: the largest |weight|; results: the largest |result|), so
/// that nothing saturates on that data, except where the space fixes them
/// ([`LayerSpec::weight_integer`](crate::space::LayerSpec::weight_integer) and
/// `result_integer`, as in a supernet made by [`supernet_from_network`] for fine-tuning).
///
/// # Errors
/// [`Error::InvalidArch`] for indices outside the space, [`Error::Search`] for calibration data
/// that does not fit.
pub fn derive<B: TrainBackend>(
    net: &Supernet<B>,
    idx: &[usize],
    calib: &dyn Samples,
) -> Result<Network> {
    let spec = &net.spec;
    spec.arch_from_indices(idx)?;
    net.check_data(calib.features(), calib.outputs())?;
    let (_, wr, rr) = predict(net, idx, calib, 256)?;
    // Integer bits the space fixes (e.g. a network being fine-tuned at its own types) are kept:
    // the weights were trained against exactly those ranges.
    let wi: Vec<Option<i32>> = (spec.layers.iter().zip(&wr))
        .map(|(l, &r)| l.weight_integer.or(Some(integer_bits_for(r))))
        .collect();
    let ri: Vec<Option<i32>> = (spec.layers.iter().zip(&rr))
        .map(|(l, &r)| l.result_integer.or(Some(integer_bits_for(r))))
        .collect();
    let (mut ir, map) = spec.network_for(idx, &wi, &ri)?;
    let s = &spec.input_shape;
    let mut ch = Channels {
        chan: (0..*s.last().unwrap_or(&1)).collect(),
        spatial: s[..s.len() - 1].iter().product(),
    };
    for (li, l) in spec.layers.iter().enumerate() {
        let Some(k) = map[li] else { continue };
        let op = ir.layers[k].op.clone();
        let weights = &mut ir.weights;
        let mut put = |key: &str, shape: Vec<usize>, data: Vec<f32>| -> Result<()> {
            weights.insert(format!("{}.{key}", l.name), IrTensor::new(shape, data)?);
            Ok(())
        };
        export_layer(net, li, &op, &mut ch, &mut put)?;
        // Strides, valid padding, upsampling and zero padding change the spatial size; it
        // does not depend on the width or kernel choices (shapes are validated that way).
        let out = &net.shapes[li].1;
        ch.spatial = out[..out.len() - 1].iter().product();
    }
    ir.analyze()?;
    Ok(ir)
}

/// A supernet without decisions that computes `net` exactly as the IR describes it (weights
/// and results fake-quantised with the network's types): the float reference of a network,
/// and the way to fine-tune or evaluate an IR network with the trainer of this module.
///
/// # Errors
/// [`Error::Search`] for layers the supernet cannot express (non-square kernels or strides,
/// pooling with a stride other than its window or with padding) or a network without weights;
/// [`Error::InvalidSpace`] for layers the search space rejects (even `same` kernels).
pub fn supernet_from_network<B: TrainBackend>(
    net: &Network,
    device: &B::Device,
) -> Result<Supernet<B>> {
    let spec = network_space(net, None)?;
    load_network(&spec, net, device)
}

/// How [`space_around`] opens a trained network into a search space whose widest, most
/// precise member is the network itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Around {
    /// Width options of each Dense/Conv layer as fractions of its own width (rounded, at
    /// least 1; its own width is always an option). The last Dense/Conv layer, whose width
    /// is the network's output, keeps its width. Default `[0.25, 0.5, 0.75, 1]`.
    pub width_fractions: Vec<f64>,
    /// Weight bit-width options of each Dense/Conv layer, those below its own width kept (its
    /// own width is always the widest option; the integer bits stay its own). Default
    /// `[4, 6, 8, 12]`.
    pub weight_bits: Vec<u32>,
    /// Result bit-width options, by the same rule. Default `[8, 12]`.
    pub result_bits: Vec<u32>,
    /// Reuse-factor options of each Dense/Conv layer (its own is always an option). Default
    /// `[1, 2, 4]`.
    pub reuse_factors: Vec<u32>,
}

impl Default for Around {
    fn default() -> Self {
        Around {
            width_fractions: vec![0.25, 0.5, 0.75, 1.0],
            weight_bits: vec![4, 6, 8, 12],
            result_bits: vec![8, 12],
            reuse_factors: vec![1, 2, 4],
        }
    }
}

/// The search space around a trained network: every Dense/Conv layer gets width, weight-bit,
/// result-bit and reuse-factor options ([`Around`]) below its own, so that the network itself
/// is the space's widest, most precise member ([`network_indices`] finds it). Other layers are
/// kept as they are. Integer bits of the types the network sets stay fixed; the types it
/// leaves to its default type (a float model imported as is) get the default's width as their
/// widest option and integer bits chosen from the observed ranges, as [`derive()`] chooses them.
///
/// ```
/// use hwnas_core::ir::{Dense, Layer, Network, Op};
/// use hwnas_core::search::{Around, network_indices, space_around};
///
/// let net = Network::new("mlp", vec![8], "ap_fixed<16,6>".parse()?)
///     .with_layer(Layer::new("fc1", Op::Dense(Dense { units: 16, use_bias: true })))
///     .with_layer(Layer::new("relu", Op::relu()))
///     .with_layer(Layer::new("out", Op::Dense(Dense { units: 2, use_bias: true })));
/// let space = space_around(&net, &Around::default())?;
/// assert_eq!(space.layers[0].widths, vec![4, 8, 12, 16]);
/// assert_eq!(space.layers[0].weight_bits, vec![4, 6, 8, 12, 16]);
/// assert_eq!(space.layers[2].widths, vec![2], "the output keeps its width");
/// let idx = network_indices(&space, &net)?;
/// assert_eq!(space.arch_from_indices(&idx)?.to_string().contains("fc1.width=16"), true);
/// # Ok::<(), hwnas_core::Error>(())
/// ```
///
/// # Errors
/// As [`supernet_from_network`], and [`Error::InvalidSpace`] for option lists that leave a
/// layer without options.
pub fn space_around(net: &Network, around: &Around) -> Result<SpaceSpec> {
    network_space(net, Some(around))
}

/// The supernet of [`space_around`] with the network's weights in its widest tensors: at
/// [`network_indices`] it computes the network exactly as [`supernet_from_network`] does.
///
/// # Errors
/// As [`space_around`]; [`Error::Search`] for a network without weights.
pub fn supernet_around<B: TrainBackend>(
    net: &Network,
    around: &Around,
    device: &B::Device,
) -> Result<Supernet<B>> {
    let spec = space_around(net, around)?;
    load_network(&spec, net, device)
}

/// The decision indices of the member of `space` that is `net` itself (its widths, bits,
/// reuse factors and strategies; `space` made by [`space_around`] from `net`).
///
/// # Errors
/// [`Error::InvalidArch`] when a value of `net` is not an option of `space`.
pub fn network_indices(space: &SpaceSpec, net: &Network) -> Result<Vec<usize>> {
    let own = network_space(net, None)?;
    let mut picks = Vec::new();
    for d in space.decisions() {
        let l = own.layers.get(d.layer).ok_or_else(|| {
            Error::InvalidArch(format!(
                "the space has more layers than `{}`; make it with space_around from this \
                 network",
                net.name
            ))
        })?;
        // The network's own value; where it leaves a type to its preset (no bits of its own),
        // the widest option, which space_around sets to the resolved type.
        let value = l
            .slots()
            .into_iter()
            .find(|(k, _)| *k == d.kind)
            .and_then(|(_, opts)| opts.into_iter().next());
        let i = match value {
            Some(v) => d.options.iter().position(|o| *o == v).ok_or_else(|| {
                Error::InvalidArch(format!(
                    "decision `{}` has no option {v} (the network's own); make the space \
                     with space_around from this network",
                    d.name
                ))
            })?,
            None => d.options.len() - 1,
        };
        picks.push(i);
    }
    Ok(picks)
}

/// The space of `net`: its own layers, with `around`'s options on its Dense/Conv layers.
fn network_space(net: &Network, around: Option<&Around>) -> Result<SpaceSpec> {
    let analysis = net.analyze()?;
    let unsupported = |name: &str, why: &str| {
        Error::Search(format!(
            "layer `{name}`: {why}; the supernet cannot express it"
        ))
    };
    let last_kernel = net.layers.iter().rposition(|l| l.op.has_kernel());
    let mut b = SpaceSpec::builder(&net.name, net.input_shape.clone())
        .input_type(net.input_type)
        .default_type(net.default_precision);
    let mut quant: Option<QuantSpec> = None;
    for (index, layer) in net.layers.iter().enumerate() {
        let n = layer.name.as_str();
        let mut spec = LayerSpec::from_op(n, &layer.op).map_err(|why| unsupported(n, &why))?;
        if layer.op.has_kernel() {
            let fixed = |t: &FixedType| (t.width, t.integer);
            if let Some(w) = layer.precision.weight {
                let (bits, int) = fixed(&w);
                spec = spec.weight_bits(&[bits]);
                spec.weight_integer = Some(int);
                quant.get_or_insert(QuantSpec {
                    rounding: w.rounding,
                    overflow: w.overflow,
                });
            }
            // A BatchNorm the export folds into this layer: the fused output, after the
            // normalisation, has the BatchNorm's resolved result type; the supernet applies a
            // kernel layer's result bits after such a BatchNorm
            // (`SpaceSpec::result_after_batchnorm`).
            let result = layer.precision.result.or_else(|| {
                net.batchnorm_is_fused(index + 1)
                    .then(|| analysis.layers[index + 1].types.result)
            });
            if let Some(r) = result {
                let (bits, int) = fixed(&r);
                spec = spec.result_bits(&[bits]);
                spec.result_integer = Some(int);
            }
            spec.reuse_factors = vec![layer.hls.reuse_factor];
            spec.strategies = vec![layer.hls.strategy];
            if let Some(a) = around {
                let types = &analysis.layers[index].types;
                let explicit = (layer.precision.weight, result);
                open_up(&mut spec, a, types, explicit, Some(index) == last_kernel);
            }
        }
        b = b.layer(spec);
    }
    if let Some(q) = quant {
        b = b.quant(q);
    }
    b.build()
}

/// Widens a Dense/Conv layer's fixed values into `around`'s options below them.
fn open_up(
    spec: &mut LayerSpec,
    around: &Around,
    types: &crate::ir::LayerTypes,
    (weight, result): (Option<FixedType>, Option<FixedType>),
    is_output: bool,
) {
    let below = |own: u32, options: &[u32]| {
        let mut v: Vec<u32> = options.iter().copied().filter(|&b| b < own).collect();
        v.push(own);
        v.sort_unstable();
        v.dedup();
        v
    };
    if !is_output {
        let own = spec.widths[0];
        let mut w: Vec<usize> = around
            .width_fractions
            .iter()
            .filter(|f| f.is_finite() && **f > 0.0 && **f <= 1.0)
            .map(|f| ((own as f64 * f).round() as usize).max(1))
            .collect();
        w.push(own);
        w.sort_unstable();
        w.dedup();
        spec.widths = w;
    }
    // The network's resolved types bound the bit options. Integer bits the network sets
    // stay; where it leaves a type to the default (a float model imported as is), the search
    // chooses them from the observed ranges, as `derive` does.
    if let Some(wt) = types.weight {
        spec.weight_bits = below(wt.width, &around.weight_bits);
        spec.weight_integer = weight.map(|t| t.integer);
    }
    let r = result.unwrap_or(types.result);
    spec.result_bits = below(r.width, &around.result_bits);
    spec.result_integer = result.map(|t| t.integer);
    let mut rf = around.reuse_factors.clone();
    rf.push(spec.reuse_factors[0]);
    rf.retain(|&r| r >= 1);
    rf.sort_unstable();
    rf.dedup();
    spec.reuse_factors = rf;
}

/// A supernet of `spec` (made from `net`) with `net`'s weights loaded.
fn load_network<B: TrainBackend>(
    spec: &SpaceSpec,
    net: &Network,
    device: &B::Device,
) -> Result<Supernet<B>> {
    let mut sn = Supernet::<B>::new(spec, device, 0)?;
    if !net.has_weights() {
        return Err(Error::Search(format!(
            "the network `{}` has no weights to load",
            net.name
        )));
    }
    for (li, layer) in net.layers.iter().enumerate() {
        let get = |key: &str| {
            net.weights
                .get(&format!("{}.{key}", layer.name))
                .cloned()
                .ok_or_else(|| Error::Weights(format!("`{}.{key}` is missing", layer.name)))
        };
        import_layer(&mut sn, li, &layer.op, &get)?;
    }
    Ok(sn)
}
