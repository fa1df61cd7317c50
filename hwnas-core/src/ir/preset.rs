//! Type-resolution presets: how the types a document leaves unset are chosen.
//!
//! hls4ml resolves unset types in one of two ways, depending on the granularity of the
//! configuration `hls4ml.utils.config_from_keras_model` wrote (hls4ml 1.3.0,
//! `model/optimizer/passes/infer_precision.py` and `bn_fuse.py`). hwnas has a third, its own
//! historical rule, which keeps every sum exact. A document picks one with `"type_preset"`
//! (see `docs/ir.md`, "Precision"); explicit `precision` entries always win.

use serde::{Deserialize, Serialize};

use crate::fixed::{FixedType, Overflow, Rounding};

/// Which rules resolve the types a layer leaves unset.
///
/// | unset type | `hwnas` (default) | `name` (hls4ml) | `model` (hls4ml) |
/// |---|---|---|---|
/// | weight, bias | default | default | default |
/// | Dense/Conv `accum` | lossless | default | default |
/// | Dense/Conv `result` | default | lossless (with bias) | default |
/// | BatchNorm `result` | default | exact `x * scale + bias` | default |
/// | ReLU / LeakyReLU `result` | default | default | default |
/// | LeakyReLU `alpha` | `ap_fixed<18,I,RND,SAT>` | smallest exact type, ≤ 8 bits | default |
/// | average-pool `accum` | input widened | default | default |
/// | pool, pad, upsample, flatten `result` | input | input | default (flatten: input) |
///
/// "default" is the network's `default_precision`. A BatchNorm directly after a Dense/Conv
/// layer whose `result` is unset is folded into it under `hwnas` and `name` (hls4ml's
/// `FuseBatchNormalization`), never under `model` (there every result is set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TypePreset {
    /// hwnas's rule: lossless accumulators, every result the default precision; a fused
    /// BatchNorm's result type is the fused layer's output type.
    #[default]
    Hwnas,
    /// hls4ml's `granularity='name'`: every layer's `result` (and weight, bias, LeakyReLU
    /// parameter) is `auto`; accumulators are the default precision.
    Name,
    /// hls4ml's `granularity='model'`: every type is the default precision.
    Model,
}

impl TypePreset {
    /// The document spelling (`"hwnas"`, `"name"`, `"model"`).
    pub fn as_str(self) -> &'static str {
        match self {
            TypePreset::Hwnas => "hwnas",
            TypePreset::Name => "name",
            TypePreset::Model => "model",
        }
    }

    /// Whether a BatchNorm after a Dense/Conv layer with an unset result type is folded into it.
    pub fn fuses_batchnorm(self) -> bool {
        !matches!(self, TypePreset::Model)
    }
}

impl std::fmt::Display for TypePreset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// hwnas's type of a LeakyReLU `alpha`: `ap_fixed<18, I, AP_RND, AP_SAT>` with the fewest
/// integer bits (at least 1) that hold it.
pub fn hwnas_alpha_type(alpha: f64) -> FixedType {
    let mut integer = 1i32;
    while integer < 17 && alpha.abs() >= f64::powi(2.0, integer - 1) {
        integer += 1;
    }
    FixedType {
        width: 18,
        integer,
        signed: true,
        rounding: Rounding::Rnd,
        overflow: Overflow::Sat,
        saturation_bits: 0,
    }
}

/// The type hls4ml 1.3 gives a constant it must store (`_get_precision_from_constant` with
/// `max_width = 8`): the smallest `(k, i, f)` holding `value` exactly (`minimal_kif`), the
/// width capped at `k + 8`; `ap_ufixed<1,1>` for zero. `0.1` gives `ap_ufixed<8,-3>`, `0.3`
/// gives `ap_ufixed<8,-1>`, `-0.5` gives `ap_fixed<1,0>`.
pub fn hls4ml_constant_type(value: f64) -> FixedType {
    let unsigned_one = FixedType {
        width: 1,
        integer: 1,
        signed: false,
        rounding: Rounding::Trn,
        overflow: Overflow::Wrap,
        saturation_bits: 0,
    };
    if value == 0.0 || !value.is_finite() {
        return unsigned_one;
    }
    // _minimal_f: bisection on [-32, 32] for the smallest f with value * 2^f an integer.
    let (mut low, mut high) = (-32i32, 32i32);
    while low < high - 1 {
        let mid = (low + high).div_euclid(2);
        let scaled = value * f64::powi(2.0, mid);
        // numpy's `astype(np.int64)` truncates; a value out of i64's range never equals it.
        let is_integer = scaled.abs() < 9.2e18 && scaled == scaled.trunc();
        if is_integer {
            high = mid;
        } else {
            low = mid;
        }
    }
    let f = high;
    let lsb = f64::powi(2.0, -f);
    let i = (value + lsb).max(-value).log2().ceil() as i32;
    let k = i32::from(value < 0.0);
    let width = (k + i + f).min(k + 8).max(1);
    FixedType {
        width: width as u32,
        integer: k + i,
        signed: k == 1,
        rounding: Rounding::Trn,
        overflow: Overflow::Wrap,
        saturation_bits: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_types_are_hls4ml_s() {
        // Values read back from hls4ml 1.3.0's firmware (param_t of LeakyReLU layers).
        assert_eq!(hls4ml_constant_type(0.1).to_string(), "ap_ufixed<8,-3>");
        assert_eq!(hls4ml_constant_type(0.3).to_string(), "ap_ufixed<8,-1>");
        assert_eq!(hls4ml_constant_type(0.5).to_string(), "ap_ufixed<1,0>");
        assert_eq!(hls4ml_constant_type(-0.5).to_string(), "ap_fixed<1,0>");
        assert_eq!(hls4ml_constant_type(0.2).to_string(), "ap_ufixed<8,-2>");
        assert_eq!(hls4ml_constant_type(-0.3).to_string(), "ap_fixed<9,0>");
        assert_eq!(hls4ml_constant_type(0.01).to_string(), "ap_ufixed<8,-6>");
        assert_eq!(hls4ml_constant_type(2.5).to_string(), "ap_ufixed<3,2>");
        assert_eq!(hls4ml_constant_type(-7.0).to_string(), "ap_fixed<4,4>");
        assert_eq!(hls4ml_constant_type(1.0).to_string(), "ap_ufixed<1,1>");
        assert_eq!(hls4ml_constant_type(3.0).to_string(), "ap_ufixed<2,2>");
        assert_eq!(hls4ml_constant_type(0.0).to_string(), "ap_ufixed<1,1>");
    }

    /// hls4ml's `auto` BatchNorm result (`_infer_bn_precision`) is the one-term lossless sum
    /// `x * scale + bias`, which is how the analysis resolves it.
    #[test]
    fn batchnorm_result_is_the_one_term_lossless_sum() {
        let exact = |x, s, b| FixedType::lossless_accumulator(x, s, Some(b), 1).unwrap();
        let t = FixedType::new(16, 6, true).unwrap();
        // hls4ml 1.3.0 on an ap_fixed<16,6> input with default scale and bias: ap_fixed<33,13>.
        assert_eq!(exact(&t, &t, &t).to_string(), "ap_fixed<33,13>");
        let s = FixedType::new(12, 3, true).unwrap();
        let b = FixedType::new(12, 4, true).unwrap();
        // bn2 of the parity suite's bn_name_unfused: ap_fixed<29,10>.
        assert_eq!(exact(&t, &s, &b).to_string(), "ap_fixed<29,10>");
    }
}
