//! Longitudinal shower profile: the Gamma-function ansatz with per-shower, correlated log-normal
//! parameters (Grindhammer & Peters, hep-ex/0001020, as in Geant4 GFlash; spec §3.2), and energy
//! deposits between two depths from the regularised incomplete gamma function.
//!
//! With depth `t` in X₀ from the shower origin, `(1/E) dE/dt = β (βt)^{α−1} e^{−βt} / Γ(α)`,
//! `T = (α−1)/β` the depth of maximum. The fraction of the energy deposited in `[t₁, t₂]` is
//! `P(α, βt₂) − P(α, βt₁)`.

use super::config::Medium;
use super::special::gamma_p;

/// The log-normal distribution of (T, α) for one energy in one medium (sampling-calorimeter
/// parameterisation of spec §3.2).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProfileDistribution {
    /// ⟨ln T⟩.
    pub mean_ln_t: f64,
    /// σ(ln T), clamped to at most 0.5 as GFlash does.
    pub sigma_ln_t: f64,
    /// ⟨ln α⟩.
    pub mean_ln_alpha: f64,
    /// σ(ln α), clamped to at most 0.5.
    pub sigma_ln_alpha: f64,
    /// Correlation ρ(ln T, ln α), clamped to [−1, 1].
    pub rho: f64,
}

impl ProfileDistribution {
    /// The distribution for a shower of `energy_gev` in `medium`.
    ///
    /// `⟨ln T⟩ = ln(T_hom − 0.55/F_s − 0.69(1−ê))` with `T_hom = ln y − 0.812`,
    /// `⟨ln α⟩ = ln(α_hom − 0.476/F_s)` with `α_hom = 0.81 + (0.458 + 2.26/Z) ln y`,
    /// `y = E/E_c`; widths and correlation from the sampling column of the spec table.
    pub fn new(medium: &Medium, energy_gev: f64) -> Self {
        let ln_y = (energy_gev / medium.critical_energy_gev).max(1.0001).ln();
        let t_hom = ln_y - 0.812;
        let t_sam = t_hom - 0.55 / medium.sampling_frequency - 0.69 * (1.0 - medium.e_hat);
        let a_hom = 0.81 + (0.458 + 2.26 / medium.z_eff) * ln_y;
        let a_sam = a_hom - 0.476 / medium.sampling_frequency;
        let sigma = |d: f64| if d > 2.0 { (1.0 / d).min(0.5) } else { 0.5 };
        Self {
            mean_ln_t: t_sam.max(1.0).ln(),
            sigma_ln_t: sigma(-2.5 + 1.25 * ln_y),
            mean_ln_alpha: a_sam.max(1.1).ln(),
            sigma_ln_alpha: sigma(-0.82 + 0.79 * ln_y),
            rho: (0.784 - 0.023 * ln_y).clamp(-1.0, 1.0),
        }
    }

    /// The parameters for two standard-normal draws `z1`, `z2` (GFlash recipe:
    /// `ln T = ⟨ln T⟩ + σ_T(√((1+ρ)/2) z₁ + √((1−ρ)/2) z₂)`,
    /// `ln α = ⟨ln α⟩ + σ_α(√((1+ρ)/2) z₁ − √((1−ρ)/2) z₂)`), clamped to `T ≥ 1`, `α ≥ 1.1`.
    /// `z1 = z2 = 0` gives the central (median) shower.
    pub fn sample(&self, z1: f64, z2: f64) -> ShowerProfile {
        let c1 = ((1.0 + self.rho) / 2.0).sqrt();
        let c2 = ((1.0 - self.rho) / 2.0).sqrt();
        let t = (self.mean_ln_t + self.sigma_ln_t * (c1 * z1 + c2 * z2)).exp();
        let alpha = (self.mean_ln_alpha + self.sigma_ln_alpha * (c1 * z1 - c2 * z2)).exp();
        ShowerProfile::new(t.max(1.0), alpha.max(1.1))
    }
}

/// One shower's longitudinal profile.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShowerProfile {
    /// Depth of maximum T (X₀ from the shower origin).
    pub t_max: f64,
    /// Shape α.
    pub alpha: f64,
    /// Scale β = (α − 1)/T (1/X₀).
    pub beta: f64,
}

