//! Data sets, losses and evaluation metrics.

use crate::backend::TrainBackend;
use burn::tensor::{Tensor, TensorData};
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// Samples and targets in memory: `x` row-major `[n, features]` with each sample channels-last
/// (as the IR), `y` `[n, outputs]` (one-hot rows for classification).
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// Samples.
    pub x: Vec<f32>,
    /// Targets.
    pub y: Vec<f32>,
    /// Values per sample.
    pub features: usize,
    /// Values per target.
    pub outputs: usize,
}

impl Dataset {
    /// A data set from flat samples and targets.
    ///
    /// # Errors
    /// [`Error::Search`] when the lengths do not match or the set is empty.
    pub fn new(x: Vec<f32>, y: Vec<f32>, features: usize, outputs: usize) -> Result<Self> {
        if features == 0 || outputs == 0 || x.is_empty() {
            return Err(Error::Search(
                "a data set needs at least one sample with one feature and one output".into(),
            ));
        }
        if !x.len().is_multiple_of(features)
            || !y.len().is_multiple_of(outputs)
            || x.len() / features != y.len() / outputs
        {
            return Err(Error::Search(format!(
                "{} sample values of {features} features and {} target values of {outputs} outputs \
                 do not describe the same number of samples",
                x.len(),
                y.len()
            )));
        }
        Ok(Dataset {
            x,
            y,
            features,
            outputs,
        })
    }

    /// A data set from two files, samples `x` and targets `y`, each a `.npy` array (C order,
    /// float32/64 or int32/64) or a CSV of one row per sample ([`crate::samples`]). A `.npy`
    /// of shape `(n, ...)` holds `n` samples of the trailing dimensions' product (channels-last,
    /// as the IR), `(n,)` holds `n` single values; a CSV row holds one sample.
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// use hwnas_core::search::Dataset;
    ///
    /// std::fs::write(dir.path().join("x.csv"), "a,b\n1,2\n3,4\n5,6\n")?;
    /// std::fs::write(dir.path().join("y.csv"), "0.5\n1.5\n2.5\n")?;
    /// let d = Dataset::load(&dir.path().join("x.csv"), &dir.path().join("y.csv"))?;
    /// assert_eq!((d.len(), d.features, d.outputs), (3, 2, 1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// The whole set is held in memory (`f32`).
    ///
    /// # Errors
    /// [`Error::Io`] when a file cannot be read; [`Error::Data`] naming the file when it is not
    /// in either format, or when `x` and `y` do not hold the same number of samples.
    pub fn load(x: &std::path::Path, y: &std::path::Path) -> Result<Self> {
        let read = |path: &std::path::Path| -> Result<(usize, usize, Vec<f32>)> {
            let a = crate::samples::read_array(path, None)?;
            let n = a.shape.first().copied().unwrap_or(0);
            let per = a.shape.iter().skip(1).product::<usize>();
            if n == 0 || per == 0 {
                return Err(Error::Data {
                    path: path.to_path_buf(),
                    reason: format!("an array of shape {:?} holds no samples", a.shape),
                });
            }
            Ok((n, per, a.values.iter().map(|&v| v as f32).collect()))
        };
        let (nx, features, xs) = read(x)?;
        let (ny, outputs, ys) = read(y)?;
        if nx != ny {
            return Err(Error::Data {
                path: y.to_path_buf(),
                reason: format!(
                    "{ny} targets for {nx} samples in {}; give one target row per sample",
                    x.display()
                ),
            });
        }
        Dataset::new(xs, ys, features, outputs)
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.x.len() / self.features
    }

    /// True when there are no samples.
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }

    /// The first `n` samples (all of them when there are fewer), e.g. calibration data for
    /// [`derive`](super::derive).
    pub fn head(&self, n: usize) -> Dataset {
        let n = n.min(self.len());
        Dataset {
            x: self.x[..n * self.features].to_vec(),
            y: self.y[..n * self.outputs].to_vec(),
            features: self.features,
            outputs: self.outputs,
        }
    }

    /// [`Dataset::load`] for two `.npy` files (float32/64 or int32/64, C order), refusing
    /// any other format.
    ///
    /// # Errors
    /// As [`Dataset::load`], and [`Error::Data`] when a file is not a `.npy` array.
    pub fn from_npy(x: &std::path::Path, y: &std::path::Path) -> Result<Self> {
        for p in [x, y] {
            // The magic only: `load` reads the files once, whole.
            let mut magic = Vec::new();
            std::fs::File::open(p)
                .and_then(|f| {
                    use std::io::Read;
                    f.take(6).read_to_end(&mut magic)
                })
                .map_err(|source| Error::Io {
                    action: "reading",
                    path: p.to_path_buf(),
                    source,
                })?;
            if magic != b"\x93NUMPY" {
                return Err(Error::Data {
                    path: p.to_path_buf(),
                    reason: "not a .npy file (no NumPy magic); use Dataset::load for CSV".into(),
                });
            }
        }
        Dataset::load(x, y)
    }

    /// The samples `idx` as tensors `[b, features]`, `[b, outputs]`.
    pub fn batch<B: TrainBackend>(
        &self,
        idx: &[usize],
        device: &B::Device,
    ) -> (Tensor<B, 2>, Tensor<B, 2>) {
        batch(self, idx, device).expect("samples in memory are read without error")
    }
}

