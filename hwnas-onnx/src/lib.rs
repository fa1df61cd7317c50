//! ONNX and QONNX for hwnas: import a trained model as an IR network ([`load`],
//! [`from_bytes`]) and export any IR network, a searched one included, as QONNX ([`save`],
//! [`to_bytes`]) for hls4ml or FINN.
//!
//! The import reads one chain of layers (see [`from_bytes`] for the layout rules); QONNX's
//! `Quant` nodes with power-of-two scales become `ap_fixed` types (see `quant`). The export
//! writes channels-first ONNX (opset 13) with a `Quant` per typed tensor, and keeps what ONNX
//! has no place for (HLS knobs, accumulator types, exact rounding and overflow modes, table
//! settings) in the model's metadata, so that importing an export gives the same network.

mod error;
mod export;
mod import;
mod meta;
mod ops;
pub mod proto;
mod quant;
mod tensor;

pub use error::{Error, Result};
pub use export::{save, to_bytes};
pub use import::{from_bytes, load};
pub use ops::SUPPORTED;
