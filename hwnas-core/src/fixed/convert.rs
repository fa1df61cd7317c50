//! Conversions into a fixed-point type, bit-exact with `ap_fixed`.
//!
//! Every conversion works on an exact source value `mant * 2^-frac` (an `f64` is decomposed
//! into its sign, 53-bit significand and exponent; a fixed-point raw value is already of that
//! form), shifts it onto the target's LSB, rounds with the target's [`Rounding`] mode and then
//! applies its [`Overflow`] mode. All of it is integer arithmetic (`i128`), no float rounding:
//! types are at most [`MAX_WIDTH`](super::MAX_WIDTH) = 126 bits wide, so every magnitude that
//! decides a rounding stays below 2^126.
//!
//! The result is the one `ap_fixed_base(double)` and `ap_fixed_base::operator=` (Xilinx
//! `ap_fixed_base.h`, as shipped with hls4ml 1.3.0) produce; the oracle test
//! `hwnas-hls/tests/ap_fixed_oracle.rs` compares the two bit for bit. The header's quirks that
//! are reproduced here:
//!
//! * Subnormal, infinite and NaN doubles are read with the implicit leading 1 regardless of the
//!   exponent field: a subnormal `0.m × 2^-1022` is taken as `1.m × 2^-1023`, ±infinity as
//!   ±2^1024 and a NaN as the finite ±`1.m × 2^1024` (its payload read as the significand).
//!   With `|W - I| <= 1000` (enforced by [`FixedType::validate`]) the subnormal difference never
//!   shows; infinities and NaNs saturate under the `AP_SAT*` modes and under `AP_WRAP` keep the
//!   low `W` bits of that huge value (0 unless the LSB is above 2^(1024 - W)).
//! * `AP_WRAP` with `N > 0` saturation bits on an *unsigned* type sets the top `N` bits to 1 on
//!   any overflow, also when the value was below zero.
//! * `AP_SAT_SYM` on a signed 1-bit type (whose range is {-1, 0}) saturates negative values to
//!   -1, like `AP_SAT`; on unsigned types it is `AP_SAT`.
//!
//! One more header quirk cannot be reproduced, only avoided: compiled *without* `NDEBUG` (as
//! hls4ml's C simulation is), `operator=` reads a bit beyond the source's MSB and aborts on an
//! `ap_private` assertion when the target's rounding mode is not `AP_TRN` (nor `AP_TRN_ZERO`
//! from an unsigned source) and the target's LSB lies more than `W2` bits above the source's
//! (`F2 - F > W2`, e.g. `ap_fixed<12,-4>` to `ap_fixed<8,12,AP_RND>`). [`FixedType::cast_from`]
//! returns what the `NDEBUG` build computes.

use super::types::{FixedType, Overflow, Rounding};
use crate::{Error, Result};

/// An exact value `mant * 2^-frac`.
#[derive(Debug, Clone, Copy)]
struct Exact {
    mant: i128,
    frac: i64,
}

/// A value rounded onto the target's LSB, before the overflow mode is applied.
#[derive(Debug, Clone, Copy)]
struct Rounded {
    /// The exact rounded integer, or `None` when it does not fit `i128` (far outside every
    /// type's range).
    exact: Option<i128>,
    /// Whether it is negative.
    negative: bool,
    /// Its low 128 bits (two's complement), for `AP_WRAP`.
    low: u128,
}

