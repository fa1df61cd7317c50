//! Type rules for arithmetic: exact products and hls4ml's lossless accumulators.

use super::types::{FixedType, MAX_WIDTH, Overflow, Rounding};
use crate::{Error, Result};

impl FixedType {
    /// The exact type of `a * b`, as `ap_fixed`'s `RType::mult`: `W = Wa + Wb`, `I = Ia + Ib`,
    /// signed if either operand is, default modes (`AP_TRN`, `AP_WRAP`). Mixed signedness needs
    /// no extra bit: an unsigned times a signed value fits `Wa + Wb` signed bits.
    ///
    /// # Errors
    /// [`Error::InvalidFixedType`] when the product is wider than [`MAX_WIDTH`] bits.
    pub fn product(a: &FixedType, b: &FixedType) -> Result<FixedType> {
        let ty = build(
            i64::from(a.width) + i64::from(b.width),
            i64::from(a.integer) + i64::from(b.integer),
            a.signed || b.signed,
        );
        check_width(
            ty,
            || format!("the product of {a} and {b}"),
            "narrower operands",
        )
    }

    /// The exact product of two raw values, as a raw value of [`FixedType::product`]`(a, b)`
    /// (its real value is the result times `2^-(Fa + Fb)`). The operands are read with
    /// [`FixedType::raw_value`]; the result is exact whenever `Wa + Wb <= 127` (every product
    /// whose [`FixedType::product`] type exists), else it wraps.
    pub fn mul_raw(a: &FixedType, a_raw: i128, b: &FixedType, b_raw: i128) -> i128 {
        a.raw_value(a_raw).wrapping_mul(b.raw_value(b_raw))
    }

    /// The lossless accumulator type hls4ml infers for a Dense or convolution layer whose
    /// `accum_t` / `result_t` are `auto` (`_infer_common_precision` in hls4ml 1.3.0's
    /// `model/optimizer/passes/infer_precision.py`):
    ///
    /// * products of `n_terms` terms (`n_in` for Dense, `n_chan * kh * kw` for convolutions):
    ///   `W = Wi + Ww + ceil(log2 n)`, `I = Ii + Iw + ceil(log2 n)`, signed if the input or the
    ///   weight is;
    /// * with a bias: `I = max(I + (bias signed and sum unsigned), Ib + (sum signed and bias
    ///   unsigned)) + 1`, `W = I + max(F, Fb)`, signed if either is. hls4ml applies this rule
    ///   unless told to ignore all-zero biases, so pass `None` only for layers without a bias.
    ///
    /// The result has the default modes (`AP_TRN`, `AP_WRAP`); sums in it never overflow or
    /// round. hls4ml's optional `maximum` precision clip is not applied here.
    ///
    /// ```
    /// use hwnas_core::fixed::FixedType;
    ///
    /// let t = FixedType::new(16, 6, true)?;
    /// let acc = FixedType::lossless_accumulator(&t, &t, Some(&t), 16)?;
    /// assert_eq!(acc.to_string(), "ap_fixed<37,17>");
    /// # Ok::<(), hwnas_core::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidFixedType`] when `n_terms` is 0 or the result is wider than
    /// [`MAX_WIDTH`] bits.
    pub fn lossless_accumulator(
        input: &FixedType,
        weight: &FixedType,
        bias: Option<&FixedType>,
        n_terms: usize,
    ) -> Result<FixedType> {
        if n_terms == 0 {
            return Err(Error::InvalidFixedType {
                spec: format!("accumulator of {input} x {weight}"),
                reason: "a sum needs at least one term".into(),
            });
        }
        let extra = i64::from(ceil_log2(n_terms));
        let mut width = i64::from(input.width) + i64::from(weight.width) + extra;
        let mut integer = i64::from(input.integer) + i64::from(weight.integer) + extra;
        let mut signed = input.signed || weight.signed;
        if let Some(b) = bias {
            let frac = width - integer;
            integer = (integer + i64::from(b.signed && !signed))
                .max(i64::from(b.integer) + i64::from(signed && !b.signed))
                + 1;
            width = integer + frac.max(i64::from(b.frac_bits()));
            signed = signed || b.signed;
        }
        let ty = build(width, integer, signed);
        let what = || match bias {
            Some(b) => {
                format!("the lossless sum of {n_terms} products {input} x {weight} plus {b}")
            }
            None => format!("the lossless sum of {n_terms} products {input} x {weight}"),
        };
        check_width(
            ty,
            what,
            "narrower inputs or weights, or an explicit accumulator type",
        )
    }

    /// The accumulator type hls4ml infers for an average pooling layer over `pool_size` values
    /// (`_infer_pooling_precision`): `W + 2 * ceil(log2 pool_size)` bits, `I + ceil(log2
    /// pool_size)` integer bits, the input's signedness, default modes. A 3x3 pool on
    /// `ap_fixed<16,6>` gives `ap_fixed<24,10>`. (Max pooling accumulates in the input type.)
    ///
    /// # Errors
    /// [`Error::InvalidFixedType`] when `pool_size` is 0 or the result is wider than
    /// [`MAX_WIDTH`] bits.
    pub fn avg_pool_accumulator(input: &FixedType, pool_size: usize) -> Result<FixedType> {
        if pool_size == 0 {
            return Err(Error::InvalidFixedType {
                spec: format!("pooling accumulator of {input}"),
                reason: "the pool must hold at least one value".into(),
            });
        }
        let extra = i64::from(ceil_log2(pool_size));
        let ty = build(
            i64::from(input.width) + 2 * extra,
            i64::from(input.integer) + extra,
            input.signed,
        );
        let what = || format!("the average-pool sum of {pool_size} values of {input}");
        check_width(ty, what, "a narrower input type or a smaller pool")
    }
}

