//! The analytic FPGA resource model (DESIGN 2.8, `specs/resource-model.md`): per-layer LUT, FF,
//! BRAM, DSP, latency and initiation interval of hls4ml-style designs, for Latency and Resource
//! strategies, io_parallel and io_stream, any reuse factor and bit-widths, on 7-series
//! (DSP48E1), UltraScale(+) (DSP48E2) and Versal (DSP58) devices, predicting either the HLS
//! estimate (`csynth`) or post-synthesis utilisation (`synth`).
//!
//! [`AnalyticModel`] implements [`hwnas_core::cost::CostModel`], so the search can use it
//! directly; [`crate::calibration`] refits its [`Coefficients`] from synthesis reports.

mod bands;
mod coefficients;
pub(crate) mod model;
mod tool;

pub use bands::{Band, CorpusBands, CorpusFit, Coverage, Family, METRICS, quantile};
pub use coefficients::{Coefficients, FF_FEATURES, LUT_FEATURES, Target};
pub use model::{
    AnalyticModel, DEFAULT_CLOCK_NS, EMITTED_CLOCK_UNCERTAINTY, Features, Kernel, LayerEstimate,
    NetworkEstimate, UNROLL_LIMIT, WeightShares, bram18, csd_terms, kernel_dims, latency_share,
    weight_shares,
};
pub use tool::Tool;
