//! QONNX's quantisers and hwnas's fixed-point types: `Quant` with a power-of-two scale is an
//! `ap_fixed`, `BipolarQuant` a two-level weight, `Trunc` a result type that drops low bits.
//!
//! `Quant(x, scale, zeropt, bitwidth)` computes `clamp(round(x / scale + zeropt)) - zeropt) *
//! scale` over `bitwidth`-bit integers. With `scale = 2^-f` and `zeropt = 0` that is
//! `ap_fixed<bitwidth, bitwidth - f>` (`ap_ufixed` when `signed = 0`) with the overflow mode
//! `AP_SAT` (`AP_SAT_SYM` when `narrow = 1`) and the rounding mode of `rounding_mode`, as
//! hls4ml reads it.

use hwnas_core::fixed::{FixedType, Overflow, Rounding};

/// The QONNX rounding mode of an `ap_q_mode` (`None`: QONNX has no such mode).
pub(crate) fn rounding_name(r: Rounding) -> Option<&'static str> {
    Some(match r {
        Rounding::RndConv => "ROUND",
        Rounding::Trn => "FLOOR",
        Rounding::TrnZero => "DOWN",
        Rounding::RndInf => "HALF_UP",
        Rounding::RndZero => "HALF_DOWN",
        Rounding::Rnd | Rounding::RndMinInf => return None,
    })
}

/// The `ap_q_mode` of a QONNX rounding mode.
pub(crate) fn rounding_of(name: &str) -> Result<Rounding, String> {
    Ok(match name.to_ascii_uppercase().as_str() {
        "ROUND" | "HALF_EVEN" => Rounding::RndConv,
        "FLOOR" => Rounding::Trn,
        "DOWN" => Rounding::TrnZero,
        "HALF_UP" => Rounding::RndInf,
        "HALF_DOWN" => Rounding::RndZero,
        other => {
            return Err(format!(
                "rounding mode `{other}` has no ap_fixed equivalent; use ROUND, FLOOR, DOWN, \
                 HALF_UP or HALF_DOWN"
            ));
        }
    })
}

/// `f` with `scale == 2^-f`, or an error saying why `scale` is not a fixed-point step.
pub(crate) fn fraction_bits(scale: f64) -> Result<i32, String> {
    if !(scale.is_finite() && scale > 0.0) {
        return Err(format!("the scale {scale} is not a positive number"));
    }
    let f = -scale.log2().round();
    if (2f64.powf(-f) - scale).abs() > scale * 1e-9 || f.abs() > 200.0 {
        return Err(format!(
            "the scale {scale} is not a power of two; hwnas's fixed-point types need \
             power-of-two scales (export with `scaling_impl_type = po2` in Brevitas, or \
             `alpha = 1` in QKeras)"
        ));
    }
    Ok(f as i32)
}

/// The type of a `Quant` node.
pub(crate) fn quant_type(
    scale: f64,
    zeropt: f64,
    bitwidth: f64,
    signed: bool,
    narrow: bool,
    rounding: &str,
) -> Result<FixedType, String> {
    if zeropt != 0.0 {
        return Err(format!(
            "the zero point {zeropt} is not 0; hwnas's fixed-point types are symmetric around 0"
        ));
    }
    let max = hwnas_core::fixed::MAX_WIDTH as f64;
    if bitwidth.fract() != 0.0 || !(1.0..=max).contains(&bitwidth) {
        return Err(format!(
            "the bit width {bitwidth} is not a whole number of bits between 1 and {max}"
        ));
    }
    let f = fraction_bits(scale)?;
    let b = bitwidth as u32;
    let overflow = if narrow && signed {
        Overflow::SatSym
    } else if narrow {
        return Err(
            "`narrow = 1` on an unsigned Quant (its top level is unused) has no \
                    ap_ufixed equivalent; use `narrow = 0`"
                .into(),
        );
    } else {
        Overflow::Sat
    };
    Ok(FixedType::new(b, b as i32 - f, signed)
        .map_err(|e| e.to_string())?
        .with_rounding(rounding_of(rounding)?)
        .with_overflow(overflow))
}

/// The `Quant` parameters `(scale, bitwidth, signed, narrow, rounding_mode)` of a type. The
/// overflow modes `AP_WRAP` and `AP_SAT_ZERO` have no `Quant` equivalent (it always clamps);
/// they are written as `AP_SAT`, as are rounding modes QONNX lacks as `ROUND` (the exact type
/// travels in the model's metadata, see `meta`).
pub(crate) fn quant_params(t: &FixedType) -> (f64, u32, bool, bool, &'static str) {
    let f = t.width as i32 - t.integer;
    (
        2f64.powi(-f),
        t.width,
        t.signed,
        t.overflow == Overflow::SatSym && t.signed,
        rounding_name(t.rounding).unwrap_or("ROUND"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quant_is_an_ap_fixed_and_back() {
        let t = quant_type(0.125, 0.0, 8.0, true, false, "ROUND").unwrap();
        assert_eq!(t, "ap_fixed<8,5,AP_RND_CONV,AP_SAT>".parse().unwrap());
        assert_eq!(quant_params(&t), (0.125, 8, true, false, "ROUND"));
        let u = quant_type(4.0, 0.0, 6.0, false, false, "FLOOR").unwrap();
        assert_eq!(u, "ap_ufixed<6,8,AP_TRN,AP_SAT>".parse().unwrap());
        let s = quant_type(0.5, 0.0, 4.0, true, true, "ROUND").unwrap();
        assert_eq!(s.overflow, Overflow::SatSym);
    }

    #[test]
    fn what_is_not_a_fixed_point_type_is_said() {
        let e = quant_type(0.1, 0.0, 8.0, true, false, "ROUND").unwrap_err();
        assert!(e.contains("the scale 0.1 is not a power of two"), "{e}");
        let e = quant_type(0.5, 3.0, 8.0, true, false, "ROUND").unwrap_err();
        assert!(e.contains("zero point 3 is not 0"), "{e}");
        let e = quant_type(0.5, 0.0, 2.5, true, false, "ROUND").unwrap_err();
        assert!(e.contains("bit width 2.5"), "{e}");
        let e = quant_type(0.5, 0.0, 8.0, true, false, "CEIL").unwrap_err();
        assert!(e.contains("rounding mode `CEIL`"), "{e}");
    }
}
