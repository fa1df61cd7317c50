//! The one error type of `hwnas-core`.

use std::path::PathBuf;

/// Everything that can go wrong in `hwnas-core`.
///
/// Each message says what was wrong and, where there is one, how to fix it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A fixed-point type string could not be parsed.
    #[error("cannot parse fixed-point type `{input}`: {reason}")]
    ParseFixedType {
        /// The text as given.
        input: String,
        /// What is wrong with it and how to write it instead.
        reason: String,
    },

    /// A fixed-point type that cannot exist (zero width, too wide, ...).
    #[error("invalid fixed-point type {spec}: {reason}")]
    InvalidFixedType {
        /// The type as the user wrote it (or as far as it was understood).
        spec: String,
        /// Why it cannot exist and what to use instead.
        reason: String,
    },

    /// A value that a fixed-point conversion cannot take (NaN).
    #[error("cannot convert {value} to {ty}: {reason}")]
    FixedConversion {
        /// The offending value, as printed by Rust.
        value: String,
        /// The target type.
        ty: String,
        /// Why the conversion is refused.
        reason: String,
    },

    /// A network document (JSON) is not valid JSON or does not follow the schema.
    #[error("{path}: {reason}")]
    NetworkFormat {
        /// Where the document came from.
        path: String,
        /// serde's description of the problem (it names line and column).
        reason: String,
    },

    /// A network that is well-formed JSON but cannot exist as described.
    #[error("layer {index} `{layer}` ({kind}): {reason}")]
    InvalidLayer {
        /// Position of the layer (0-based).
        index: usize,
        /// Name of the layer.
        layer: String,
        /// Kind of the layer (`Dense`, `Conv2D`, ...).
        kind: String,
        /// What is wrong and how to fix it.
        reason: String,
    },

    /// A network-level problem (empty network, duplicate names, bad input shape...).
    #[error("invalid network: {0}")]
    InvalidNetwork(String),

    /// A weight tensor is missing, unexpected, or of the wrong shape or dtype.
    #[error("weights: {0}")]
    Weights(String),

    /// A data file (`.npy` or CSV) that is not in the format, or data that do not fit together.
    #[error("{path}: {reason}")]
    Data {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the line or header at fault.
        reason: String,
    },

    /// Reading or writing a file failed.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done (`reading`, `writing`, ...).
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },

    /// A search space that cannot exist as declared.
    #[error("search space, layer `{layer}`: {reason}")]
    InvalidSpace {
        /// The layer (or the space) at fault.
        layer: String,
        /// What is wrong and how to fix it.
        reason: String,
    },

    /// An architecture that does not belong to its space.
    #[error("invalid architecture: {0}")]
    InvalidArch(String),

    /// A search, training or derivation setting or input that cannot work.
    #[error("search: {0}")]
    Search(String),

    /// No architecture of the space meets a budget.
    #[error(
        "budget `{budget}` <= {limit} cannot be met: the cheapest architecture of the space needs \
         {cheapest}; raise the limit or add cheaper options"
    )]
    InfeasibleBudget {
        /// The budget's name.
        budget: String,
        /// Its limit.
        limit: f64,
        /// The smallest value any architecture reaches.
        cheapest: f64,
    },

    /// The loss became NaN or infinite.
    #[error(
        "the loss became {value} in epoch {epoch} (step {step}); the run stopped and the last good \
         checkpoint ({checkpoint}) was kept; lower the learning rate or check the data"
    )]
    NonFinite {
        /// The offending loss value.
        value: f32,
        /// 0-based epoch.
        epoch: usize,
        /// Global step.
        step: u64,
        /// The checkpoint file kept (or "none").
        checkpoint: String,
    },

    /// The caller's observer stopped the run (see [`crate::search::Control::Stop`]).
    #[error(
        "the run was stopped by its observer after step {step}; run it again with the same \
         checkpoint path to resume from the last finished epoch"
    )]
    Stopped {
        /// Steps finished when it stopped.
        step: u64,
    },

    /// A checkpoint that cannot be resumed.
    #[error("checkpoint {path}: {reason}")]
    Checkpoint {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
