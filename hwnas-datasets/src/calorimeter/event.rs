//! One event: the per-event algorithm of spec §4.1 and the truth record it keeps.

use serde::{Deserialize, Serialize};

use super::N_LAYERS;
use super::config::{CalorimeterConfig, ParticleKind, Spectrum};
use super::detector::Readout;
use super::lateral::RadialProfile;
use super::longitudinal::ProfileDistribution;
use super::rng::{Purpose, Rng};
use hwnas_core::rng::Random;

/// The particle an event shot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Particle {
    /// An electron.
    Electron,
    /// A photon.
    Photon,
}

/// Everything the generator knows about one event (for diagnostics, tests and extra targets).
///
/// Energies in GeV, depths in X₀. Energy bookkeeping before sampling and noise:
/// `dead + Σ layer_deposit + leakage = energy` and
/// `Σ layer_in_window + lateral_out = Σ layer_deposit`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Truth {
    /// The particle.
    pub particle: Particle,
    /// True energy E (GeV), the regression target.
    pub energy: f64,
    /// Pseudorapidity (used for the spectrum; informational).
    pub eta: f64,
    /// Impact point in middle-cell units from the window corner, `[η, φ]`.
    pub impact: [f64; 2],
    /// Upstream material in front of the presampler, crack extra included (X₀).
    pub x_upstream: f64,
    /// Whether the event hit a crack.
    pub crack: bool,
    /// Shower origin (X₀ from the front of the upstream material): 0 for electrons, the
    /// conversion depth for photons.
    pub shower_start: f64,
    /// Depth of the shower maximum T (X₀ from the shower origin).
    pub t_max: f64,
    /// Profile shape α.
    pub alpha: f64,
    /// Energy deposited in each sampling's depth (presampler, strips, middle, back), window or
    /// not, inactive crack part included.
    pub layer_deposit: [f64; N_LAYERS],
    /// Part of `layer_deposit` inside the window.
    pub layer_in_window: [f64; N_LAYERS],
    /// Visible (calibrated) energy per sampling inside the window, before noise.
    pub layer_visible: [f64; N_LAYERS],
    /// Energy lost in the upstream (dead) material.
    pub dead: f64,
    /// Energy leaking behind the back layer.
    pub leakage: f64,
    /// Deposited energy outside the window (all samplings).
    pub lateral_out: f64,
    /// Middle-layer deposit lost in the inactive part of a crack.
    pub crack_loss: f64,
    /// Total electronic noise added to the image (GeV).
    pub noise: f64,
}

/// One generated event: image, target and truth.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Global index of the event (its RNG stream).
    pub index: u64,
    /// Cell energies in GeV, channels last: `[eta][phi][layer]`, `layer` = presampler, strips,
    /// middle, back; value `(e * n_phi + p) * 4 + layer`.
    pub image: Vec<f32>,
    /// The target: true energy in GeV.
    pub target: f32,
    /// The truth record.
    pub truth: Truth,
}

