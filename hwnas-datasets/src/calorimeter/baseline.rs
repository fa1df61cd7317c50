//! Classic (non-ML) baselines of spec §6: the naive calibrated sum `E = c·ΣE_cells` and the
//! layer-weighted linear calibration `E = Σ_l w_l E_l + b` (optionally in bins of the raw sum).

use super::N_LAYERS;
use super::dataset::Dataset;
use super::metrics::IntoF64;
use crate::{Error, Result};

/// The naive calibrated sum `E_pred = scale · ΣE_cells`.
///
/// ```
/// use hwnas_datasets::calorimeter::{CalorimeterConfig, Generator, NaiveSum, metrics};
/// let generator = Generator::new(CalorimeterConfig::default_small(), 1)?;
/// let train = generator.generate(0..500, 2)?;
/// let naive = NaiveSum::fit_dataset(&train)?;
/// let test = generator.generate(500..1000, 2)?;
/// let m = metrics::evaluate(&naive.predict_dataset(&test), test.targets())?;
/// assert!(m.mae > 0.0 && m.sigma_iqr < 0.2);
/// # Ok::<(), hwnas_datasets::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NaiveSum {
    /// The calibration constant c.
    pub scale: f64,
}

impl NaiveSum {
    /// Fits `c` minimising the MAE `Σ|c·S_i − E_i|` exactly: the `S`-weighted median of
    /// `E_i / S_i` over events with a positive sum `S_i`.
    ///
    /// # Errors
    /// [`Error::InvalidDataset`] if the lengths differ or no event has a positive sum.
    pub fn fit<T: Copy + Into<f64>>(sums: &[f64], targets: &[T]) -> Result<Self> {
        if sums.len() != targets.len() {
            return Err(Error::InvalidDataset {
                field: "sums".into(),
                reason: format!("has {} values for {} targets", sums.len(), targets.len()),
            });
        }
        let mut pairs: Vec<(f64, f64)> = sums
            .iter()
            .zip(targets)
            .filter(|(s, t)| **s > 0.0 && s.is_finite() && t.into_f64().is_finite())
            .map(|(&s, &t)| (t.into_f64() / s, s))
            .collect();
        if pairs.is_empty() {
            return Err(Error::InvalidDataset {
                field: "sums".into(),
                reason: "no event has a positive energy sum; generate more (or noiseless) events"
                    .into(),
            });
        }
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let half = pairs.iter().map(|p| p.1).sum::<f64>() / 2.0;
        let mut acc = 0.0;
        for &(ratio, weight) in &pairs {
            acc += weight;
            if acc >= half {
                return Ok(Self { scale: ratio });
            }
        }
        Ok(Self {
            scale: pairs[pairs.len() - 1].0,
        })
    }

    /// Fits on a data set's image sums and targets.
    ///
    /// # Errors
    /// As [`NaiveSum::fit`].
    pub fn fit_dataset(data: &Dataset) -> Result<Self> {
        Self::fit(&data.sums(), data.targets())
    }

    /// Prediction for one raw sum (GeV).
    pub fn predict(&self, sum: f64) -> f64 {
        self.scale * sum
    }

    /// Predictions for every event of a data set.
    pub fn predict_dataset(&self, data: &Dataset) -> Vec<f64> {
        data.sums().into_iter().map(|s| self.predict(s)).collect()
    }
}

/// Layer-weighted linear calibration `E = Σ_l w_l E_l + b`, least squares, fitted separately in
/// `n` bins of the raw sum (bin edges at quantiles of the training sums). One bin is the
/// classic layer-weighted calibration; several bins follow the energy dependence of leakage.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerLinear {
    /// Upper edges of the bins in raw sum (GeV), `len = bins − 1` (the last bin is open).
    pub edges: Vec<f64>,
    /// Per bin: `[w_presampler, w_strips, w_middle, w_back, b]`.
    pub weights: Vec<[f64; N_LAYERS + 1]>,
}

impl LayerLinear {
    /// Fits on per-layer sums and targets with `bins >= 1` bins.
    ///
    /// # Errors
    /// [`Error::InvalidDataset`] if lengths differ, `bins` is 0, or a bin has fewer than
    /// 10 events.
    pub fn fit<T: Copy + Into<f64>>(
        layer_sums: &[[f64; N_LAYERS]],
        targets: &[T],
        bins: usize,
    ) -> Result<Self> {
        if layer_sums.len() != targets.len() || bins == 0 {
            return Err(Error::InvalidDataset {
                field: "layer_sums".into(),
                reason: format!(
                    "{} events for {} targets and {bins} bins; pass one per event and bins >= 1",
                    layer_sums.len(),
                    targets.len()
                ),
            });
        }
        let total: Vec<f64> = layer_sums.iter().map(|s| s.iter().sum()).collect();
        let mut sorted = total.clone();
        sorted.sort_by(f64::total_cmp);
        let edges: Vec<f64> = (1..bins).map(|k| sorted[k * sorted.len() / bins]).collect();
        let mut weights = Vec::with_capacity(bins);
        for b in 0..bins {
            let mut ata = [[0.0f64; N_LAYERS + 1]; N_LAYERS + 1];
            let mut atb = [0.0f64; N_LAYERS + 1];
            let mut n = 0usize;
            for ((s, &t), &tot) in layer_sums.iter().zip(targets).zip(&total) {
                if bin_of(&edges, tot) != b {
                    continue;
                }
                n += 1;
                let x = [s[0], s[1], s[2], s[3], 1.0];
                for i in 0..=N_LAYERS {
                    atb[i] += x[i] * t.into_f64();
                    for j in 0..=N_LAYERS {
                        ata[i][j] += x[i] * x[j];
                    }
                }
            }
            if n < 10 {
                return Err(Error::InvalidDataset {
                    field: "bins".into(),
                    reason: format!("bin {b} has {n} events; use fewer bins or more events"),
                });
            }
            weights.push(solve(ata, atb));
        }
        Ok(Self { edges, weights })
    }

