//! C simulation of a written project with g++: compile the testbench and the firmware against
//! the `ap_types` headers, run it, read its outputs.
//!
//! The headers come from [`ap_types::locate`] (`HWNAS_AP_TYPES`,
//! `$XILINX_HLS/include`, `$XILINX_VIVADO/include`, or the hls4ml 1.3.0 wheel fetched with pip
//! into the cache). A compilation failure reports the compiler's informative line (the first
//! error with its file and line, or the linker's message). Every path may be relative to the
//! working directory. [`emit_and_check`] writes a project and proves it bit-exact against the
//! emulator in one call.
//!
//! ```no_run
//! use hwnas_hls::csim::{CsimOptions, compile};
//!
//! let build = compile("jet_mlp_prj".as_ref(), &CsimOptions::default())?;
//! let run = build.run(None)?; // tb_data/tb_input_features.dat
//! println!("{} samples, {}", run.outputs.len(), run.summary);
//! # Ok::<(), hwnas_hls::Error>(())
//! ```

mod check;
mod diagnostics;
mod project;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

use hwnas_core::fixed::FixedType;

pub use check::{CsimCheck, emit_and_check};
pub use project::{ProjectInterface, project_interface, project_name};

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
    /// Compile again even when the executable is newer than every source and was built with
    /// the same command.
    pub rebuild: bool,
}

impl Default for CsimOptions {
    fn default() -> Self {
        CsimOptions {
            ap_types: None,
            cache_dir: ap_types::default_cache_dir(),
            flags: vec!["-O2".into()],
            strict: false,
            fast_weights: true,
            rebuild: false,
        }
    }
}

/// A compiled C simulation.
#[derive(Debug, Clone)]
pub struct CsimBuild {
    /// The project directory (absolute).
    pub dir: PathBuf,
    /// The project (top function) name.
    pub name: String,
    /// The executable (absolute).
    pub exe: PathBuf,
    /// Time g++ took (zero when an up-to-date build was reused).
    pub compile_time: Duration,
    /// Whether an up-to-date executable was reused instead of compiling.
    pub reused: bool,
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
    /// The testbench's first mismatch lines (`sample S output J: got G, expected E`), at
    /// most ten; empty when everything matched.
    pub mismatches: Vec<String>,
    /// Wall time of the run (the executable only).
    pub run_time: Duration,
}

/// A path as given (relative to the working directory of the caller) made absolute, so that
/// it still names the same file for a tool that runs in another directory.
fn absolute(path: &Path) -> Result<PathBuf> {
    std::path::absolute(path).map_err(|source| Error::Io {
        action: "resolving",
        path: path.to_path_buf(),
        source,
    })
}

/// Compiles the project's testbench and firmware with g++ into `<dir>/build/<name>_csim`,
/// or reuses that executable when it is newer than every source of the project and was built
/// with the same command (see [`CsimOptions::rebuild`]). `dir` may be relative to the working
/// directory.
///
/// # Errors
/// [`Error::Project`] when `dir` is not a project; [`Error::ApTypes`] / [`Error::Tool`] when
/// the headers cannot be found or fetched; [`Error::Tool`] when g++ is missing;
/// [`Error::Csim`] with the compiler's informative line (the first error with its file and
/// line, or the linker's message) when compilation fails.
pub fn compile(dir: &Path, opts: &CsimOptions) -> Result<CsimBuild> {
    let dir = absolute(dir)?;
    let name = project_name(&dir)?;
    let ap = match &opts.ap_types {
        Some(p) => p.clone(),
        None => ap_types::locate(&opts.cache_dir)?,
    };
    let ap = absolute(&ap)?;
    let build = dir.join("build");
    std::fs::create_dir_all(&build).map_err(|source| Error::Io {
        action: "creating",
        path: build.clone(),
        source,
    })?;
    let exe = build.join(format!("{name}_csim"));
    let mut args: Vec<String> = vec!["-std=c++14".into()];
    args.extend(opts.flags.iter().cloned());
    if opts.strict {
        args.extend(["-Wall", "-Wextra", "-Werror"].map(String::from));
    }
    if opts.fast_weights {
        args.push("-DHWNAS_FAST_CSIM".into());
    }
    args.extend([
        "-isystem".into(),
        ap.to_string_lossy().into_owned(),
        "-Ifirmware".into(),
        "-I.".into(),
        format!("{name}_test.cpp"),
        format!("firmware/{name}.cpp"),
        "-o".into(),
        exe.to_string_lossy().into_owned(),
    ]);
    let stamp_path = build.join(format!("{name}_csim.cmd"));
    let stamp = format!("g++ {}\n", args.join(" "));
    if !opts.rebuild && up_to_date(&dir, &exe, &stamp_path, &stamp) {
        return Ok(CsimBuild {
            dir,
            name,
            exe,
            compile_time: Duration::ZERO,
            reused: true,
        });
    }
    // A failed compile must not leave an old stamp that makes an old executable look current.
    let _ = std::fs::remove_file(&stamp_path);
    let start = Instant::now();
    let out = Command::new("g++")
        .args(&args)
        .current_dir(&dir)
        .output()
        .map_err(|e| Error::Tool {
            tool: "g++".into(),
            message: format!("cannot run g++ ({e}); install it (e.g. `apt-get install g++`)"),
        })?;
    if !out.status.success() {
        return Err(Error::Csim {
            path: dir,
            reason: format!(
                "g++ failed: {}",
                diagnostics::informative_lines(&String::from_utf8_lossy(&out.stderr))
            ),
        });
    }
    hwnas_core::fs::write_atomic(&stamp_path, stamp.as_bytes())?;
    Ok(CsimBuild {
        dir,
        name,
        exe,
        compile_time: start.elapsed(),
        reused: false,
    })
}