impl FixedType {
    /// Converts `x` exactly as `ap_fixed<W,I,Q,O,N>(x)` (the C++ constructor from `double`)
    /// does, returning the raw value (see [`FixedType::raw_value`] for its encoding).
    ///
    /// `x` is rounded onto the LSB with the type's [`Rounding`] mode, then brought into range
    /// with its [`Overflow`] mode. `-0.0` gives 0. Infinities behave as ±2^1024, so they
    /// saturate under the `AP_SAT*` modes and wrap (usually to 0) under `AP_WRAP`. NaN is not
    /// rejected, to match the header bit for bit: like `ap_fixed` it is read as the finite value
    /// ±`1.m × 2^1024` (payload as significand). Use [`FixedType::try_quantize`] to refuse NaN.
    ///
    /// ```
    /// use hwnas_core::fixed::{FixedType, Overflow, Rounding};
    ///
    /// let t = FixedType::new(8, 3, true)?; // ap_fixed<8,3>: LSB 1/32, range [-4, 4)
    /// assert_eq!(t.quantize(1.0), 32);
    /// assert_eq!(t.quantize(-0.01), -1); // AP_TRN is floor
    /// assert_eq!(t.quantize(4.0), -128); // AP_WRAP
    /// let t = t.with_rounding(Rounding::RndConv).with_overflow(Overflow::Sat);
    /// assert_eq!(t.quantize(1.5 / 32.0), 2); // tie to even
    /// assert_eq!(t.quantize(4.0), 127);
    /// # Ok::<(), hwnas_core::Error>(())
    /// ```
    pub fn quantize(&self, x: f64) -> i128 {
        let bits = x.to_bits();
        if bits & !(1u64 << 63) == 0 {
            return 0; // +0.0 and -0.0
        }
        let exponent = ((bits >> 52) & 0x7ff) as i64 - 1023;
        // Header quirk: the implicit 1 is set even for subnormals, infinities and NaNs.
        let significand = ((bits & ((1u64 << 52) - 1)) | (1u64 << 52)) as i128;
        let mant = if bits >> 63 == 1 {
            -significand
        } else {
            significand
        };
        self.convert(Exact {
            mant,
            frac: 52 - exponent,
        })
    }

    /// The raw value hls4ml's firmware gives the `float32` weight `x`: hls4ml writes every
    /// weight with as many decimals as the type has fractional bits (`'{:.Ff}'.format(x)`,
    /// `F = max(0, W - I)`), and the C simulation reads that decimal as a `double` and converts
    /// it with `ap_fixed(double)` ([`FixedType::quantize`]). Near a grid point of a truncating
    /// type, or at a tie of a rounding one, this differs from quantising `x` directly.
    ///
    /// ```
    /// use hwnas_core::fixed::{FixedType, Rounding};
    ///
    /// // Truncating, 2 fractional bits: 0.2499 is printed "0.25", which lies on the grid.
    /// let t = FixedType::new(4, 2, true)?;
    /// assert_eq!(t.quantize_printed(0.2499), 1);
    /// assert_eq!(t.quantize(f64::from(0.2499f32)), 0);
    /// // Rounding, 3 fractional bits: the tie 0.0625 is printed "0.062" and rounds down.
    /// let r = FixedType::new(6, 3, true)?.with_rounding(Rounding::Rnd);
    /// assert_eq!(r.quantize_printed(0.0625), 0);
    /// assert_eq!(r.quantize(0.0625), 1);
    /// # Ok::<(), hwnas_core::Error>(())
    /// ```
    pub fn quantize_printed(&self, x: f32) -> i128 {
        let decimals = self.frac_bits().max(0) as usize;
        // Rust's `{:.N}` rounds the exact binary value half to even, as Python's `format` does
        // (compared on 200,000 float32 values, ties included; the parity test compares every
        // quantised constant with the one hls4ml's firmware loads).
        let printed = format!("{:.*}", decimals, f64::from(x));
        let read: f64 = printed.parse().unwrap_or(f64::from(x));
        self.quantize(read)
    }

    /// [`FixedType::quantize`], refusing NaN.
    ///
    /// # Errors
    /// [`Error::FixedConversion`] when `x` is NaN.
    pub fn try_quantize(&self, x: f64) -> Result<i128> {
        if x.is_nan() {
            return Err(Error::FixedConversion {
                value: format!("{x}"),
                ty: self.to_string(),
                reason: "NaN has no fixed-point value; check the data or the model for NaNs".into(),
            });
        }
        Ok(self.quantize(x))
    }

    /// The real value `x` takes in this type: [`FixedType::quantize`] followed by
    /// [`FixedType::to_f64`] (exact while the raw value has at most 53 significant bits, else
    /// rounded to nearest).
    pub fn quantize_to_f64(&self, x: f64) -> f64 {
        self.to_f64(self.quantize(x))
    }

