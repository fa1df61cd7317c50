//! The device database: FPGA parts, their families (which fix the DSP port widths and memory
//! geometry) and capacities, so estimates can be read as a percentage of a device.
//!
//! ```
//! use hwnas_hls::devices::{Device, DspKind};
//!
//! let d = Device::lookup("xcvu13p-flga2577-2-e")?;
//! assert_eq!(d.name, "xcvu13p");
//! assert_eq!(d.dsp, 12_288);
//! assert_eq!(d.family.dsp_kind(), DspKind::Dsp48E2);
//! # Ok::<(), hwnas_hls::Error>(())
//! ```

use hwnas_core::cost::Resources;
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The DSP slice of a family: it fixes the multiplier port widths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DspKind {
    /// 7-series / Zynq-7000: signed 25 x 18 multiplier (UG479).
    Dsp48E1,
    /// UltraScale / UltraScale+: signed 27 x 18 multiplier (UG579).
    Dsp48E2,
    /// Versal: signed 27 x 24 multiplier (AM004).
    Dsp58,
}

impl DspKind {
    /// The widths `(a, b)` of the two multiplier ports, in bits (signed).
    pub fn ports(self) -> (u32, u32) {
        match self {
            DspKind::Dsp48E1 => (25, 18),
            DspKind::Dsp48E2 => (27, 18),
            DspKind::Dsp58 => (27, 24),
        }
    }

    /// DSP slices needed for one `x` by `y`-bit product: the operands are split into port-sized
    /// pieces, the cheaper of the two operand-to-port assignments is used.
    ///
    /// ```
    /// use hwnas_hls::devices::DspKind;
    /// assert_eq!(DspKind::Dsp48E1.slices_per_product(25, 18), 1);
    /// assert_eq!(DspKind::Dsp48E1.slices_per_product(25, 19), 2);
    /// assert_eq!(DspKind::Dsp48E2.slices_per_product(27, 18), 1);
    /// assert_eq!(DspKind::Dsp58.slices_per_product(24, 24), 1);
    /// ```
    pub fn slices_per_product(self, x: u32, y: u32) -> u32 {
        let (a, b) = self.ports();
        let split = |p: u32, q: u32| p.max(1).div_ceil(a) * q.max(1).div_ceil(b);
        split(x, y).min(split(y, x))
    }
}

/// An FPGA family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Family {
    /// 7-series and Zynq-7000 (DSP48E1, 18/36 Kb BRAM).
    Series7,
    /// UltraScale (DSP48E2).
    UltraScale,
    /// UltraScale+ incl. Zynq MPSoC and Alveo (DSP48E2, URAM on most parts).
    UltraScalePlus,
    /// Versal (DSP58).
    Versal,
}

impl Family {
    /// The DSP slice of the family.
    pub fn dsp_kind(self) -> DspKind {
        match self {
            Family::Series7 => DspKind::Dsp48E1,
            Family::UltraScale | Family::UltraScalePlus => DspKind::Dsp48E2,
            Family::Versal => DspKind::Dsp58,
        }
    }
}

/// One device: its base name, family and capacities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Device {
    /// Base part name without package and speed grade (`xcvu13p`).
    pub name: &'static str,
    /// Boards or cards built on it (`"Alveo U250"`), for messages.
    pub boards: &'static str,
    /// Family.
    pub family: Family,
    /// LUTs.
    pub lut: u64,
    /// Flip-flops.
    pub ff: u64,
    /// DSP slices.
    pub dsp: u64,
    /// 18 Kb block RAMs (two per 36 Kb tile).
    pub bram18: u64,
    /// UltraRAM blocks (0 where the part has none).
    pub uram: u64,
}