    /// Fits on a data set.
    ///
    /// # Errors
    /// As [`LayerLinear::fit`].
    pub fn fit_dataset(data: &Dataset, bins: usize) -> Result<Self> {
        Self::fit(&data.all_layer_sums(), data.targets(), bins)
    }

    /// Prediction for one event's per-layer sums (GeV).
    pub fn predict(&self, s: &[f64; N_LAYERS]) -> f64 {
        let w = &self.weights[bin_of(&self.edges, s.iter().sum())];
        w[N_LAYERS] + (0..N_LAYERS).map(|l| w[l] * s[l]).sum::<f64>()
    }

    /// Predictions for every event of a data set.
    pub fn predict_dataset(&self, data: &Dataset) -> Vec<f64> {
        data.all_layer_sums()
            .iter()
            .map(|s| self.predict(s))
            .collect()
    }
}

fn bin_of(edges: &[f64], total: f64) -> usize {
    edges.iter().take_while(|&&e| total >= e).count()
}

/// Solves the normal equations with a tiny ridge (keeps an all-zero layer, e.g. no presampler,
/// solvable) by Gaussian elimination with partial pivoting.
fn solve(
    mut a: [[f64; N_LAYERS + 1]; N_LAYERS + 1],
    mut b: [f64; N_LAYERS + 1],
) -> [f64; N_LAYERS + 1] {
    const N: usize = N_LAYERS + 1;
    let trace: f64 = (0..N).map(|i| a[i][i]).sum();
    for (i, row) in a.iter_mut().enumerate() {
        row[i] += 1e-12 * trace + 1e-12;
    }
    for col in 0..N {
        let pivot = (col..N)
            .max_by(|&i, &j| a[i][col].abs().total_cmp(&a[j][col].abs()))
            .unwrap_or(col);
        a.swap(col, pivot);
        b.swap(col, pivot);
        for row in col + 1..N {
            let f = a[row][col] / a[col][col];
            let pivot_row = a[col];
            for (dst, src) in a[row].iter_mut().zip(pivot_row).skip(col) {
                *dst -= f * src;
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = [0.0; N];
    for i in (0..N).rev() {
        let s: f64 = (i + 1..N).map(|k| a[i][k] * x[k]).sum();
        x[i] = (b[i] - s) / a[i][i];
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn naive_fit_recovers_a_planted_scale() {
        let sums: Vec<f64> = (1..=101).map(|i| i as f64).collect();
        let targets: Vec<f64> = sums.iter().map(|s| 1.25 * s).collect();
        let n = NaiveSum::fit(&sums, &targets).unwrap();
        assert!((n.scale - 1.25).abs() < 1e-12);
        assert!(NaiveSum::fit(&[-1.0], &[1.0f64]).is_err());
        assert!(NaiveSum::fit(&[1.0], &[1.0f64, 2.0]).is_err());
    }

    #[test]
    fn layer_linear_recovers_planted_weights() {
        let w = [3.0, 1.1, 1.0, 1.3, 0.5];
        use hwnas_core::rng::Random;
        let mut rng = super::super::rng::Rng::seed_from_u64(9);
        let xs: Vec<[f64; N_LAYERS]> = (0..500)
            .map(|_| std::array::from_fn(|_| rng.uniform_range(0.0, 50.0)))
            .collect();
        let ys: Vec<f64> = xs
            .iter()
            .map(|x| w[4] + (0..4).map(|l| w[l] * x[l]).sum::<f64>())
            .collect();
        let fit = LayerLinear::fit(&xs, &ys, 1).unwrap();
        for (got, want) in fit.weights[0].iter().zip(w) {
            assert!((got - want).abs() < 1e-6, "{got} vs {want}");
        }
        let fit3 = LayerLinear::fit(&xs, &ys, 3).unwrap();
        assert_eq!(fit3.edges.len(), 2);
        assert!((fit3.predict(&xs[7]) - ys[7]).abs() < 1e-6);
        assert!(LayerLinear::fit(&xs[..20], &ys[..20], 5).is_err());
    }
}
