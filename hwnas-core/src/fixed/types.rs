//! The fixed-point type description and its modes.

use crate::{Error, Result};

/// Widest fixed-point type hwnas computes with. Raw values live in `i128`; every exact
/// intermediate (a product, an aligned sum) must also fit `MAX_WIDTH` bits, which the network's
/// validation checks. 126 keeps every magnitude below 2^126, so rounding and overflow are
/// decided in plain `i128` arithmetic.
pub const MAX_WIDTH: u32 = 126;

/// Quantisation mode: what happens to bits below the least significant bit (`ap_q_mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Rounding {
    /// `AP_TRN`: truncate towards minus infinity (floor). The default.
    #[default]
    Trn,
    /// `AP_TRN_ZERO`: truncate towards zero.
    TrnZero,
    /// `AP_RND`: round to nearest, ties towards plus infinity.
    Rnd,
    /// `AP_RND_ZERO`: round to nearest, ties towards zero.
    RndZero,
    /// `AP_RND_INF`: round to nearest, ties away from zero.
    RndInf,
    /// `AP_RND_MIN_INF`: round to nearest, ties towards minus infinity.
    RndMinInf,
    /// `AP_RND_CONV`: round to nearest, ties to even (convergent rounding).
    RndConv,
}

impl Rounding {
    /// Every mode, in the order of `ap_q_mode`.
    pub const ALL: [Rounding; 7] = [
        Rounding::Rnd,
        Rounding::RndZero,
        Rounding::RndMinInf,
        Rounding::RndInf,
        Rounding::RndConv,
        Rounding::Trn,
        Rounding::TrnZero,
    ];

    /// The C++ spelling (`AP_RND_CONV`).
    pub fn ap_name(self) -> &'static str {
        match self {
            Rounding::Trn => "AP_TRN",
            Rounding::TrnZero => "AP_TRN_ZERO",
            Rounding::Rnd => "AP_RND",
            Rounding::RndZero => "AP_RND_ZERO",
            Rounding::RndInf => "AP_RND_INF",
            Rounding::RndMinInf => "AP_RND_MIN_INF",
            Rounding::RndConv => "AP_RND_CONV",
        }
    }
}

/// Overflow mode: what happens to values outside the representable range (`ap_o_mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Overflow {
    /// `AP_WRAP`: keep the low `W` bits (two's-complement wrap-around). The default.
    #[default]
    Wrap,
    /// `AP_SAT`: clamp to the minimum or maximum.
    Sat,
    /// `AP_SAT_ZERO`: set to zero on overflow.
    SatZero,
    /// `AP_SAT_SYM`: clamp symmetrically, to `-max` and `max` (signed types).
    SatSym,
}

impl Overflow {
    /// Every mode hwnas supports, in the order of `ap_o_mode`.
    pub const ALL: [Overflow; 4] = [
        Overflow::Sat,
        Overflow::SatZero,
        Overflow::SatSym,
        Overflow::Wrap,
    ];

    /// The C++ spelling (`AP_SAT`).
    pub fn ap_name(self) -> &'static str {
        match self {
            Overflow::Wrap => "AP_WRAP",
            Overflow::Sat => "AP_SAT",
            Overflow::SatZero => "AP_SAT_ZERO",
            Overflow::SatSym => "AP_SAT_SYM",
        }
    }
}

/// A fixed-point type: `ap_fixed<width, integer, rounding, overflow, saturation_bits>`, or
/// `ap_ufixed<...>` when `signed` is false.
///
/// Build one with [`FixedType::new`] (validated) or parse the C++ spelling:
///
/// ```
/// use hwnas_core::fixed::{FixedType, Overflow, Rounding};
///
/// let t = FixedType::new(16, 6, true)?
///     .with_rounding(Rounding::RndConv)
///     .with_overflow(Overflow::Sat);
/// assert_eq!(t, "ap_fixed<16,6,AP_RND_CONV,AP_SAT>".parse()?);
/// assert_eq!(FixedType::new(0, 2, true).unwrap_err().to_string(),
///     "invalid fixed-point type ap_fixed<0,2>: the width must be at least 1 bit");
/// # Ok::<(), hwnas_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FixedType {
    /// Total number of bits `W` (1..=[`MAX_WIDTH`]).
    pub width: u32,
    /// Integer bits `I`, including the sign bit of signed types. May be negative (all bits are
    /// fractional, below 2^I) or larger than `width` (the LSB is above 1).
    pub integer: i32,
    /// Two's-complement signed (`ap_fixed`) or unsigned (`ap_ufixed`).
    pub signed: bool,
    /// Quantisation mode.
    pub rounding: Rounding,
    /// Overflow mode.
    pub overflow: Overflow,
    /// Saturation bits `N` (only used by `AP_WRAP`), `0..=width`.
    pub saturation_bits: u32,
}

