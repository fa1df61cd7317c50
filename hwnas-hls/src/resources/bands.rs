//! How far the model's estimates lie from published synthesis, per design family, as measured
//! by leave-one-design-out cross-validation on the public corpus (`hwnas-hls/tests/
//! resource_model/corpus.rs`, which writes `corpus_bands.json`), and what the corpus covers.

use std::collections::BTreeSet;
use std::fmt;
use std::sync::OnceLock;

use hwnas_core::cost::IoType;
use hwnas_core::ir::{Network, Op, Strategy};
use serde::{Deserialize, Serialize};

use super::{Coefficients, Target, Tool};
use crate::{Error, Result};

/// The metrics of a band, in order.
pub const METRICS: [&str; 6] = ["DSP", "LUT", "FF", "BRAM18", "latency", "II"];

/// A design family: what changes how hls4ml builds a design and how well the model knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Family {
    /// Has a convolution.
    pub cnn: bool,
    /// How layers exchange data.
    pub io: IoType,
    /// `Resource` when any kernel layer uses the Resource strategy.
    pub strategy: Strategy,
    /// Which report is predicted.
    pub target: Target,
}

impl Family {
    /// The family of `net` built with `io`, predicted for `target`.
    pub fn of(net: &Network, io: IoType, target: Target) -> Family {
        let kernels = || net.layers.iter().filter(|l| l.op.has_kernel());
        Family {
            cnn: net
                .layers
                .iter()
                .any(|l| matches!(l.op, Op::Conv1D(_) | Op::Conv2D(_))),
            io,
            strategy: if kernels().any(|l| l.hls.strategy == Strategy::Resource) {
                Strategy::Resource
            } else {
                Strategy::Latency
            },
            target,
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} {}",
            if self.cnn { "CNN" } else { "MLP" },
            match self.io {
                IoType::IoParallel => "io_parallel",
                IoType::IoStream => "io_stream",
            },
            self.strategy,
            self.target
        )
    }
}

/// What a set of designs spans: sizes, widths, reuse factors and layer kinds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coverage {
    /// Fewest and most stored parameters.
    pub parameters: [usize; 2],
    /// Narrowest and widest weight type (bits).
    pub weight_bits: [u32; 2],
    /// Smallest and largest reuse factor of a kernel layer.
    pub reuse_factor: [u32; 2],
    /// Layer kinds seen.
    pub kinds: BTreeSet<String>,
}

impl Coverage {
    /// What one network spans.
    ///
    /// # Errors
    /// The errors of [`Network::analyze`].
    pub fn of(net: &Network) -> Result<Coverage> {
        let a = net.analyze().map_err(Error::Core)?;
        let params = a.layers.iter().map(|l| l.params).sum();
        let mut bits = [u32::MAX, 0];
        let mut rf = [u32::MAX, 0];
        for (layer, info) in net.layers.iter().zip(&a.layers) {
            if let Some(w) = info.types.weight.filter(|_| layer.op.has_kernel()) {
                bits = [bits[0].min(w.width), bits[1].max(w.width)];
                let r = layer.hls.reuse_factor;
                rf = [rf[0].min(r), rf[1].max(r)];
            }
        }
        let fix = |v: [u32; 2]| if v[0] > v[1] { [0, 0] } else { v };
        Ok(Coverage {
            parameters: [params, params],
            weight_bits: fix(bits),
            reuse_factor: fix(rf),
            kinds: net.layers.iter().map(|l| l.op.kind().to_string()).collect(),
        })
    }

    /// What both span.
    pub fn union(&self, o: &Coverage) -> Coverage {
        let span = |a: [u32; 2], b: [u32; 2]| match (a, b) {
            ([0, 0], x) | (x, [0, 0]) => x,
            _ => [a[0].min(b[0]), a[1].max(b[1])],
        };
        Coverage {
            parameters: [
                self.parameters[0].min(o.parameters[0]),
                self.parameters[1].max(o.parameters[1]),
            ],
            weight_bits: span(self.weight_bits, o.weight_bits),
            reuse_factor: span(self.reuse_factor, o.reuse_factor),
            kinds: self.kinds.union(&o.kinds).cloned().collect(),
        }
    }