/// The known devices. Capacities of xc7z020, xczu3eg, xczu9eg, xcvu9p/xcu200 and xcvu13p/xcu250
/// are from `specs/resource-model.md` 3.1; xcu50, xc7a100t, xcku115 and xcvc1902 from the AMD
/// product tables (recalled, check against your data sheet before relying on them); xcu280 and
/// xc7a200t from the "Available" rows of published reports: the Vivado HLS 2019.1 csynth report
/// of `uw-acme/HLS4ML_VS_MANUAL` (`xcu280-fsvh2892-2L-e`, a design of the public calibration
/// corpus) and a Vivado 2018.2 utilisation report of a routed `xc7a200tfbg484-1` design (LUT and
/// FF counts as Vivado gives them: 133,800 and 267,600); xc7z007s from the "Available" row of
/// the Vitis HLS 2021.1 csynth reports of `ArgyKokk/hls4ml_MLP_estimator` (corpus designs
/// `AKE*`); xc7vx690t, xcku035 and xcku15p from the AMD product tables (recalled, as above).
pub const DEVICES: &[Device] = &[
    dev(
        "xc7z020",
        "PYNQ-Z2, ZedBoard",
        Family::Series7,
        [53_200, 106_400, 220, 280, 0],
    ),
    dev(
        "xc7z007s",
        "Cora Z7-07S",
        Family::Series7,
        [14_400, 28_800, 66, 100, 0],
    ),
    dev(
        "xc7vx690t",
        "VC709",
        Family::Series7,
        [433_200, 866_400, 3_600, 2_940, 0],
    ),
    dev(
        "xc7a100t",
        "Arty A7-100",
        Family::Series7,
        [63_400, 126_800, 240, 270, 0],
    ),
    dev(
        "xc7a200t",
        "Nexys Video, AC701",
        Family::Series7,
        [133_800, 267_600, 740, 730, 0],
    ),
    dev(
        "xcku115",
        "KCU1500",
        Family::UltraScale,
        [663_360, 1_326_720, 5_520, 4_320, 0],
    ),
    dev(
        "xcku035",
        "KCU105-class Kintex UltraScale",
        Family::UltraScale,
        [203_128, 406_256, 1_700, 1_080, 0],
    ),
    dev(
        "xcku15p",
        "KCU116",
        Family::UltraScalePlus,
        [522_720, 1_045_440, 1_968, 1_968, 128],
    ),
    dev(
        "xczu3eg",
        "Ultra96",
        Family::UltraScalePlus,
        [70_560, 141_120, 360, 432, 0],
    ),
    dev(
        "xczu9eg",
        "ZCU102",
        Family::UltraScalePlus,
        [274_080, 548_160, 2_520, 1_824, 0],
    ),
    dev(
        "xcvu9p",
        "VCU118",
        Family::UltraScalePlus,
        [1_182_240, 2_364_480, 6_840, 4_320, 960],
    ),
    dev(
        "xcu200",
        "Alveo U200",
        Family::UltraScalePlus,
        [1_182_240, 2_364_480, 6_840, 4_320, 960],
    ),
    dev(
        "xcvu13p",
        "VCU129, hls4ml default",
        Family::UltraScalePlus,
        [1_728_000, 3_456_000, 12_288, 5_376, 1_280],
    ),
    dev(
        "xcu250",
        "Alveo U250",
        Family::UltraScalePlus,
        [1_728_000, 3_456_000, 12_288, 5_376, 1_280],
    ),
    dev(
        "xcu50",
        "Alveo U50",
        Family::UltraScalePlus,
        [872_160, 1_743_680, 5_952, 2_688, 640],
    ),
    dev(
        "xcu280",
        "Alveo U280",
        Family::UltraScalePlus,
        [1_303_680, 2_607_360, 9_024, 4_032, 960],
    ),
    dev(
        "xcvc1902",
        "VCK190 (Versal AI Core)",
        Family::Versal,
        [899_840, 1_799_680, 1_968, 1_934, 463],
    ),
];

const fn dev(name: &'static str, boards: &'static str, family: Family, c: [u64; 5]) -> Device {
    Device {
        name,
        boards,
        family,
        lut: c[0],
        ff: c[1],
        dsp: c[2],
        bram18: c[3],
        uram: c[4],
    }
}

/// Use of a device, in percent of each resource.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Utilisation {
    /// LUT, % of the device.
    pub lut: f64,
    /// FF, %.
    pub ff: f64,
    /// 18 Kb BRAM, %.
    pub bram18: f64,
    /// DSP, %.
    pub dsp: f64,
    /// URAM, % (0 on parts without URAM).
    pub uram: f64,
}

impl Utilisation {
    /// The largest of the percentages: above 100 the design does not fit.
    pub fn max(&self) -> f64 {
        [self.lut, self.ff, self.bram18, self.dsp, self.uram]
            .into_iter()
            .fold(0.0, f64::max)
    }
}

