//! Pareto fronts of points that minimise two quantities (resources and error).

/// Which of `points` (each `[cost, error]`, both to minimise) no other point dominates: none
/// has a cost and an error at most as large, one of them smaller. Points that tie on both are
/// all kept.
///
/// ```
/// use hwnas_core::search::pareto_front;
///
/// // (LUT, MAE): the third is beaten by the second on both; the others trade off.
/// let front = pareto_front(&[[10.0, 2.0], [20.0, 1.5], [25.0, 1.8], [30.0, 1.4]]);
/// assert_eq!(front, [true, true, false, true]);
/// ```
pub fn pareto_front(points: &[[f64; 2]]) -> Vec<bool> {
    points
        .iter()
        .enumerate()
        .map(|(i, &[c, e])| {
            !points
                .iter()
                .enumerate()
                .any(|(j, &[c2, e2])| j != i && c2 <= c && e2 <= e && (c2 < c || e2 < e))
        })
        .collect()
}