    /// How `net` (its own coverage) lies outside this one, one sentence per way; empty when
    /// inside. Sizes count as outside beyond a factor of two of the corpus's range.
    pub fn outside(&self, net: &Coverage) -> Vec<String> {
        let mut out = Vec::new();
        let p = net.parameters[1];
        if p > 2 * self.parameters[1] || 2 * p < self.parameters[0] {
            out.push(format!(
                "{p} parameters (the corpus spans {}-{})",
                self.parameters[0], self.parameters[1]
            ));
        }
        let [lo, hi] = net.weight_bits;
        if hi > 0 && (lo < self.weight_bits[0] || hi > self.weight_bits[1]) {
            out.push(format!(
                "weights of {lo}-{hi} bits (the corpus spans {}-{})",
                self.weight_bits[0], self.weight_bits[1]
            ));
        }
        let [lo, hi] = net.reuse_factor;
        if hi > 0 && (lo < self.reuse_factor[0] || hi > self.reuse_factor[1]) {
            out.push(format!(
                "reuse factors {lo}-{hi} (the corpus spans {}-{})",
                self.reuse_factor[0], self.reuse_factor[1]
            ));
        }
        let unseen: Vec<&str> = net
            .kinds
            .difference(&self.kinds)
            .map(String::as_str)
            .collect();
        if !unseen.is_empty() {
            out.push(format!(
                "layer kinds the corpus lacks: {}",
                unseen.join(", ")
            ));
        }
        out
    }
}

/// The measured error of one family.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// The family ([`Family`]'s display form, e.g. `MLP io_parallel Latency csynth`).
    pub family: String,
    /// Published reports of the family.
    pub rows: usize,
    /// Median relative error of each of [`METRICS`].
    pub median: [f64; 6],
    /// 80th-percentile relative error of each of [`METRICS`].
    pub p80: [f64; 6],
    /// Reports that publish each metric (synthesis reports have no latency).
    pub counts: [usize; 6],
    /// What the family's designs span.
    pub coverage: Coverage,
}

/// Coefficients fitted to every corpus design of one target, tool family and io type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorpusFit {
    /// Which report.
    pub target: Target,
    /// Which tool family.
    pub tool: Tool,
    /// Which io type's layers.
    pub io: IoType,
    /// Published reports the fit used (of this tool when it has enough of them, else of
    /// both families; of this io type).
    pub designs: usize,
    /// The fitted coefficients.
    pub coefficients: Coefficients,
}

/// The bands of every family the corpus holds, and the coefficients fitted to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorpusBands {
    /// What measured them.
    pub source: String,
    /// One per family.
    pub bands: Vec<Band>,
    /// One per target and tool family.
    pub fits: Vec<CorpusFit>,
}

impl CorpusBands {
    /// The bands measured for this version of the model (`corpus_bands.json`).
    pub fn builtin() -> &'static CorpusBands {
        static BANDS: OnceLock<CorpusBands> = OnceLock::new();
        BANDS.get_or_init(|| {
            serde_json::from_str(include_str!("corpus_bands.json")).unwrap_or(CorpusBands {
                source:
                    "corpus_bands.json does not parse; rerun the corpus test with HWNAS_BLESS=1"
                        .into(),
                bands: Vec::new(),
                fits: Vec::new(),
            })
        })
    }

    /// The fit for a target, tool family and io type, if the corpus has enough reports.
    pub fn fit(&self, target: Target, tool: Tool, io: IoType) -> Option<&CorpusFit> {
        self.fits
            .iter()
            .find(|f| f.target == target && f.tool == tool && f.io == io)
    }

    /// The band of a family, if the corpus holds any of its designs.
    pub fn band(&self, family: &Family) -> Option<&Band> {
        let key = family.to_string();
        self.bands.iter().find(|b| b.family == key)
    }
}

/// The `p`-quantile (nearest rank) of `v`, 0 for an empty slice.
pub fn quantile(v: &mut [f64], p: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    v[((p * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1]
}