impl Device {
    /// Finds a device from a part string as Vivado, Vitis or a report spell it:
    /// `xcvu13p-flga2577-2-e`, `xc7z020clg400-1`, `7z020clg400-1`, `XCZU3EG-SBVA484-1-E`, `xcu250`.
    ///
    /// # Errors
    /// [`Error::UnknownPart`] listing the known devices.
    pub fn lookup(part: &str) -> Result<&'static Device> {
        let p = part.trim().to_ascii_lowercase();
        let p = if p.starts_with("xc") {
            p
        } else {
            format!("xc{p}")
        };
        DEVICES
            .iter()
            .filter(|d| {
                p.strip_prefix(d.name).is_some_and(|rest| {
                    // The base name must end where the package begins: `xcvu9p` must not
                    // match `xcvu9p1`-like names, and `xcu50` must not match `xcu500`.
                    rest.is_empty()
                        || rest.starts_with('-')
                        || rest.starts_with(|c: char| c.is_ascii_alphabetic())
                })
            })
            .max_by_key(|d| d.name.len())
            .ok_or_else(|| Error::UnknownPart {
                part: part.to_string(),
                known: DEVICES
                    .iter()
                    .map(|d| d.name)
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    /// `r` as a percentage of this device's capacity.
    pub fn utilisation(&self, r: &Resources) -> Utilisation {
        let pct = |used: f64, cap: u64| {
            if cap == 0 {
                if used > 0.0 { f64::INFINITY } else { 0.0 }
            } else {
                100.0 * used / cap as f64
            }
        };
        Utilisation {
            lut: pct(r.lut, self.lut),
            ff: pct(r.ff, self.ff),
            bram18: pct(r.bram18, self.bram18),
            dsp: pct(r.dsp, self.dsp),
            uram: pct(r.uram, self.uram),
        }
    }

    /// The capacities as [`Resources`] (timing zero), e.g. to normalise a metric.
    pub fn capacity(&self) -> Resources {
        Resources::area(
            self.lut as f64,
            self.ff as f64,
            self.bram18 as f64,
            self.dsp as f64,
            self.uram as f64,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_part_strings() {
        let cases = [
            ("xcvu13p-flga2577-2-e", "xcvu13p"),
            ("xc7z020clg400-1", "xc7z020"),
            ("7z020clg400-1", "xc7z020"),
            ("XCZU3EG-SBVA484-1-E", "xczu3eg"),
            ("xczu9eg-ffvb1156-2-e", "xczu9eg"),
            ("xcu250-figd2104-2L-e", "xcu250"),
            ("xcu50-fsvh2104-2-e", "xcu50"),
            ("xcu200", "xcu200"),
            ("xcvu9p-flga2104-2l-e", "xcvu9p"),
            ("xcvc1902-vsva2197-2MP-e-S", "xcvc1902"),
            ("xcu280-fsvh2892-2L-e", "xcu280"),
            ("xc7a200tfbg484-1", "xc7a200t"),
            ("7a200tsbg484-1", "xc7a200t"),
            ("xc7a100tcsg324-1", "xc7a100t"),
        ];
        for (part, name) in cases {
            assert_eq!(Device::lookup(part).unwrap().name, name, "{part}");
        }
        let e = Device::lookup("xcfoo-1").unwrap_err().to_string();
        assert!(e.contains("xcfoo-1") && e.contains("xcvu13p"), "{e}");
        assert!(Device::lookup("xcu500").is_err());
        // Capacities read from published reports (see `DEVICES`).
        let u280 = Device::lookup("xcu280-fsvh2892-2L-e").unwrap();
        assert_eq!(
            (u280.lut, u280.ff, u280.dsp, u280.bram18, u280.uram),
            (1_303_680, 2_607_360, 9_024, 4_032, 960)
        );
        assert_eq!(u280.family, Family::UltraScalePlus);
        let a200 = Device::lookup("xc7a200tfbg484-1").unwrap();
        assert_eq!(
            (a200.lut, a200.ff, a200.dsp, a200.bram18, a200.uram),
            (133_800, 267_600, 740, 730, 0)
        );
        assert_eq!(a200.family, Family::Series7);
    }

    #[test]
    fn utilisation_is_a_percentage() {
        let d = Device::lookup("xczu3eg").unwrap();
        let u = d.utilisation(&Resources::area(7_056.0, 0.0, 43.2, 360.0, 0.0));
        assert!((u.lut - 10.0).abs() < 1e-9);
        assert!((u.bram18 - 10.0).abs() < 1e-9);
        assert!((u.dsp - 100.0).abs() < 1e-9);
        assert_eq!(u.max(), 100.0);
    }

    #[test]
    fn dsp_ports_per_family() {
        assert_eq!(DspKind::Dsp48E1.slices_per_product(16, 16), 1);
        assert_eq!(DspKind::Dsp48E1.slices_per_product(26, 16), 2);
        assert_eq!(DspKind::Dsp48E2.slices_per_product(26, 16), 1);
        assert_eq!(DspKind::Dsp48E2.slices_per_product(27, 19), 2);
        assert_eq!(DspKind::Dsp58.slices_per_product(27, 24), 1);
        assert_eq!(DspKind::Dsp48E2.slices_per_product(32, 32), 4);
    }
}
