//! The data of the example: synthetic calorimeter events (spec `calorimeter.md` §4), the
//! network's view of them, and the naive calibrated-sum baseline.
//!
//! The network sees cell energies in units of 10 GeV (so the largest cells fit
//! `ap_fixed<16,6>`) and predicts the correction factor `E_true / ΣE_cells`, the better
//! conditioned target of spec §4.2; the energy estimate is that factor times the cell sum,
//! which the trigger computes beside the network (one adder tree).

use hwnas::datasets::calorimeter::{self as calo, CalorimeterConfig, Generator, NaiveSum, Split};
use hwnas::search::Dataset;

/// GeV per unit of network input.
pub const INPUT_UNIT_GEV: f64 = 10.0;

/// The smallest cell sum used to form the target ratio (GeV); real events have far more.
const MIN_SUM_GEV: f64 = 0.1;

/// One split: the network's view and what is needed to turn predictions into energies.
pub struct Events {
    /// Inputs (cells / 10 GeV) and targets (`E_true / ΣE`).
    pub net: Dataset,
    /// Cell sums per event (GeV).
    pub sums: Vec<f64>,
    /// True energies (GeV).
    pub truth: Vec<f64>,
}

impl Events {
    fn new(d: &calo::Dataset) -> hwnas::Result<Self> {
        let sums: Vec<f64> = d.sums().into_iter().map(|s| s.max(MIN_SUM_GEV)).collect();
        let truth: Vec<f64> = d.targets().iter().map(|&t| t as f64).collect();
        let x = d
            .images()
            .iter()
            .map(|&v| (v as f64 / INPUT_UNIT_GEV) as f32)
            .collect();
        let y = truth
            .iter()
            .zip(&sums)
            .map(|(t, s)| (t / s) as f32)
            .collect();
        Ok(Events {
            net: Dataset::new(x, y, d.image_len(), 1)?,
            sums,
            truth,
        })
    }

    /// Energies (GeV) from predicted correction factors.
    pub fn energies(&self, ratios: &[f64]) -> Vec<f64> {
        ratios.iter().zip(&self.sums).map(|(r, s)| r * s).collect()
    }

    /// The first `n` inputs, flat, in network units.
    pub fn inputs(&self, n: usize) -> Vec<f64> {
        let f = self.net.features;
        self.net.x[..n.min(self.net.len()) * f]
            .iter()
            .map(|&v| v as f64)
            .collect()
    }
}

/// Train, validation and test data, and the naive sum fitted on the training events.
pub struct Data {
    /// Training split.
    pub train: Events,
    /// Validation split (search logits, early checks).
    pub val: Events,
    /// Test split (every reported figure).
    pub test: Events,
    /// The naive calibrated sum `c·ΣE`.
    pub naive: NaiveSum,
    /// Image shape `[eta, phi, layers]`.
    pub shape: [usize; 3],
}

/// Generates the three splits of `config` with `seed` on all cores.
pub fn generate(config: CalorimeterConfig, seed: u64) -> hwnas::Result<Data> {
    let generator = Generator::new(config, seed)?;
    let bar = crate::progress::bar(3, "generating events");
    let split = |s: Split| {
        let d = generator.split(s, 0);
        bar.inc(1);
        d
    };
    let (train, val, test) = (
        split(Split::Train)?,
        split(Split::Val)?,
        split(Split::Test)?,
    );
    bar.finish_and_clear();
    Ok(Data {
        naive: NaiveSum::fit_dataset(&train)?,
        shape: train.image_shape(),
        train: Events::new(&train)?,
        val: Events::new(&val)?,
        test: Events::new(&test)?,
    })
}
