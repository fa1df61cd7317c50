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
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