/// `ceil(log2 n)` for `n >= 1`, exactly (hls4ml computes `math.ceil(np.log2(n))`, which agrees
/// for every `n` below 2^49).
fn ceil_log2(n: usize) -> u32 {
    usize::BITS - (n.max(1) - 1).leading_zeros()
}

/// A default-mode type from computed sizes, not yet validated (sizes saturate into `u32`/`i32`).
fn build(width: i64, integer: i64, signed: bool) -> FixedType {
    FixedType {
        width: u32::try_from(width.max(0)).unwrap_or(u32::MAX),
        integer: i32::try_from(integer).unwrap_or(if integer < 0 { i32::MIN } else { i32::MAX }),
        signed,
        rounding: Rounding::Trn,
        overflow: Overflow::Wrap,
        saturation_bits: 0,
    }
}

/// Validates a computed type, explaining an over-wide result with `what` and `fix`.
fn check_width(ty: FixedType, what: impl Fn() -> String, fix: &str) -> Result<FixedType> {
    if ty.width > MAX_WIDTH {
        return Err(Error::InvalidFixedType {
            spec: ty.to_string(),
            reason: format!(
                "{} needs {} bits, but hwnas computes with at most {MAX_WIDTH}; use {fix}",
                what(),
                ty.width
            ),
        });
    }
    ty.validate()?;
    Ok(ty)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fx(w: u32, i: i32, signed: bool) -> FixedType {
        FixedType::new(w, i, signed).unwrap()
    }

    #[test]
    fn measured_hls4ml_accumulators() {
        let t = fx(16, 6, true);
        for (n, want) in [
            (16, "ap_fixed<37,17>"),
            (64, "ap_fixed<39,19>"),
            (32, "ap_fixed<38,18>"),
            (9, "ap_fixed<37,17>"),
            (144, "ap_fixed<41,21>"),
            (1, "ap_fixed<33,13>"),
        ] {
            let acc = FixedType::lossless_accumulator(&t, &t, Some(&t), n).unwrap();
            assert_eq!(acc.to_string(), want, "n = {n}");
        }
        let no_bias = FixedType::lossless_accumulator(&t, &t, None, 16).unwrap();
        assert_eq!(no_bias.to_string(), "ap_fixed<36,16>");
    }

    #[test]
    fn accumulator_signedness_and_bias_rules() {
        // Unsigned sum ap_ufixed<18,10>, signed bias: I = max(10 + 1, 6) + 1 = 12,
        // W = 12 + max(8, 10).
        let u = fx(8, 4, false);
        let b = fx(16, 6, true);
        let acc = FixedType::lossless_accumulator(&u, &u, Some(&b), 4).unwrap();
        assert_eq!(acc.to_string(), "ap_fixed<22,12>");
        // Signed sum ap_fixed<18,10>, unsigned bias with more integer bits:
        // I = max(10, 12 + 1) + 1 = 14, W = 14 + max(8, 2).
        let s = fx(8, 4, true);
        let ub = fx(14, 12, false);
        let acc = FixedType::lossless_accumulator(&s, &s, Some(&ub), 4).unwrap();
        assert_eq!(acc.to_string(), "ap_fixed<22,14>");
        let acc = FixedType::lossless_accumulator(&u, &u, Some(&u), 3).unwrap();
        assert_eq!(acc.to_string(), "ap_ufixed<19,11>");
    }

    #[test]
    fn too_wide_and_degenerate() {
        // ap_fixed<32,16> with 64 terms: 71 bits, fine; ap_fixed<60,30>: 127 bits, too wide.
        let t = fx(32, 16, true);
        let acc = FixedType::lossless_accumulator(&t, &t, Some(&t), 64).unwrap();
        assert_eq!(acc.to_string(), "ap_fixed<71,39>");
        let w = fx(60, 30, true);
        let err = FixedType::lossless_accumulator(&w, &w, Some(&w), 64).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("127 bits")
                && msg.contains("at most 126")
                && msg.contains("narrower inputs or weights"),
            "{msg}"
        );
        assert!(FixedType::lossless_accumulator(&t, &t, None, 0).is_err());
        assert!(FixedType::avg_pool_accumulator(&t, 0).is_err());
        assert!(FixedType::product(&fx(64, 32, true), &fx(62, 1, false)).is_ok());
        assert!(FixedType::product(&fx(64, 32, true), &fx(63, 1, false)).is_err());
    }

    #[test]
    fn pooling_and_products() {
        let t = fx(16, 6, true);
        assert_eq!(
            FixedType::avg_pool_accumulator(&t, 9).unwrap().to_string(),
            "ap_fixed<24,10>"
        );
        assert_eq!(
            FixedType::avg_pool_accumulator(&t, 4).unwrap().to_string(),
            "ap_fixed<20,8>"
        );
        assert_eq!(FixedType::avg_pool_accumulator(&t, 1).unwrap(), t);
        let u = fx(8, 2, false);
        let p = FixedType::product(&t, &u).unwrap();
        assert_eq!(p.to_string(), "ap_fixed<24,8>");
        // -1.5 (raw -1536 at 2^-10) x 3.75 (raw 240 at 2^-6) = -5.625 (raw at 2^-16).
        let raw = FixedType::mul_raw(&t, -1536, &u, 240);
        assert_eq!(raw, -368_640);
        assert_eq!(p.to_f64(raw), -5.625);
        assert_eq!(ceil_log2(1), 0);
        assert_eq!(ceil_log2(2), 1);
        assert_eq!(ceil_log2(3), 2);
        assert_eq!(ceil_log2(1024), 10);
        assert_eq!(ceil_log2(1025), 11);
    }
}
