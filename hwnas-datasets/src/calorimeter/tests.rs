//! Generator-level tests: spec §4.4, determinism, effect switches, energy closure, difficulty.
//! Each test names its oracle and tolerance.

use super::*;

fn small(n_train: u64) -> CalorimeterConfig {
    let mut c = CalorimeterConfig::default_small();
    c.splits.train = n_train;
    c
}

fn fixed(energy_gev: f64) -> CalorimeterConfig {
    let mut c = CalorimeterConfig::default_small();
    c.spectrum = Spectrum::Fixed { energy_gev };
    c
}

fn bits(image: &[f32]) -> Vec<u32> {
    image.iter().map(|x| x.to_bits()).collect()
}

#[test]
fn same_seed_and_index_give_identical_bits() {
    let g = Generator::new(CalorimeterConfig::default_small(), 7).unwrap();
    let a = g.event(123);
    let b = g.event(123);
    assert_eq!(bits(&a.image), bits(&b.image));
    assert_eq!(a.truth, b.truth);
    assert_ne!(bits(&a.image), bits(&g.event(124).image));
    let other_seed = Generator::new(CalorimeterConfig::default_small(), 8).unwrap();
    assert_ne!(bits(&a.image), bits(&other_seed.event(123).image));
    // A full-size event too.
    let f = Generator::new(CalorimeterConfig::full(), 7).unwrap();
    assert_eq!(bits(&f.event(5).image), bits(&f.event(5).image));
    assert_eq!(f.event(5).image.len(), 56 * 11 * 4);
}

#[test]
fn thread_count_and_chunking_do_not_change_results() {
    let g = Generator::new(CalorimeterConfig::default_small(), 3).unwrap();
    let one = g.generate(100..401, 1).unwrap();
    let three = g.generate(100..401, 3).unwrap();
    let many = g.generate(100..401, 16).unwrap();
    assert_eq!(bits(one.images()), bits(three.images()));
    assert_eq!(bits(one.images()), bits(many.images()));
    assert_eq!(one.truth(), three.truth());
    let mut streamed: Option<Dataset> = None;
    let chunks = g.chunks(100..401, 64, 2).unwrap();
    assert_eq!(chunks.size_hint(), (5, Some(5)));
    for c in chunks {
        assert!(c.len() <= 64);
        match &mut streamed {
            None => streamed = Some(c),
            Some(s) => s.append(c).unwrap(),
        }
    }
    let streamed = streamed.unwrap();
    assert_eq!(streamed.first_index(), 100);
    assert_eq!(bits(streamed.images()), bits(one.images()));
    // Event i regenerated alone equals its slot in the data set.
    assert_eq!(bits(&g.event(250).image), bits(one.image(150)));
    assert_eq!(one.targets()[150], g.event(250).target);
    // Sequential iterator agrees too.
    let e: Vec<Event> = g.events(100..103).collect();
    assert_eq!(e[2], one.event(2));
    assert!(g.chunks(0..10, 0, 1).is_err());
}

#[test]
fn splits_are_consecutive_index_ranges() {
    let g = Generator::new(small(30), 1).unwrap();
    assert_eq!(g.split_range(Split::Train), 0..30);
    assert_eq!(g.split_range(Split::Val), 30..5030);
    assert_eq!(g.split_range(Split::Test), 5030..15030);
    let train = g.split(Split::Train, 2).unwrap();
    assert_eq!(train.len(), 30);
    assert!(train.targets().iter().all(|&e| (10.0..=500.0).contains(&e)));
}

#[test]
fn invalid_config_is_an_error_naming_the_field() {
    let mut c = CalorimeterConfig::default_small();
    c.stochastic_term = -0.1;
    let e = Generator::new(c, 0).unwrap_err().to_string();
    assert!(e.contains("stochastic_term"), "{e}");
}

