//! Regression metrics of spec §2: MAE, MARE, bias, the relative resolution σ_IQR, and
//! resolution in bins of true energy. All take predictions and true energies in GeV.

use crate::{Error, Result};

/// `Into<f64>` with the target spelled out (keeps type inference simple in generic code).
pub(super) trait IntoF64: Copy + Into<f64> {
    fn into_f64(self) -> f64 {
        self.into()
    }
}

impl<T: Copy + Into<f64>> IntoF64 for T {}

/// The summary metrics of one set of predictions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Metrics {
    /// Events.
    pub n: usize,
    /// Mean absolute error `mean |E_pred − E_true|` (GeV).
    pub mae: f64,
    /// Mean absolute relative error `mean |r − 1|`, `r = E_pred / E_true`.
    pub mare: f64,
    /// Scale bias `median(r) − 1`.
    pub bias: f64,
    /// Relative resolution `σ_IQR = (Q75(r) − Q25(r)) / 1.349`.
    pub sigma_iqr: f64,
}

/// Resolution in one bin of true energy.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BinMetrics {
    /// Lower edge of the bin (GeV, inclusive).
    pub lo: f64,
    /// Upper edge of the bin (GeV, exclusive).
    pub hi: f64,
    /// The metrics of the events in the bin (`None` if it is empty).
    pub metrics: Option<Metrics>,
}

fn check<P: Copy + Into<f64>, T: Copy + Into<f64>>(pred: &[P], truth: &[T]) -> Result<()> {
    if pred.len() != truth.len() {
        return Err(Error::InvalidDataset {
            field: "pred".into(),
            reason: format!(
                "has {} values but there are {} true energies; pass one prediction per event",
                pred.len(),
                truth.len()
            ),
        });
    }
    if pred.is_empty() {
        return Err(Error::InvalidDataset {
            field: "pred".into(),
            reason: "is empty; metrics need at least one event".into(),
        });
    }
    if let Some(i) = truth
        .iter()
        .position(|&t| t.into_f64().partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater))
    {
        return Err(Error::InvalidDataset {
            field: "truth".into(),
            reason: format!("event {i} has a non-positive true energy; energies must be > 0"),
        });
    }
    Ok(())
}

/// Mean absolute error (GeV).
///
/// # Errors
/// [`Error::InvalidDataset`] on empty or mismatched inputs or a non-positive true energy.
pub fn mae<P: Copy + Into<f64>, T: Copy + Into<f64>>(pred: &[P], truth: &[T]) -> Result<f64> {
    check(pred, truth)?;
    Ok(pred
        .iter()
        .zip(truth)
        .map(|(&p, &t)| (p.into_f64() - t.into_f64()).abs())
        .sum::<f64>()
        / pred.len() as f64)
}

/// Relative resolution `σ_IQR = (Q75(r) − Q25(r)) / 1.349` of `r = E_pred / E_true`
/// (quantiles by linear interpolation).
///
/// ```
/// use hwnas_datasets::calorimeter::metrics::sigma_iqr;
/// let truth = [100.0f64; 5];
/// let pred = [96.0f64, 98.0, 100.0, 102.0, 104.0];
/// // Q25 = 0.98, Q75 = 1.02 → σ_IQR = 0.04 / 1.349
/// assert!((sigma_iqr(&pred, &truth)? - 0.04 / 1.349).abs() < 1e-12);
/// # Ok::<(), hwnas_datasets::Error>(())
/// ```
///
/// # Errors
/// As [`mae`].
pub fn sigma_iqr<P: Copy + Into<f64>, T: Copy + Into<f64>>(pred: &[P], truth: &[T]) -> Result<f64> {
    Ok(evaluate(pred, truth)?.sigma_iqr)
}

