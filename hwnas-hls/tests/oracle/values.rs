//! Test inputs for the ap_fixed oracle: a seeded RNG and the values fed to each conversion.

use hwnas_core::fixed::FixedType;
use hwnas_core::rng::{Random, SplitMix64};

/// The library's SplitMix64 with the draws the oracle needs.
pub struct Rng(SplitMix64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(SplitMix64::from_state(seed))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// 128 random bits.
    pub fn next_u128(&mut self) -> u128 {
        u128::from(self.next_u64()) << 64 | u128::from(self.next_u64())
    }

    /// Uniform in `0..n` (`n > 0`; the modulo bias is irrelevant here).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// Uniform in `lo..=hi`.
    pub fn in_range(&mut self, lo: i128, hi: i128) -> i128 {
        let span = (hi - lo) as u128 + 1;
        let r = (u128::from(self.next_u64()) << 64 | u128::from(self.next_u64())) % span;
        lo + r as i128
    }

    /// A random integer of random bit length (log-uniform magnitude) below 2^bits, random sign.
    pub fn log_uniform(&mut self, bits: u32) -> i128 {
        let len = self.below(u64::from(bits) + 1) as u32;
        let v = if len == 0 {
            0
        } else {
            (self.next_u128() & ((1u128 << len) - 1)) as i128
        };
        if self.next_u64() & 1 == 1 { -v } else { v }
    }

    pub fn sign(&mut self) -> f64 {
        if self.next_u64() & 1 == 1 { -1.0 } else { 1.0 }
    }
}

/// Smallest and largest integer of a type's range.
pub fn bounds(t: &FixedType) -> (i128, i128) {
    if t.signed {
        (-(1i128 << (t.width - 1)), (1i128 << (t.width - 1)) - 1)
    } else {
        (0, (1i128 << t.width) - 1)
    }
}

/// `2^e` exactly, subnormals included (0 below 2^-1074, infinity above 2^1023).
fn pow2(e: i32) -> f64 {
    match e {
        ..-1074 => 0.0,
        -1074..-1022 => f64::from_bits(1u64 << (e + 1074)),
        -1022..=1023 => f64::from_bits(((e + 1023) as u64) << 52),
        _ => f64::INFINITY,
    }
}

