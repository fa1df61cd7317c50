//! C simulation of a written project with g++: compile the testbench and the firmware against
//! the `ap_types` headers, run it, read its outputs.
//!
//! The headers come from [`ap_types::locate`] (`HWNAS_AP_TYPES`,
//! `$XILINX_HLS/include`, `$XILINX_VIVADO/include`, or the hls4ml 1.3.0 wheel fetched with pip
//! into the cache). A compilation failure reports the compiler's first error and its file.
//!
//! ```no_run
//! use hwnas_hls::csim::{CsimOptions, compile};
//!
//! let build = compile("jet_mlp_prj".as_ref(), &CsimOptions::default())?;
//! let run = build.run(None)?; // tb_data/tb_input_features.dat
//! println!("{} samples, {}", run.outputs.len(), run.summary);
//! # Ok::<(), hwnas_hls::Error>(())
//! ```

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use hwnas_core::fixed::FixedType;

use crate::{Error, Result, ap_types};

/// How to compile the C simulation.
#[derive(Debug, Clone, PartialEq)]
pub struct CsimOptions {
    /// The `ap_types` directory; `None`: [`ap_types::locate`] with `cache_dir`.
    pub ap_types: Option<PathBuf>,
    /// Cache for fetched `ap_types` headers.
    pub cache_dir: PathBuf,
    /// Extra g++ flags (default `-O2`).
    pub flags: Vec<String>,
    /// Compile with `-Wall -Wextra -Werror` (the headers themselves are included as system
    /// headers, so only the project's own code is checked).
    pub strict: bool,
    /// Compile the weights from their raw-integer copies (`-DHWNAS_FAST_CSIM`, see
    /// `hwnas::load_raw` in `hwnas_common.h`): the same bits, a hundred times faster to compile
    /// than arrays of `ap_fixed` initialisers (minutes for a 10k-weight CNN). Off: the
    /// `ap_fixed` constants synthesis sees.
    pub fast_weights: bool,
}

impl Default for CsimOptions {
    fn default() -> Self {
        CsimOptions {
            ap_types: None,
            cache_dir: ap_types::default_cache_dir(),
            flags: vec!["-O2".into()],
            strict: false,
            fast_weights: true,
        }
    }
}

/// A compiled C simulation.
#[derive(Debug, Clone)]
pub struct CsimBuild {
    /// The project directory.
    pub dir: PathBuf,
    /// The project (top function) name.
    pub name: String,
    /// The executable.
    pub exe: PathBuf,
    /// Time g++ took.
    pub compile_time: Duration,
}

/// The result of one C simulation run.
#[derive(Debug, Clone, PartialEq)]
pub struct CsimRun {
    /// One row of output values per sample.
    pub outputs: Vec<Vec<f64>>,
    /// The testbench's summary line (samples, outputs compared with the expected ones,
    /// mismatches).
    pub summary: String,
    /// Whether the testbench found every output equal to `tb_output_predictions.dat`.
    pub matches_expected: bool,
    /// Wall time of the run (the executable only).
    pub run_time: Duration,
}

/// The project name, read from `project.tcl` (`set project_name "..."`).
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

/// The compiler's first error line (`file:line:col: error: ...`), or the first lines of its
/// output.
fn first_error(stderr: &str) -> String {
    stderr
        .lines()
        .find(|l| l.contains(": error:") || l.contains(": fatal error:"))
        .map(str::to_string)
        .unwrap_or_else(|| stderr.lines().take(5).collect::<Vec<_>>().join("\n"))
}

/// Compiles the project's testbench and firmware with g++ into `<dir>/build/<name>_csim`.
///
/// # Errors
/// [`Error::Project`] when `dir` is not a project; [`Error::ApTypes`] / [`Error::Tool`] when
/// the headers cannot be found or fetched; [`Error::Tool`] when g++ is missing;
/// [`Error::Csim`] with the compiler's first error and its file when compilation fails.
pub fn compile(dir: &Path, opts: &CsimOptions) -> Result<CsimBuild> {
    let name = project_name(dir)?;
    let ap = match &opts.ap_types {
        Some(p) => p.clone(),
        None => ap_types::locate(&opts.cache_dir)?,
    };
    let build = dir.join("build");
    std::fs::create_dir_all(&build).map_err(|source| Error::Io {
        action: "creating",
        path: build.clone(),
        source,
    })?;
    let exe = build.join(format!("{name}_csim"));
    let mut cmd = Command::new("g++");
    cmd.arg("-std=c++14").args(&opts.flags);
    if opts.strict {
        cmd.args(["-Wall", "-Wextra", "-Werror"]);
    }
    if opts.fast_weights {
        cmd.arg("-DHWNAS_FAST_CSIM");
    }
    cmd.arg("-isystem")
        .arg(&ap)
        .arg("-Ifirmware")
        .arg("-I.")
        .arg(format!("{name}_test.cpp"))
        .arg(format!("firmware/{name}.cpp"))
        .arg("-o")
        .arg(&exe)
        .current_dir(dir);
    let start = Instant::now();
    let out = cmd.output().map_err(|e| Error::Tool {
        tool: "g++".into(),
        message: format!("cannot run g++ ({e}); install it (e.g. `apt-get install g++`)"),
    })?;
    if !out.status.success() {
        return Err(Error::Csim {
            path: dir.to_path_buf(),
            reason: format!(
                "g++ failed: {}",
                first_error(&String::from_utf8_lossy(&out.stderr))
            ),
        });
    }
    Ok(CsimBuild {
        dir: dir.to_path_buf(),
        name,
        exe,
        compile_time: start.elapsed(),
    })
}

