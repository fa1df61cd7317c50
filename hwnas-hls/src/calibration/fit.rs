//! Least-squares fitting of the model's coefficients to measured designs.

use hwnas_core::cost::{LayerConfig, Resources};
use serde::{Deserialize, Serialize};

use crate::resources::{AnalyticModel, Coefficients, Features, WeightShares};
use crate::{Error, Result};

/// One measured design: its layers (with their share of zero weights) and what the report
/// said. `extra` is a part of the design the layers do not describe (e.g. a softmax), already
/// estimated, added to the prediction before comparing.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// The layers, with what is known of each one's weights.
    pub layers: Vec<(LayerConfig, WeightShares)>,
    /// The measured resources.
    pub measured: Resources,
    /// Estimated resources of parts the layers do not describe.
    pub extra: Resources,
}

/// How well a fit reproduces its samples: median relative errors.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct FitQuality {
    /// Median |predicted - measured| / measured of LUT.
    pub lut: f64,
    /// Same for FF.
    pub ff: f64,
    /// Same for DSP (designs with no DSP at all count 0 when predicted 0).
    pub dsp: f64,
    /// Number of samples.
    pub samples: usize,
}

/// Relative error `|p - m| / m`; 0 when both are 0, `|p|` when only `m` is 0.
pub fn relative_error(predicted: f64, measured: f64) -> f64 {
    if measured == 0.0 {
        predicted.abs()
    } else {
        (predicted - measured).abs() / measured.abs()
    }
}

/// The median of `v` (0 for an empty slice).
pub fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Strength of the pull towards the prior coefficients, relative to the data's own scale:
/// features that the samples exercise are set by the data, the others keep their prior value.
pub const PRIOR_WEIGHT: f64 = 0.05;

/// Fits the coefficients of `base` (used for the device, target and strategy) to `samples`,
/// starting from and regularised towards `prior`:
///
/// 1. the share of constant multiplications that land in DSPs, by a 1-D search minimising the
///    squared relative DSP error (ties keep the value closest to the prior);
/// 2. the LUT and FF coefficients, by non-negative least squares on relative errors with a
///    ridge pull towards the prior ([`PRIOR_WEIGHT`]);
/// 3. the BRAM scale, by least squares when any sample uses BRAM.
///
/// # Errors
/// [`Error::Calibration`] when there are no samples or a measured value is negative or not
/// finite.
pub fn fit(base: &AnalyticModel, prior: &Coefficients, samples: &[Sample]) -> Result<Coefficients> {
    if samples.is_empty() {
        return Err(Error::Calibration(
            "no samples to fit; synthesise some projects first (hwnas calibrate suite)".into(),
        ));
    }
    for s in samples {
        check_measured(&s.measured)?;
    }
    let mut c = prior.clone();
    let model_with = |c: &Coefficients| base.clone().with_coefficients(c.clone());

    // 1. DSP share of constant multiplications.
    let dsp_error = |frac: f64| {
        let mut c2 = c.clone();
        c2.dsp_fraction_constant = frac;
        let m = model_with(&c2);
        samples
            .iter()
            .map(|s| {
                let p = features(&m, s).price(&c2).dsp + s.extra.dsp;
                let e = (p - s.measured.dsp) / s.measured.dsp.max(1.0);
                e * e
            })
            .sum::<f64>()
    };
    let mut best = (
        dsp_error(prior.dsp_fraction_constant),
        prior.dsp_fraction_constant,
    );
    for i in 0..=100 {
        let frac = 0.5 + 0.005 * i as f64;
        let e = dsp_error(frac);
        let closer = (frac - prior.dsp_fraction_constant).abs()
            < (best.1 - prior.dsp_fraction_constant).abs();
        if e < best.0 - 1e-12 || ((e - best.0).abs() <= 1e-12 && closer) {
            best = (e, frac);
        }
    }
    c.dsp_fraction_constant = best.1;

    // 2-3. LUT, FF and BRAM, linear in the features.
    let m = model_with(&c);
    let feats: Vec<Features> = samples.iter().map(|s| features(&m, s)).collect();
    let net: Vec<Resources> = samples
        .iter()
        .map(|s| Resources {
            lut: s.measured.lut - s.extra.lut,
            ff: s.measured.ff - s.extra.ff,
            bram18: s.measured.bram18 - s.extra.bram18,
            ..s.measured
        })
        .collect();
    let weights: Vec<Resources> = samples.iter().map(|s| s.measured).collect();
    fit_linear_weighted(&feats, &net, &weights, &c, false)
}