/// `n` doubles (or just the fixed specials, if they are more) for converting into types shaped
/// like `t`: fixed specials (zeros, infinities, NaNs, the extremes of f64, every power of two),
/// the type's edges, exact ties at half an LSB and their neighbours, grid values, and random
/// values over many magnitudes.
pub fn float_inputs(t: &FixedType, n: usize, rng: &mut Rng) -> Vec<f64> {
    let f = t.frac_bits();
    let lsb = pow2(-f);
    let half = pow2(-f - 1);
    let (min, max) = bounds(t);
    let (minf, maxf) = (min as f64 * lsb, max as f64 * lsb);
    let mut v = vec![
        0.0,
        -0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        -f64::NAN,
        f64::from_bits(0x7ff0_0000_0000_0001), // signalling NaN
        f64::from_bits(0xfff8_0000_dead_beef), // negative NaN with payload
        f64::MAX,
        f64::MIN,
        1e300,
        -1e300,
        f64::MIN_POSITIVE,
        -f64::MIN_POSITIVE,
        5e-324,
        -5e-324,
        1e-310,
        -1e-310,
        maxf,
        minf,
        -maxf,
        maxf + lsb,
        minf - lsb,
        maxf + half,
        -(maxf + half),
        minf - half,
        minf + half,
        maxf - half,
    ];
    for k in [1.0, 0.5, 0.25, 0.75, 1.5, 2.5, 3.0] {
        v.extend([k * lsb, -k * lsb]);
    }
    for e in -1074..=1023 {
        v.extend([pow2(e), -pow2(e)]);
    }
    // Ties (k + 1/2) LSB must have |2k + 1| < 2^53 to be exact doubles.
    let tie_range = (min.max(-(1 << 51)) - 4, max.min(1 << 51) + 4);
    let range_bits = (t.width + 2).min(52);
    while v.len() < n {
        match rng.below(10) {
            // Exact ties, uniform over the range or log-uniform.
            0 | 1 => {
                let k = if rng.below(2) == 0 {
                    rng.in_range(tie_range.0, tie_range.1)
                } else {
                    rng.log_uniform(range_bits)
                };
                v.push((2 * k + 1) as f64 * half);
            }
            // Just beside a tie.
            2 => {
                let k = rng.log_uniform(range_bits);
                let tie = (2 * k + 1) as f64 * half;
                v.push(if rng.below(2) == 0 {
                    tie.next_up()
                } else {
                    tie.next_down()
                });
            }
            // Exact grid values.
            3 => v.push(rng.in_range(min, max) as f64 * lsb),
            // Around the range edges, in quarter LSBs.
            4 => {
                let edge = if rng.below(2) == 0 { maxf } else { minf };
                v.push(edge + rng.in_range(-12, 12) as f64 * (lsb / 4.0));
            }
            // Uniform over 1.5 times the range.
            5 => {
                let u = rng.next_u64() as f64 / u64::MAX as f64;
                let (centre, radius) = ((maxf + minf) / 2.0, (maxf - minf) * 0.75);
                v.push(centre + radius * (2.0 * u - 1.0));
            }
            // Any bit pattern (all exponents, subnormals, the odd infinity / NaN).
            6 => v.push(f64::from_bits(rng.next_u64())),
            // Log-uniform magnitudes from far below the LSB to far above the range.
            _ => {
                let lo = (-f - 70).max(-1074);
                let hi = (t.integer + 70).min(1023);
                let e = lo + rng.below((hi - lo + 1) as u64) as i32;
                let m = 1.0 + (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
                v.push(rng.sign() * m * pow2(e));
            }
        }
    }
    v
}

/// `n` raw values of type `from` for casting into
/// `to`: uniform over all bit patterns, the range edges, values around the edges of `to`'s
/// range, exact ties at half an LSB of `to` and their neighbours, and small values.
pub fn cast_inputs(from: &FixedType, to: &FixedType, n: usize, rng: &mut Rng) -> Vec<i128> {
    let (min, max) = bounds(from);
    let shift = from.frac_bits() - to.frac_bits(); // > 0: `to` has the coarser LSB
    let mut v: Vec<i128> = vec![
        0,
        1,
        -1,
        2,
        -2,
        min,
        max,
        min + 1,
        max - 1,
        max / 2,
        min / 2,
    ];
    // `to`'s range edges in units of `from`'s LSB, where they fit.
    let (tmin, tmax) = bounds(to);
    let edges: Vec<i128> = [tmin, tmax, tmax + 1, tmin - 1]
        .iter()
        .filter_map(|&e| {
            if (0..126).contains(&shift) {
                e.checked_mul(1i128 << shift)
            } else if (-126..0).contains(&shift) {
                Some(e >> -shift)
            } else {
                None
            }
        })
        .collect();
    let half = if shift > 0 && shift < 100 {
        Some(1i128 << (shift - 1).min(90))
    } else {
        None
    };
    while v.len() < n {
        let x = match rng.below(8) {
            // Any bit pattern; only the low W bits count, as with `.V = bits` in C++.
            0 | 1 => from.raw_value(rng.next_u128() as i128),
            2 if !edges.is_empty() => {
                let e = edges[rng.below(edges.len() as u64) as usize];
                e + rng.in_range(-40, 40)
            }
            3 | 4 if half.is_some() => {
                // A tie: (k + 1/2) LSBs of `to`, sometimes nudged by one LSB of `from`.
                let h = half.unwrap_or(1);
                let k = rng.log_uniform(from.width.saturating_sub(shift.max(0) as u32) + 1);
                let tie = k.saturating_mul(2 * h).saturating_add(h);
                tie + rng.in_range(-1, 1) * i128::from(rng.below(3) == 0)
            }
            5 => rng.log_uniform(from.width),
            _ => rng.in_range(min, max),
        };
        v.push(x.clamp(min, max));
    }
    v
}
