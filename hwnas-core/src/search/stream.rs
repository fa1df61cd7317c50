//! Training data larger than memory: samples read from their `.npy` file batch by batch.

use std::path::Path;

use super::data::{Dataset, Samples};
use crate::samples::NpyFile;
use crate::{Error, Result};

/// A data set whose samples stay in a `.npy` file (float32/64 or int32/64, C order, shape
/// `(n, ...)`) and are read as batches need them; the targets (`.npy` or CSV, one row per
/// sample) are held in memory. Everything that takes [`Samples`] takes it: the search, the
/// trainers, [`predict`](super::predict) and [`evaluate`](super::evaluate).
///
/// ```
/// # let dir = tempfile::tempdir()?;
/// use hwnas_core::search::{Samples, StreamedDataset};
///
/// // Three samples of two features as a float32 .npy file, their targets as CSV.
/// let mut x = b"\x93NUMPY\x01\x00".to_vec();
/// let header = format!("{:<117}\n", "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }");
/// x.extend((header.len() as u16).to_le_bytes());
/// x.extend(header.as_bytes());
/// (0..6).for_each(|v| x.extend((v as f32).to_le_bytes()));
/// std::fs::write(dir.path().join("x.npy"), &x)?;
/// std::fs::write(dir.path().join("y.csv"), "0.5\n1.5\n2.5\n")?;
///
/// let d = StreamedDataset::open(&dir.path().join("x.npy"), &dir.path().join("y.csv"))?;
/// assert_eq!((d.len(), d.features(), d.outputs()), (3, 2, 1));
/// let (mut xs, mut ys) = (Vec::new(), Vec::new());
/// d.read(&[2, 0], &mut xs, &mut ys)?;
/// assert_eq!((xs, ys), (vec![4.0, 5.0, 0.0, 1.0], vec![2.5, 0.5]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct StreamedDataset {
    x: NpyFile,
    y: Vec<f32>,
    outputs: usize,
}

impl StreamedDataset {
    /// Opens the samples `x` (a `.npy` file; only its header is read) and loads the targets
    /// `y`.
    ///
    /// # Errors
    /// [`Error::Io`] when a file cannot be read; [`Error::Data`] when `x` is not a `.npy` array
    /// or `y` does not hold one target row per sample.
    pub fn open(x: &Path, y: &Path) -> Result<Self> {
        let xs = NpyFile::open(x)?;
        let ys = crate::samples::read_array(y, None)?;
        let rows = ys.shape.first().copied().unwrap_or(0);
        if rows != xs.rows() {
            return Err(Error::Data {
                path: y.to_path_buf(),
                reason: format!(
                    "{rows} targets for {} samples in {}; give one target row per sample",
                    xs.rows(),
                    x.display()
                ),
            });
        }
        let outputs = ys.shape.iter().skip(1).product::<usize>();
        Ok(StreamedDataset {
            x: xs,
            y: ys.values.iter().map(|&v| v as f32).collect(),
            outputs,
        })
    }

    /// The samples `[first, first + n)` in memory (e.g. calibration data for
    /// [`derive`](super::derive)).
    ///
    /// # Errors
    /// As [`StreamedDataset::read`](Samples::read).
    pub fn slice(&self, first: usize, n: usize) -> Result<Dataset> {
        let end = (first + n).min(self.len());
        let idx: Vec<usize> = (first.min(end)..end).collect();
        let (mut x, mut y) = (Vec::new(), Vec::new());
        self.read(&idx, &mut x, &mut y)?;
        Dataset::new(x, y, self.features(), self.outputs)
    }
}

impl Samples for StreamedDataset {
    fn len(&self) -> usize {
        self.x.rows()
    }

    fn features(&self) -> usize {
        self.x.per_row()
    }

    fn outputs(&self) -> usize {
        self.outputs
    }

    fn read(&self, idx: &[usize], x: &mut Vec<f32>, y: &mut Vec<f32>) -> Result<()> {
        self.x.read_rows(idx, x)?;
        let o = self.outputs;
        for &i in idx {
            y.extend_from_slice(&self.y[i * o..(i + 1) * o]);
        }
        Ok(())
    }
}
