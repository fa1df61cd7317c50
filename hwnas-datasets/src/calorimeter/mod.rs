//! Synthetic electromagnetic showers in an ATLAS-like sampling calorimeter, for energy
//! regression (spec `calorimeter.md` §3–4).
//!
//! Each event shoots an electron (or photon) of true energy `E` into a Pb/LAr-like calorimeter
//! behind 1.5–4.5 X₀ of dead material and produces a cell-energy image of four longitudinal
//! samplings (presampler, strips, middle, back) on a common η × φ grid; the regression target is
//! `E` (GeV). Physics, per event (every item switchable in [`Effects`]):
//!
//! 1. Particle, energy (default log-uniform 10–500 GeV), impact point in the central cell.
//! 2. Upstream material `X_up ~ U(1.5, 4.5)` X₀; crack events (6 %): +3 X₀ and 15 % of the
//!    middle-layer deposit inactive; photons convert at a depth `~ Exp(9/7 X₀)`.
//! 3. Longitudinal profile: Gamma ansatz with correlated log-normal (T, α) (Grindhammer–Peters /
//!    GFlash sampling parameterisation, [`longitudinal`]).
//! 4. Layer deposits, dead energy and leakage from the regularised incomplete gamma function
//!    ([`special::gamma_p`]).
//! 5. Visible energy: sampling fluctuations `Gamma(E/a², a²)`, `a = 10 %·√GeV`, depth-dependent
//!    response `1 − 0.1·t/20 X₀`; presampler `κ_PS · E_dep`.
//! 6. Lateral: 300 spots per layer from the two-component radial profile ([`lateral`]), binned
//!    on the grid; lateral leakage out of the window.
//! 7. Readout ([`detector`]): energy summed into native cells (presampler 1 × 4 middle cells,
//!    strips 1/8 × 4, middle 1 × 1, back 2 × 1), Gaussian noise per native cell
//!    (30 / 10 / 30 / 20 MeV), and spread evenly back to the grid (energy conserving).
//!
//! **Images** are `f32` GeV, channels last `[eta][phi][layer]` — `[14, 7, 4]` in
//! [`CalorimeterConfig::default_small`], `[56, 11, 4]` in [`CalorimeterConfig::full`]
//! (DeepCalo); [`to_channels_first`] gives the `[4, n_eta, n_phi]` layout of the spec.
//! **Determinism:** event `i` of seed `s` uses its own random streams derived from
//! `(s, i)`, so [`Generator::event`] regenerates any event alone and
//! [`Generator::generate`] gives the same bits on any number of threads;
//! [`Generator::chunks`] streams a range without holding it.
//!
//! ```
//! use hwnas_datasets::calorimeter::{CalorimeterConfig, Generator, NaiveSum, Split, metrics};
//!
//! let mut cfg = CalorimeterConfig::default_small();
//! cfg.splits.train = 2_000;
//! cfg.splits.test = 1_000;
//! let generator = Generator::new(cfg, 42)?;
//! let train = generator.split(Split::Train, 2)?;           // in memory, 2 threads
//! assert_eq!(train.image_shape(), [14, 7, 4]);
//! assert_eq!(train.image(0).len(), 14 * 7 * 4);
//!
//! // Any event can be regenerated alone, bit for bit.
//! assert_eq!(generator.event(17).image, train.image(17));
//!
//! // The naive calibrated sum and its metrics.
//! let naive = NaiveSum::fit_dataset(&train)?;
//! let mut pred = Vec::new();
//! let mut truth = Vec::new();
//! for chunk in generator.chunks(generator.split_range(Split::Test), 256, 2)? { // streamed
//!     pred.extend(naive.predict_dataset(&chunk));
//!     truth.extend_from_slice(chunk.targets());
//! }
//! let m = metrics::evaluate(&pred, &truth)?;
//! println!("naive sum: MAE {:.2} GeV, sigma_IQR {:.2} %", m.mae, 100.0 * m.sigma_iqr);
//! assert!(m.mae > 1.0 && m.sigma_iqr > 0.01);
//! # Ok::<(), hwnas_datasets::Error>(())
//! ```

pub mod baseline;
pub mod config;
pub mod dataset;
pub mod detector;
pub mod event;
pub mod generator;
pub mod lateral;
pub mod longitudinal;
pub mod metrics;
pub mod rng;
pub mod special;
#[cfg(test)]
mod tests;

pub use baseline::{LayerLinear, NaiveSum};
pub use config::{
    CalorimeterConfig, Effects, Grid, LAYER_NAMES, LayerDepths, Medium, N_LAYERS, ParticleKind,
    Spectrum, Splits,
};
pub use dataset::{Dataset, to_channels_first};
pub use event::{Event, Particle, Truth};
pub use generator::{Chunks, Generator, Split};
pub use metrics::{Metrics, evaluate, mae, sigma_iqr};
