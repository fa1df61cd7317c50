//! The library's seeded random numbers: two generators and one set of samplers.
//!
//! * [`SplitMix64`] (Steele, Lea & Flood 2014): one `u64` of state, so a search checkpoints it
//!   exactly; used for initial weights, shuffling, Gumbel noise, test-bench inputs and
//!   calibration networks.
//! * [`Xoshiro256pp`] (Blackman & Vigna 2019), seeded through SplitMix64: longer period and
//!   better equidistribution for the millions of draws of a data-set simulator.
//!
//! Both implement [`Random`], whose provided methods are the samplers (uniform, normal,
//! exponential, log-normal, Gumbel, shuffle). Every stream is a pure function of its seed, so
//! runs reproduce bit for bit on any machine.
//!
//! ```
//! use hwnas_core::rng::{Random, SplitMix64, Xoshiro256pp};
//!
//! let mut a = SplitMix64::new(7);
//! let mut b = SplitMix64::new(7);
//! assert_eq!(a.next_u64(), b.next_u64());
//! let u = Xoshiro256pp::seed_from_u64(7).uniform();
//! assert!((0.0..1.0).contains(&u));
//! ```

/// 2^64 / φ: SplitMix64's increment (an odd constant with well-spread bits).
pub const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;

/// SplitMix64's finaliser: a bijective 64-bit mixer, also used to derive independent seeds.
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// 2^-53: the spacing of the 53-bit uniforms.
const UNIT: f64 = 1.0 / (1u64 << 53) as f64;

/// A seeded source of random bits and the samplers built on it.
pub trait Random {
    /// The next 64 random bits.
    fn next_u64(&mut self) -> u64;

    /// Uniform in `[0, 1)` with 53 random bits.
    fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * UNIT
    }

    /// Uniform in `(0, 1)`: never exactly 0 or 1 (safe for logarithms).
    fn uniform_open(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) * UNIT
    }

    /// Uniform in `[lo, hi)`.
    fn uniform_range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.uniform()
    }

    /// Uniform in `0..n` (`n > 0`); the modulo bias is below 2^-40 for `n < 2^24`.
    fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    /// Standard normal N(0, 1) (Box–Muller, one value per call).
    fn normal(&mut self) -> f64 {
        let u1 = self.uniform_open();
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// Log-normal: `exp(mu + sigma · z)`, `z ~ N(0, 1)`.
    fn log_normal(&mut self, mu: f64, sigma: f64) -> f64 {
        (mu + sigma * self.normal()).exp()
    }

    /// Exponential with the given mean.
    fn exponential(&mut self, mean: f64) -> f64 {
        -mean * self.uniform_open().ln()
    }

    /// Gumbel(0, 1).
    fn gumbel(&mut self) -> f64 {
        -(-self.uniform_open().ln()).ln()
    }

    /// Fisher–Yates shuffle.
    fn shuffle<T>(&mut self, v: &mut [T])
    where
        Self: Sized,
    {
        for i in (1..v.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            v.swap(i, j);
        }
    }
}

/// SplitMix64: the whole state is one public `u64`, which checkpoints store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SplitMix64 {
    /// The state (advanced by [`GOLDEN`] per draw).
    pub state: u64,
}

impl SplitMix64 {
    /// The generator of a seed (state `seed ^ GOLDEN`, so seed 0 does not start at state 0).
    pub fn new(seed: u64) -> Self {
        Self::from_state(seed ^ GOLDEN)
    }

    /// The generator at a given state (as saved from [`SplitMix64::state`]).
    pub fn from_state(state: u64) -> Self {
        SplitMix64 { state }
    }
}

impl Random for SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN);
        mix64(self.state)
    }
}

/// xoshiro256++, seeded from one `u64` through SplitMix64.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Xoshiro256pp {
    s: [u64; 4],
}

impl Xoshiro256pp {
    /// A generator seeded from one 64-bit value (expanded with SplitMix64).
    pub fn seed_from_u64(seed: u64) -> Self {
        let mut sm = SplitMix64::from_state(seed);
        let mut s = [0u64; 4];
        for w in &mut s {
            *w = sm.next_u64();
        }
        // Four consecutive SplitMix64 outputs are never all zero; `from_state` guards anyway.
        Self::from_state(s)
    }

    /// A generator at an explicit state (not all zero; an all-zero state is replaced).
    pub fn from_state(mut s: [u64; 4]) -> Self {
        if s.iter().all(|&w| w == 0) {
            s[0] = GOLDEN;
        }
        Xoshiro256pp { s }
    }
}

impl Random for Xoshiro256pp {
    fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xoshiro_reference_output() {
        // Oracle: the reference C implementation of xoshiro256++ from state {1, 2, 3, 4} gives
        // 41943041, 58720359, 3588806011781223 (prng.di.unimi.it test vector).
        let mut r = Xoshiro256pp::from_state([1, 2, 3, 4]);
        assert_eq!(r.next_u64(), 41_943_041);
        assert_eq!(r.next_u64(), 58_720_359);
        assert_eq!(r.next_u64(), 3_588_806_011_781_223);
    }

    #[test]
    fn splitmix_reference_output() {
        // Oracle: splitmix64.c (Vigna) from x = 0 gives 0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4.
        let mut r = SplitMix64::from_state(0);
        assert_eq!(r.next_u64(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(r.next_u64(), 0x6e78_9e6a_a1b9_65f4);
        assert_eq!(SplitMix64::new(3), SplitMix64::from_state(3 ^ GOLDEN));
    }

    #[test]
    fn uniforms_stay_in_range_and_shuffle_permutes() {
        let mut r = SplitMix64::new(1);
        for _ in 0..10_000 {
            let (u, o) = (r.uniform(), r.uniform_open());
            assert!((0.0..1.0).contains(&u) && o > 0.0 && o < 1.0);
            assert!(r.gumbel().is_finite());
        }
        let mut v: Vec<usize> = (0..100).collect();
        r.shuffle(&mut v);
        assert_ne!(v, (0..100).collect::<Vec<_>>());
        v.sort_unstable();
        assert_eq!(v, (0..100).collect::<Vec<_>>());
    }
}