/// Simulates event `index` of data set `seed` into `image` (length `cfg.image_len()`, every
/// value overwritten) and returns its truth. `cfg` must be valid.
pub(super) fn simulate(
    cfg: &CalorimeterConfig,
    readout: &Readout,
    seed: u64,
    index: u64,
    image: &mut [f32],
) -> Truth {
    let fx = &cfg.effects;

    // 1. Kinematics: particle, energy, η, impact point.
    let mut kin = Rng::for_event(seed, index, Purpose::Kinematics);
    let particle = match cfg.particle {
        ParticleKind::Electron => Particle::Electron,
        ParticleKind::Photon => Particle::Photon,
        ParticleKind::Mixed => {
            if kin.uniform() < 0.5 {
                Particle::Electron
            } else {
                Particle::Photon
            }
        }
    };
    let (energy, eta) = match cfg.spectrum {
        Spectrum::LogUniform { min_gev, max_gev } => {
            let e = (min_gev.ln() + (max_gev / min_gev).ln() * kin.uniform()).exp();
            (e, kin.uniform_range(0.0, 1.4))
        }
        Spectrum::ZeeEndcap => {
            let et = loop {
                let et = 40.0 + 8.0 * kin.normal();
                if et > 20.0 {
                    break et;
                }
            };
            let eta = kin.uniform_range(1.6, 2.5);
            (et * eta.cosh(), eta)
        }
        Spectrum::Fixed { energy_gev } => (energy_gev, 0.7),
    };
    let centre = [
        (cfg.grid.eta_cells / 2) as f64,
        (cfg.grid.phi_cells / 2) as f64,
    ];
    let (u_eta, u_phi) = (kin.uniform(), kin.uniform());
    let impact = if fx.impact_spread {
        [centre[0] + u_eta, centre[1] + u_phi]
    } else {
        [centre[0] + 0.5, centre[1] + 0.5]
    };

    // 2. Material: upstream X₀, crack flag, photon conversion depth (always drawn, so that
    //    switches never shift the other draws).
    let mut mat = Rng::for_event(seed, index, Purpose::Material);
    let u_up = mat.uniform();
    let u_crack = mat.uniform();
    let conversion = mat.exponential(9.0 / 7.0);
    let crack = fx.cracks && u_crack < cfg.crack_fraction;
    let mut x_upstream = if fx.upstream_material {
        cfg.upstream_x0[0] + (cfg.upstream_x0[1] - cfg.upstream_x0[0]) * u_up
    } else {
        0.0
    };
    if crack {
        x_upstream += cfg.crack_extra_x0;
    }
    let shower_start = match particle {
        Particle::Electron => 0.0,
        Particle::Photon => conversion,
    };

    // 3. Longitudinal parameters.
    let mut sh = Rng::for_event(seed, index, Purpose::Shower);
    let (z1, z2) = (sh.normal(), sh.normal());
    let dist = ProfileDistribution::new(&cfg.medium, energy);
    let profile = if fx.shower_fluctuations {
        dist.sample(z1, z2)
    } else {
        dist.sample(0.0, 0.0)
    };

    // 4. Layer deposits from incomplete-gamma differences (depths in shower coordinates).
    let mut depth = cfg.layers.as_array();
    if !fx.presampler {
        depth[0] = 0.0;
    }
    let mut bounds = [0.0f64; N_LAYERS + 1];
    bounds[0] = x_upstream;
    for l in 0..N_LAYERS {
        bounds[l + 1] = bounds[l] + depth[l];
    }
    if !fx.longitudinal_leakage {
        bounds[N_LAYERS] = f64::INFINITY;
    }
    let s: [f64; N_LAYERS + 1] = bounds.map(|b| (b - shower_start).max(0.0));
    let cum = s.map(|t| profile.cumulative(t));
    let dead = energy * cum[0];
    let leakage = energy * (1.0 - cum[N_LAYERS]);
    let mut layer_deposit = [0.0; N_LAYERS];
    let mut mean_depth = [0.0; N_LAYERS];
    for l in 0..N_LAYERS {
        layer_deposit[l] = energy * (cum[l + 1] - cum[l]).max(0.0);
        mean_depth[l] = profile.mean_depth(s[l], s[l + 1]);
    }
    let crack_loss = if crack {
        cfg.crack_inactive_middle * layer_deposit[2]
    } else {
        0.0
    };

    // 5. Visible energy per layer: sampling fluctuations and depth-dependent response.
    let mut samp = Rng::for_event(seed, index, Purpose::Sampling);
    let a2 = cfg.stochastic_term * cfg.stochastic_term;
    let mut visible = [0.0; N_LAYERS];
    visible[0] = cfg.presampler_scale * layer_deposit[0];
    for l in 1..N_LAYERS {
        let active = layer_deposit[l] - if l == 2 { crack_loss } else { 0.0 };
        let mut v = active;
        if fx.sampling_fluctuations && a2 > 0.0 && active > 0.0 {
            v = samp.gamma(active / a2, a2);
        }
        if fx.depth_response {
            v *= (1.0 - cfg.depth_response_slope * mean_depth[l] / 20.0).max(0.0);
        }
        visible[l] = v;
    }

    // 6. Lateral spots on the grid; 7. readout with noise and upsampling.
    let n_eta = cfg.grid.n_eta();
    let n_phi = cfg.grid.n_phi();
    let s_eta = cfg.grid.strips_per_cell as f64;
    let rm = cfg.medium.moliere_radius_cells;
    let n_spots = cfg.spots_per_layer;
    let mut lat = Rng::for_event(seed, index, Purpose::Lateral);
    let layer_seeds: [u64; N_LAYERS] = std::array::from_fn(|_| lat.next_u64());
    let mut noise_base = Rng::for_event(seed, index, Purpose::Noise);
    let noise_seeds: [u64; N_LAYERS] = std::array::from_fn(|_| noise_base.next_u64());
    let mut counts = vec![0u32; n_eta * n_phi];
    let mut fine = vec![0f64; n_eta * n_phi];
    let mut layer_in_window = [0.0; N_LAYERS];
    let mut layer_visible = [0.0; N_LAYERS];
    let mut lateral_out = 0.0;
    let mut noise_total = 0.0;
    for l in 0..N_LAYERS {
        counts.iter_mut().for_each(|c| *c = 0);
        let mut out = 0u32;
        if layer_deposit[l] > 0.0 {
            let mut rng = Rng::seed_from_u64(layer_seeds[l]);
            let tau = mean_depth[l] / profile.t_max;
            let radial = RadialProfile::new(&cfg.medium, energy, tau);
            for _ in 0..n_spots {
                let r = rm * radial.sample_radius(&mut rng);
                let (sin, cos) = (std::f64::consts::TAU * rng.uniform()).sin_cos();
                let e = ((impact[0] + r * cos) * s_eta).floor();
                let p = (impact[1] + r * sin).floor();
                let inside = e >= 0.0 && p >= 0.0 && e < n_eta as f64 && p < n_phi as f64;
                if inside || !fx.lateral_leakage {
                    let e = e.clamp(0.0, (n_eta - 1) as f64) as usize;
                    let p = p.clamp(0.0, (n_phi - 1) as f64) as usize;
                    counts[e * n_phi + p] += 1;
                } else {
                    out += 1;
                }
            }
        }
        let in_frac = 1.0 - out as f64 / n_spots as f64;
        layer_in_window[l] = layer_deposit[l] * in_frac;
        lateral_out += layer_deposit[l] - layer_in_window[l];
        layer_visible[l] = visible[l] * in_frac;
        let per_spot = visible[l] / n_spots as f64;
        for (f, &c) in fine.iter_mut().zip(&counts) {
            *f = c as f64 * per_spot;
        }
        let sigma = if fx.noise && (l != 0 || fx.presampler) {
            cfg.noise_gev[l]
        } else {
            0.0
        };
        let mut noise_rng = Rng::seed_from_u64(noise_seeds[l]);
        noise_total += readout.read_out(l, &fine, sigma, &mut noise_rng, image);
    }

    Truth {
        particle,
        energy,
        eta,
        impact,
        x_upstream,
        crack,
        shower_start,
        t_max: profile.t_max,
        alpha: profile.alpha,
        layer_deposit,
        layer_in_window,
        layer_visible,
        dead,
        leakage,
        lateral_out,
        crack_loss,
        noise: noise_total,
    }
}