/// Fits the LUT and FF coefficients (non-negative, least absolute relative error by
/// iteratively reweighted least squares, pulled towards `prior` by [`PRIOR_WEIGHT`]) to
/// designs whose summed features are known (e.g.
/// [`crate::resources::AnalyticModel::network_features`] of each design with its own device,
/// clock and tool); everything else is kept from `prior`.
///
/// # Errors
/// [`Error::Calibration`] when the lengths differ, there are no designs, or a measured value
/// is negative or not finite.
pub fn fit_linear(
    feats: &[Features],
    measured: &[Resources],
    prior: &Coefficients,
) -> Result<Coefficients> {
    if feats.len() != measured.len() || feats.is_empty() {
        return Err(Error::Calibration(format!(
            "{} feature rows for {} measured designs; give one of each per design",
            feats.len(),
            measured.len()
        )));
    }
    for m in measured {
        check_measured(m)?;
    }
    fit_linear_weighted(feats, measured, measured, prior, true)
}

/// A measured design's LUT, FF, DSP and BRAM must be finite and non-negative.
fn check_measured(m: &Resources) -> Result<()> {
    if [m.lut, m.ff, m.dsp, m.bram18]
        .iter()
        .any(|v| !v.is_finite() || *v < 0.0)
    {
        return Err(Error::Calibration(format!(
            "a measured design has negative or non-finite resources ({m:?}); check the report"
        )));
    }
    Ok(())
}

/// [`fit_linear`] against `targets`, with relative-error weights taken from `scale` (the
/// whole measured design when `targets` has known parts removed): squared relative errors,
/// or absolute ones when `robust` (designs from many projects, some of which the features
/// cannot describe; see [`robust_fit`]).
fn fit_linear_weighted(
    feats: &[Features],
    targets: &[Resources],
    scale: &[Resources],
    prior: &Coefficients,
    robust: bool,
) -> Result<Coefficients> {
    let solve = |rows: &[Vec<f64>], y: &[f64], s: &[f64], p: &[f64]| {
        if robust {
            robust_fit(rows, y, s, p)
        } else {
            let w: Vec<f64> = s.iter().map(|v| weight(*v)).collect();
            nnls_with_prior(rows, y, &w, p, PRIOR_WEIGHT)
        }
    };
    let mut c = prior.clone();
    // Errors relative to the larger of the measured value and the prior's prediction: a
    // design the prior over-predicts tenfold (tiny CI designs of a few dozen FFs) must not
    // outweigh every well-predicted large design, as a plain relative error would make it.
    let before: Vec<Resources> = feats.iter().map(|f| f.price(prior)).collect();
    let lut_rows: Vec<Vec<f64>> = feats.iter().map(|f| f.lut.to_vec()).collect();
    let lut_y: Vec<f64> = targets.iter().map(|t| t.lut).collect();
    let lut_s: Vec<f64> = scale
        .iter()
        .zip(&before)
        .map(|(s, p)| s.lut.max(p.lut))
        .collect();
    let lut = solve(&lut_rows, &lut_y, &lut_s, &c.lut_vector());
    c.set_lut_vector(
        lut.try_into()
            .map_err(|_| Error::Calibration("internal: LUT size".into()))?,
    );
    let ff_rows: Vec<Vec<f64>> = feats.iter().map(|f| f.ff.to_vec()).collect();
    let ff_y: Vec<f64> = targets.iter().map(|t| t.ff).collect();
    let ff_s: Vec<f64> = scale
        .iter()
        .zip(&before)
        .map(|(s, p)| s.ff.max(p.ff))
        .collect();
    let ff = solve(&ff_rows, &ff_y, &ff_s, &c.ff_vector());
    c.set_ff_vector(
        ff.try_into()
            .map_err(|_| Error::Calibration("internal: FF size".into()))?,
    );
    // BRAM is structural (hls4ml's memory shapes); a corpus of many projects would only blur
    // it, a suite of one device's projects may scale it.
    if robust {
        c.validate()?;
        return Ok(c);
    }
    let (num, den) =
        targets
            .iter()
            .zip(scale)
            .zip(feats)
            .fold((0.0, 0.0), |(n, d), ((t, s), f)| {
                let w = weight(s.bram18);
                (n + w * f.bram18 * t.bram18, d + w * f.bram18 * f.bram18)
            });
    if den > 0.0 && num > 0.0 {
        c.bram_scale = num / den;
    }
    c.validate()?;
    Ok(c)
}

