//! Detector readout: the native cell size of each sampling on the common image grid, electronic
//! noise per native cell, and the energy-conserving upsampling of native cells to the grid
//! (spec §3.7: each native cell's energy is spread evenly over its block of grid bins).
//!
//! Native cells in middle-cell units (η × φ): presampler 1 × 4, strips 1/8 × 4, middle 1 × 1,
//! back 2 × 1. Blocks are aligned with the window's first bin; blocks cut by the window edge are
//! smaller. When a native cell is finer than a grid bin (strips on a grid with fewer than 8 bins
//! per cell) the bin holds several cells and its noise is `σ·√(cells per bin)`.

use super::N_LAYERS;
use super::config::Grid;
use super::rng::Rng;
use hwnas_core::rng::Random;

/// One sampling's native cells on the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellBlock {
    /// Grid bins per native cell in η.
    pub eta_bins: usize,
    /// Grid bins per native cell in φ.
    pub phi_bins: usize,
    /// Native cells summed into one block (> 1 only when cells are finer than the grid).
    pub merged: usize,
}

/// The readout layout of all four samplings on a grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Readout {
    n_eta: usize,
    n_phi: usize,
    blocks: [CellBlock; N_LAYERS],
}

impl Readout {
    /// The layout for `grid` (assumed validated: `strips_per_cell` divides 8).
    pub fn new(grid: &Grid) -> Self {
        let s = grid.strips_per_cell.max(1);
        let blocks = [
            CellBlock {
                eta_bins: s,
                phi_bins: 4,
                merged: 1,
            },
            CellBlock {
                eta_bins: 1,
                phi_bins: 4,
                merged: (8 / s).max(1),
            },
            CellBlock {
                eta_bins: s,
                phi_bins: 1,
                merged: 1,
            },
            CellBlock {
                eta_bins: 2 * s,
                phi_bins: 1,
                merged: 1,
            },
        ];
        Self {
            n_eta: grid.n_eta(),
            n_phi: grid.n_phi(),
            blocks,
        }
    }

    /// The native-cell block of `layer` (0 = presampler … 3 = back).
    pub fn block(&self, layer: usize) -> CellBlock {
        self.blocks[layer]
    }

    /// Number of native cells (blocks) of `layer` in the window.
    pub fn n_cells(&self, layer: usize) -> usize {
        let b = self.blocks[layer];
        self.n_eta.div_ceil(b.eta_bins) * self.n_phi.div_ceil(b.phi_bins)
    }

    /// Reads out one layer: sums `fine` (the layer's energy per grid bin, `[eta][phi]`) into
    /// native cells, adds Gaussian noise `σ·√merged` per cell when `noise_sigma > 0`, and writes
    /// the cells back spread evenly over their bins into `image` (channels last, this layer's
    /// channel only). Returns the noise added in total (GeV).
    pub fn read_out(
        &self,
        layer: usize,
        fine: &[f64],
        noise_sigma: f64,
        rng: &mut Rng,
        image: &mut [f32],
    ) -> f64 {
        let b = self.blocks[layer];
        let sigma = noise_sigma * (b.merged as f64).sqrt();
        let mut total_noise = 0.0;
        for e0 in (0..self.n_eta).step_by(b.eta_bins) {
            let e1 = (e0 + b.eta_bins).min(self.n_eta);
            for p0 in (0..self.n_phi).step_by(b.phi_bins) {
                let p1 = (p0 + b.phi_bins).min(self.n_phi);
                let mut cell = 0.0;
                for e in e0..e1 {
                    cell += fine[e * self.n_phi + p0..e * self.n_phi + p1]
                        .iter()
                        .sum::<f64>();
                }
                if sigma > 0.0 {
                    let n = sigma * rng.normal();
                    cell += n;
                    total_noise += n;
                }
                let share = (cell / ((e1 - e0) * (p1 - p0)) as f64) as f32;
                for e in e0..e1 {
                    for p in p0..p1 {
                        image[(e * self.n_phi + p) * N_LAYERS + layer] = share;
                    }
                }
            }
        }
        total_noise
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(s: usize, phi: usize) -> Grid {
        Grid {
            eta_cells: 7,
            phi_cells: phi,
            strips_per_cell: s,
        }
    }

    #[test]
    fn cell_counts_match_the_atlas_window() {
        // Oracle: spec §3.7 table, native cells in the 7 × 11 middle-cell window:
        // PS 7 × 3, strips 56 × 3, middle 7 × 11, back 4 × 11.
        let r = Readout::new(&grid(8, 11));
        assert_eq!(r.n_cells(0), 7 * 3);
        assert_eq!(r.n_cells(1), 56 * 3);
        assert_eq!(r.n_cells(2), 7 * 11);
        assert_eq!(r.n_cells(3), 4 * 11);
        // Small grid: strips merge 4 native strips per bin.
        let r = Readout::new(&grid(2, 7));
        assert_eq!(r.block(1).merged, 4);
        assert_eq!(r.n_cells(1), 14 * 2);
    }

    #[test]
    fn upsampling_conserves_energy_and_is_flat_within_a_cell() {
        let g = grid(8, 11);
        let r = Readout::new(&g);
        let (ne, np) = (g.n_eta(), g.n_phi());
        let fine: Vec<f64> = (0..ne * np).map(|i| ((i * 37) % 11) as f64 * 0.1).collect();
        let total: f64 = fine.iter().sum();
        let mut rng = Rng::seed_from_u64(1);
        for layer in 0..N_LAYERS {
            let mut image = vec![0f32; ne * np * N_LAYERS];
            let noise = r.read_out(layer, &fine, 0.0, &mut rng, &mut image);
            assert_eq!(noise, 0.0);
            let sum: f64 = image.iter().map(|&x| x as f64).sum();
            assert!((sum - total).abs() < 1e-4 * total, "layer {layer}");
            // Back layer: bins 0..16 in η of φ column 0 share one value.
            if layer == 3 {
                let v0 = image[layer];
                for e in 0..16 {
                    assert_eq!(image[(e * np) * N_LAYERS + layer], v0);
                }
            }
        }
    }

    #[test]
    fn noise_has_the_native_cell_sigma() {
        let g = grid(2, 7);
        let r = Readout::new(&g);
        let fine = vec![0.0; g.n_eta() * g.n_phi()];
        let mut rng = Rng::seed_from_u64(2);
        let mut image = vec![0f32; g.n_eta() * g.n_phi() * N_LAYERS];
        // Middle layer: 7 × 7 cells of σ = 30 MeV → window sum σ = 0.03·7 = 0.21 GeV.
        let n = 4000;
        let sums: Vec<f64> = (0..n)
            .map(|_| r.read_out(2, &fine, 0.03, &mut rng, &mut image))
            .collect();
        let var = sums.iter().map(|x| x * x).sum::<f64>() / n as f64;
        assert!((var.sqrt() / 0.21 - 1.0).abs() < 0.06, "{}", var.sqrt());
    }
}
