//! Checkpoint files shared by the search and the fixed-architecture trainer: every parameter of
//! a [`ParamStore`], the Adam moments of one or more optimisers, and a JSON metadata record, in
//! one safetensors file written atomically. Restoring gives the exact bits back, so a resumed
//! run continues as if it had never stopped.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::backend::TrainBackend;
use burn::tensor::{Tensor, TensorData};
use safetensors::{Dtype, SafeTensors, tensor::TensorView};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::supernet::{Adam, ParamStore, to_vec};
use crate::{Error, Result, fs};

/// Writes `store`, the moments of `adams` (tagged, e.g. `("w", &adam_w)`) and `meta` (under the
/// metadata key `key`) to `path`, atomically.
///
/// # Errors
/// [`Error::Io`] naming the file; [`Error::Weights`] if a tensor cannot be serialised.
pub(crate) fn write<B: TrainBackend>(
    path: &Path,
    key: &str,
    meta: &impl Serialize,
    store: &ParamStore<B>,
    adams: &[(&str, &Adam<B::InnerBackend>)],
) -> Result<()> {
    let mut tensors: Vec<(String, Vec<u8>, Vec<usize>)> = Vec::new();
    let bytes = |v: Vec<f32>| v.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
    for (id, e) in store.entries.iter().enumerate() {
        let n = e.shape.iter().product::<usize>();
        tensors.push((format!("p/{}", e.name), bytes(store.values(id)), vec![n]));
        for (tag, adam) in adams {
            if let (Some(m), Some(v)) = (&adam.m[id], &adam.v[id]) {
                tensors.push((
                    format!("m{tag}/{}", e.name),
                    bytes(to_vec(m.clone())),
                    vec![n],
                ));
                tensors.push((
                    format!("v{tag}/{}", e.name),
                    bytes(to_vec(v.clone())),
                    vec![n],
                ));
            }
        }
    }
    let views = tensors
        .iter()
        .map(|(k, raw, shape)| {
            TensorView::new(Dtype::F32, shape.clone(), raw)
                .map(|v| (k.as_str(), v))
                .map_err(|e| Error::Weights(format!("checkpoint tensor `{k}`: {e}")))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut md = HashMap::new();
    md.insert(
        key.to_string(),
        serde_json::to_string(meta).map_err(|e| Error::Search(e.to_string()))?,
    );
    let data =
        safetensors::serialize(views, Some(md)).map_err(|e| Error::Weights(e.to_string()))?;
    fs::write_atomic(path, &data)
}

/// A checkpoint file read into memory.
pub(crate) struct Checkpoint {
    path: PathBuf,
    bytes: Vec<u8>,
}

impl Checkpoint {
    /// Reads `path`.
    ///
    /// # Errors
    /// [`Error::Io`] naming the file.
    pub(crate) fn read(path: &Path) -> Result<Self> {
        Ok(Checkpoint {
            path: path.to_path_buf(),
            bytes: fs::read(path)?,
        })
    }

    /// An [`Error::Checkpoint`] about this file.
    pub(crate) fn fail(&self, reason: impl Into<String>) -> Error {
        Error::Checkpoint {
            path: self.path.clone(),
            reason: reason.into(),
        }
    }

    /// The metadata record stored under `key`.
    ///
    /// # Errors
    /// [`Error::Checkpoint`] when the file is not safetensors or has no such record (say what
    /// kind of run wrote it: `what`).
    pub(crate) fn meta<T: DeserializeOwned>(&self, key: &str, what: &str) -> Result<T> {
        let (_, header) = SafeTensors::read_metadata(&self.bytes)
            .map_err(|e| self.fail(format!("not a safetensors file: {e}")))?;
        let text = header
            .metadata()
            .as_ref()
            .and_then(|m| m.get(key))
            .ok_or_else(|| {
                self.fail(format!(
                    "it holds no {what} state; delete it or choose another path"
                ))
            })?;
        serde_json::from_str(text).map_err(|e| self.fail(e.to_string()))
    }

    /// Copies the parameters into `store` and the moments into `adams` (same tags as
    /// [`write`]).
    ///
    /// # Errors
    /// [`Error::Checkpoint`] when a parameter is missing or has another size.
    pub(crate) fn restore<B: TrainBackend>(
        &self,
        store: &mut ParamStore<B>,
        adams: &mut [(&str, &mut Adam<B::InnerBackend>)],
    ) -> Result<()> {
        let st = SafeTensors::deserialize(&self.bytes).map_err(|e| self.fail(e.to_string()))?;
        let read = |name: &str| -> Option<Vec<f32>> {
            st.tensor(name).ok().map(|v| {
                v.data()
                    .chunks_exact(4)
                    .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                    .collect()
            })
        };
        let dev = store.device.clone();
        for id in 0..store.entries.len() {
            let name = store.entries[id].name.clone();
            let n = store.entries[id].shape.iter().product::<usize>();
            let p = read(&format!("p/{name}"))
                .filter(|v| v.len() == n)
                .ok_or_else(|| self.fail(format!("tensor `{name}` missing or of another size")))?;
            store.set_values(id, p);
            for (tag, adam) in adams.iter_mut() {
                let t = |v: Vec<f32>| Tensor::from_data(TensorData::new(v, [n]), &dev);
                adam.m[id] = read(&format!("m{tag}/{name}")).map(t);
                adam.v[id] = read(&format!("v{tag}/{name}")).map(t);
            }
        }
        Ok(())
    }
}

/// Epochs a checkpoint of [`Search::run`](super::Search::run) or
/// [`train_fixed`](super::train_fixed) holds as finished: what a resumed run will not train
/// again. `Ok(None)` when `path` does not exist.
///
/// # Errors
/// [`Error::Io`] when it cannot be read; [`Error::Checkpoint`] when it is not an hwnas
/// checkpoint.
pub fn checkpoint_epochs(path: &Path) -> Result<Option<usize>> {
    if !path.exists() {
        return Ok(None);
    }
    let ckpt = Checkpoint::read(path)?;
    #[derive(serde::Deserialize)]
    struct SearchEpoch {
        epoch: usize,
    }
    #[derive(serde::Deserialize)]
    struct TrainHistory {
        history: Vec<serde_json::Value>,
    }
    if let Ok(s) = ckpt.meta::<SearchEpoch>(super::run::META_KEY, "search") {
        return Ok(Some(s.epoch));
    }
    let t: TrainHistory = ckpt.meta(super::train::TRAIN_KEY, "search or training")?;
    Ok(Some(t.history.len()))
}
