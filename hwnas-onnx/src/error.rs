//! The crate's one error type.

/// What went wrong reading or writing an ONNX model.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The system's error.
        source: std::io::Error,
    },
    /// The bytes are not an ONNX model.
    #[error(
        "{origin} is not an ONNX model ({why}); export it with `torch.onnx.export`, `tf2onnx` or QONNX"
    )]
    Decode {
        /// Where the bytes came from.
        origin: String,
        /// protobuf's message.
        why: String,
    },
    /// A node hwnas cannot import: its name, op type, what is wrong and what is supported.
    #[error("node `{node}` ({op_type}): {why}")]
    Unsupported {
        /// The node's name (or its output's when it has none).
        node: String,
        /// Its ONNX op type.
        op_type: String,
        /// What hwnas cannot do with it, and how to get a model it can import.
        why: String,
    },
    /// The model's graph as a whole cannot be imported (no input, several inputs, a branch).
    #[error("{0}")]
    Graph(String),
    /// A network that cannot be exported, or an imported network the IR rejects.
    #[error(transparent)]
    Core(#[from] hwnas_core::Error),
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