    /// Converts `raw`, a raw value of type `from`, into this type exactly as `ap_fixed`'s
    /// assignment / copy construction from another `ap_fixed` type does: the exact value is
    /// rounded with this type's [`Rounding`] mode and brought into range with its [`Overflow`]
    /// mode (the modes of `from` play no part).
    ///
    /// Only the low `from.width` bits of `raw` are read, as `.V = raw` would in C++.
    ///
    /// ```
    /// use hwnas_core::fixed::{FixedType, Overflow, Rounding};
    ///
    /// let acc = FixedType::new(37, 17, true)?;
    /// let out = FixedType::new(16, 6, true)?
    ///     .with_rounding(Rounding::Rnd)
    ///     .with_overflow(Overflow::Sat);
    /// let raw = acc.quantize(3.14159);
    /// assert_eq!(out.cast_from(raw, &acc), out.quantize(3.14159));
    /// assert_eq!(out.cast_from(acc.quantize(1000.0), &acc), 32767); // saturates
    /// # Ok::<(), hwnas_core::Error>(())
    /// ```
    #[inline]
    pub fn cast_from(&self, raw: i128, from: &FixedType) -> i128 {
        self.convert(Exact {
            mant: from.raw_value(raw),
            frac: i64::from(from.frac_bits()),
        })
    }

    /// Converts the exact value `mant * 2^-frac` into this type, as `ap_fixed`'s assignment from
    /// a wider intermediate (a product or a sum) does: rounded with this type's [`Rounding`] mode,
    /// then brought into range with its [`Overflow`] mode. Any `i128` mantissa is exact.
    ///
    /// ```
    /// use hwnas_core::fixed::{FixedType, Rounding};
    ///
    /// let t = FixedType::new(8, 4, true)?.with_rounding(Rounding::Rnd); // LSB 1/16
    /// assert_eq!(t.cast_exact(3, 5), 2); // 3/32 = 1.5 LSB, ties up
    /// assert_eq!(t.cast_exact(1 << 100, 100), 16); // 1.0
    /// # Ok::<(), hwnas_core::Error>(())
    /// ```
    #[inline]
    pub fn cast_exact(&self, mant: i128, frac: i64) -> i128 {
        let mut src = Exact { mant, frac };
        // `round` is exact for |mant| < 2^126; beyond, first drop all but two of the bits below
        // the target's LSB, keeping a sticky bit ("jamming"): floor, guard and sticky survive.
        let drop = frac - i64::from(self.frac_bits());
        if !(-(1i128 << 125)..1i128 << 125).contains(&mant) && drop > 2 {
            let k = (drop - 2).min(127) as u32;
            let lost = (mant as u128) & ((1u128 << k) - 1) != 0;
            src = Exact {
                mant: (mant >> k) | i128::from(lost),
                frac: frac - i64::from(k),
            };
            if drop - 2 > 127 {
                // All bits are far below the LSB: only the sign and the sticky bit matter.
                src.frac = i64::from(self.frac_bits()) + 2;
            }
        }
        self.convert(src)
    }

    /// Brings `value`, an integer already on this type's LSB (an unrounded raw value), into
    /// range with the type's [`Overflow`] mode: `value` itself when the type holds it, else what
    /// `ap_fixed`'s assignment gives. The same as [`FixedType::cast_exact`]`(value, F)`, with a
    /// shortcut for the common in-range case (the emulator's sums).
    ///
    /// ```
    /// use hwnas_core::fixed::{FixedType, Overflow};
    ///
    /// let t = FixedType::new(8, 4, true)?.with_overflow(Overflow::Sat);
    /// assert_eq!(t.fit(100), 100);
    /// assert_eq!(t.fit(300), 127);
    /// assert_eq!(t.with_overflow(Overflow::Wrap).fit(300), 300 - 256);
    /// # Ok::<(), hwnas_core::Error>(())
    /// ```
    #[inline]
    pub fn fit(&self, value: i128) -> i128 {
        let (min, max) = self.raw_bounds();
        let sat_sym_min = self.overflow == Overflow::SatSym && self.signed && value == min;
        if min <= value && value <= max && !sat_sym_min {
            value
        } else {
            self.cast_exact(value, i64::from(self.frac_bits()))
        }
    }

    /// The integer a raw value stands for: the low `W` bits of `raw`, sign-extended for signed
    /// types and zero-extended for unsigned ones. The real value is this times [`Self::lsb`].
    #[inline]
    pub fn raw_value(&self, raw: i128) -> i128 {
        self.raw_from_bits(raw as u128)
    }

    /// The raw value whose low `W` bits are `bits` (sign-extended for signed types).
    fn raw_from_bits(&self, bits: u128) -> i128 {
        let shift = 128 - self.width.clamp(1, super::MAX_WIDTH);
        let up = bits << shift;
        if self.signed {
            (up as i128) >> shift
        } else {
            (up >> shift) as i128
        }
    }

