//! The calibration JSON: fitted coefficients keyed by device, tool version, strategy and target.

use std::path::Path;

use hwnas_core::ir::Strategy;
use serde::{Deserialize, Serialize};

use super::fit::FitQuality;
use crate::devices::Device;
use crate::resources::{AnalyticModel, Coefficients, Target, Tool};
use crate::{Error, Result};

/// `format` of a calibration file.
pub const CALIBRATION_FORMAT: &str = "hwnas-calibration";
/// `version` of the calibration format written by this crate.
pub const CALIBRATION_VERSION: u32 = 1;

/// One fitted set of coefficients.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationEntry {
    /// Device base name (`xczu3eg`).
    pub device: String,
    /// Tool and version (`vivado_hls_2019.2`, `vitis_hls_2023.2`, `vivado_2023.2`).
    pub tool: String,
    /// Strategy of the layers it was fitted on.
    pub strategy: Strategy,
    /// Which report it predicts.
    pub target: Target,
    /// The coefficients.
    pub coefficients: Coefficients,
    /// How well it reproduces its own samples.
    pub quality: FitQuality,
}

/// A calibration file: a list of entries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// Always [`CALIBRATION_FORMAT`].
    pub format: String,
    /// [`CALIBRATION_VERSION`].
    pub version: u32,
    /// The fitted entries.
    pub entries: Vec<CalibrationEntry>,
}

impl Default for Calibration {
    fn default() -> Self {
        Calibration {
            format: CALIBRATION_FORMAT.into(),
            version: CALIBRATION_VERSION,
            entries: Vec::new(),
        }
    }
}

impl Calibration {
    /// Reads a calibration file.
    ///
    /// # Errors
    /// [`Error::Io`], or [`Error::Calibration`] when it is not a calibration document or a
    /// coefficient is invalid.
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = hwnas_core::fs::read(path)?;
        let cal: Calibration = serde_json::from_slice(&bytes).map_err(|e| {
            Error::Calibration(format!(
                "{}: not a calibration file ({e}); write one with `hwnas calibrate fit DIR`",
                path.display()
            ))
        })?;
        if cal.format != CALIBRATION_FORMAT || cal.version > CALIBRATION_VERSION {
            return Err(Error::Calibration(format!(
                "{}: format `{}` version {} is not `{CALIBRATION_FORMAT}` version \
                 {CALIBRATION_VERSION} or older",
                path.display(),
                cal.format,
                cal.version
            )));
        }
        for e in &cal.entries {
            e.coefficients.validate()?;
        }
        Ok(cal)
    }

    /// Writes the file atomically (pretty JSON).
    ///
    /// # Errors
    /// [`Error::Io`].
    pub fn save(&self, path: &Path) -> Result<()> {
        let text = serde_json::to_string_pretty(self)
            .map_err(|e| Error::Calibration(format!("cannot serialise: {e}")))?;
        hwnas_core::fs::write_atomic(path, text.as_bytes())?;
        Ok(())
    }

    /// Adds an entry, replacing one with the same key.
    pub fn insert(&mut self, entry: CalibrationEntry) {
        self.entries.retain(|e| {
            !(e.device == entry.device
                && e.tool == entry.tool
                && e.strategy == entry.strategy
                && e.target == entry.target)
        });
        self.entries.push(entry);
    }

    /// The entry for a key; with `tool = None`, any tool version (the last one listed); a tool
    /// without a version (`vitis_hls`) matches every version of it (`vitis_hls_2023.2`).
    pub fn find(
        &self,
        device: &str,
        tool: Option<&str>,
        strategy: Strategy,
        target: Target,
    ) -> Option<&CalibrationEntry> {
        self.entries.iter().rev().find(|e| {
            e.device == device
                && e.strategy == strategy
                && e.target == target
                && tool.is_none_or(|t| e.tool == t || e.tool.starts_with(&format!("{t}_")))
        })
    }

    /// The model for a device and target using this calibration where it has an entry (per
    /// strategy) and the defaults elsewhere.
    ///
    /// # Errors
    /// [`Error::Calibration`] when the calibration has entries but none for this device and
    /// target, so that a calibration for another device is never silently ignored.
    pub fn model(
        &self,
        device: &'static Device,
        target: Target,
        tool: Option<&str>,
    ) -> Result<AnalyticModel> {
        let family = tool
            .map(str::parse::<Tool>)
            .transpose()?
            .unwrap_or_default();
        let mut m = AnalyticModel::for_tool(device, target, family);
        let lat = self.find(device.name, tool, Strategy::Latency, target);
        let res = self.find(device.name, tool, Strategy::Resource, target);
        if lat.is_none() && res.is_none() && !self.entries.is_empty() {
            let have: Vec<String> = self
                .entries
                .iter()
                .map(|e| format!("{}/{}/{}/{}", e.device, e.tool, e.strategy, e.target))
                .collect();
            return Err(Error::Calibration(format!(
                "no entry for device {} and target {target} (entries: {}); calibrate for this \
                 device or drop --calibration",
                device.name,
                have.join(", ")
            )));
        }
        // A strategy without its own entry borrows the other's coefficients.
        let any = lat.or(res).map(|e| e.coefficients.clone());
        if let Some(c) = lat.map(|e| e.coefficients.clone()).or_else(|| any.clone()) {
            m.latency = c;
        }
        if let Some(c) = res.map(|e| e.coefficients.clone()).or(any.clone()) {
            m.resource = c;
        }
        // A calibration measured the user's own projects: it prices io_stream layers too.
        if let Some(c) = any {
            m.stream = c;
        }
        Ok(m)
    }
}
