//! The generator's configuration: detector grid, particle and energy spectrum, effective medium,
//! layer depths, effect switches and their magnitudes. Serialisable (serde); every field has a
//! documented default; [`CalorimeterConfig::validate`] says what to fix in a bad one.

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// Number of longitudinal samplings (image channels): presampler, strips, middle, back.
pub const N_LAYERS: usize = 4;

/// Names of the samplings, in channel order.
pub const LAYER_NAMES: [&str; N_LAYERS] = ["presampler", "strips", "middle", "back"];

/// The detector window and the common image grid.
///
/// The window is `eta_cells × phi_cells` *middle-layer* cells (ATLAS L2, 0.025 × 0.0245), centred
/// on the impact cell. The image grid splits each middle cell into `strips_per_cell` bins in η
/// (8 = the native strip pitch of ATLAS L1) and keeps one bin per middle cell in φ.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grid {
    /// Middle cells in η (7 in ATLAS clusters and DeepCalo).
    pub eta_cells: usize,
    /// Middle cells in φ (11 in DeepCalo; 7 in the small default).
    pub phi_cells: usize,
    /// Image bins per middle cell in η: 1, 2, 4 or 8.
    pub strips_per_cell: usize,
}

impl Grid {
    /// Bins in η (`eta_cells · strips_per_cell`).
    pub fn n_eta(&self) -> usize {
        self.eta_cells * self.strips_per_cell
    }

    /// Bins in φ (`phi_cells`).
    pub fn n_phi(&self) -> usize {
        self.phi_cells
    }
}

/// Which particle each event shoots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParticleKind {
    /// Electrons: the shower starts at the front of the upstream material.
    Electron,
    /// Photons: the shower starts at a conversion depth `~ Exp(9/7 X₀)`.
    Photon,
    /// Electrons and photons, 50 % each.
    Mixed,
}

/// The true-energy spectrum.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Spectrum {
    /// `E` log-uniform in `[min_gev, max_gev]`, `η ~ U(0, 1.4)` (barrel).
    LogUniform {
        /// Lowest energy (GeV).
        min_gev: f64,
        /// Highest energy (GeV).
        max_gev: f64,
    },
    /// Z→ee endcap-like: `E_T ~ N(40, 8)` GeV truncated above 20 GeV, `η ~ U(1.6, 2.5)`,
    /// `E = E_T cosh η`.
    ZeeEndcap,
    /// Every event at one energy (GeV), `η = 0.7` (for calibration and tests).
    Fixed {
        /// The energy (GeV).
        energy_gev: f64,
    },
}

/// The effective medium of the sampling calorimeter (spec §3.1, Pb/LAr accordion-like).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Medium {
    /// Effective atomic number `Z_eff` (66).
    pub z_eff: f64,
    /// Effective critical energy in GeV (0.010).
    pub critical_energy_gev: f64,
    /// Sampling frequency `F_s = X₀,eff / (d₁ + d₂)` (3.3).
    pub sampling_frequency: f64,
    /// `ê = 1 / (1 + 0.007 (Z₁ − Z₂))` (0.69).
    pub e_hat: f64,
    /// Molière radius in middle-cell widths (1.0 in the barrel).
    pub moliere_radius_cells: f64,
}

/// Depths of the four longitudinal samplings, in X₀, front to back.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayerDepths {
    /// Presampler (thin, fully active): 0.08 X₀.
    pub presampler: f64,
    /// L1 strips: 4.3 X₀.
    pub strips: f64,
    /// L2 middle: 16 X₀.
    pub middle: f64,
    /// L3 back: 2 X₀.
    pub back: f64,
}

impl LayerDepths {
    /// The depths as an array in layer order (presampler, strips, middle, back).
    pub fn as_array(&self) -> [f64; 4] {
        [self.presampler, self.strips, self.middle, self.back]
    }
}

/// On/off switches, one per physical effect (spec §3.5). Everything is on by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Effects {
    /// Dead material upstream of the calorimeter (`X_up`); off: `X_up = 0`.
    pub upstream_material: bool,
    /// Crack events (extra upstream material and a partly inactive middle layer); off: none.
    pub cracks: bool,
    /// Event-by-event fluctuations of the shower parameters (T, α); off: their central values.
    pub shower_fluctuations: bool,
    /// Longitudinal leakage behind the back layer; off: the back layer is infinitely deep.
    pub longitudinal_leakage: bool,
    /// Lateral leakage out of the window; off: spots outside fold back onto the edge bin.
    pub lateral_leakage: bool,
    /// Impact point uniform within the central middle cell; off: always the cell centre.
    pub impact_spread: bool,
    /// Sampling fluctuations (`a/√E` term); off: visible = deposited energy.
    pub sampling_fluctuations: bool,
    /// Response falling with shower depth; off: response 1.
    pub depth_response: bool,
    /// The presampler layer; off: no presampler (zero depth, empty channel).
    pub presampler: bool,
    /// Gaussian electronic noise per native cell; off: none.
    pub noise: bool,
}

