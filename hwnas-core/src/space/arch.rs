//! One choice per decision.

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::decision::Choice;
use crate::{Error, Result, fs};

/// The option chosen for one decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pick {
    /// The decision's name (`conv1.width`).
    pub decision: String,
    /// The chosen option.
    pub value: Choice,
}

/// An architecture: one option per decision of a [`SpaceSpec`](super::SpaceSpec), in decision
/// order. Serialised as JSON (`[{"decision": "conv1.width", "value": 16}, ...]`) and printed as
/// `conv1.width=16 conv1.kernel=3 ...`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Arch {
    /// The picks, in decision order.
    pub picks: Vec<Pick>,
}

impl Arch {
    /// The value chosen for `decision`.
    pub fn get(&self, decision: &str) -> Option<Choice> {
        self.picks
            .iter()
            .find(|p| p.decision == decision)
            .map(|p| p.value)
    }

    /// The numeric value chosen for `decision` (width, kernel, bits, reuse factor).
    pub fn value(&self, decision: &str) -> Option<usize> {
        match self.get(decision)? {
            Choice::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The JSON text of this architecture.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("an Arch always serialises")
    }

    /// Parses the JSON text of an architecture (check it against its space with
    /// [`SpaceSpec::indices_of`](super::SpaceSpec::indices_of)).
    ///
    /// # Errors
    /// [`Error::InvalidArch`] with serde's description of the problem.
    pub fn from_json(text: &str) -> Result<Self> {
        serde_json::from_str(text).map_err(|e| Error::InvalidArch(format!("bad JSON: {e}")))
    }

    /// Writes the JSON file atomically.
    ///
    /// # Errors
    /// [`Error::Io`] naming the file.
    pub fn save(&self, path: &Path) -> Result<()> {
        fs::write_atomic(path, self.to_json().as_bytes())
    }

    /// Reads a JSON file.
    ///
    /// # Errors
    /// [`Error::Io`] or [`Error::InvalidArch`].
    pub fn load(path: &Path) -> Result<Self> {
        let bytes = fs::read(path)?;
        Self::from_json(&String::from_utf8_lossy(&bytes))
            .map_err(|e| Error::InvalidArch(format!("{}: {e}", path.display())))
    }
}

impl fmt::Display for Arch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .picks
            .iter()
            .map(|p| format!("{}={}", p.decision, p.value))
            .collect();
        if parts.is_empty() {
            f.write_str("(no decisions)")
        } else {
            f.write_str(&parts.join(" "))
        }
    }
}