/// Mean of (T, α) and of the energy fractions over `n` showers at fixed energy,
/// `X_up = 2.5 X₀`, no cracks.
fn profile_means(energy: f64, n: u64) -> (f64, f64, [f64; 6]) {
    let mut c = fixed(energy);
    c.upstream_x0 = [2.5, 2.5];
    c.effects.cracks = false;
    c.spots_per_layer = 10;
    let g = Generator::new(c, 11).unwrap();
    let d = g.generate(0..n, 0).unwrap();
    let (mut t, mut a, mut f) = (0.0, 0.0, [0.0; 6]);
    for tr in d.truth() {
        t += tr.t_max;
        a += tr.alpha;
        let parts = [
            tr.dead,
            tr.layer_deposit[0],
            tr.layer_deposit[1],
            tr.layer_deposit[2],
            tr.layer_deposit[3],
            tr.leakage,
        ];
        for (acc, p) in f.iter_mut().zip(parts) {
            *acc += p / energy;
        }
    }
    let n = n as f64;
    (t / n, a / n, f.map(|x| x / n))
}

#[test]
fn shower_parameters_and_layer_fractions_match_the_spec_table() {
    // Oracle: spec §3.2 table (Pb/LAr recipe, 2.5 X₀ upstream): E, ⟨T⟩, ⟨α⟩ and the fractions
    // dead / PS / L1 / L2 / L3 / leak. Tolerances: ⟨T⟩, ⟨α⟩ within 3 % (the table is a 3-digit
    // prototype result; our statistical error at n = 4000 is < 0.5 %); fractions within 0.03
    // absolute for L1/L2 (event rms 5–10 %, and the prototype's layer boundaries are not stated
    // to better than that) and within 0.01 for the small ones.
    let table = [
        (10.0, 5.79, 4.16, [0.049, 0.004, 0.43, 0.51, 0.002, 0.002]),
        (50.0, 7.39, 4.93, [0.016, 0.002, 0.30, 0.67, 0.004, 0.005]),
        (200.0, 8.76, 5.60, [0.006, 0.001, 0.21, 0.77, 0.008, 0.009]),
        (500.0, 9.67, 6.04, [0.003, 0.000, 0.15, 0.82, 0.012, 0.014]),
    ];
    for (e, t_ref, a_ref, f_ref) in table {
        let (t, a, f) = profile_means(e, 4000);
        assert!((t / t_ref - 1.0).abs() < 0.03, "E {e}: <T> {t} vs {t_ref}");
        assert!(
            (a / a_ref - 1.0).abs() < 0.03,
            "E {e}: <alpha> {a} vs {a_ref}"
        );
        // ⟨T⟩ tracks ln(E/E_c) − 0.5 within 0.7 X₀ (spec §4.4).
        let pdg = (e / 0.010f64).ln() - 0.5;
        assert!((t - pdg).abs() < 0.7, "E {e}: <T> {t} vs PDG {pdg}");
        for (k, (got, want)) in f.iter().zip(f_ref).enumerate() {
            let tol = if k == 2 || k == 3 { 0.03 } else { 0.01 };
            assert!(
                (got - want).abs() < tol,
                "E {e}: fraction {k}: {got} vs {want}"
            );
        }
    }
}

#[test]
fn energy_closure_before_sampling_and_noise() {
    // Oracle: conservation. Σ deposits + dead + leakage = E and
    // Σ in-window + lateral-out = Σ deposits, to rounding (1e-9 relative).
    for particle in [ParticleKind::Electron, ParticleKind::Photon] {
        let mut c = CalorimeterConfig::default_small();
        c.particle = particle;
        let g = Generator::new(c, 5).unwrap();
        let d = g.generate(0..500, 0).unwrap();
        for t in d.truth() {
            let dep: f64 = t.layer_deposit.iter().sum();
            assert!((dep + t.dead + t.leakage - t.energy).abs() < 1e-9 * t.energy);
            let inside: f64 = t.layer_in_window.iter().sum();
            assert!((inside + t.lateral_out - dep).abs() < 1e-9 * t.energy);
            assert!(t.dead >= 0.0 && t.leakage >= 0.0 && t.lateral_out >= 0.0);
        }
    }
    // With sampling, depth response, noise and cracks off (κ_PS = 1), the image holds exactly
    // the in-window deposits (f32 rounding: 1e-5 relative).
    let mut c = CalorimeterConfig::default_small();
    c.effects.sampling_fluctuations = false;
    c.effects.depth_response = false;
    c.effects.noise = false;
    c.effects.cracks = false;
    let g = Generator::new(c, 5).unwrap();
    let d = g.generate(0..300, 0).unwrap();
    for (i, t) in d.truth().iter().enumerate() {
        let sums = d.layer_sums(i);
        for (sum, inside) in sums.iter().zip(t.layer_in_window) {
            assert!((sum - inside).abs() < 1e-5 * t.energy + 1e-6);
        }
    }
}

