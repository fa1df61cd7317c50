//! The HLS tool family a design is synthesised with: the same C++ is scheduled and bound
//! differently by Vivado HLS (2017-2020) and Vitis HLS (2020.2 on).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// An HLS tool family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tool {
    /// Vivado HLS 2017-2020 (hls4ml's `Vivado` backend).
    VivadoHls,
    /// Vitis HLS 2020.2 and later (hls4ml's `Vitis` backend; the tool users install today).
    #[default]
    VitisHls,
}

impl Tool {
    /// Both families, in release order.
    pub const ALL: [Tool; 2] = [Tool::VivadoHls, Tool::VitisHls];

    /// The tool's executable.
    pub fn program(self) -> &'static str {
        match self {
            Tool::VivadoHls => "vivado_hls",
            Tool::VitisHls => "vitis_hls",
        }
    }

    /// Clock uncertainty of hls4ml's backend for this tool, as a share of the period (Vivado
    /// backend `12.5%`, Vitis backend `27%`): the schedule fills only the rest of the period.
    pub fn clock_uncertainty(self) -> f64 {
        match self {
            Tool::VivadoHls => 0.125,
            Tool::VitisHls => 0.27,
        }
    }

    /// The narrowest multiplication (`weight_bits x input_bits`) the tool binds to a DSP
    /// slice. Vivado HLS 2019 keeps 8x8 products in LUTs even when a multiplier is shared
    /// (`uw-acme/HLS4ML_VS_MANUAL`: Resource-strategy 8x8 CNN, 0 DSP) and maps 7x16 to DSPs
    /// (hls4ml tutorial, Vivado HLS 2019.2): 72 bit-products. Vitis HLS 2021.1 gives a DSP to
    /// an 8x8 constant multiplication of three or more CSD terms
    /// (`ArgyKokk/hls4ml_MLP_estimator`, 18 designs): 56.
    pub fn dsp_threshold_bit_products(self) -> f64 {
        match self {
            Tool::VivadoHls => 72.0,
            Tool::VitisHls => 56.0,
        }
    }
}

impl fmt::Display for Tool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Tool::VivadoHls => "vivado_hls",
            Tool::VitisHls => "vitis_hls",
        })
    }
}

impl FromStr for Tool {
    type Err = Error;
    /// `vivado_hls` or `vitis_hls` (also `vivado`, `vitis`), optionally with a version after
    /// `_`, `-` or a space (`vitis_hls_2023.2`, `vivado_hls 2019.2`).
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        let name = t
            .trim_end_matches(|c: char| c.is_ascii_digit() || c == '.')
            .trim_end_matches('_');
        match name {
            "vivado_hls" | "vivado" | "vivadohls" => Ok(Tool::VivadoHls),
            "vitis_hls" | "vitis" | "vitishls" => Ok(Tool::VitisHls),
            _ => Err(Error::Input(format!(
                "unknown HLS tool `{s}`; use `vivado_hls` (Vivado HLS 2017-2020) or `vitis_hls` \
                 (Vitis HLS 2020.2 and later), optionally with a version, e.g. vitis_hls_2023.2"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_with_versions() {
        for (s, t) in [
            ("vivado_hls", Tool::VivadoHls),
            ("Vivado HLS 2019.2", Tool::VivadoHls),
            ("vitis_hls_2023.2", Tool::VitisHls),
            ("vitis-2021.1", Tool::VitisHls),
            ("vitis", Tool::VitisHls),
        ] {
            assert_eq!(s.parse::<Tool>().unwrap(), t, "{s}");
        }
        let e = "quartus".parse::<Tool>().unwrap_err().to_string();
        assert!(e.contains("vivado_hls") && e.contains("quartus"), "{e}");
        assert_eq!(
            Tool::VivadoHls.to_string().parse::<Tool>().unwrap(),
            Tool::VivadoHls
        );
    }
}
