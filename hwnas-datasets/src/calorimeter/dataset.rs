//! An in-memory block of consecutive events: images, targets and truth.

use super::N_LAYERS;
use super::event::{Event, Truth};

/// Consecutive events `first_index ..` held in memory.
///
/// Images are stored back to back, each channels last `[eta][phi][layer]` (f32, GeV): the
/// value of bin `(e, p)` in layer `l` of event `i` is
/// `images()[i * image_len + (e * n_phi + p) * 4 + l]`. Targets are the true energies (GeV).
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    shape: [usize; 3],
    first_index: u64,
    images: Vec<f32>,
    targets: Vec<f32>,
    truth: Vec<Truth>,
}

impl Dataset {
    pub(super) fn from_parts(
        shape: [usize; 3],
        first_index: u64,
        images: Vec<f32>,
        truth: Vec<Truth>,
    ) -> Self {
        let targets = truth.iter().map(|t| t.energy as f32).collect();
        Self {
            shape,
            first_index,
            images,
            targets,
            truth,
        }
    }

    /// Number of events.
    pub fn len(&self) -> usize {
        self.truth.len()
    }

    /// Whether there are no events.
    pub fn is_empty(&self) -> bool {
        self.truth.is_empty()
    }

    /// Image shape, channels last: `[n_eta, n_phi, 4]`.
    pub fn image_shape(&self) -> [usize; 3] {
        self.shape
    }

    /// Values per image.
    pub fn image_len(&self) -> usize {
        self.shape.iter().product()
    }

    /// Global index of the first event.
    pub fn first_index(&self) -> u64 {
        self.first_index
    }

    /// All images back to back, shape `[len, n_eta, n_phi, 4]`.
    pub fn images(&self) -> &[f32] {
        &self.images
    }

    /// Image of event `i` (position in this data set), shape `[n_eta, n_phi, 4]`.
    ///
    /// # Panics
    /// If `i >= len()`.
    #[track_caller]
    pub fn image(&self, i: usize) -> &[f32] {
        let n = self.image_len();
        &self.images[i * n..(i + 1) * n]
    }

    /// True energies (GeV), one per event.
    pub fn targets(&self) -> &[f32] {
        &self.targets
    }

    /// Truth records, one per event.
    pub fn truth(&self) -> &[Truth] {
        &self.truth
    }

    /// Event `i` as an owned [`Event`].
    ///
    /// # Panics
    /// If `i >= len()`.
    #[track_caller]
    pub fn event(&self, i: usize) -> Event {
        Event {
            index: self.first_index + i as u64,
            image: self.image(i).to_vec(),
            target: self.targets[i],
            truth: self.truth[i],
        }
    }

    /// Reconstructed energy per layer of event `i` (sum of its image channel, GeV).
    ///
    /// # Panics
    /// If `i >= len()`.
    #[track_caller]
    pub fn layer_sums(&self, i: usize) -> [f64; N_LAYERS] {
        layer_sums(self.image(i))
    }

    /// Per-layer sums of every event.
    pub fn all_layer_sums(&self) -> Vec<[f64; N_LAYERS]> {
        (0..self.len()).map(|i| self.layer_sums(i)).collect()
    }

    /// Total reconstructed energy (sum of all cells, GeV) of every event: the naive sum.
    pub fn sums(&self) -> Vec<f64> {
        (0..self.len())
            .map(|i| self.layer_sums(i).iter().sum())
            .collect()
    }

    /// Appends the events of `other`, which must directly follow this data set.
    ///
    /// # Errors
    /// [`crate::Error::InvalidDataset`] if shapes differ or `other` does not start at
    /// `first_index() + len()`.
    pub fn append(&mut self, other: Dataset) -> crate::Result<()> {
        if other.shape != self.shape || other.first_index != self.first_index + self.len() as u64 {
            return Err(crate::Error::InvalidDataset {
                field: "other".into(),
                reason: format!(
                    "starts at event {} with shape {:?}; expected event {} with shape {:?}",
                    other.first_index,
                    other.shape,
                    self.first_index + self.len() as u64,
                    self.shape
                ),
            });
        }
        self.images.extend(other.images);
        self.targets.extend(other.targets);
        self.truth.extend(other.truth);
        Ok(())
    }
}

/// Converts one channels-last image `[n_eta, n_phi, 4]` to channels-first `[4, n_eta, n_phi]`
/// (the layout of spec §4.1 and of NCHW frameworks).
///
/// ```
/// use hwnas_datasets::calorimeter::dataset::to_channels_first;
/// // 1 × 2 grid, 4 layers: value = 10·bin + layer.
/// let hwc = [0.0, 1.0, 2.0, 3.0, 10.0, 11.0, 12.0, 13.0];
/// assert_eq!(to_channels_first(&hwc), [0.0, 10.0, 1.0, 11.0, 2.0, 12.0, 3.0, 13.0]);
/// ```
pub fn to_channels_first(image: &[f32]) -> Vec<f32> {
    let bins = image.len() / N_LAYERS;
    let mut out = vec![0f32; bins * N_LAYERS];
    for (b, cell) in image.chunks_exact(N_LAYERS).enumerate() {
        for (l, &v) in cell.iter().enumerate() {
            out[l * bins + b] = v;
        }
    }
    out
}

/// Per-layer sums of one channels-last image (`[.., .., 4]`).
pub fn layer_sums(image: &[f32]) -> [f64; N_LAYERS] {
    let mut s = [0.0; N_LAYERS];
    for cell in image.chunks_exact(N_LAYERS) {
        for (acc, &v) in s.iter_mut().zip(cell) {
            *acc += v as f64;
        }
    }
    s
}