/// Paired ablation: the same events with all effects on and with `off` applied.
fn paired(off: impl Fn(&mut Effects), n: u64) -> (Dataset, Dataset) {
    let on = Generator::new(CalorimeterConfig::default_small(), 21).unwrap();
    let mut c = CalorimeterConfig::default_small();
    off(&mut c.effects);
    let offg = Generator::new(c, 21).unwrap();
    (
        on.generate(0..n, 0).unwrap(),
        offg.generate(0..n, 0).unwrap(),
    )
}

#[test]
fn noise_switch() {
    let (on, off) = paired(|e| e.noise = false, 200);
    for i in 0..on.len() {
        let (a, b) = (on.truth()[i], off.truth()[i]);
        assert_eq!(
            (a.t_max, a.alpha, a.layer_visible),
            (b.t_max, b.alpha, b.layer_visible)
        );
        assert_eq!(b.noise, 0.0);
        assert!(a.noise != 0.0);
        assert!(off.image(i).iter().all(|&x| x >= 0.0));
        let diff: f64 = on.sums()[i] - off.sums()[i];
        assert!((diff - a.noise).abs() < 1e-3, "{diff} vs {}", a.noise);
    }
    // Window noise σ ≈ √(Σ cells σ²): PS 2 cells·0.03², strips 28·(0.01·2)², middle 49·0.03²,
    // back 28·0.02² (default 14×7 grid) → 0.260 GeV; tolerance 10 % (200 events: 5 % stat).
    let expect = (2.0 * 0.03f64.powi(2)
        + 28.0 * 0.02f64.powi(2)
        + 49.0 * 0.03f64.powi(2)
        + 28.0 * 0.02f64.powi(2))
    .sqrt();
    let rms = (on.truth().iter().map(|t| t.noise * t.noise).sum::<f64>() / 200.0).sqrt();
    assert!((rms / expect - 1.0).abs() < 0.1, "{rms} vs {expect}");
}

#[test]
fn upstream_and_crack_switches() {
    let (on, off) = paired(
        |e| {
            e.upstream_material = false;
            e.cracks = false
        },
        2000,
    );
    assert!(
        off.truth()
            .iter()
            .all(|t| t.dead == 0.0 && t.x_upstream == 0.0 && !t.crack)
    );
    let cracks = on.truth().iter().filter(|t| t.crack).count() as f64 / 2000.0;
    // Binomial: 0.06 ± 4·√(0.06·0.94/2000) = ± 0.021.
    assert!((cracks - 0.06).abs() < 0.021, "{cracks}");
    for t in on.truth() {
        assert!((1.5..=4.5 + 3.0).contains(&t.x_upstream) && t.dead > 0.0);
        if t.crack {
            assert!(t.x_upstream >= 4.5 && (t.crack_loss - 0.15 * t.layer_deposit[2]).abs() < 1e-9);
        } else {
            assert_eq!(t.crack_loss, 0.0);
        }
    }
}

#[test]
fn shower_fluctuation_switch() {
    let mut c = fixed(100.0);
    c.effects.shower_fluctuations = false;
    let d = Generator::new(c, 2).unwrap().generate(0..50, 1).unwrap();
    let t0 = d.truth()[0];
    assert!(
        d.truth()
            .iter()
            .all(|t| t.t_max == t0.t_max && t.alpha == t0.alpha)
    );
    let d = Generator::new(fixed(100.0), 2)
        .unwrap()
        .generate(0..50, 1)
        .unwrap();
    assert!(d.truth().iter().any(|t| t.t_max != d.truth()[0].t_max));
}

#[test]
fn leakage_and_impact_switches() {
    let (on, off) = paired(
        |e| {
            e.longitudinal_leakage = false;
            e.lateral_leakage = false;
            e.impact_spread = false
        },
        300,
    );
    assert!(
        on.truth()
            .iter()
            .all(|t| t.leakage > 0.0 && t.lateral_out > 0.0)
    );
    for t in off.truth() {
        assert_eq!(t.leakage, 0.0);
        assert_eq!(t.lateral_out, 0.0);
        assert_eq!(t.impact, [3.5, 3.5]);
    }
    assert!(
        on.truth()
            .iter()
            .all(|t| t.impact[0] >= 3.0 && t.impact[0] < 4.0)
    );
}

