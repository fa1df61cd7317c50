//! `<top>_csynth.xml`, the C-synthesis report of Vivado HLS and Vitis HLS.

use std::path::Path;

use hwnas_core::cost::Resources;
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// What a `<top>_csynth.xml` says about a design.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CsynthReport {
    /// Tool version (`ReportVersion/Version`, e.g. `2019.2`), when present.
    pub tool_version: Option<String>,
    /// Part (`UserAssignments/Part`).
    pub part: Option<String>,
    /// Top function (`UserAssignments/TopModelName`).
    pub top: Option<String>,
    /// Target clock period, ns.
    pub target_clock_ns: Option<f64>,
    /// Estimated clock period, ns.
    pub estimated_clock_ns: Option<f64>,
    /// Best-case latency, cycles (`None` when HLS could not bound it).
    pub latency_best: Option<f64>,
    /// Worst-case latency, cycles.
    pub latency_worst: Option<f64>,
    /// Minimum initiation interval, cycles.
    pub ii_min: Option<f64>,
    /// Maximum initiation interval, cycles.
    pub ii_max: Option<f64>,
    /// Estimated resources (`AreaEstimates/Resources`; `DSP48E` in Vivado HLS, `DSP` in Vitis),
    /// latency and II (worst case and maximum; 0 when unknown).
    pub resources: Resources,
    /// The device's capacity as the report states it (`AreaEstimates/AvailableResources`).
    pub available: Option<Resources>,
}

impl CsynthReport {
    /// Reads and parses a report file.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be read, [`Error::Report`] when it is not a csynth
    /// report.
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            action: "reading",
            path: path.to_path_buf(),
            source,
        })?;
        let text = String::from_utf8_lossy(&bytes);
        CsynthReport::parse(&text).map_err(|reason| Error::Report {
            path: path.to_path_buf(),
            reason,
        })
    }

    /// Parses the XML text; the error says what is missing.
    ///
    /// # Errors
    /// A description of the problem when the text is not XML or has no
    /// `AreaEstimates/Resources` section.
    pub fn parse(text: &str) -> std::result::Result<Self, String> {
        let doc = roxmltree::Document::parse(text)
            .map_err(|e| format!("not a csynth XML report (is it the .rpt text file?): {e}"))?;
        let root = doc.root_element();
        let get = |path: &[&str]| -> Option<String> {
            let mut node = root;
            for name in path {
                node = node.children().find(|n| n.has_tag_name(*name))?;
            }
            node.text().map(|t| t.trim().to_string())
        };
        let num = |path: &[&str]| get(path).and_then(|t| parse_number(&t));
        let area = root
            .children()
            .find(|n| n.has_tag_name("AreaEstimates"))
            .ok_or(
                "no <AreaEstimates> element: this is not a C-synthesis report (expected \
                    <top>_csynth.xml under <solution>/syn/report/)",
            )?;
        let block = |name: &str| -> Option<Resources> {
            let node = area.children().find(|n| n.has_tag_name(name))?;
            let mut r = Resources::default();
            let mut any = false;
            for child in node.children().filter(|n| n.is_element()) {
                let Some(v) = child.text().and_then(parse_number) else {
                    continue;
                };
                any = true;
                match child.tag_name().name() {
                    "BRAM_18K" | "BRAM" => r.bram18 = v,
                    "DSP48E" | "DSP" | "DSP58E" => r.dsp = v,
                    "FF" => r.ff = v,
                    "LUT" => r.lut = v,
                    "URAM" => r.uram = v,
                    _ => {}
                }
            }
            any.then_some(r)
        };
        let mut resources = block("Resources").ok_or(
            "<AreaEstimates> has no <Resources> with numbers (BRAM_18K, DSP48E or DSP, FF, LUT)",
        )?;
        let lat = ["PerformanceEstimates", "SummaryOfOverallLatency"];
        let latency_worst = num(&[lat[0], lat[1], "Worst-caseLatency"]);
        let ii_max = num(&[lat[0], lat[1], "Interval-max"]);
        resources.latency_cycles = latency_worst.unwrap_or(0.0);
        resources.ii = ii_max.unwrap_or(0.0);
        Ok(CsynthReport {
            tool_version: get(&["ReportVersion", "Version"]),
            part: get(&["UserAssignments", "Part"]),
            top: get(&["UserAssignments", "TopModelName"]),
            target_clock_ns: num(&["UserAssignments", "TargetClockPeriod"]),
            estimated_clock_ns: num(&[
                "PerformanceEstimates",
                "SummaryOfTimingAnalysis",
                "EstimatedClockPeriod",
            ]),
            latency_best: num(&[lat[0], lat[1], "Best-caseLatency"]),
            latency_worst,
            ii_min: num(&[lat[0], lat[1], "Interval-min"]),
            ii_max,
            resources,
            available: block("AvailableResources"),
        })
    }
}

/// A number as reports print it: `1,234`, `4.5`, `~0`; `undef`, `?` and `-` are unknown.
pub(crate) fn parse_number(s: &str) -> Option<f64> {
    let t: String = s
        .trim()
        .trim_start_matches('~')
        .chars()
        .filter(|c| *c != ',')
        .collect();
    let v: f64 = t.parse().ok()?;
    v.is_finite().then_some(v)
}
