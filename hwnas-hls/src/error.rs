//! The one error type of `hwnas-hls`.

use std::path::PathBuf;

/// Everything that can go wrong in `hwnas-hls`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An error from `hwnas-core` (IR, fixed-point types, files).
    #[error(transparent)]
    Core(#[from] hwnas_core::Error),

    /// The `ap_types` headers could not be found or fetched.
    #[error("ap_types headers not available: {0}")]
    ApTypes(String),

    /// An external tool (g++, pip) failed or is missing.
    #[error("{tool}: {message}")]
    Tool {
        /// The program that failed.
        tool: String,
        /// What happened and how to fix it.
        message: String,
    },

    /// Reading or writing a file failed.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },

    /// A layer or configuration the HLS writer / emulator cannot handle.
    #[error("layer {index} `{layer}` ({kind}): {reason}")]
    Unsupported {
        /// Position of the layer in the IR (0-based).
        index: usize,
        /// Name of the layer.
        layer: String,
        /// Kind of the layer.
        kind: String,
        /// What is wrong and what to change.
        reason: String,
    },

    /// Bad input to the emulator or the writer (sizes, missing weights, ...).
    #[error("{0}")]
    Input(String),

    /// An HLS project directory that cannot be written or read.
    #[error("project {path}: {reason}")]
    Project {
        /// The project directory.
        path: PathBuf,
        /// What is wrong and how to fix it.
        reason: String,
    },

    /// The C simulation failed to compile or run.
    #[error("C simulation of {path}: {reason}")]
    Csim {
        /// The project directory.
        path: PathBuf,
        /// What failed (the compiler's first error with its file, or the run's output).
        reason: String,
    },

    /// A part string that names no known device.
    #[error(
        "unknown FPGA part `{part}`; known devices: {known} (any package and speed grade, \
         e.g. xcvu13p-flga2577-2-e)"
    )]
    UnknownPart {
        /// The part as given.
        part: String,
        /// The base names of the known devices.
        known: String,
    },

    /// A synthesis report (or project layout) that cannot be read.
    #[error("{path}: {reason}")]
    Report {
        /// The report file or project directory.
        path: PathBuf,
        /// What was wrong and how to fix it.
        reason: String,
    },

    /// A calibration that cannot be fitted, read or applied.
    #[error("calibration: {0}")]
    Calibration(String),
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
