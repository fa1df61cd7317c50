//! The one place where fixed-point types are spelled: parsing and printing `ap_fixed<...>`.

use std::fmt;
use std::str::FromStr;

use super::types::{FixedType, Overflow, Rounding};
use crate::Error;

impl fmt::Display for FixedType {
    /// Prints the C++ type as hls4ml emits it: `ap_fixed<16,6>` when the modes are the defaults,
    /// else all five fields (`ap_fixed<16,6,AP_RND_CONV,AP_SAT,0>`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let base = if self.signed { "ap_fixed" } else { "ap_ufixed" };
        if self.rounding == Rounding::Trn
            && self.overflow == Overflow::Wrap
            && self.saturation_bits == 0
        {
            write!(f, "{base}<{},{}>", self.width, self.integer)
        } else {
            write!(
                f,
                "{base}<{},{},{},{},{}>",
                self.width,
                self.integer,
                self.rounding.ap_name(),
                self.overflow.ap_name(),
                self.saturation_bits
            )
        }
    }
}

impl fmt::Display for Rounding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.ap_name())
    }
}

impl fmt::Display for Overflow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.ap_name())
    }
}

impl FromStr for Rounding {
    type Err = String;

    /// Accepts `AP_RND_CONV` or `RND_CONV` (any case).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = s.trim().to_ascii_uppercase();
        let key = key.strip_prefix("AP_").unwrap_or(&key);
        Ok(match key {
            "TRN" => Rounding::Trn,
            "TRN_ZERO" => Rounding::TrnZero,
            "RND" => Rounding::Rnd,
            "RND_ZERO" => Rounding::RndZero,
            "RND_INF" => Rounding::RndInf,
            "RND_MIN_INF" => Rounding::RndMinInf,
            "RND_CONV" => Rounding::RndConv,
            _ => {
                return Err(format!(
                    "unknown quantisation mode `{}`; use one of TRN, TRN_ZERO, RND, RND_ZERO, \
                     RND_INF, RND_MIN_INF, RND_CONV (with or without the AP_ prefix)",
                    s.trim()
                ));
            }
        })
    }
}

impl FromStr for Overflow {
    type Err = String;

    /// Accepts `AP_SAT` or `SAT` (any case).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = s.trim().to_ascii_uppercase();
        let key = key.strip_prefix("AP_").unwrap_or(&key);
        Ok(match key {
            "WRAP" => Overflow::Wrap,
            "SAT" => Overflow::Sat,
            "SAT_ZERO" => Overflow::SatZero,
            "SAT_SYM" => Overflow::SatSym,
            "WRAP_SM" => {
                return Err(
                    "AP_WRAP_SM (sign-magnitude wrap) is not supported by hwnas; \
                            use AP_WRAP or one of the saturating modes"
                        .into(),
                );
            }
            _ => {
                return Err(format!(
                    "unknown overflow mode `{}`; use one of WRAP, SAT, SAT_ZERO, SAT_SYM \
                     (with or without the AP_ prefix)",
                    s.trim()
                ));
            }
        })
    }
}

impl FromStr for FixedType {
    type Err = Error;

    /// Parses the spellings hls4ml accepts: `ap_fixed<W,I[,Q[,O[,N]]]>`, `ap_ufixed<...>`,
    /// `ap_int<W>`, `ap_uint<W>`, and the same without the `ap_` prefix (`fixed<16,6,RND,SAT>`).
    /// Integer types become `ap_fixed<W,W>` / `ap_ufixed<W,W>` (hwnas always emits `ap_fixed`).
    fn from_str(input: &str) -> Result<Self, Error> {
        let fail = |reason: String| Error::ParseFixedType {
            input: input.to_string(),
            reason,
        };
        let text: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        let lower = text.to_ascii_lowercase();
        let Some(open) = lower.find('<') else {
            if lower == "auto" {
                return Err(fail(
                    "`auto` is resolved by hls4ml, not a concrete type; give the type explicitly, \
                     e.g. ap_fixed<16,6>"
                        .into(),
                ));
            }
            return Err(fail(
                "expected `ap_fixed<W,I>`, `ap_ufixed<W,I>`, `ap_int<W>` or `ap_uint<W>`".into(),
            ));
        };
        if !lower.ends_with('>') {
            return Err(fail("missing the closing `>`".into()));
        }
        let name = &lower[..open];
        let name = name.strip_prefix("ap_").unwrap_or(name);
        let (is_fixed, signed) = match name {
            "fixed" => (true, true),
            "ufixed" => (true, false),
            "int" => (false, true),
            "uint" => (false, false),
            other => {
                return Err(fail(format!(
                    "unknown type `{other}`; use ap_fixed, ap_ufixed, ap_int or ap_uint"
                )));
            }
        };
        let args: Vec<&str> = text[open + 1..text.len() - 1].split(',').collect();
        let number = |what: &str, s: &str| -> Result<i64, Error> {
            s.parse::<i64>()
                .map_err(|_| fail(format!("{what} `{s}` is not an integer")))
        };
        let width = number("the width", args[0])?;
        if width < 1 {
            return Err(Error::InvalidFixedType {
                spec: format!("ap_fixed<{width},..>"),
                reason: "the width must be at least 1 bit".into(),
            });
        }
        let width = u32::try_from(width)
            .map_err(|_| fail(format!("the width {width} is far too large")))?;
        let mut t = if is_fixed {
            if args.len() < 2 || args.len() > 5 {
                return Err(fail(format!(
                    "expected 2 to 5 parameters <W,I[,Q[,O[,N]]]>, found {}",
                    args.len()
                )));
            }
            let integer = number("the integer-bit count", args[1])?;
            let integer = i32::try_from(integer)
                .map_err(|_| fail(format!("the integer-bit count {integer} is far too large")))?;
            FixedType {
                width,
                integer,
                signed,
                rounding: Rounding::Trn,
                overflow: Overflow::Wrap,
                saturation_bits: 0,
            }
        } else {
            if args.len() != 1 {
                return Err(fail(format!(
                    "integer types take one parameter <W>, found {}",
                    args.len()
                )));
            }
            FixedType {
                width,
                integer: width as i32,
                signed,
                rounding: Rounding::Trn,
                overflow: Overflow::Wrap,
                saturation_bits: 0,
            }
        };
        if let Some(q) = args.get(2) {
            t.rounding = q.parse().map_err(fail)?;
        }
        if let Some(o) = args.get(3) {
            t.overflow = o.parse().map_err(fail)?;
        }
        if let Some(n) = args.get(4) {
            let n = number("the saturation-bit count", n)?;
            t.saturation_bits = u32::try_from(n)
                .map_err(|_| fail(format!("the saturation-bit count {n} must be 0 or more")))?;
        }
        t.validate()?;
        Ok(t)
    }
}

