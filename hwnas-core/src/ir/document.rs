//! The JSON document of a network (schema: `docs/ir.md`) and its weights file.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::layer::Layer;
use super::network::Network;
use super::preset::TypePreset;
use super::weights;
use crate::fixed::FixedType;
use crate::{Error, Result, fs};

/// Value of the `format` key.
pub const FORMAT: &str = "hwnas-network";
/// The schema version this build reads and writes.
pub const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    format: String,
    version: u32,
    name: String,
    input: Input,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    default_precision: Option<FixedType>,
    #[serde(default, skip_serializing_if = "is_hwnas")]
    type_preset: TypePreset,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    weights: Option<String>,
    layers: Vec<Layer>,
}

fn is_hwnas(p: &TypePreset) -> bool {
    *p == TypePreset::Hwnas
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    shape: Vec<usize>,
    #[serde(rename = "type")]
    ty: FixedType,
}

impl Network {
    /// Parses a network document. `weights_dir` is where a `weights` file named by the
    /// document is looked for (`None`: the document must not name one).
    ///
    /// The network is validated ([`Network::analyze`]) before it is returned.
    ///
    /// # Errors
    /// [`Error::NetworkFormat`] for malformed JSON, an unknown key or layer kind, a bad type
    /// string; the errors of [`Network::analyze`]; [`Error::Io`] / [`Error::Weights`] for the
    /// weights file.
    pub fn from_json_str(text: &str, origin: &str, weights_dir: Option<&Path>) -> Result<Self> {
        if !text.trim_start().starts_with('{') {
            return Err(Error::NetworkFormat {
                path: origin.to_string(),
                reason: "a network document is a JSON object `{\"format\": \"hwnas-network\", \
                         ...}` (see docs/ir.md)"
                    .into(),
            });
        }
        let doc: Document = serde_json::from_str(text).map_err(|e| Error::NetworkFormat {
            path: origin.to_string(),
            reason: e.to_string(),
        })?;
        if doc.format != FORMAT || doc.version != VERSION {
            return Err(Error::NetworkFormat {
                path: origin.to_string(),
                reason: format!(
                    "this is format `{}` version {}; hwnas {} reads `{FORMAT}` version {VERSION}",
                    doc.format,
                    doc.version,
                    env!("CARGO_PKG_VERSION")
                ),
            });
        }
        let weights = match (&doc.weights, weights_dir) {
            (None, _) => weights::Weights::new(),
            (Some(file), Some(dir)) => weights::load(&dir.join(file))?,
            (Some(file), None) => {
                return Err(Error::NetworkFormat {
                    path: origin.to_string(),
                    reason: format!(
                        "the document names the weights file `{file}` but was not read from a \
                         directory; load it with Network::load"
                    ),
                });
            }
        };
        let net = Network {
            name: doc.name,
            input_shape: doc.input.shape,
            input_type: doc.input.ty,
            default_precision: doc.default_precision.unwrap_or(doc.input.ty),
            type_preset: doc.type_preset,
            layers: doc.layers,
            weights,
        };
        net.analyze()?;
        Ok(net)
    }

    /// Reads `path` (a network document) and the weights file it names, relative to it.
    ///
    /// ```no_run
    /// let net = hwnas_core::ir::Network::load("examples/nets/jet_mlp.json".as_ref())?;
    /// println!("{} parameters", net.analyze()?.total_params());
    /// # Ok::<(), hwnas_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`Network::from_json_str`], plus [`Error::Io`] when a file cannot be read.
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = fs::read(path)?;
        let text = String::from_utf8(bytes).map_err(|e| Error::NetworkFormat {
            path: path.display().to_string(),
            reason: format!("not UTF-8 text: {e}"),
        })?;
        let dir = path.parent().unwrap_or(Path::new("."));
        Network::from_json_str(&text, &path.display().to_string(), Some(dir))
    }

    /// The document as pretty JSON; `weights_file` is recorded as the `weights` key.
    ///
    /// # Errors
    /// Never in practice (serialisation of plain data); kept for API stability.
    pub fn to_json_string(&self, weights_file: Option<&str>) -> Result<String> {
        let doc = Document {
            format: FORMAT.into(),
            version: VERSION,
            name: self.name.clone(),
            input: Input {
                shape: self.input_shape.clone(),
                ty: self.input_type,
            },
            default_precision: Some(self.default_precision),
            type_preset: self.type_preset,
            weights: weights_file.map(str::to_string),
            layers: self.layers.clone(),
        };
        serde_json::to_string_pretty(&doc)
            .map(|mut s| {
                s.push('\n');
                s
            })
            .map_err(|e| Error::NetworkFormat {
                path: self.name.clone(),
                reason: e.to_string(),
            })
    }

    /// Writes the document to `path` and, when the network has weights, the safetensors file
    /// beside it (`<stem>.safetensors`). Both are written atomically. Returns the weights path.
    ///
    /// # Errors
    /// [`Error::Io`] when a file cannot be written; the errors of [`Network::analyze`] (an
    /// invalid network is never saved).
    pub fn save(&self, path: &Path) -> Result<Option<PathBuf>> {
        self.analyze()?;
        let weights_path = if self.has_weights() {
            let stem = path
                .file_stem()
                .map_or_else(|| self.name.clone(), |s| s.to_string_lossy().into_owned());
            let file = path.with_file_name(format!("{stem}.safetensors"));
            weights::save(&self.weights, &file)?;
            Some(file)
        } else {
            None
        };
        let file_name = weights_path
            .as_ref()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned());
        fs::write_atomic(path, self.to_json_string(file_name.as_deref())?.as_bytes())?;
        Ok(weights_path)
    }
}