/// Iterations of [`robust_fit`]'s reweighting.
const ROBUST_ITERATIONS: usize = 12;
/// Relative residual below which [`robust_fit`] stops growing a row's weight.
const ROBUST_FLOOR: f64 = 0.02;

/// Non-negative coefficients minimising the sum of absolute relative errors
/// `|x_i . c - y_i| / s_i` (pulled towards `prior`), by iteratively reweighted least squares:
/// a least-squares fit of squared relative errors lets a few designs the features cannot
/// describe (a Tcl directive, an unusual tool version) drag every other design, where the
/// absolute error, like the median the cross-validation reports, lets them go.
fn robust_fit(rows: &[Vec<f64>], y: &[f64], s: &[f64], prior: &[f64]) -> Vec<f64> {
    let base: Vec<f64> = s.iter().map(|v| weight(*v)).collect();
    let mut c = nnls_with_prior(rows, y, &base, prior, PRIOR_WEIGHT);
    for _ in 0..ROBUST_ITERATIONS {
        let w: Vec<f64> = rows
            .iter()
            .zip(y)
            .zip(s)
            .zip(&base)
            .map(|(((r, yi), si), bi)| {
                let p: f64 = r.iter().zip(&c).map(|(a, b)| a * b).sum();
                bi / ((p - yi).abs() / si.max(1.0)).max(ROBUST_FLOOR)
            })
            .collect();
        c = nnls_with_prior(rows, y, &w, prior, PRIOR_WEIGHT);
    }
    c
}

/// Median relative errors of `model` on `samples`.
pub fn quality(model: &AnalyticModel, samples: &[Sample]) -> FitQuality {
    let mut lut = Vec::new();
    let mut ff = Vec::new();
    let mut dsp = Vec::new();
    for s in samples {
        let p = predict(model, s);
        lut.push(relative_error(p.lut, s.measured.lut));
        ff.push(relative_error(p.ff, s.measured.ff));
        dsp.push(relative_error(p.dsp, s.measured.dsp));
    }
    FitQuality {
        lut: median(&mut lut),
        ff: median(&mut ff),
        dsp: median(&mut dsp),
        samples: samples.len(),
    }
}

/// The model's prediction for a sample (its layers plus `extra`).
pub fn predict(model: &AnalyticModel, s: &Sample) -> Resources {
    s.layers
        .iter()
        .map(|(l, z)| model.layer_resources(l, *z))
        .fold(Resources::default(), Resources::then)
        .then(s.extra)
}

fn features(m: &AnalyticModel, s: &Sample) -> Features {
    let mut f = Features::default();
    for (l, z) in &s.layers {
        f.add_area(&m.layer_features(l, *z));
    }
    f
}

/// Row weight for relative errors: `1 / max(y, 1)^2`.
fn weight(y: f64) -> f64 {
    1.0 / y.max(1.0).powi(2)
}