/// What a training or search run reads, batch by batch: a [`Dataset`] in memory, or a
/// [`StreamedDataset`](super::StreamedDataset) whose samples stay in their `.npy` file until a
/// batch needs them.
pub trait Samples: Sync {
    /// Number of samples.
    fn len(&self) -> usize;

    /// Values per sample.
    fn features(&self) -> usize;

    /// Values per target.
    fn outputs(&self) -> usize;

    /// Appends the samples `idx` to `x` and their targets to `y`, in that order.
    ///
    /// # Errors
    /// [`Error::Io`] / [`Error::Data`] when a streamed file cannot be read.
    fn read(&self, idx: &[usize], x: &mut Vec<f32>, y: &mut Vec<f32>) -> Result<()>;

    /// True when there are no samples.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Samples for Dataset {
    fn len(&self) -> usize {
        Dataset::len(self)
    }

    fn features(&self) -> usize {
        self.features
    }

    fn outputs(&self) -> usize {
        self.outputs
    }

    fn read(&self, idx: &[usize], x: &mut Vec<f32>, y: &mut Vec<f32>) -> Result<()> {
        let (f, o) = (self.features, self.outputs);
        for &i in idx {
            x.extend_from_slice(&self.x[i * f..(i + 1) * f]);
            y.extend_from_slice(&self.y[i * o..(i + 1) * o]);
        }
        Ok(())
    }
}

/// The samples `idx` of `data` as tensors `[b, features]`, `[b, outputs]`.
pub(crate) fn batch<B: TrainBackend>(
    data: &dyn Samples,
    idx: &[usize],
    device: &B::Device,
) -> Result<(Tensor<B, 2>, Tensor<B, 2>)> {
    let (f, o) = (data.features(), data.outputs());
    let mut x = Vec::with_capacity(idx.len() * f);
    let mut y = Vec::with_capacity(idx.len() * o);
    data.read(idx, &mut x, &mut y)?;
    Ok((
        Tensor::from_data(TensorData::new(x, [idx.len(), f]), device),
        Tensor::from_data(TensorData::new(y, [idx.len(), o]), device),
    ))
}

/// The training loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Loss {
    /// Mean squared error.
    #[default]
    Mse,
    /// Mean absolute error.
    Mae,
    /// Mean log-cosh error (DeepCalo's loss).
    LogCosh,
    /// Softmax cross-entropy against one-hot targets.
    CrossEntropy,
}

impl Loss {
    /// The mean loss of a batch.
    pub fn compute<B: TrainBackend>(
        self,
        pred: Tensor<B, 2>,
        target: Tensor<B, 2>,
    ) -> Tensor<B, 1> {
        match self {
            Loss::Mse => (pred - target).square().mean(),
            Loss::Mae => (pred - target).abs().mean(),
            Loss::LogCosh => {
                let a = (pred - target).abs();
                (a.clone() + a.mul_scalar(-2.0).exp().log1p())
                    .sub_scalar(std::f64::consts::LN_2)
                    .mean()
            }
            Loss::CrossEntropy => {
                let logp = burn::tensor::activation::log_softmax(pred, 1);
                let n = logp.dims()[0] as f64;
                (logp * target).sum().neg().div_scalar(n)
            }
        }
    }
}

/// Evaluation metrics of predictions against targets.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Metrics {
    /// Mean absolute error (over every output value).
    pub mae: f64,
    /// Mean squared error.
    pub mse: f64,
    /// Mean log-cosh error.
    pub logcosh: f64,
    /// Fraction of samples whose largest output matches the largest target (classification).
    pub accuracy: f64,
    /// Softmax cross-entropy against the targets (meaningful for one-hot targets).
    pub cross_entropy: f64,
}

impl Metrics {
    /// Metrics of row-major predictions and targets with `outputs` values per sample.
    pub fn compute(pred: &[f32], target: &[f32], outputs: usize) -> Metrics {
        let n = pred.len().max(1) as f64;
        let mut m = Metrics::default();
        for (p, t) in pred.iter().zip(target) {
            let d = (*p as f64) - (*t as f64);
            m.mae += d.abs();
            m.mse += d * d;
            m.logcosh += d.abs() + (-2.0 * d.abs()).exp().ln_1p() - std::f64::consts::LN_2;
        }
        m.mae /= n;
        m.mse /= n;
        m.logcosh /= n;
        let rows = pred.len() / outputs.max(1);
        let (mut correct, mut ce) = (0usize, 0.0);
        for r in 0..rows {
            let p = &pred[r * outputs..(r + 1) * outputs];
            let t = &target[r * outputs..(r + 1) * outputs];
            let am = |v: &[f32]| (0..v.len()).fold(0, |b, i| if v[i] > v[b] { i } else { b });
            if am(p) == am(t) {
                correct += 1;
            }
            let mx = p.iter().fold(f64::MIN, |a, &v| a.max(v as f64));
            let lse = mx + p.iter().map(|&v| (v as f64 - mx).exp()).sum::<f64>().ln();
            ce -= p
                .iter()
                .zip(t)
                .map(|(&pv, &tv)| tv as f64 * (pv as f64 - lse))
                .sum::<f64>();
        }
        m.accuracy = correct as f64 / rows.max(1) as f64;
        m.cross_entropy = ce / rows.max(1) as f64;
        m
    }

    /// The value matching a training loss.
    pub fn of(&self, loss: Loss) -> f64 {
        match loss {
            Loss::Mse => self.mse,
            Loss::Mae => self.mae,
            Loss::LogCosh => self.logcosh,
            Loss::CrossEntropy => self.cross_entropy,
        }
    }
}