impl Effects {
    /// Every effect on (the default).
    pub fn all() -> Self {
        Self {
            upstream_material: true,
            cracks: true,
            shower_fluctuations: true,
            longitudinal_leakage: true,
            lateral_leakage: true,
            impact_spread: true,
            sampling_fluctuations: true,
            depth_response: true,
            presampler: true,
            noise: true,
        }
    }

    /// Every effect off: a perfect, fully contained, noiseless detector with mean showers.
    pub fn none() -> Self {
        Self {
            upstream_material: false,
            cracks: false,
            shower_fluctuations: false,
            longitudinal_leakage: false,
            lateral_leakage: false,
            impact_spread: false,
            sampling_fluctuations: false,
            depth_response: false,
            presampler: false,
            noise: false,
        }
    }
}

impl Default for Effects {
    fn default() -> Self {
        Self::all()
    }
}

/// Numbers of events in the train / validation / test splits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Splits {
    /// Training events (indices `0 .. train`).
    pub train: u64,
    /// Validation events (the next `val` indices).
    pub val: u64,
    /// Test events (the next `test` indices).
    pub test: u64,
}

/// The complete generator configuration.
///
/// Use [`CalorimeterConfig::default_small`] (the CPU example, 4 × 14 × 7) or
/// [`CalorimeterConfig::full`] (DeepCalo, 4 × 56 × 11) and change fields as needed:
///
/// ```
/// use hwnas_datasets::calorimeter::CalorimeterConfig;
/// let mut cfg = CalorimeterConfig::default_small();
/// cfg.effects.noise = false;
/// cfg.validate()?;
/// assert_eq!(cfg.image_shape(), [14, 7, 4]);
/// # Ok::<(), hwnas_datasets::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalorimeterConfig {
    /// Window and image grid.
    pub grid: Grid,
    /// Particle type.
    pub particle: ParticleKind,
    /// True-energy spectrum.
    pub spectrum: Spectrum,
    /// Effective medium.
    pub medium: Medium,
    /// Layer depths (X₀).
    pub layers: LayerDepths,
    /// Effect switches.
    pub effects: Effects,
    /// Upstream material `X_up ~ U(min, max)` X₀: `[1.5, 4.5]`.
    pub upstream_x0: [f64; 2],
    /// Fraction of crack events (0.06).
    pub crack_fraction: f64,
    /// Extra upstream material in crack events, X₀ (3).
    pub crack_extra_x0: f64,
    /// Fraction of the middle-layer deposit lost (inactive) in crack events (0.15).
    pub crack_inactive_middle: f64,
    /// Sampling term `a` in √GeV (0.10): visible = Gamma(E/a², a²).
    pub stochastic_term: f64,
    /// Relative response drop per 20 X₀ of shower depth (0.10): response = 1 − s·t/20.
    pub depth_response_slope: f64,
    /// Presampler visible energy per deposited GeV, κ_PS (1.0).
    pub presampler_scale: f64,
    /// Noise σ per native cell in GeV, per layer: `[0.030, 0.010, 0.030, 0.020]`.
    pub noise_gev: [f64; 4],
    /// Lateral spots per layer (300).
    pub spots_per_layer: usize,
    /// Split sizes.
    pub splits: Splits,
}

impl Default for CalorimeterConfig {
    fn default() -> Self {
        Self::default_small()
    }
}

impl CalorimeterConfig {
    /// The small CPU configuration of spec §4.2: 4 × 14 × 7 images (7 × 7 middle cells, 2 η bins
    /// per cell), e⁻ log-uniform 10–500 GeV, every effect on, 20k / 5k / 10k events.
    pub fn default_small() -> Self {
        Self {
            grid: Grid {
                eta_cells: 7,
                phi_cells: 7,
                strips_per_cell: 2,
            },
            particle: ParticleKind::Electron,
            spectrum: Spectrum::LogUniform {
                min_gev: 10.0,
                max_gev: 500.0,
            },
            medium: Medium {
                z_eff: 66.0,
                critical_energy_gev: 0.010,
                sampling_frequency: 3.3,
                e_hat: 0.69,
                moliere_radius_cells: 1.0,
            },
            layers: LayerDepths {
                presampler: 0.08,
                strips: 4.3,
                middle: 16.0,
                back: 2.0,
            },
            effects: Effects::all(),
            upstream_x0: [1.5, 4.5],
            crack_fraction: 0.06,
            crack_extra_x0: 3.0,
            crack_inactive_middle: 0.15,
            stochastic_term: 0.10,
            depth_response_slope: 0.10,
            presampler_scale: 1.0,
            noise_gev: [0.030, 0.010, 0.030, 0.020],
            spots_per_layer: 300,
            splits: Splits {
                train: 20_000,
                val: 5_000,
                test: 10_000,
            },
        }
    }

