//! The facade's one error type.

/// Any error of hwnas: the member crates' errors, each kept whole (its message says what was
/// wrong and how to fix it).
///
/// ```
/// fn load(path: &str) -> hwnas::Result<hwnas::ir::Network> {
///     Ok(hwnas::ir::Network::load(std::path::Path::new(path))?)
/// }
/// let err = load("/no/such/network.json").unwrap_err();
/// assert!(matches!(err, hwnas::Error::Core(_)));
/// assert!(err.to_string().contains("/no/such/network.json"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// IR, fixed-point types, search spaces, the supernet, the search and training.
    #[error(transparent)]
    Core(#[from] hwnas_core::Error),
    /// The hardware side: emulator, HLS writer, C simulation, resource model, reports.
    #[error(transparent)]
    Hls(#[from] hwnas_hls::Error),
    /// ONNX and QONNX import and export.
    #[error(transparent)]
    Onnx(#[from] hwnas_onnx::Error),
    /// The synthetic data sets.
    #[error(transparent)]
    Datasets(#[from] hwnas_datasets::Error),
}

/// `Result` with the facade's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
