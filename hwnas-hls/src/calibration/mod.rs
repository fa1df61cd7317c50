//! Calibration: fit the [`crate::resources::AnalyticModel`] coefficients to synthesis reports
//! of the user's device and tool version, save them as JSON ([`Calibration`]), and generate a
//! suite of one-layer projects to synthesise for that purpose ([`suite`]).

mod file;
mod fit;
pub mod suite;

pub use file::{CALIBRATION_FORMAT, CALIBRATION_VERSION, Calibration, CalibrationEntry};
pub use fit::{
    FitQuality, PRIOR_WEIGHT, Sample, fit, fit_linear, median, nnls_with_prior, predict, quality,
    relative_error,
};