    /// The full DeepCalo configuration of spec §4.2: 4 × 56 × 11 images (7 × 11 middle cells,
    /// 8 η bins per cell = native strips), same physics, 800k / 100k / 100k events.
    pub fn full() -> Self {
        Self {
            grid: Grid {
                eta_cells: 7,
                phi_cells: 11,
                strips_per_cell: 8,
            },
            splits: Splits {
                train: 800_000,
                val: 100_000,
                test: 100_000,
            },
            ..Self::default_small()
        }
    }

    /// Image shape, channels last: `[n_eta, n_phi, 4]`.
    pub fn image_shape(&self) -> [usize; 3] {
        [self.grid.n_eta(), self.grid.n_phi(), super::N_LAYERS]
    }

    /// Values per image (`n_eta · n_phi · 4`).
    pub fn image_len(&self) -> usize {
        self.grid.n_eta() * self.grid.n_phi() * super::N_LAYERS
    }

    /// Checks every field; the error names the field and says what to use instead.
    pub fn validate(&self) -> Result<()> {
        let g = &self.grid;
        check(
            g.eta_cells >= 1 && g.eta_cells <= 64,
            "grid.eta_cells",
            || {
                format!(
                    "is {}; use 1 to 64 middle cells (7 is the ATLAS cluster size)",
                    g.eta_cells
                )
            },
        )?;
        check(
            g.phi_cells >= 1 && g.phi_cells <= 64,
            "grid.phi_cells",
            || format!("is {}; use 1 to 64 middle cells (7 or 11)", g.phi_cells),
        )?;
        check(
            matches!(g.strips_per_cell, 1 | 2 | 4 | 8),
            "grid.strips_per_cell",
            || format!("is {}; use 1, 2, 4 or 8", g.strips_per_cell),
        )?;
        match self.spectrum {
            Spectrum::LogUniform { min_gev, max_gev } => {
                check(
                    min_gev.is_finite() && min_gev >= 0.1,
                    "spectrum.min_gev",
                    || {
                        format!(
                            "is {min_gev}; use at least 0.1 GeV (the shower model needs E ≫ E_c)"
                        )
                    },
                )?;
                check(
                    max_gev.is_finite() && max_gev > min_gev && max_gev <= 1.0e5,
                    "spectrum.max_gev",
                    || {
                        format!(
                            "is {max_gev}; use a finite value above min_gev ({min_gev}) and at most 100 TeV"
                        )
                    },
                )?;
            }
            Spectrum::ZeeEndcap => {}
            Spectrum::Fixed { energy_gev } => check(
                energy_gev.is_finite() && (0.1..=1.0e5).contains(&energy_gev),
                "spectrum.energy_gev",
                || format!("is {energy_gev}; use 0.1 GeV to 100 TeV"),
            )?,
        }
        let m = &self.medium;
        positive(m.z_eff, "medium.z_eff")?;
        positive(m.critical_energy_gev, "medium.critical_energy_gev")?;
        positive(m.sampling_frequency, "medium.sampling_frequency")?;
        positive(m.moliere_radius_cells, "medium.moliere_radius_cells")?;
        check(m.e_hat > 0.0 && m.e_hat <= 1.0, "medium.e_hat", || {
            format!("is {}; use a value in (0, 1] (0.69 for Pb/LAr)", m.e_hat)
        })?;
        for (name, d) in ["presampler", "strips", "middle", "back"]
            .iter()
            .zip(self.layers.as_array())
        {
            check(
                d.is_finite() && (0.0..=200.0).contains(&d),
                &format!("layers.{name}"),
                || format!("is {d}; use a depth in X₀ between 0 and 200"),
            )?;
        }
        check(
            self.layers.strips + self.layers.middle + self.layers.back > 1.0,
            "layers",
            || "the strips, middle and back layers together must be deeper than 1 X₀".to_string(),
        )?;
        let [lo, hi] = self.upstream_x0;
        check(
            lo.is_finite() && hi.is_finite() && lo >= 0.0 && hi >= lo && hi <= 50.0,
            "upstream_x0",
            || format!("is [{lo}, {hi}]; use 0 <= min <= max <= 50 X₀"),
        )?;
        fraction(self.crack_fraction, "crack_fraction")?;
        fraction(self.crack_inactive_middle, "crack_inactive_middle")?;
        check(
            self.crack_extra_x0.is_finite() && (0.0..=50.0).contains(&self.crack_extra_x0),
            "crack_extra_x0",
            || format!("is {}; use 0 to 50 X₀", self.crack_extra_x0),
        )?;
        check(
            self.stochastic_term.is_finite() && (0.0..=2.0).contains(&self.stochastic_term),
            "stochastic_term",
            || {
                format!(
                    "is {}; use 0 to 2 √GeV (0.10 for Pb/LAr)",
                    self.stochastic_term
                )
            },
        )?;
        check(
            self.depth_response_slope.is_finite()
                && (0.0..=0.5).contains(&self.depth_response_slope),
            "depth_response_slope",
            || format!("is {}; use 0 to 0.5 per 20 X₀", self.depth_response_slope),
        )?;
        check(
            self.presampler_scale.is_finite() && (0.0..=100.0).contains(&self.presampler_scale),
            "presampler_scale",
            || format!("is {}; use 0 to 100", self.presampler_scale),
        )?;
        for (l, s) in self.noise_gev.iter().enumerate() {
            check(
                s.is_finite() && (0.0..=10.0).contains(s),
                &format!("noise_gev[{l}]"),
                || format!("is {s}; use a σ between 0 and 10 GeV"),
            )?;
        }
        check(
            (1..=100_000).contains(&self.spots_per_layer),
            "spots_per_layer",
            || {
                format!(
                    "is {}; use 1 to 100000 (300 is the default)",
                    self.spots_per_layer
                )
            },
        )?;
        let total = self
            .splits
            .train
            .checked_add(self.splits.val)
            .and_then(|x| x.checked_add(self.splits.test));
        check(total.is_some(), "splits", || {
            "the split sizes overflow u64".to_string()
        })?;
        Ok(())
    }
}