/// Whether `exe` was built by the command in `stamp` and is newer than every file of the
/// project's sources (`firmware/` and the testbench).
fn up_to_date(dir: &Path, exe: &Path, stamp_path: &Path, stamp: &str) -> bool {
    let built = match std::fs::metadata(exe).and_then(|m| m.modified()) {
        Ok(t) => t,
        Err(_) => return false,
    };
    if std::fs::read_to_string(stamp_path).ok().as_deref() != Some(stamp) {
        return false;
    }
    let mut newest = SystemTime::UNIX_EPOCH;
    let mut stack = vec![dir.join("firmware")];
    let mut sources = 0usize;
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            return false;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(t) = e.metadata().and_then(|m| m.modified()) {
                newest = newest.max(t);
                sources += 1;
            }
        }
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    for e in entries.flatten() {
        let is_testbench = e
            .file_name()
            .to_str()
            .is_some_and(|n| n.ends_with("_test.cpp"));
        if is_testbench && let Ok(t) = e.metadata().and_then(|m| m.modified()) {
            newest = newest.max(t);
            sources += 1;
        }
    }
    sources > 0 && built > newest
}

impl CsimBuild {
    /// Runs the testbench on `inputs` (a file of one sample per row, in the format of
    /// [`crate::samples`], relative to the working directory or absolute; `None`:
    /// `tb_data/tb_input_features.dat`, whose outputs are compared with
    /// `tb_data/tb_output_predictions.dat`), writing `tb_data/csim_results.log`.
    ///
    /// A file of the caller's is read and checked here first (rows of the project's input
    /// length, the row number of any malformed row) and handed to the testbench as exact
    /// numbers, so the testbench simulates exactly what [`crate::samples::read_samples`] reads.
    ///
    /// # Errors
    /// [`Error::Input`] naming the row of a malformed input file; [`Error::Csim`] when the
    /// executable cannot run or cannot read its files.
    pub fn run(&self, inputs: Option<&Path>) -> Result<CsimRun> {
        let input = match inputs {
            None => self.dir.join("tb_data/tb_input_features.dat"),
            Some(path) => {
                let path = absolute(path)?;
                let n_input = project_interface(&self.dir)?.n_input;
                let values = crate::samples::read_samples(&path, n_input)?;
                let checked = self.dir.join("build/csim_inputs.dat");
                write_values(&checked, &values, n_input)?;
                checked
            }
        };
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
        let stderr = String::from_utf8_lossy(&out.stderr);
        if code != Some(0) && code != Some(1) {
            return Err(Error::Csim {
                path: self.dir.clone(),
                reason: format!("the testbench failed ({}): {}", out.status, stderr.trim()),
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
            mismatches: stderr
                .lines()
                .filter(|l| l.starts_with("sample "))
                .map(str::to_string)
                .collect(),
            run_time,
        })
    }
}

/// Writes flat values, `per_row` a line, space-separated and printed exactly.
fn write_values(path: &Path, values: &[f64], per_row: usize) -> Result<()> {
    let mut s = String::with_capacity(values.len() * 10);
    for row in values.chunks(per_row.max(1)) {
        let line: Vec<String> = row.iter().map(|v| format!("{v:?}")).collect();
        s.push_str(&line.join(" "));
        s.push('\n');
    }
    Ok(hwnas_core::fs::write_atomic(path, s.as_bytes())?)
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
pub fn to_raw(values: &[f64], t: &FixedType) -> Result<Vec<i128>> {
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

/// Writes samples (flat raw values of `t`, `per_row` each) as a testbench input file, values
/// printed exactly.
///
/// # Errors
/// [`Error::Core`] naming the file when it cannot be written.
pub fn write_inputs(path: &Path, t: &FixedType, raw: &[i128], per_row: usize) -> Result<()> {
    let values: Vec<f64> = raw.iter().map(|&r| t.to_f64(r)).collect();
    write_values(path, &values, per_row)
}

#[cfg(test)]
mod tests {
    use super::*;

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
