//! The cost-model contract between the search (this crate) and the hardware side.

use serde::{Deserialize, Serialize};

use super::resources::Resources;
use crate::Result;
use crate::ir::{HlsKnobs, LayerTypes, Network, Op};

/// How layers exchange data in the generated HLS design.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IoType {
    /// Arrays, fully partitioned (`io_parallel`).
    #[default]
    IoParallel,
    /// AXI-stream FIFOs, one pixel per transfer (`io_stream`).
    IoStream,
}

/// One concrete layer as a cost model sees it: what it computes, on what shapes, with which
/// types and knobs. A layer's cost depends on its own choices and on its input (the upstream
/// width decides `n_in`).
#[derive(Debug, Clone, PartialEq)]
pub struct LayerConfig {
    /// The operation and its hyper-parameters.
    pub op: Op,
    /// Input shape, channels-last.
    pub input_shape: Vec<usize>,
    /// Output shape, channels-last.
    pub output_shape: Vec<usize>,
    /// Resolved fixed-point types (input, weight, bias, accumulator, result).
    pub types: LayerTypes,
    /// Reuse factor and strategy.
    pub hls: HlsKnobs,
    /// Data exchange between layers.
    pub io: IoType,
}

impl LayerConfig {
    /// The configurations of every layer of a network, in order.
    ///
    /// A BatchNorm the export folds into the Dense/Conv layer before it
    /// ([`Network::batchnorm_is_fused`]) keeps its entry, and the pair is priced as the firmware
    /// computes it: the Dense/Conv layer outputs the fused result type (the BatchNorm's), which
    /// is also the BatchNorm's input. So a layer's configuration never depends on the layers
    /// after it.
    ///
    /// # Errors
    /// The errors of [`Network::analyze`].
    pub fn of_network(net: &Network, io: IoType) -> Result<Vec<LayerConfig>> {
        let analysis = net.analyze()?;
        let mut configs: Vec<LayerConfig> = net
            .layers
            .iter()
            .zip(analysis.layers)
            .map(|(layer, info)| LayerConfig {
                op: layer.op.clone(),
                input_shape: info.input_shape,
                output_shape: info.output_shape,
                types: info.types,
                hls: layer.hls,
                io,
            })
            .collect();
        for i in 1..configs.len() {
            if net.batchnorm_is_fused(i) {
                let fused = configs[i].types.result;
                configs[i - 1].types.result = fused;
                configs[i].types.input = fused;
            }
        }
        Ok(configs)
    }
}

/// Estimates the FPGA resources of one concrete layer.
///
/// The search never assumes how: an analytic model, one fitted to synthesis reports, or a table
/// of measured values all fit. Implementations must be deterministic (the search caches their
/// answers) and should be monotone in the obvious directions (more units never cost less).
/// `Sync`, because the cost table prices layers on every core.
pub trait CostModel: Sync {
    /// Resources and timing of one layer.
    fn layer_cost(&self, layer: &LayerConfig) -> Resources;

    /// The part of a layer's latency that adds up into the network's, for layers exchanging
    /// data as `io` says: by default the whole `latency_cycles` (layers one after another). A
    /// model whose layers overlap returns less (a DATAFLOW process adds only its pipeline
    /// depth; see [`CostModel::latency_adds_slowest_ii`]). The search's expected latency is
    /// the sum of these shares, so it stays exact and differentiable.
    fn latency_share(&self, layer: &Resources, io: IoType) -> f64 {
        let _ = io;
        layer.latency_cycles
    }

    /// Whether the network's latency also includes its slowest layer's initiation interval
    /// (a DATAFLOW pipeline: the slowest process sets the pace). Default: no.
    fn latency_adds_slowest_ii(&self, io: IoType) -> bool {
        let _ = io;
        false
    }

    /// Whether the network takes its next input only when the current one is done, so that
    /// its initiation interval is at least its latency (a DATAFLOW top that does not overlap
    /// its calls). Default: no.
    fn ii_waits_for_latency(&self, io: IoType) -> bool {
        let _ = io;
        false
    }

    /// `(latency, II)` of a network whose layers (in order) cost `layers`: the sum of their
    /// [`CostModel::latency_share`]s (plus the slowest interval where
    /// [`CostModel::latency_adds_slowest_ii`]), and the slowest initiation interval (at least
    /// the latency where [`CostModel::ii_waits_for_latency`]).
    fn network_timing(&self, layers: &[Resources], io: IoType) -> (f64, f64) {
        let ii = layers.iter().map(|r| r.ii).fold(0.0, f64::max);
        let shares: f64 = layers.iter().map(|r| self.latency_share(r, io)).sum();
        let slowest = if self.latency_adds_slowest_ii(io) {
            ii
        } else {
            0.0
        };
        let latency = shares + slowest;
        if self.ii_waits_for_latency(io) {
            (latency, ii.max(latency))
        } else {
            (latency, ii)
        }
    }

    /// Resources of layers that run one after another: areas add, timing as
    /// [`CostModel::network_timing`] composes it.
    fn network_cost(&self, layers: &[LayerConfig]) -> Resources {
        let io = layers.first().map_or(IoType::IoParallel, |l| l.io);
        let costs: Vec<Resources> = layers.iter().map(|l| self.layer_cost(l)).collect();
        let mut total = costs
            .iter()
            .copied()
            .fold(Resources::default(), Resources::then);
        (total.latency_cycles, total.ii) = self.network_timing(&costs, io);
        total
    }
}