impl FixedType {
    /// A type with the default modes (`AP_TRN`, `AP_WRAP`, `N = 0`).
    ///
    /// # Errors
    /// [`Error::InvalidFixedType`] when `width` is 0 or above [`MAX_WIDTH`].
    pub fn new(width: u32, integer: i32, signed: bool) -> Result<Self> {
        let t = FixedType {
            width,
            integer,
            signed,
            rounding: Rounding::Trn,
            overflow: Overflow::Wrap,
            saturation_bits: 0,
        };
        t.validate()?;
        Ok(t)
    }

    /// `ap_int<width>` (signed) or `ap_uint<width>`: a type with no fractional bits.
    ///
    /// # Errors
    /// As [`FixedType::new`].
    pub fn integer_type(width: u32, signed: bool) -> Result<Self> {
        FixedType::new(width, width as i32, signed)
    }

    /// The same type with another quantisation mode.
    pub fn with_rounding(mut self, rounding: Rounding) -> Self {
        self.rounding = rounding;
        self
    }

    /// The same type with another overflow mode.
    pub fn with_overflow(mut self, overflow: Overflow) -> Self {
        self.overflow = overflow;
        self
    }

    /// The same type with `n` saturation bits.
    ///
    /// # Errors
    /// [`Error::InvalidFixedType`] when `n` exceeds the width.
    pub fn with_saturation_bits(mut self, n: u32) -> Result<Self> {
        self.saturation_bits = n;
        self.validate()?;
        Ok(self)
    }

    /// The same width and integer bits with the default modes (`AP_TRN`, `AP_WRAP`, 0).
    pub fn with_default_modes(self) -> Self {
        FixedType {
            rounding: Rounding::Trn,
            overflow: Overflow::Wrap,
            saturation_bits: 0,
            ..self
        }
    }

    /// Checks that this type can exist and that hwnas can compute with it.
    ///
    /// # Errors
    /// [`Error::InvalidFixedType`] naming the problem.
    pub fn validate(&self) -> Result<()> {
        let fail = |reason: String| {
            Err(Error::InvalidFixedType {
                spec: self.short_spec(),
                reason,
            })
        };
        if self.width == 0 {
            return fail("the width must be at least 1 bit".into());
        }
        if self.width > MAX_WIDTH {
            return fail(format!(
                "hwnas computes with at most {MAX_WIDTH} bits per value; use a narrower type"
            ));
        }
        // Keep the binary point within a range where 2^-F is a normal f64 and shifts stay sane.
        if self.frac_bits().unsigned_abs() > 1000 {
            return fail(format!(
                "the binary point is {} bits away from the LSB; |W - I| must be at most 1000",
                self.frac_bits()
            ));
        }
        if self.saturation_bits > self.width {
            return fail(format!(
                "{} saturation bits exceed the width of {} bits",
                self.saturation_bits, self.width
            ));
        }
        Ok(())
    }

    /// Fractional bits `F = W - I` (negative when `I > W`).
    pub fn frac_bits(&self) -> i32 {
        self.width as i32 - self.integer
    }

    /// Value of the least significant bit, `2^-F`.
    pub fn lsb(&self) -> f64 {
        pow2(-self.frac_bits())
    }

    /// Smallest raw value (`-2^(W-1)` signed, `0` unsigned).
    #[inline]
    pub fn min_raw(&self) -> i128 {
        if self.signed {
            -(1i128 << (self.width.clamp(1, MAX_WIDTH) - 1))
        } else {
            0
        }
    }

    /// Largest raw value (`2^(W-1) - 1` signed, `2^W - 1` unsigned).
    #[inline]
    pub fn max_raw(&self) -> i128 {
        let w = self.width.clamp(1, MAX_WIDTH);
        let bits = if self.signed { w - 1 } else { w };
        (1i128 << bits) - 1
    }

    /// Smallest representable real value.
    pub fn min_value(&self) -> f64 {
        self.min_raw() as f64 * self.lsb()
    }

    /// Largest representable real value.
    pub fn max_value(&self) -> f64 {
        self.max_raw() as f64 * self.lsb()
    }

    /// Real value of a raw integer of this type, read with [`FixedType::raw_value`] (exact while
    /// the raw value has at most 53 significant bits, else rounded to nearest).
    pub fn to_f64(&self, raw: i128) -> f64 {
        self.raw_value(raw) as f64 * self.lsb()
    }

    /// `ap_fixed<16,6>`-style spelling without modes, for messages.
    pub(crate) fn short_spec(&self) -> String {
        format!(
            "{}<{},{}>",
            if self.signed { "ap_fixed" } else { "ap_ufixed" },
            self.width,
            self.integer
        )
    }
}

/// `2^e` for `e` in the normal range, exactly.
pub(crate) fn pow2(e: i32) -> f64 {
    f64::from_bits(((e + 1023) as u64) << 52)
}