/// Minimises `sum_i w_i (x_i . c - y_i)^2 + lambda * sum_j s_j (c_j - p_j)^2` subject to
/// `c >= 0`, where `s_j = sum_i w_i x_ij^2` makes the pull relative to how strongly the data
/// determine `c_j`. Features that no row uses keep their prior. Exact for the small numbers of
/// features here: every active set is tried and the best feasible one kept.
pub fn nnls_with_prior(
    rows: &[Vec<f64>],
    y: &[f64],
    w: &[f64],
    prior: &[f64],
    lambda: f64,
) -> Vec<f64> {
    let k = prior.len();
    let scale: Vec<f64> = (0..k)
        .map(|j| rows.iter().zip(w).map(|(r, wi)| wi * r[j] * r[j]).sum())
        .collect();
    let used: Vec<usize> = (0..k).filter(|&j| scale[j] > 0.0).collect();
    let objective = |c: &[f64]| {
        let data: f64 = rows
            .iter()
            .zip(y)
            .zip(w)
            .map(|((r, yi), wi)| {
                let p: f64 = r.iter().zip(c).map(|(a, b)| a * b).sum();
                wi * (p - yi) * (p - yi)
            })
            .sum();
        let pen: f64 = used
            .iter()
            .map(|&j| lambda * scale[j] * (c[j] - prior[j]).powi(2))
            .sum();
        data + pen
    };
    let mut best: Option<(f64, Vec<f64>)> = None;
    let n_used = used.len();
    for mask in 0u32..(1u32 << n_used) {
        let free: Vec<usize> = (0..n_used)
            .filter(|b| mask & (1 << b) != 0)
            .map(|b| used[b])
            .collect();
        let mut c: Vec<f64> = prior.to_vec();
        for &j in &used {
            c[j] = 0.0;
        }
        if !free.is_empty() {
            let m = free.len();
            let mut a = vec![vec![0.0; m + 1]; m];
            for (ai, &jr) in free.iter().enumerate() {
                for (bi, &jc) in free.iter().enumerate() {
                    a[ai][bi] = rows.iter().zip(w).map(|(r, wi)| wi * r[jr] * r[jc]).sum();
                }
                a[ai][ai] += lambda * scale[jr];
                // Fixed features (unused ones keep their prior; zeroed ones are 0) move y.
                let rhs: f64 = rows
                    .iter()
                    .zip(y)
                    .zip(w)
                    .map(|((r, yi), wi)| {
                        let fixed: f64 = (0..k)
                            .filter(|j| !free.contains(j))
                            .map(|j| r[j] * c[j])
                            .sum();
                        wi * r[jr] * (yi - fixed)
                    })
                    .sum();
                a[ai][m] = rhs + lambda * scale[jr] * prior[jr];
            }
            let Some(sol) = solve(a) else { continue };
            if sol.iter().any(|v| *v < 0.0 || !v.is_finite()) {
                continue;
            }
            for (&j, v) in free.iter().zip(sol) {
                c[j] = v;
            }
        }
        let o = objective(&c);
        if best.as_ref().is_none_or(|(b, _)| o < *b) {
            best = Some((o, c));
        }
    }
    best.map_or_else(|| prior.to_vec(), |(_, c)| c)
}

/// Gaussian elimination with partial pivoting on an augmented `m x (m+1)` matrix.
fn solve(mut a: Vec<Vec<f64>>) -> Option<Vec<f64>> {
    let m = a.len();
    for col in 0..m {
        let piv = (col..m).max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))?;
        if a[piv][col].abs() < 1e-300 {
            return None;
        }
        a.swap(col, piv);
        let pivot_row = a[col].clone();
        for (r, row) in a.iter_mut().enumerate() {
            if r != col {
                let f = row[col] / pivot_row[col];
                for (x, p) in row.iter_mut().zip(&pivot_row).skip(col) {
                    *x -= f * p;
                }
            }
        }
    }
    Some((0..m).map(|i| a[i][m] / a[i][i]).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nnls_recovers_planted_coefficients() {
        // y = 2 x0 + 3 x1; x2 unused keeps its prior; no negative coefficient.
        let rows: Vec<Vec<f64>> = (1..8)
            .map(|i| vec![i as f64, (i * i % 5) as f64 + 1.0, 0.0])
            .collect();
        let y: Vec<f64> = rows.iter().map(|r| 2.0 * r[0] + 3.0 * r[1]).collect();
        let w = vec![1.0; rows.len()];
        let c = nnls_with_prior(&rows, &y, &w, &[1.0, 1.0, 7.0], 1e-9);
        assert!(
            (c[0] - 2.0).abs() < 1e-6 && (c[1] - 3.0).abs() < 1e-6,
            "{c:?}"
        );
        assert_eq!(c[2], 7.0);
        // A planted negative coefficient is clamped to 0.
        let y: Vec<f64> = rows.iter().map(|r| 2.0 * r[0] - 0.5 * r[1]).collect();
        let c = nnls_with_prior(&rows, &y, &w, &[1.0, 1.0, 7.0], 1e-9);
        assert!(c.iter().all(|v| *v >= 0.0) && c[1] == 0.0, "{c:?}");
    }

    #[test]
    fn medians() {
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(relative_error(0.0, 0.0), 0.0);
        assert_eq!(relative_error(110.0, 100.0), 0.1);
    }
}