#[test]
fn sampling_depth_response_and_presampler_switches() {
    let (on, off) = paired(
        |e| {
            e.sampling_fluctuations = false;
            e.depth_response = false;
            e.presampler = false
        },
        200,
    );
    for i in 0..on.len() {
        let (a, b) = (on.truth()[i], off.truth()[i]);
        assert_eq!(b.layer_deposit[0], 0.0);
        assert!(off.image(i).chunks(N_LAYERS).all(|c| c[0] == 0.0));
        assert!(a.layer_deposit[0] > 0.0);
        // No sampling or response: visible = active in-window deposit.
        for l in 1..N_LAYERS {
            let active = b.layer_in_window[l] * if l == 2 && b.crack { 1.0 - 0.15 } else { 1.0 };
            assert!((b.layer_visible[l] - active).abs() < 1e-9 * b.energy);
        }
    }
    // Depth response alone: visible/active = 1 − 0.1·t̄/20 ∈ (0.85, 1) for the middle layer.
    let mut c = CalorimeterConfig::default_small();
    c.effects.sampling_fluctuations = false;
    c.effects.cracks = false;
    let d = Generator::new(c, 4).unwrap().generate(0..100, 0).unwrap();
    for t in d.truth() {
        let ratio = t.layer_visible[2] / t.layer_in_window[2];
        assert!(ratio > 0.85 && ratio < 1.0, "{ratio}");
    }
}

#[test]
fn photons_start_at_the_conversion_depth() {
    // Oracle: conversion depth ~ Exp(mean 9/7 X₀); 3000 events: σ_mean = 0.023, tolerance 0.1.
    let mut c = CalorimeterConfig::default_small();
    c.particle = ParticleKind::Photon;
    let d = Generator::new(c.clone(), 9)
        .unwrap()
        .generate(0..3000, 0)
        .unwrap();
    let mean = d.truth().iter().map(|t| t.shower_start).sum::<f64>() / 3000.0;
    assert!((mean - 9.0 / 7.0).abs() < 0.1, "{mean}");
    assert!(d.truth().iter().all(|t| t.particle == Particle::Photon));
    c.particle = ParticleKind::Mixed;
    let d = Generator::new(c, 9).unwrap().generate(0..1000, 0).unwrap();
    let photons = d
        .truth()
        .iter()
        .filter(|t| t.particle == Particle::Photon)
        .count();
    assert!((400..600).contains(&photons), "{photons}");
}

#[test]
fn zee_endcap_spectrum() {
    let mut c = CalorimeterConfig::default_small();
    c.spectrum = Spectrum::ZeeEndcap;
    let d = Generator::new(c, 9).unwrap().generate(0..1000, 0).unwrap();
    for t in d.truth() {
        assert!((1.6..2.5).contains(&t.eta));
        assert!(t.energy / t.eta.cosh() > 20.0);
    }
}

#[test]
fn resolution_without_systematics_is_the_stochastic_term() {
    // Spec §4.4: with noise, dead material, cracks and depth response off, σ_IQR(naive) ≈
    // a/√E ⊕ leakage term. Oracles: (1) with both leakages also off, σ_IQR = a/√E (a = 0.10),
    // tolerance 10 % (statistical error of σ_IQR at n = 3000 ≈ 3 %, plus the non-Gaussian
    // Gamma shape); (2) with leakage on, σ_IQR = a/√E ⊕ σ_IQR(contained fraction), the latter
    // measured from the truth record (longitudinal leakage + lateral spots out of the window),
    // tolerance 15 %.
    for e in [20.0, 100.0, 400.0] {
        for leakage in [false, true] {
            let mut c = fixed(e);
            c.effects.noise = false;
            c.effects.upstream_material = false;
            c.effects.cracks = false;
            c.effects.depth_response = false;
            c.effects.longitudinal_leakage = leakage;
            c.effects.lateral_leakage = leakage;
            let d = Generator::new(c, 13).unwrap().generate(0..3000, 0).unwrap();
            let naive = NaiveSum::fit_dataset(&d).unwrap();
            let s = sigma_iqr(&naive.predict_dataset(&d), d.targets()).unwrap();
            let a = 0.10 / e.sqrt();
            let contained: Vec<f64> = d
                .truth()
                .iter()
                .map(|t| t.layer_in_window.iter().sum::<f64>())
                .collect();
            let leak = sigma_iqr(&contained, &vec![e; contained.len()]).unwrap();
            let expect = if leakage { a.hypot(leak) } else { a };
            println!("E {e} leakage {leakage}: sigma_IQR {s:.4}, expected {expect:.4}");
            let tol = if leakage { 0.15 } else { 0.10 };
            assert!((s / expect - 1.0).abs() < tol, "E {e}: {s} vs {expect}");
        }
    }
}

