//! What the C simulation needs to know of a written project: its name, and the sizes and
//! types of its input and output (from `hwnas_config.json`).

use std::path::Path;

use hwnas_core::fixed::FixedType;

use crate::{Error, Result};

/// The project (top function) name, read from `project.tcl` (`set project_name "..."`).
///
/// # Errors
/// [`Error::Project`] when `dir` is not an hwnas/hls4ml project.
pub fn project_name(dir: &Path) -> Result<String> {
    let tcl = dir.join("project.tcl");
    let text = std::fs::read_to_string(&tcl).map_err(|e| Error::Project {
        path: dir.to_path_buf(),
        reason: format!(
            "cannot read {}: {e}; is this a project written by `hwnas emit`?",
            tcl.display()
        ),
    })?;
    text.lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("set project_name")
                .map(|v| v.trim().trim_matches('"').to_string())
        })
        .filter(|n| !n.is_empty())
        .ok_or_else(|| Error::Project {
            path: dir.to_path_buf(),
            reason: format!("{} has no `set project_name` line", tcl.display()),
        })
}

/// The interface of a project written by `hwnas emit`, from its `hwnas_config.json`.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectInterface {
    /// Values per input sample (`N_INPUT`).
    pub n_input: usize,
    /// Values per output sample (`N_OUTPUT`).
    pub n_output: usize,
    /// `input_t`.
    pub input_type: FixedType,
    /// `result_t`, the type of the outputs.
    pub output_type: FixedType,
}

/// Reads the interface of the project in `dir`.
///
/// # Errors
/// [`Error::Project`] when `hwnas_config.json` is missing or lacks the interface (a project
/// written by an older hwnas: write it again with `hwnas emit`).
pub fn project_interface(dir: &Path) -> Result<ProjectInterface> {
    let path = dir.join("hwnas_config.json");
    let bad = |reason: String| Error::Project {
        path: dir.to_path_buf(),
        reason,
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        bad(format!(
            "cannot read {}: {e}; is this a project written by `hwnas emit`?",
            path.display()
        ))
    })?;
    let v: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| bad(format!("{}: not JSON ({e})", path.display())))?;
    let missing = |key: &str| {
        bad(format!(
            "{} has no `{key}`: the project was written by an older hwnas; write it again \
             with `hwnas emit`",
            path.display()
        ))
    };
    let size = |key: &str| {
        v.get(key)
            .and_then(serde_json::Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
            .ok_or_else(|| missing(key))
    };
    let ty = |key: &str| -> Result<FixedType> {
        let s = v
            .get(key)
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| missing(key))?;
        s.parse()
            .map_err(|e| bad(format!("{}: `{key}` {s}: {e}", path.display())))
    };
    Ok(ProjectInterface {
        n_input: size("n_input")?,
        n_output: size("n_output")?,
        input_type: ty("input_type")?,
        output_type: ty("output_type")?,
    })
}
