//! The crate's error type.

/// What went wrong in a data-set configuration or a call on generated data.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A configuration field or an argument that cannot work.
    #[error("data set: `{field}` {reason}")]
    InvalidDataset {
        /// The configuration field or argument at fault (`spectrum.min_gev`, `threads`, ...).
        field: String,
        /// What is wrong and what to use instead.
        reason: String,
    },
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