    /// Smallest and largest integer of the type's range.
    #[inline]
    fn raw_bounds(&self) -> (i128, i128) {
        (self.min_raw(), self.max_raw())
    }

    /// Rounds `src` onto this type's LSB with its rounding mode.
    fn round(&self, src: Exact) -> Rounded {
        let shift = i64::from(self.frac_bits()) - src.frac;
        let negative = src.mant < 0;
        if shift >= 0 {
            // Moving bits left: no quantisation. A product that does not fit `i128` is outside
            // every type's range.
            let exact = if shift < 126 {
                src.mant.checked_mul(1i128 << shift)
            } else {
                None
            };
            let low = if shift < 128 {
                (src.mant as u128) << shift
            } else {
                0
            };
            return Rounded {
                exact,
                negative,
                low,
            };
        }
        // Moving bits right. For |mant| < 2^126 any shift of 127 or more gives the same floor
        // (0 or -1), guard bit and sticky bit as the true shift; a larger |mant| comes only
        // with a shift of at most 2 (see `cast_exact`).
        let s = (-shift).min(127) as u32;
        let floor = src.mant >> s;
        let rem = src.mant - (floor << s); // in [0, 2^s)
        let half = 1i128 << (s - 1);
        let guard = rem >= half; // the bit below the LSB ("qb" in the header)
        let sticky = rem & (half - 1) != 0; // any bit below that ("r")
        let up = match self.rounding {
            Rounding::Trn => false,
            Rounding::TrnZero => negative && (guard || sticky),
            Rounding::Rnd => guard,
            Rounding::RndZero => guard && (negative || sticky),
            Rounding::RndInf => guard && (!negative || sticky),
            Rounding::RndMinInf => guard && sticky,
            Rounding::RndConv => guard && (floor & 1 != 0 || sticky),
        };
        let value = floor + i128::from(up);
        Rounded {
            exact: Some(value),
            negative: value < 0,
            low: value as u128,
        }
    }

    /// Rounds `src` and applies the overflow mode.
    fn convert(&self, src: Exact) -> i128 {
        if src.mant == 0 {
            return 0;
        }
        let r = self.round(src);
        let (min, max) = self.raw_bounds();
        let sat_sym = self.overflow == Overflow::SatSym && self.signed && self.width > 1;
        if let Some(v) = r.exact
            && min <= v
            && v <= max
        {
            // AP_SAT_SYM never produces the most negative value.
            if sat_sym && v == min {
                return min + 1;
            }
            return v;
        }
        // Out of range.
        match self.overflow {
            Overflow::Wrap => self.wrap_saturating_bits(r),
            Overflow::SatZero => 0,
            Overflow::SatSym if sat_sym => {
                if r.negative {
                    -max
                } else {
                    max
                }
            }
            // AP_SAT, and AP_SAT_SYM on unsigned or 1-bit types (header quirk for W = 1: -1).
            Overflow::Sat | Overflow::SatSym => {
                if r.negative {
                    min
                } else {
                    max
                }
            }
        }
    }

