//! Fixed-point settings shared by the quantisers of a space.

use serde::{Deserialize, Serialize};

use crate::fixed::{Overflow, Rounding};

/// Fixed-point settings shared by every quantised tensor of a space.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct QuantSpec {
    /// Rounding of weights and results (default `AP_RND_CONV`).
    #[serde(with = "rounding_serde")]
    pub rounding: Rounding,
    /// Overflow handling (default `AP_SAT`).
    #[serde(with = "overflow_serde")]
    pub overflow: Overflow,
}

impl Default for QuantSpec {
    fn default() -> Self {
        QuantSpec {
            rounding: Rounding::RndConv,
            overflow: Overflow::Sat,
        }
    }
}

mod rounding_serde {
    use super::Rounding;
    use serde::{Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(r: &Rounding, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(r.ap_name())
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Rounding, D::Error> {
        let s = String::deserialize(d)?;
        Rounding::ALL
            .into_iter()
            .find(|r| r.ap_name() == s)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown rounding mode `{s}`")))
    }
}

mod overflow_serde {
    use super::Overflow;
    use serde::{Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(r: &Overflow, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(r.ap_name())
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Overflow, D::Error> {
        let s = String::deserialize(d)?;
        Overflow::ALL
            .into_iter()
            .find(|r| r.ap_name() == s)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown overflow mode `{s}`")))
    }
}
