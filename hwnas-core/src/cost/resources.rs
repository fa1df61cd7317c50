//! FPGA resources of a layer or a network.

use std::iter::Sum;
use std::ops::{Add, AddAssign, Mul};

use serde::{Deserialize, Serialize};

/// FPGA resources and timing of a layer or network.
///
/// Values are `f64` because the search works with *expected* resources (probability-weighted
/// sums over candidate layers); a concrete estimate holds whole numbers except `bram18`, which
/// may be fractional in synthesis reports (half a 36K tile).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Resources {
    /// Look-up tables.
    pub lut: f64,
    /// Flip-flops.
    pub ff: f64,
    /// 18 Kb block RAMs (a 36 Kb tile counts 2).
    pub bram18: f64,
    /// DSP slices.
    pub dsp: f64,
    /// UltraRAM blocks.
    pub uram: f64,
    /// Cycles from the first input to the last output.
    pub latency_cycles: f64,
    /// Initiation interval: cycles between two inputs.
    pub ii: f64,
}

impl Resources {
    /// Area only (LUT, FF, BRAM, DSP, URAM), timing zero.
    pub fn area(lut: f64, ff: f64, bram18: f64, dsp: f64, uram: f64) -> Self {
        Resources {
            lut,
            ff,
            bram18,
            dsp,
            uram,
            latency_cycles: 0.0,
            ii: 0.0,
        }
    }

    /// Combines layers that run one after another: areas and latencies add, the initiation
    /// interval is the slowest layer's.
    pub fn then(self, next: Resources) -> Resources {
        Resources {
            lut: self.lut + next.lut,
            ff: self.ff + next.ff,
            bram18: self.bram18 + next.bram18,
            dsp: self.dsp + next.dsp,
            uram: self.uram + next.uram,
            latency_cycles: self.latency_cycles + next.latency_cycles,
            ii: self.ii.max(next.ii),
        }
    }

    /// The fields in a fixed order: `lut, ff, bram18, dsp, uram, latency_cycles, ii`.
    pub fn to_array(&self) -> [f64; 7] {
        [
            self.lut,
            self.ff,
            self.bram18,
            self.dsp,
            self.uram,
            self.latency_cycles,
            self.ii,
        ]
    }

    /// Inverse of [`Resources::to_array`].
    pub fn from_array(a: [f64; 7]) -> Self {
        Resources {
            lut: a[0],
            ff: a[1],
            bram18: a[2],
            dsp: a[3],
            uram: a[4],
            latency_cycles: a[5],
            ii: a[6],
        }
    }

    /// Field names in the order of [`Resources::to_array`].
    pub const FIELDS: [&'static str; 7] =
        ["lut", "ff", "bram18", "dsp", "uram", "latency_cycles", "ii"];
}

/// Field-wise sum (used for expectations: `sum_k p_k * cost_k`). Note that this adds `ii` too;
/// use [`Resources::then`] to chain layers.
impl Add for Resources {
    type Output = Resources;
    fn add(self, o: Resources) -> Resources {
        let (a, b) = (self.to_array(), o.to_array());
        Resources::from_array(std::array::from_fn(|i| a[i] + b[i]))
    }
}

impl AddAssign for Resources {
    fn add_assign(&mut self, o: Resources) {
        *self = *self + o;
    }
}

/// Field-wise scaling.
impl Mul<f64> for Resources {
    type Output = Resources;
    fn mul(self, k: f64) -> Resources {
        Resources::from_array(self.to_array().map(|v| v * k))
    }
}

impl Sum for Resources {
    fn sum<I: Iterator<Item = Resources>>(iter: I) -> Resources {
        iter.fold(Resources::default(), Add::add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chaining_adds_area_and_latency_and_keeps_the_slowest_ii() {
        let a = Resources {
            lut: 10.0,
            ff: 5.0,
            bram18: 1.0,
            dsp: 2.0,
            uram: 0.0,
            latency_cycles: 4.0,
            ii: 2.0,
        };
        let b = Resources {
            ii: 8.0,
            latency_cycles: 10.0,
            ..a
        };
        let c = a.then(b);
        assert_eq!(
            (c.lut, c.dsp, c.latency_cycles, c.ii),
            (20.0, 4.0, 14.0, 8.0)
        );
        let e = a * 0.25 + b * 0.75;
        assert_eq!(e.ii, 0.25 * 2.0 + 0.75 * 8.0);
        assert_eq!([a, b].into_iter().sum::<Resources>().lut, 20.0);
    }
}
