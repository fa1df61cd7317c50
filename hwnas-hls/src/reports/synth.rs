//! `vivado_synth.rpt`: Vivado's `report_utilization` after synthesis.

use std::path::Path;

use hwnas_core::cost::Resources;
use serde::{Deserialize, Serialize};

use super::csynth::parse_number;
use crate::{Error, Result};

/// What a `vivado_synth.rpt` says about a design.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SynthReport {
    /// Tool version (`| Tool Version : Vivado v.2020.1 ...` -> `2020.1`), when present.
    pub tool_version: Option<String>,
    /// Device as the report spells it (`7z020clg400-1`), when present.
    pub device: Option<String>,
    /// Used resources; BRAM in 18 Kb blocks (a 36 Kb tile counts 2, so `4.5` tiles are 9).
    pub resources: Resources,
}

impl SynthReport {
    /// Reads and parses a report file.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be read, [`Error::Report`] when it has no utilisation
    /// tables.
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            action: "reading",
            path: path.to_path_buf(),
            source,
        })?;
        SynthReport::parse(&String::from_utf8_lossy(&bytes)).map_err(|reason| Error::Report {
            path: path.to_path_buf(),
            reason,
        })
    }

    /// Parses the report text. Sections are tracked by their numbered titles (`1. Slice Logic`,
    /// `2. Memory`, `3. DSP` on 7-series; `1. CLB Logic`, `2. BLOCKRAM`, `3. ARITHMETIC` on
    /// UltraScale); in table rows the `Used` column (the second) is read, whatever columns
    /// follow (`Fixed`, `Prohibited`, ...); thousands separators are ignored.
    ///
    /// # Errors
    /// A description when no LUT row is found.
    pub fn parse(text: &str) -> std::result::Result<Self, String> {
        let mut section = 0u32;
        let mut r = Resources::default();
        let mut found_lut = false;
        let mut tool_version = None;
        let mut device = None;
        for line in text.lines() {
            let trimmed = line.trim();
            if let Some(v) = header_value(trimmed, "Tool Version") {
                tool_version = v
                    .split_whitespace()
                    .find_map(|w| w.strip_prefix("v."))
                    .map(str::to_string);
            }
            if let Some(v) = header_value(trimmed, "Device") {
                device = Some(v.to_string());
            }
            if let Some(n) = section_number(trimmed) {
                section = n;
                continue;
            }
            if !trimmed.starts_with('|') {
                continue;
            }
            let cells: Vec<&str> = trimmed
                .trim_matches('|')
                .split('|')
                .map(str::trim)
                .collect();
            let (Some(name), Some(used)) = (cells.first(), cells.get(1)) else {
                continue;
            };
            let name = name.trim_end_matches('*').trim();
            let Some(v) = parse_number(used) else {
                continue;
            };
            match (section, name) {
                (1, "CLB LUTs" | "Slice LUTs") => {
                    r.lut = v;
                    found_lut = true;
                }
                (1, "CLB Registers" | "Slice Registers") => r.ff = v,
                (2, "Block RAM Tile") => r.bram18 = 2.0 * v,
                (2, "URAM") => r.uram = v,
                (3, "DSPs") => r.dsp = v,
                _ => {}
            }
        }
        if !found_lut {
            return Err(
                "no `Slice LUTs` or `CLB LUTs` row in section 1: this is not a Vivado \
                        report_utilization output (expected vivado_synth.rpt)"
                    .into(),
            );
        }
        Ok(SynthReport {
            tool_version,
            device,
            resources: r,
        })
    }
}

/// `| Key : value` lines of the report header.
fn header_value<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let rest = line.strip_prefix('|')?.trim_start().strip_prefix(key)?;
    Some(rest.trim_start().strip_prefix(':')?.trim())
}

/// `1. Slice Logic` -> 1; `1.1 Summary of ...` and table rows -> None.
fn section_number(line: &str) -> Option<u32> {
    let (num, rest) = line.split_once(". ")?;
    if rest.is_empty() || !num.chars().all(|c| c.is_ascii_digit()) || num.is_empty() {
        return None;
    }
    num.parse().ok()
}