impl ShowerProfile {
    /// A profile from its depth of maximum and shape (`t_max > 0`, `alpha > 1`).
    pub fn new(t_max: f64, alpha: f64) -> Self {
        Self {
            t_max,
            alpha,
            beta: (alpha - 1.0) / t_max,
        }
    }

    /// Fraction of the energy deposited before depth `t` (X₀ from the origin): `P(α, βt)`.
    pub fn cumulative(&self, t: f64) -> f64 {
        if t <= 0.0 {
            0.0
        } else {
            gamma_p(self.alpha, self.beta * t)
        }
    }

    /// Energy-weighted mean depth of the deposit in `[t1, t2]` (X₀ from the origin):
    /// `(α/β) [P(α+1, βt₂) − P(α+1, βt₁)] / [P(α, βt₂) − P(α, βt₁)]`; the middle of the interval
    /// when it holds (numerically) no energy.
    pub fn mean_depth(&self, t1: f64, t2: f64) -> f64 {
        let t1 = t1.max(0.0);
        let t2 = t2.max(t1);
        let frac = self.cumulative(t2) - self.cumulative(t1);
        let p1 = |t: f64| {
            if t <= 0.0 {
                0.0
            } else {
                gamma_p(self.alpha + 1.0, self.beta * t)
            }
        };
        if frac > 1e-12 {
            let m = self.alpha / self.beta * (p1(t2) - p1(t1)) / frac;
            if t2.is_finite() {
                m.clamp(t1, t2)
            } else {
                m.max(t1)
            }
        } else if t2.is_finite() {
            0.5 * (t1 + t2)
        } else {
            t1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calorimeter::CalorimeterConfig;

    fn medium() -> Medium {
        CalorimeterConfig::default_small().medium
    }

    #[test]
    fn central_values_match_the_spec_formulas() {
        // Oracle: hand evaluation of the spec §3.2 formulas at 10 GeV, Z 66, E_c 10 MeV,
        // F_s 3.3, ê 0.69: ln y = 6.9078, T_sam = 5.715, α_sam = 4.066, σ_T = 0.1630,
        // σ_α = 0.2157, ρ = 0.6251.
        let d = ProfileDistribution::new(&medium(), 10.0);
        assert!(
            (d.mean_ln_t.exp() - 5.715).abs() < 2e-3,
            "{}",
            d.mean_ln_t.exp()
        );
        assert!((d.mean_ln_alpha.exp() - 4.066).abs() < 2e-3);
        assert!((d.sigma_ln_t - 0.1630).abs() < 1e-3);
        assert!((d.sigma_ln_alpha - 0.2157).abs() < 1e-3);
        assert!((d.rho - 0.6251).abs() < 1e-3);
        let p = d.sample(0.0, 0.0);
        assert!((p.beta - (p.alpha - 1.0) / p.t_max).abs() < 1e-15);
    }

    #[test]
    fn profile_integrates_to_one_and_mean_depth_is_alpha_over_beta() {
        let p = ShowerProfile::new(7.4, 4.9);
        assert_eq!(p.cumulative(0.0), 0.0);
        assert!((p.cumulative(f64::INFINITY) - 1.0).abs() < 1e-15);
        // Mean depth of the whole shower: α/β (Gamma mean).
        assert!((p.mean_depth(0.0, f64::INFINITY) - p.alpha / p.beta).abs() < 1e-9);
        // Numerical integral of t·f(t) over [3, 9] agrees with the closed form.
        let (t1, t2, n) = (3.0, 9.0, 20_000);
        let h = (t2 - t1) / n as f64;
        let lg = super::super::special::ln_gamma(p.alpha);
        let f =
            |t: f64| (p.beta.ln() + (p.alpha - 1.0) * (p.beta * t).ln() - p.beta * t - lg).exp();
        let (mut num, mut den) = (0.0, 0.0);
        for i in 0..n {
            let t = t1 + (i as f64 + 0.5) * h;
            num += t * f(t) * h;
            den += f(t) * h;
        }
        assert!((den - (p.cumulative(t2) - p.cumulative(t1))).abs() < 1e-7);
        assert!((p.mean_depth(t1, t2) - num / den).abs() < 1e-6);
    }
}
