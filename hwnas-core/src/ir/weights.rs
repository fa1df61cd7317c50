//! Float weight tensors of a network and their safetensors file.

use std::collections::BTreeMap;
use std::path::Path;

use safetensors::{Dtype, SafeTensors, tensor::TensorView};

use crate::{Error, Result, fs};

/// A dense row-major `f32` tensor (channels-last layouts, see the module docs of [`ir`](super)).
#[derive(Debug, Clone, PartialEq)]
pub struct Tensor {
    /// Dimensions, outermost first.
    pub shape: Vec<usize>,
    /// `shape.iter().product()` values, row-major.
    pub data: Vec<f32>,
}

impl Tensor {
    /// A tensor from its shape and data.
    ///
    /// # Errors
    /// [`Error::Weights`] when the data length does not match the shape.
    pub fn new(shape: Vec<usize>, data: Vec<f32>) -> Result<Self> {
        let n = elements(&shape).ok_or_else(|| {
            Error::Weights(format!(
                "a tensor of shape {shape:?} has more elements than usize holds"
            ))
        })?;
        if n != data.len() {
            return Err(Error::Weights(format!(
                "a tensor of shape {shape:?} needs {n} values, got {}",
                data.len()
            )));
        }
        Ok(Tensor { shape, data })
    }

    /// A tensor filled with `value`.
    ///
    /// # Panics
    /// When the number of elements of `shape` overflows `usize` (no such tensor can exist).
    pub fn full(shape: Vec<usize>, value: f32) -> Self {
        let Some(n) = elements(&shape) else {
            panic!("Tensor::full: a tensor of shape {shape:?} has more elements than usize holds")
        };
        Tensor {
            shape,
            data: vec![value; n],
        }
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// True for a tensor with no values.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
}

/// The product of `shape`, `None` when it overflows.
fn elements(shape: &[usize]) -> Option<usize> {
    shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d))
}

/// The weights of a network, keyed `"<layer>.<parameter>"` (`"fc1.weight"`, `"bn.gamma"`).
pub type Weights = BTreeMap<String, Tensor>;

/// Serialises weights to safetensors bytes (little-endian `F32`).
///
/// # Errors
/// [`Error::Weights`] if safetensors refuses the data.
pub fn to_safetensors(weights: &Weights) -> Result<Vec<u8>> {
    let bytes: Vec<(String, Vec<u8>, Vec<usize>)> = weights
        .iter()
        .map(|(k, t)| {
            let raw = t.data.iter().flat_map(|v| v.to_le_bytes()).collect();
            (k.clone(), raw, t.shape.clone())
        })
        .collect();
    let views = bytes
        .iter()
        .map(|(k, raw, shape)| {
            TensorView::new(Dtype::F32, shape.clone(), raw)
                .map(|v| (k.as_str(), v))
                .map_err(|e| Error::Weights(format!("tensor `{k}`: {e}")))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut meta = std::collections::HashMap::new();
    meta.insert("format".to_string(), "hwnas".to_string());
    safetensors::serialize(views, Some(meta)).map_err(|e| Error::Weights(e.to_string()))
}

/// Parses safetensors bytes. `F32`, `F64` and `BF16` tensors are read (and kept as `f32`).
///
/// # Errors
/// [`Error::Weights`] naming `origin` when the bytes are not a safetensors file, hold an
/// unsupported dtype, or an `F64` value too large for `f32`. (NaN and infinite values are read;
/// [`Network::analyze`](super::Network::analyze) refuses them.)
pub fn from_safetensors(bytes: &[u8], origin: &str) -> Result<Weights> {
    let st = SafeTensors::deserialize(bytes)
        .map_err(|e| Error::Weights(format!("{origin} is not a valid safetensors file: {e}")))?;
    let mut out = Weights::new();
    for (name, view) in st.iter() {
        let data = view.data();
        let values: Vec<f32> = match view.dtype() {
            Dtype::F32 => data
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
            Dtype::F64 => {
                let wide: Vec<f64> = data
                    .chunks_exact(8)
                    .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
                    .collect();
                // A finite value beyond the f32 range would silently become infinite.
                if let Some((i, v)) = wide
                    .iter()
                    .enumerate()
                    .find(|(_, v)| v.is_finite() && !(**v as f32).is_finite())
                {
                    return Err(Error::Weights(format!(
                        "{origin}: tensor `{name}` holds {v:e} at index {i}, which does not fit \
                         f32 (at most {:e} in magnitude); hwnas keeps weights as f32, so rescale \
                         the model",
                        f32::MAX
                    )));
                }
                wide.into_iter().map(|v| v as f32).collect()
            }
            Dtype::BF16 => data
                .chunks_exact(2)
                .map(|c| f32::from_bits(u32::from(u16::from_le_bytes([c[0], c[1]])) << 16))
                .collect(),
            other => {
                return Err(Error::Weights(format!(
                    "{origin}: tensor `{name}` has dtype {other:?}; hwnas reads F32, F64 and BF16"
                )));
            }
        };
        out.insert(
            name.to_string(),
            Tensor::new(view.shape().to_vec(), values)?,
        );
    }
    Ok(out)
}

/// Reads a safetensors file.
///
/// # Errors
/// [`Error::Io`] when the file cannot be read, [`Error::Weights`] when it is not safetensors.
pub fn load(path: &Path) -> Result<Weights> {
    let bytes = fs::read(path)?;
    from_safetensors(&bytes, &path.display().to_string())
}

/// Writes a safetensors file atomically.
///
/// # Errors
/// As [`to_safetensors`] and [`fs::write_atomic`].
pub fn save(weights: &Weights, path: &Path) -> Result<()> {
    fs::write_atomic(path, &to_safetensors(weights)?)
}