impl CsimBuild {
    /// Runs the testbench on `inputs` (a file of one sample per line; `None`:
    /// `tb_data/tb_input_features.dat`), writing `tb_data/csim_results.log`.
    ///
    /// # Errors
    /// [`Error::Csim`] when the executable cannot run or cannot read its files.
    pub fn run(&self, inputs: Option<&Path>) -> Result<CsimRun> {
        let input = inputs.map_or_else(
            || self.dir.join("tb_data/tb_input_features.dat"),
            Path::to_path_buf,
        );
        let output = self.dir.join("tb_data/csim_results.log");
        let expected = if inputs.is_none() {
            self.dir.join("tb_data/tb_output_predictions.dat")
        } else {
            self.dir.join("tb_data/.none")
        };
        let start = Instant::now();
        let out = Command::new(&self.exe)
            .arg(&input)
            .arg(&output)
            .arg(&expected)
            .current_dir(&self.dir)
            .output()
            .map_err(|e| Error::Csim {
                path: self.dir.clone(),
                reason: format!("cannot run {}: {e}", self.exe.display()),
            })?;
        let run_time = start.elapsed();
        let code = out.status.code();
        if code != Some(0) && code != Some(1) {
            return Err(Error::Csim {
                path: self.dir.clone(),
                reason: format!(
                    "the testbench failed ({}): {}",
                    out.status,
                    String::from_utf8_lossy(&out.stderr).trim()
                ),
            });
        }
        let text = std::fs::read_to_string(&output).map_err(|source| Error::Io {
            action: "reading",
            path: output.clone(),
            source,
        })?;
        let outputs = parse_rows(&text).map_err(|reason| Error::Csim {
            path: self.dir.clone(),
            reason: format!("{}: {reason}", output.display()),
        })?;
        Ok(CsimRun {
            outputs,
            summary: String::from_utf8_lossy(&out.stdout).trim().to_string(),
            matches_expected: code == Some(0),
            run_time,
        })
    }
}

/// Rows of whitespace-separated numbers.
fn parse_rows(text: &str) -> std::result::Result<Vec<Vec<f64>>, String> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| {
            l.split_whitespace()
                .map(|v| {
                    v.parse::<f64>()
                        .map_err(|e| format!("line {}: `{v}` is not a number ({e})", i + 1))
                })
                .collect()
        })
        .collect()
}

/// Converts values printed by the testbench back to raw integers of `t`, checking that each
/// is exactly representable (so the comparison is on integers, not floats).
///
/// # Errors
/// [`Error::Input`] naming the first value that is not a value of `t`.
pub fn to_raw(values: &[f64], t: &FixedType) -> Result<Vec<i64>> {
    values
        .iter()
        .map(|&v| {
            let raw = t.quantize(v);
            if t.to_f64(raw) == v {
                Ok(raw)
            } else {
                Err(Error::Input(format!("{v} is not a value of {t}")))
            }
        })
        .collect()
}

/// Writes samples (flat, `per_row` values each) as a testbench input file, values printed
/// exactly.
///
/// # Errors
/// [`Error::Io`] when the file cannot be written.
pub fn write_inputs(path: &Path, t: &FixedType, raw: &[i64], per_row: usize) -> Result<()> {
    let mut s = String::with_capacity(raw.len() * 10);
    for row in raw.chunks(per_row.max(1)) {
        let line: Vec<String> = row.iter().map(|&r| format!("{:?}", t.to_f64(r))).collect();
        s.push_str(&line.join(" "));
        s.push('\n');
    }
    std::fs::write(path, s).map_err(|source| Error::Io {
        action: "writing",
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_error_finds_the_file_and_message() {
        let stderr = "In file included from a.cpp:1:\nfirmware/x.h:12:5: error: 'foo' was not \
                      declared\nmore\nb.cpp:3:1: error: second";
        assert_eq!(
            first_error(stderr),
            "firmware/x.h:12:5: error: 'foo' was not declared"
        );
    }

    #[test]
    fn raw_round_trip_is_checked() {
        let t: FixedType = "ap_fixed<8,3>".parse().unwrap();
        assert_eq!(to_raw(&[0.5, -1.03125], &t).unwrap(), vec![16, -33]);
        assert!(to_raw(&[0.01], &t).is_err());
        assert_eq!(
            parse_rows("1 2.5\n\n-3 4\n").unwrap(),
            vec![vec![1.0, 2.5], vec![-3.0, 4.0]]
        );
    }
}