    /// `AP_WRAP` on overflow: keep the low `W` bits, then force the top `N` saturation bits as
    /// the header's `overflow_adjust` does.
    fn wrap_saturating_bits(&self, r: Rounded) -> i128 {
        let w = self.width.clamp(1, super::MAX_WIDTH);
        let n = self.saturation_bits.min(w);
        let mut bits = r.low;
        if n > 0 {
            // Bits W-N ..= W-1 of the result.
            let top = (u128::MAX >> (128 - n)) << (w - n);
            if self.signed {
                // Sign bit from the source; the N-1 bits below it the opposite of the sign.
                let sign = 1u128 << (w - 1);
                bits &= !top;
                if r.negative {
                    bits |= sign;
                } else {
                    bits |= top & !sign;
                }
            } else {
                // Header quirk: all N bits are set to 1, whatever the direction of overflow.
                bits |= top;
            }
        }
        self.raw_from_bits(bits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(w: u32, i: i32, signed: bool, q: Rounding, o: Overflow) -> FixedType {
        FixedType::new(w, i, signed)
            .unwrap()
            .with_rounding(q)
            .with_overflow(o)
    }

    #[test]
    fn rounding_modes_on_ties_and_non_ties() {
        // ap_fixed<8,4>: LSB 1/16. Values in LSB units: 2.5, -2.5, 3.5, -3.5, 2.25, -2.75.
        let lsb = 1.0 / 16.0;
        let xs = [2.5, -2.5, 3.5, -3.5, 2.25, -2.75].map(|k| k * lsb);
        let expect: [(Rounding, [i128; 6]); 7] = [
            (Rounding::Trn, [2, -3, 3, -4, 2, -3]),
            (Rounding::TrnZero, [2, -2, 3, -3, 2, -2]),
            (Rounding::Rnd, [3, -2, 4, -3, 2, -3]),
            (Rounding::RndZero, [2, -2, 3, -3, 2, -3]),
            (Rounding::RndInf, [3, -3, 4, -4, 2, -3]),
            (Rounding::RndMinInf, [2, -3, 3, -4, 2, -3]),
            (Rounding::RndConv, [2, -2, 4, -4, 2, -3]),
        ];
        for (q, want) in expect {
            let ty = t(8, 4, true, q, Overflow::Wrap);
            let got = xs.map(|x| ty.quantize(x));
            assert_eq!(got, want, "{ty}");
        }
    }

    #[test]
    fn overflow_modes() {
        // ap_fixed<4,4>: integers -8..=7.
        let cases: [(Overflow, [i128; 5]); 4] = [
            // 1e6 + 9 = 0xF4249: low nibble 9, which wraps to -7.
            (Overflow::Wrap, [-8, 7, -7, -7, 1]),
            (Overflow::Sat, [-8, 7, 7, 7, -8]),
            (Overflow::SatZero, [-8, 7, 0, 0, 0]),
            (Overflow::SatSym, [-7, 7, 7, 7, -7]),
        ];
        for (o, want) in cases {
            let ty = t(4, 4, true, Rounding::Trn, o);
            let got = [-8.0, 7.0, 9.0, 1e6 + 9.0, -15.0].map(|x| ty.quantize(x));
            assert_eq!(got, want, "{ty}");
        }
    }

    #[test]
    fn unsigned_and_odd_shapes() {
        let u = t(4, 2, false, Rounding::Rnd, Overflow::Sat); // ap_ufixed<4,2>: 0..=3.75
        assert_eq!(u.quantize(-0.1), 0);
        assert_eq!(u.quantize(3.9), 15);
        assert_eq!(u.quantize(1.125), 5); // 4.5 LSB ties up
        let u = u.with_overflow(Overflow::Wrap);
        assert_eq!(u.quantize(-0.25), 15); // -1 LSB wraps to 2^4 - 1
        // I < 0: ap_fixed<4,-2>, LSB 2^-6, range [-1/8, 1/8).
        let neg = t(4, -2, true, Rounding::Trn, Overflow::Sat);
        assert_eq!(neg.quantize(0.0625), 4);
        assert_eq!(neg.quantize(1.0), 7);
        // I > W: ap_fixed<4,8>, LSB 16.
        let big = t(4, 8, true, Rounding::Rnd, Overflow::Wrap);
        assert_eq!(big.quantize(40.0), 3); // 2.5 LSB ties up
        assert_eq!(big.quantize(-40.0), -2);
        // W = 1.
        let one = t(1, 1, true, Rounding::Trn, Overflow::Sat); // {-1, 0}
        assert_eq!(one.quantize(0.7), 0);
        assert_eq!(one.quantize(-0.3), -1);
        assert_eq!(one.quantize(-5.0), -1);
        let one_u = t(1, 0, false, Rounding::Rnd, Overflow::Sat); // {0, 0.5}
        assert_eq!(one_u.quantize(0.3), 1);
        assert_eq!(one_u.quantize(7.0), 1);
    }

    #[test]
    fn zero_infinity_nan_and_wide_types() {
        let ty = t(16, 6, true, Rounding::Rnd, Overflow::Sat);
        assert_eq!(ty.quantize(-0.0), 0);
        assert_eq!(ty.quantize(f64::INFINITY), 32767);
        assert_eq!(ty.quantize(f64::NEG_INFINITY), -32768);
        assert_eq!(ty.quantize(f64::MAX), 32767);
        assert_eq!(ty.quantize(5e-324), 0);
        assert_eq!(ty.with_rounding(Rounding::Trn).quantize(-5e-324), -1);
        assert_eq!(ty.with_overflow(Overflow::Wrap).quantize(f64::INFINITY), 0);
        assert!(ty.try_quantize(f64::NAN).is_err());
        assert_eq!(ty.try_quantize(1.0).unwrap(), 1024);
        let u64t = t(64, 64, false, Rounding::Trn, Overflow::Sat);
        assert_eq!(u64t.quantize(1e30), (1i128 << 64) - 1);
        assert_eq!(u64t.raw_value(-1), (1i128 << 64) - 1); // only the low 64 bits are read
        assert_eq!(u64t.quantize(2f64.powi(63)), 1i128 << 63);
        let s64 = t(64, 32, true, Rounding::Trn, Overflow::Sat);
        assert_eq!(s64.quantize(-1e300), i128::from(i64::MIN));
        assert_eq!(s64.quantize(0.5), 1 << 31);
        // The widest types: 126 bits, signed and unsigned.
        let s126 = t(126, 60, true, Rounding::Rnd, Overflow::Sat);
        assert_eq!(s126.quantize(1e300), (1i128 << 125) - 1);
        assert_eq!(s126.quantize(-1e300), -(1i128 << 125));
        assert_eq!(s126.quantize(1.0), 1i128 << 66);
        assert_eq!(s126.quantize(-0.75), -(3i128 << 64));
        let u126 = t(126, 126, false, Rounding::Trn, Overflow::Wrap);
        assert_eq!(u126.quantize(2f64.powi(125)), 1i128 << 125);
        assert_eq!(u126.quantize(2f64.powi(126) + 2f64.powi(100)), 1i128 << 100); // wraps
        assert_eq!(u126.raw_value(-1), (1i128 << 126) - 1);
    }

    #[test]
    fn saturation_bits_under_wrap() {
        // ap_fixed<8,8,AP_TRN,AP_WRAP,3>: on overflow the top 3 bits become 011 / 100.
        let s = FixedType::new(8, 8, true)
            .unwrap()
            .with_saturation_bits(3)
            .unwrap();
        assert_eq!(s.quantize(200.0), 0b0110_1000); // 200 = 0b1100_1000
        assert_eq!(s.quantize(-200.0), -128 + 0b1_1000); // -200 wraps to 0b0011_1000
        assert_eq!(s.quantize(100.0), 100);
        let u = FixedType::new(8, 8, false)
            .unwrap()
            .with_saturation_bits(2)
            .unwrap();
        assert_eq!(u.quantize(300.0), 0b1110_1100); // 300 = 0b1_0010_1100
        assert_eq!(u.quantize(-200.0), 0b1111_1000); // quirk: top bits set on underflow too
    }

    #[test]
    fn casts_between_types() {
        let from = FixedType::new(16, 6, true).unwrap(); // LSB 2^-10
        let to = t(8, 4, true, Rounding::RndConv, Overflow::Sat); // LSB 2^-4
        assert_eq!(to.cast_from(3 << 5, &from), 2); // 1.5 LSB → 2
        assert_eq!(to.cast_from(5 << 5, &from), 2); // 2.5 LSB → 2
        assert_eq!(to.cast_from(-(5 << 5), &from), -2);
        assert_eq!(to.cast_from(i128::from(i16::MAX), &from), 127);
        assert_eq!(to.cast_from(i128::from(i16::MIN), &from), -128);
        // Widening is exact.
        let wide = FixedType::new(40, 20, true).unwrap();
        assert_eq!(wide.cast_from(-12345, &from), -12345 << 10);
        // Only the low W bits of the source raw are read.
        assert_eq!(wide.cast_from(0x1_0000 + 7, &from), 7 << 10);
        // Unsigned 64-bit source given as a bit pattern.
        let u64t = FixedType::new(64, 64, false).unwrap();
        let sat = t(8, 8, true, Rounding::Trn, Overflow::Sat);
        assert_eq!(sat.cast_from(-1, &u64t), 127);
    }

    #[test]
    fn quantize_to_f64_gives_the_value() {
        let ty = t(8, 3, true, Rounding::Rnd, Overflow::Sat);
        assert_eq!(ty.quantize_to_f64(0.1), 3.0 / 32.0);
        assert_eq!(ty.quantize_to_f64(100.0), 127.0 / 32.0);
    }
}