/// All summary metrics.
///
/// # Errors
/// As [`mae`].
pub fn evaluate<P: Copy + Into<f64>, T: Copy + Into<f64>>(
    pred: &[P],
    truth: &[T],
) -> Result<Metrics> {
    let mae = mae(pred, truth)?;
    let mut r: Vec<f64> = pred
        .iter()
        .zip(truth)
        .map(|(&p, &t)| p.into_f64() / t.into_f64())
        .collect();
    let mare = r.iter().map(|x| (x - 1.0).abs()).sum::<f64>() / r.len() as f64;
    r.sort_by(f64::total_cmp);
    Ok(Metrics {
        n: r.len(),
        mae,
        mare,
        bias: quantile(&r, 0.5) - 1.0,
        sigma_iqr: (quantile(&r, 0.75) - quantile(&r, 0.25)) / 1.349,
    })
}

/// Metrics in bins of true energy: `edges` `[e0, e1, …]` give bins `[e0, e1)`, `[e1, e2)`, ….
///
/// # Errors
/// As [`mae`], or if `edges` has fewer than 2 values or is not increasing.
pub fn evaluate_binned<P: Copy + Into<f64>, T: Copy + Into<f64>>(
    pred: &[P],
    truth: &[T],
    edges: &[f64],
) -> Result<Vec<BinMetrics>> {
    check(pred, truth)?;
    if edges.len() < 2
        || edges
            .windows(2)
            .any(|w| w[1].partial_cmp(&w[0]) != Some(std::cmp::Ordering::Greater))
    {
        return Err(Error::InvalidDataset {
            field: "edges".into(),
            reason: "must hold at least 2 strictly increasing energies".into(),
        });
    }
    edges
        .windows(2)
        .map(|w| {
            let (p, t): (Vec<f64>, Vec<f64>) = pred
                .iter()
                .zip(truth)
                .map(|(&p, &t)| (p.into_f64(), t.into_f64()))
                .filter(|&(_, t)| t >= w[0] && t < w[1])
                .unzip();
            let metrics = if t.is_empty() {
                None
            } else {
                Some(evaluate(&p, &t)?)
            };
            Ok(BinMetrics {
                lo: w[0],
                hi: w[1],
                metrics,
            })
        })
        .collect()
}

/// Quantile `q` in [0, 1] of sorted values by linear interpolation (numpy's default).
///
/// # Panics
/// If `sorted` is empty.
#[track_caller]
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    assert!(!sorted.is_empty(), "quantile of an empty slice");
    let pos = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_on_a_planted_answer() {
        let truth = [10.0f64, 20.0, 40.0, 80.0];
        let pred = [11.0f64, 19.0, 44.0, 80.0];
        let m = evaluate(&pred, &truth).unwrap();
        assert!((m.mae - (1.0 + 1.0 + 4.0 + 0.0) / 4.0).abs() < 1e-12);
        assert!((m.mare - (0.1 + 0.05 + 0.1 + 0.0) / 4.0).abs() < 1e-12);
        // r sorted: 0.95, 1.0, 1.1, 1.1 → median 1.05; Q25 = 0.9875, Q75 = 1.1.
        assert!((m.bias - 0.05).abs() < 1e-12);
        assert!((m.sigma_iqr - (1.1 - 0.9875) / 1.349).abs() < 1e-12);
    }

    #[test]
    fn gaussian_sigma_iqr_is_sigma() {
        use crate::calorimeter::rng::Rng;
        use hwnas_core::rng::Random;
        let mut rng = Rng::seed_from_u64(5);
        let truth = vec![50.0f64; 100_000];
        let pred: Vec<f64> = truth
            .iter()
            .map(|t| t * (1.0 + 0.03 * rng.normal()))
            .collect();
        let s = sigma_iqr(&pred, &truth).unwrap();
        assert!((s / 0.03 - 1.0).abs() < 0.02, "{s}");
    }

    #[test]
    fn bad_inputs_are_errors() {
        assert!(mae::<f64, f64>(&[], &[]).is_err());
        assert!(mae(&[1.0f64], &[1.0f64, 2.0]).is_err());
        assert!(mae(&[1.0f64], &[0.0f64]).is_err());
        let e = evaluate_binned(&[1.0f64], &[1.0f64], &[5.0]).unwrap_err();
        assert!(e.to_string().contains("edges"));
        let b = evaluate_binned(&[1.0f64, 30.0], &[1.0f64, 30.0], &[0.5, 10.0, 20.0]).unwrap();
        assert!(b[0].metrics.is_some() && b[1].metrics.is_none());
    }
}
