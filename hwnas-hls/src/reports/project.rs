//! Finding the reports of an HLS project directory (hls4ml layout) from its `project.tcl`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::csynth::CsynthReport;
use super::synth::SynthReport;
use crate::{Error, Result};

/// The parsed results of one project: whatever reports exist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectReport {
    /// The project directory.
    pub dir: PathBuf,
    /// Project (top function) name from `project.tcl`.
    pub name: String,
    /// HLS solution directory name.
    pub solution: String,
    /// `<name>_prj/<solution>/syn/report/<name>_csynth.xml`, when synthesised.
    pub csynth: Option<CsynthReport>,
    /// `vivado_synth.rpt`, when Vivado synthesis ran.
    pub synth: Option<SynthReport>,
}

impl ProjectReport {
    /// Reads a project: the name from `project.tcl` (`set project_name "..."`; a `backend`
    /// containing `accelerator` makes the top `<name>_axi`), the solution from
    /// `<name>_prj/vivado_hls.app` or `hls.app` (first `solution`, default `solution1`), then
    /// the C-synthesis and Vivado reports that exist.
    ///
    /// # Errors
    /// [`Error::Report`] when `project.tcl` is missing or names no project, or when neither
    /// report exists; the parse errors of the reports.
    pub fn load(dir: &Path) -> Result<Self> {
        let tcl_path = dir.join("project.tcl");
        let tcl = std::fs::read_to_string(&tcl_path).map_err(|e| Error::Report {
            path: tcl_path.clone(),
            reason: format!(
                "cannot read it ({e}); pass the directory of an HLS project written by `hwnas \
                 emit` or hls4ml (it holds project.tcl and build_prj.tcl)"
            ),
        })?;
        let name = tcl_set(&tcl, "project_name").ok_or_else(|| Error::Report {
            path: tcl_path.clone(),
            reason: "no `set project_name \"...\"` line".into(),
        })?;
        let top = match tcl_set(&tcl, "backend") {
            Some(b) if b.to_ascii_lowercase().contains("accelerator") => format!("{name}_axi"),
            _ => name.clone(),
        };
        let prj = dir.join(format!("{name}_prj"));
        let solution = ["vivado_hls.app", "hls.app"]
            .iter()
            .find_map(|f| std::fs::read_to_string(prj.join(f)).ok())
            .and_then(|xml| first_solution(&xml))
            .unwrap_or_else(|| "solution1".to_string());
        let xml = prj
            .join(&solution)
            .join("syn/report")
            .join(format!("{top}_csynth.xml"));
        let csynth = if xml.is_file() {
            Some(CsynthReport::load(&xml)?)
        } else {
            None
        };
        let rpt = dir.join("vivado_synth.rpt");
        let synth = if rpt.is_file() {
            Some(SynthReport::load(&rpt)?)
        } else {
            None
        };
        if csynth.is_none() && synth.is_none() {
            return Err(Error::Report {
                path: dir.to_path_buf(),
                reason: format!(
                    "no reports yet: neither {} nor {} exists; run the synthesis first \
                     (vivado_hls -f build_prj.tcl, or vitis_hls)",
                    xml.display(),
                    rpt.display()
                ),
            });
        }
        Ok(ProjectReport {
            dir: dir.to_path_buf(),
            name,
            solution,
            csynth,
            synth,
        })
    }
}

/// The value of `set <key> "value"` (or `set <key> value`) in a Tcl script.
fn tcl_set(tcl: &str, key: &str) -> Option<String> {
    tcl.lines().find_map(|line| {
        let mut words = line.split_whitespace();
        (words.next()? == "set" && words.next()? == key).then(|| {
            let rest: Vec<&str> = words.collect();
            rest.join(" ")
                .trim_matches(|c| c == '"' || c == '{' || c == '}')
                .to_string()
        })
    })
}

/// `solutions/solution@name` of a `vivado_hls.app` / `hls.app` file (namespaces ignored).
fn first_solution(xml: &str) -> Option<String> {
    let doc = roxmltree::Document::parse(xml).ok()?;
    doc.descendants()
        .find(|n| n.tag_name().name() == "solution")
        .and_then(|n| n.attribute("name"))
        .map(str::to_string)
}
