//! Seeded random streams: the library's xoshiro256++ ([`hwnas_core::rng`]), one independent stream
//! per (seed, event index, purpose), plus the Gamma and Poisson samplers the simulator needs.
//!
//! Giving every *purpose* (kinematics, material, shower shape, sampling, lateral spots, noise)
//! its own stream means that switching one effect off never shifts the random numbers of another:
//! an ablation compares the very same showers with and without the effect.

use super::special::ln_gamma;
use hwnas_core::rng::{GOLDEN, Random, Xoshiro256pp, mix64};

/// What an event stream is used for; each purpose gets an independent stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Particle type, energy, η, impact point.
    Kinematics = 1,
    /// Upstream material, crack flag, photon conversion depth.
    Material = 2,
    /// Fluctuations of the longitudinal shower parameters (T, α).
    Shower = 3,
    /// Sampling fluctuations of the layer energies.
    Sampling = 4,
    /// Lateral spot positions.
    Lateral = 5,
    /// Electronic noise per native cell.
    Noise = 6,
}

/// The simulator's random stream: [`Xoshiro256pp`] (the library's generator, see
/// [`hwnas_core::rng`]) with the Gamma and Poisson samplers the physics needs; the other samplers
/// come from [`Random`].
///
/// ```
/// use hwnas_datasets::calorimeter::rng::{Purpose, Rng};
/// use hwnas_core::rng::Random;
/// let mut a = Rng::for_event(7, 42, Purpose::Noise);
/// let mut b = Rng::for_event(7, 42, Purpose::Noise);
/// assert_eq!(a.next_u64(), b.next_u64());
/// ```
#[derive(Debug, Clone)]
pub struct Rng(Xoshiro256pp);

impl Random for Rng {
    fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }
}

impl Rng {
    /// A generator seeded from one 64-bit value (expanded with SplitMix64).
    pub fn seed_from_u64(seed: u64) -> Self {
        Rng(Xoshiro256pp::seed_from_u64(seed))
    }

    /// The stream of event `index` for `purpose` under the data-set `seed`.
    ///
    /// Streams of different (seed, index, purpose) triples are statistically independent.
    pub fn for_event(seed: u64, index: u64, purpose: Purpose) -> Self {
        let k = mix64(seed ^ 0x6a09_e667_f3bc_c908);
        let k = mix64(k ^ index.wrapping_mul(GOLDEN));
        let k = mix64(k ^ (purpose as u64).wrapping_mul(0xd1b5_4a32_d192_ed03));
        Self::seed_from_u64(k)
    }

    /// Gamma(shape, scale) (Marsaglia & Tsang 2000; shape < 1 by the `U^{1/shape}` boost).
    ///
    /// Returns 0 for a non-positive or non-finite shape or scale.
    pub fn gamma(&mut self, shape: f64, scale: f64) -> f64 {
        if !(shape > 0.0 && scale > 0.0 && shape.is_finite() && scale.is_finite()) {
            return 0.0;
        }
        if shape < 1.0 {
            let g = self.gamma(shape + 1.0, scale);
            return g * self.uniform_open().powf(1.0 / shape);
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let (x, v) = loop {
                let x = self.normal();
                let v = 1.0 + c * x;
                if v > 0.0 {
                    break (x, v * v * v);
                }
            };
            let u = self.uniform_open();
            let x2 = x * x;
            if u < 1.0 - 0.0331 * x2 * x2 || u.ln() < 0.5 * x2 + d * (1.0 - v + v.ln()) {
                return d * v * scale;
            }
        }
    }