fn check(ok: bool, field: &str, reason: impl FnOnce() -> String) -> Result<()> {
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidDataset {
            field: field.to_string(),
            reason: reason(),
        })
    }
}

fn positive(x: f64, field: &str) -> Result<()> {
    check(x.is_finite() && x > 0.0, field, || {
        format!("is {x}; use a finite positive value")
    })
}

fn fraction(x: f64, field: &str) -> Result<()> {
    check(x.is_finite() && (0.0..=1.0).contains(&x), field, || {
        format!("is {x}; use a fraction between 0 and 1")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_configurations_have_the_spec_shapes() {
        let d = CalorimeterConfig::default_small();
        d.validate().unwrap();
        assert_eq!(d.image_shape(), [14, 7, 4]);
        let f = CalorimeterConfig::full();
        f.validate().unwrap();
        assert_eq!(f.image_shape(), [56, 11, 4]);
        assert_eq!(f.image_len(), 56 * 11 * 4);
        assert_eq!(CalorimeterConfig::default(), d);
    }

    #[test]
    fn invalid_fields_are_named() {
        let mut c = CalorimeterConfig::default_small();
        c.grid.strips_per_cell = 3;
        let e = c.validate().unwrap_err().to_string();
        assert!(
            e.contains("grid.strips_per_cell") && e.contains("1, 2, 4 or 8"),
            "{e}"
        );

        let mut c = CalorimeterConfig::default_small();
        c.spectrum = Spectrum::LogUniform {
            min_gev: 50.0,
            max_gev: 10.0,
        };
        let e = c.validate().unwrap_err().to_string();
        assert!(e.contains("spectrum.max_gev"), "{e}");

        let mut c = CalorimeterConfig::default_small();
        c.noise_gev[2] = f64::NAN;
        assert!(
            c.validate()
                .unwrap_err()
                .to_string()
                .contains("noise_gev[2]")
        );

        let mut c = CalorimeterConfig::default_small();
        c.crack_fraction = 1.5;
        assert!(
            c.validate()
                .unwrap_err()
                .to_string()
                .contains("crack_fraction")
        );
    }

    #[test]
    fn serde_round_trip() {
        let c = CalorimeterConfig::full();
        let s = serde_json::to_string(&c).unwrap();
        let back: CalorimeterConfig = serde_json::from_str(&s).unwrap();
        assert_eq!(back, c);
        assert!(s.contains("\"kind\":\"log_uniform\""), "{s}");
    }
}
