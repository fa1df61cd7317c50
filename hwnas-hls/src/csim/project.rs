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

/// `hwnas_config.json`: what `hwnas emit` records of a project (written and read through
/// serde, so the writer and the reader cannot disagree on a key). The C simulation reads the
/// interface: sizes and types of the input and output.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ProjectInterface {
    /// `hwnas <version>`.
    pub generator: String,
    /// The project (top function) name.
    pub name: String,
    /// `io_parallel` or `io_stream`.
    pub io_type: String,
    /// The project-wide strategy (`Latency` / `Resource`), if set.
    pub strategy: Option<String>,
    /// The project-wide reuse factor, if set.
    pub reuse_factor: Option<u32>,
    /// The FPGA part.
    pub part: String,
    /// Target clock period (ns).
    pub clock_period_ns: f64,
    /// Samples in `tb_data/`.
    pub tb_samples: usize,
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
/// [`Error::Project`] when `hwnas_config.json` is missing or lacks a key (a project written by
/// an older hwnas: write it again with `hwnas emit`).
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
    serde_json::from_str(&text).map_err(|e| {
        let hint = if e.is_data() {
            "; the project was written by an older hwnas: write it again with `hwnas emit`"
        } else {
            ""
        };
        bad(format!("{}: {e}{hint}", path.display()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> ProjectInterface {
        ProjectInterface {
            generator: "hwnas 0.1.0".into(),
            name: "net".into(),
            io_type: "io_parallel".into(),
            strategy: None,
            reuse_factor: Some(2),
            part: "xcu50-fsvh2104-2-e".into(),
            clock_period_ns: 5.0,
            tb_samples: 10,
            n_input: 16,
            n_output: 5,
            input_type: "ap_fixed<16,6>".parse().unwrap(),
            output_type: "ap_fixed<24,12>".parse().unwrap(),
        }
    }

    #[test]
    fn the_written_config_reads_back_and_a_broken_one_says_what_to_do() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hwnas_config.json");
        std::fs::write(&path, serde_json::to_string_pretty(&config()).unwrap()).unwrap();
        assert_eq!(project_interface(dir.path()).unwrap(), config());

        let mut v = serde_json::to_value(config()).unwrap();
        v.as_object_mut().unwrap().remove("n_input");
        std::fs::write(&path, v.to_string()).unwrap();
        let e = project_interface(dir.path()).unwrap_err().to_string();
        assert!(e.contains("missing field `n_input`"), "{e}");
        assert!(e.contains("write it again with `hwnas emit`"), "{e}");

        std::fs::write(&path, "{ not json").unwrap();
        let e = project_interface(dir.path()).unwrap_err().to_string();
        assert!(
            e.contains("hwnas_config.json") && !e.contains("older hwnas"),
            "{e}"
        );

        std::fs::remove_file(&path).unwrap();
        let e = project_interface(dir.path()).unwrap_err().to_string();
        assert!(
            e.contains("is this a project written by `hwnas emit`?"),
            "{e}"
        );
    }
}