    /// Poisson(`lambda`): multiplication method below 30, PTRS transformed rejection (Hörmann
    /// 1993) above. Returns 0 for a non-positive or non-finite mean.
    pub fn poisson(&mut self, lambda: f64) -> u64 {
        if !(lambda > 0.0 && lambda.is_finite()) {
            return 0;
        }
        if lambda < 30.0 {
            let limit = (-lambda).exp();
            let mut k = 0u64;
            let mut p = self.uniform();
            while p > limit {
                k += 1;
                p *= self.uniform();
            }
            return k;
        }
        let slam = lambda.sqrt();
        let loglam = lambda.ln();
        let b = 0.931 + 2.53 * slam;
        let a = -0.059 + 0.02483 * b;
        let inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
        let vr = 0.9277 - 3.6224 / (b - 2.0);
        loop {
            let u = self.uniform() - 0.5;
            let v = self.uniform_open();
            let us = 0.5 - u.abs();
            let k = ((2.0 * a / us + b) * u + lambda + 0.43).floor();
            if us >= 0.07 && v <= vr {
                return k as u64;
            }
            if k < 0.0 || (us < 0.013 && v > us) {
                continue;
            }
            if v.ln() + inv_alpha.ln() - (a / (us * us) + b).ln()
                <= -lambda + k * loglam - ln_gamma(k + 1.0)
            {
                return k as u64;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mean_var(xs: &[f64]) -> (f64, f64) {
        let n = xs.len() as f64;
        let m = xs.iter().sum::<f64>() / n;
        let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0);
        (m, v)
    }

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<u64> = {
            let mut r = Rng::for_event(1, 5, Purpose::Lateral);
            (0..4).map(|_| r.next_u64()).collect()
        };
        let mut r = Rng::for_event(1, 5, Purpose::Lateral);
        assert_eq!(a, (0..4).map(|_| r.next_u64()).collect::<Vec<_>>());
        for (seed, index, purpose) in [
            (2, 5, Purpose::Lateral),
            (1, 6, Purpose::Lateral),
            (1, 5, Purpose::Noise),
        ] {
            let mut o = Rng::for_event(seed, index, purpose);
            assert_ne!(a[0], o.next_u64());
        }
    }

    // Moment tests: n = 200k draws; tolerances are 5 standard errors of the estimator.
    const N: usize = 200_000;

    #[test]
    fn uniform_and_normal_moments() {
        let mut r = Rng::seed_from_u64(11);
        let u: Vec<f64> = (0..N).map(|_| r.uniform()).collect();
        let (m, v) = mean_var(&u);
        assert!((m - 0.5).abs() < 5.0 * (1.0 / 12.0 / N as f64).sqrt());
        assert!((v - 1.0 / 12.0).abs() < 0.002);
        let z: Vec<f64> = (0..N).map(|_| r.normal()).collect();
        let (m, v) = mean_var(&z);
        assert!(m.abs() < 5.0 / (N as f64).sqrt(), "mean {m}");
        assert!((v - 1.0).abs() < 5.0 * (2.0 / N as f64).sqrt(), "var {v}");
        let within1 = z.iter().filter(|x| x.abs() < 1.0).count() as f64 / N as f64;
        assert!((within1 - 0.682_689_492).abs() < 0.005);
    }

    #[test]
    fn log_normal_and_exponential_moments() {
        let mut r = Rng::seed_from_u64(12);
        let (mu, s) = (0.3, 0.4);
        let x: Vec<f64> = (0..N).map(|_| r.log_normal(mu, s)).collect();
        let (m, _) = mean_var(&x);
        let expect = (mu + s * s / 2.0).exp();
        assert!((m / expect - 1.0).abs() < 0.005, "{m} vs {expect}");
        let e: Vec<f64> = (0..N).map(|_| r.exponential(9.0 / 7.0)).collect();
        let (m, v) = mean_var(&e);
        assert!((m / (9.0 / 7.0) - 1.0).abs() < 0.012);
        assert!((v / (81.0 / 49.0) - 1.0).abs() < 0.03);
    }

    #[test]
    fn gamma_moments() {
        // Gamma(k, θ): mean kθ, variance kθ².
        let mut r = Rng::seed_from_u64(13);
        for (k, theta) in [(0.4, 2.0), (1.0, 1.0), (3.7, 0.5), (1.0e4, 1.0e-2)] {
            let x: Vec<f64> = (0..N).map(|_| r.gamma(k, theta)).collect();
            let (m, v) = mean_var(&x);
            let sd_mean = (k * theta * theta / N as f64).sqrt();
            assert!((m - k * theta).abs() < 5.0 * sd_mean, "k {k}: mean {m}");
            assert!(
                (v / (k * theta * theta) - 1.0).abs() < 0.04,
                "k {k}: var {v}"
            );
            assert!(x.iter().all(|&g| g >= 0.0));
        }
        assert_eq!(r.gamma(0.0, 1.0), 0.0);
        assert_eq!(r.gamma(1.0, f64::NAN), 0.0);
    }

    #[test]
    fn poisson_moments() {
        let mut r = Rng::seed_from_u64(14);
        for lambda in [0.7, 3.0, 29.0, 31.0, 250.0] {
            let x: Vec<f64> = (0..N).map(|_| r.poisson(lambda) as f64).collect();
            let (m, v) = mean_var(&x);
            assert!(
                (m - lambda).abs() < 5.0 * (lambda / N as f64).sqrt(),
                "λ {lambda}: mean {m}"
            );
            assert!((v / lambda - 1.0).abs() < 0.03, "λ {lambda}: var {v}");
        }
        // P(0) for λ = 3 is e^{-3}.
        let zeros = (0..N).filter(|_| r.poisson(3.0) == 0).count() as f64 / N as f64;
        assert!((zeros - (-3f64).exp()).abs() < 0.003);
        assert_eq!(r.poisson(-1.0), 0);
    }
}
