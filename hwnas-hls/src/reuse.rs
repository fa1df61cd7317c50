//! hls4ml's reuse-factor rules: which reuse factors a kernel accepts, and the one it snaps to.

use hwnas_core::ir::Strategy;

/// Whether hls4ml (Vivado/Vitis backends) accepts `rf` for a kernel of `n_in` inputs and `n_out`
/// outputs (a convolution uses `n_in = kernel * channels`, `n_out = filters`):
/// `rf` divides `n_in * n_out`; `rf < n_in` or `rf` is a multiple of `n_in`; and
/// `ceil(n_in * n_out / min(n_in, rf))` is a multiple of `n_out` or `rf >= n_in`.
///
/// ```
/// use hwnas_hls::reuse::is_valid_reuse_factor;
/// // hls4ml's example: a 3x3 kernel on one channel (n_in 9) with 4 filters.
/// let valid: Vec<u32> = (1..=36).filter(|&rf| is_valid_reuse_factor(9, 4, rf)).collect();
/// assert_eq!(valid, [1, 3, 9, 18, 36]);
/// ```
pub fn is_valid_reuse_factor(n_in: usize, n_out: usize, rf: u32) -> bool {
    let rf = rf as usize;
    if rf == 0 || n_in == 0 || n_out == 0 {
        return false;
    }
    let n = n_in * n_out;
    let mf = n_in.min(rf);
    let ml = n.div_ceil(mf);
    n.is_multiple_of(rf)
        && (rf < n_in || rf.is_multiple_of(n_in))
        && (ml.is_multiple_of(n_out) || rf >= n_in)
}

/// Every valid reuse factor of a kernel, ascending (1 and `n_in * n_out` are always valid).
pub fn valid_reuse_factors(n_in: usize, n_out: usize) -> Vec<u32> {
    let n = (n_in * n_out).min(u32::MAX as usize) as u32;
    (1..=n)
        .filter(|&rf| is_valid_reuse_factor(n_in, n_out, rf))
        .collect()
}

/// The reuse factor hls4ml uses when asked for `rf`: `rf` itself when valid, else the closest
/// valid one (the smaller on a tie), capped at `n_in * n_out`.
///
/// The mapping is non-decreasing in `rf`, so a larger requested reuse factor never gives a
/// smaller effective one.
///
/// ```
/// use hwnas_hls::reuse::snap_reuse_factor;
/// assert_eq!(snap_reuse_factor(9, 4, 4), 3);
/// assert_eq!(snap_reuse_factor(16, 64, 2), 2);
/// assert_eq!(snap_reuse_factor(16, 64, 5000), 1024);
/// ```
pub fn snap_reuse_factor(n_in: usize, n_out: usize, rf: u32) -> u32 {
    let n = (n_in * n_out).max(1);
    let rf = (rf.max(1) as usize).min(n);
    if is_valid_reuse_factor(n_in, n_out, rf as u32) {
        return rf as u32;
    }
    // Search outwards; the valid set always contains 1 and n, so this ends.
    for d in 1..n {
        if rf > d && is_valid_reuse_factor(n_in, n_out, (rf - d) as u32) {
            return (rf - d) as u32;
        }
        if rf + d <= n && is_valid_reuse_factor(n_in, n_out, (rf + d) as u32) {
            return (rf + d) as u32;
        }
    }
    1
}

/// The reuse factor hls4ml builds a kernel with: Resource kernels snap `rf` to a valid one
/// ([`snap_reuse_factor`]); Latency kernels use it as given (hls4ml validates reuse factors
/// only for the Resource strategy; the Latency kernel's multiplier limit takes any value).
///
/// ```
/// use hwnas_core::ir::Strategy;
/// use hwnas_hls::reuse::effective_reuse_factor;
/// assert_eq!(effective_reuse_factor(274, 8, 100, Strategy::Latency), 100);
/// assert_eq!(effective_reuse_factor(9, 4, 4, Strategy::Resource), 3);
/// ```
pub fn effective_reuse_factor(n_in: usize, n_out: usize, rf: u32, strategy: Strategy) -> u32 {
    match strategy {
        Strategy::Resource => snap_reuse_factor(n_in, n_out, rf),
        Strategy::Latency => rf.max(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_hls4ml_examples() {
        // specs/hls4ml-reference.md 3.3: conv 9x4, RF 4 -> 3.
        assert_eq!(valid_reuse_factors(9, 4), [1, 3, 9, 18, 36]);
        assert_eq!(snap_reuse_factor(9, 4, 4), 3);
        // specs/resource-model.md 3.2: 784x16 starts 1, 2, 4, 7, 8 and ends with 12544.
        let v = valid_reuse_factors(784, 16);
        assert_eq!(&v[..5], &[1, 2, 4, 7, 8]);
        assert_eq!(*v.last().unwrap(), 12_544);
    }

    #[test]
    fn snapping_is_monotone() {
        for (n_in, n_out) in [(9, 4), (16, 5), (64, 32), (27, 8), (7, 3)] {
            let mut last = 0;
            for rf in 1..=(n_in * n_out + 5) as u32 {
                let s = snap_reuse_factor(n_in, n_out, rf);
                assert!(s >= last, "{n_in}x{n_out} rf {rf}: {s} < {last}");
                assert!(is_valid_reuse_factor(n_in, n_out, s));
                last = s;
            }
        }
    }
}