impl serde::Serialize for FixedType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for FixedType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> FixedType {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn parses_every_spelling() {
        let t = parse("ap_fixed<16,6>");
        assert_eq!((t.width, t.integer, t.signed), (16, 6, true));
        assert_eq!(t.rounding, Rounding::Trn);
        assert_eq!(t.overflow, Overflow::Wrap);
        let t = parse("ap_fixed<16, 6, AP_RND_CONV, AP_SAT>");
        assert_eq!((t.rounding, t.overflow), (Rounding::RndConv, Overflow::Sat));
        let t = parse("fixed<10,4,RND,SAT_SYM,0>");
        assert_eq!((t.rounding, t.overflow), (Rounding::Rnd, Overflow::SatSym));
        let t = parse("ap_ufixed<8,0>");
        assert!(!t.signed);
        let t = parse("ufixed<8,-2,TRN_ZERO>");
        assert_eq!((t.integer, t.rounding), (-2, Rounding::TrnZero));
        let t = parse("ap_int<8>");
        assert_eq!((t.width, t.integer, t.signed), (8, 8, true));
        let t = parse("uint<5>");
        assert_eq!((t.width, t.integer, t.signed), (5, 5, false));
        let t = parse("ap_fixed<8,3,AP_TRN,AP_WRAP,2>");
        assert_eq!(t.saturation_bits, 2);
    }

    #[test]
    fn prints_like_hls4ml_and_round_trips() {
        for s in [
            "ap_fixed<16,6>",
            "ap_ufixed<8,0>",
            "ap_fixed<16,6,AP_RND_CONV,AP_SAT,0>",
            "ap_fixed<1,1,AP_RND,AP_SAT_SYM,0>",
            "ap_fixed<12,-3,AP_TRN_ZERO,AP_WRAP,0>",
            "ap_ufixed<20,25,AP_RND_MIN_INF,AP_SAT_ZERO,0>",
            "ap_fixed<8,3,AP_TRN,AP_WRAP,2>",
        ] {
            assert_eq!(parse(s).to_string(), s);
        }
        assert_eq!(
            parse("ap_fixed<16,6,AP_RND>").to_string(),
            "ap_fixed<16,6,AP_RND,AP_WRAP,0>"
        );
        assert_eq!(parse("ap_uint<4>").to_string(), "ap_ufixed<4,4>");
    }

    #[test]
    fn rejects_impossible_types_with_a_reason() {
        let cases = [
            ("ap_fixed<0,2>", "width must be at least 1 bit"),
            ("ap_fixed<-3,2>", "width must be at least 1 bit"),
            ("ap_fixed<127,2>", "at most 126 bits"),
            ("ap_fixed<16>", "expected 2 to 5 parameters"),
            (
                "ap_fixed<16,6,AP_RND,AP_SAT,0,1>",
                "expected 2 to 5 parameters",
            ),
            ("ap_fixed<16,six>", "`six` is not an integer"),
            (
                "ap_fixed<16,6,AP_ROUND>",
                "unknown quantisation mode `AP_ROUND`",
            ),
            (
                "ap_fixed<16,6,AP_RND,AP_CLAMP>",
                "unknown overflow mode `AP_CLAMP`",
            ),
            ("ap_fixed<16,6,AP_RND,AP_WRAP_SM>", "AP_WRAP_SM"),
            ("ap_fixed<8,3,AP_TRN,AP_WRAP,9>", "9 saturation bits exceed"),
            ("ap_fixed<8,3,AP_TRN,AP_WRAP,-1>", "must be 0 or more"),
            ("ap_float<32,8>", "unknown type `float`"),
            ("ap_int<8,3>", "integer types take one parameter"),
            ("ap_fixed<16,6", "closing `>`"),
            ("float", "expected `ap_fixed<W,I>`"),
            ("auto", "`auto` is resolved by hls4ml"),
            ("ap_fixed<8,2000>", "at most 1000"),
        ];
        for (input, want) in cases {
            let err = input.parse::<FixedType>().unwrap_err().to_string();
            assert!(err.contains(want), "{input}: got `{err}`, want `{want}`");
        }
    }

    #[test]
    fn serde_uses_the_cpp_spelling() {
        let t = parse("ap_fixed<10,4,AP_RND,AP_SAT>");
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, "\"ap_fixed<10,4,AP_RND,AP_SAT,0>\"");
        assert_eq!(serde_json::from_str::<FixedType>(&json).unwrap(), t);
        let err = serde_json::from_str::<FixedType>("\"ap_fixed<0,2>\"").unwrap_err();
        assert!(err.to_string().contains("width must be at least 1 bit"));
    }
}