#[test]
fn baselines_order_and_naive_difficulty() {
    // Spec §4.3 / §4.4: on a fixed test set, MAE(better model) < MAE(layer-linear) ≲ MAE(naive).
    // The "better model" here is the layer-linear calibration in 8 bins of the raw sum (a
    // stand-in for the GBDT/CNN, which are not part of this module).
    // Difficulty oracle: the spec's [P] numbers for the naive calibrated sum on the default task
    // (all effects on, E log-uniform 10–500 GeV): MAE ≈ 4.24 GeV, σ_IQR ≈ 4.16 %. Tolerance ±25 %:
    // the prototype is a different implementation whose layer boundaries, presampler weight,
    // response convention and spot binning are not fully specified, and with 6000 test events
    // the statistical error is ≈ 3 % on MAE (crack tails) and ≈ 2 % on σ_IQR.
    let mut c = CalorimeterConfig::default_small();
    c.splits = Splits {
        train: 6000,
        val: 0,
        test: 6000,
    };
    let g = Generator::new(c, 2024).unwrap();
    let train = g.split(Split::Train, 0).unwrap();
    let test = g.split(Split::Test, 0).unwrap();
    let naive = NaiveSum::fit_dataset(&train).unwrap();
    let m_naive = evaluate(&naive.predict_dataset(&test), test.targets()).unwrap();
    let lin = LayerLinear::fit_dataset(&train, 1).unwrap();
    let m_lin = evaluate(&lin.predict_dataset(&test), test.targets()).unwrap();
    let binned = LayerLinear::fit_dataset(&train, 8).unwrap();
    let m_binned = evaluate(&binned.predict_dataset(&test), test.targets()).unwrap();
    println!(
        "naive: MAE {:.3} GeV sigma_IQR {:.3} %; layer-linear: {:.3} / {:.3} %; \
         binned layer-linear: {:.3} / {:.3} %",
        m_naive.mae,
        100.0 * m_naive.sigma_iqr,
        m_lin.mae,
        100.0 * m_lin.sigma_iqr,
        m_binned.mae,
        100.0 * m_binned.sigma_iqr
    );
    let pred = naive.predict_dataset(&test);
    let edges = [10.0, 20.0, 40.0, 60.0, 150.0, 250.0, 350.0, 500.0];
    for b in metrics::evaluate_binned(&pred, test.targets(), &edges).unwrap() {
        if let Some(m) = b.metrics {
            let s = 100.0 * m.sigma_iqr;
            println!(
                "naive: {}-{} GeV: sigma_IQR {s:.2} % (n = {})",
                b.lo, b.hi, m.n
            );
        }
    }
    assert!(
        (m_naive.mae / 4.24 - 1.0).abs() < 0.25,
        "naive MAE {}",
        m_naive.mae
    );
    assert!(
        (m_naive.sigma_iqr / 0.0416 - 1.0).abs() < 0.25,
        "naive sigma_IQR {}",
        m_naive.sigma_iqr
    );
    assert!(m_lin.mae <= 1.05 * m_naive.mae);
    assert!(m_binned.mae < m_lin.mae);
}

#[test]
#[ignore = "timing report; run with --ignored --nocapture in release"]
fn throughput_report() {
    for (name, cfg, n) in [
        (
            "default 4x14x7",
            CalorimeterConfig::default_small(),
            40_000u64,
        ),
        ("full 4x56x11", CalorimeterConfig::full(), 20_000),
    ] {
        let g = Generator::new(cfg, 1).unwrap();
        for threads in [1, 2] {
            let t0 = std::time::Instant::now();
            let d = g.generate(0..n, threads).unwrap();
            let s = t0.elapsed().as_secs_f64();
            println!(
                "{name}: {threads} thread(s): {n} events in {s:.2} s = {:.0} events/s ({} values)",
                n as f64 / s,
                d.images().len()
            );
        }
    }
}
