//! One search, many budgets: the Pareto front of MAE against LUT, each point an architecture
//! re-derived from the searched supernet for its own budgets (weights frozen), fine-tuned and
//! evaluated by the bit-exact emulator.

use std::fmt::Write;

use hwnas::search::pareto_front;
use serde::Serialize;

use crate::evaluate::Evaluation;
use crate::plot::{Axes, H, PAD, W, finish, range};

/// One point of the front.
#[derive(Debug, Clone, Serialize)]
pub struct ParetoPoint {
    /// Name (`LUT budget 25 %`).
    pub label: String,
    /// The LUT budget, in percent of the baseline (the other budgets are the search's).
    pub lut_budget_percent: f64,
    /// The architecture (`conv1.width=4 ...`).
    pub arch: String,
    /// Its evaluation (bit-exact emulation, estimated resources).
    pub evaluation: Evaluation,
    /// Whether no other point has both fewer LUT and a lower MAE.
    pub on_front: bool,
}

/// Marks the points that no other point dominates on LUT and MAE
/// ([`hwnas::search::pareto_front`]).
pub fn mark_front(points: &mut [ParetoPoint]) {
    let key: Vec<[f64; 2]> = points
        .iter()
        .map(|p| [p.evaluation.resources.lut, p.evaluation.mae_gev])
        .collect();
    for (p, on) in points.iter_mut().zip(pareto_front(&key)) {
        p.on_front = on;
    }
}

/// `s` as SVG text (labels may hold `<`, `&`).
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A colour from blue (fastest) to red (slowest) for a latency between `lo` and `hi`.
fn latency_colour(v: f64, lo: f64, hi: f64) -> String {
    let t = if hi > lo {
        ((v - lo) / (hi - lo)).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (r, g, b) = (
        (40.0 + 200.0 * t) as u8,
        (90.0 - 40.0 * t) as u8,
        (220.0 - 180.0 * t) as u8,
    );
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// The figure: MAE against LUT for every point (coloured by latency, the front joined by a
/// line) and the two baselines as reference markers.
pub fn render(points: &[ParetoPoint], references: &[(&str, &Evaluation)]) -> String {
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="13">"#
    );
    let _ = writeln!(svg, r#"<rect width="{W}" height="{H}" fill="white"/>"#);
    let all = points
        .iter()
        .map(|p| &p.evaluation)
        .chain(references.iter().map(|r| r.1));
    let luts: Vec<f64> = all.clone().map(|e| e.resources.lut).collect();
    let maes: Vec<f64> = all.clone().map(|e| e.mae_gev).collect();
    let lats: Vec<f64> = all.map(|e| e.resources.latency_cycles).collect();
    let (lo, hi) = (
        lats.iter().copied().fold(f64::MAX, f64::min),
        lats.iter().copied().fold(f64::MIN, f64::max),
    );
    let a = Axes {
        x0: PAD + 20.0,
        w: W - 3.0 * PAD - 120.0,
        xr: (0.0, range(luts.into_iter()).1),
        yr: range(maes.into_iter()),
    };
    a.frame(
        &mut svg,
        "one search, many budgets: MAE vs LUT (colour: latency)",
        "LUT (post-synthesis estimate)",
        "MAE (GeV, bit-exact emulation)",
    );
    let mut front: Vec<&ParetoPoint> = points.iter().filter(|p| p.on_front).collect();
    front.sort_by(|p, q| {
        p.evaluation
            .resources
            .lut
            .total_cmp(&q.evaluation.resources.lut)
    });
    let line: Vec<String> = front
        .iter()
        .map(|p| {
            format!(
                "{:.1},{:.1}",
                a.x(p.evaluation.resources.lut),
                a.y(p.evaluation.mae_gev)
            )
        })
        .collect();
    let _ = writeln!(
        svg,
        r##"<polyline points="{}" fill="none" stroke="#444" stroke-width="1.5" stroke-dasharray="5 3"/>"##,
        line.join(" ")
    );
    let dot = |svg: &mut String, e: &Evaluation, label: &str, r: f64, shape_square: bool| {
        let label = escape(label);
        let (x, y) = (a.x(e.resources.lut), a.y(e.mae_gev));
        let c = latency_colour(e.resources.latency_cycles, lo, hi);
        let title = format!(
            "{label}: LUT {:.0}, MAE {:.3} GeV, latency {:.0} cycles, II {:.0}",
            e.resources.lut, e.mae_gev, e.resources.latency_cycles, e.resources.ii
        );
        if shape_square {
            let _ = writeln!(
                svg,
                r#"<rect x="{:.1}" y="{:.1}" width="{}" height="{}" fill="{c}"><title>{title}</title></rect>"#,
                x - r,
                y - r,
                2.0 * r,
                2.0 * r
            );
        } else {
            let _ = writeln!(
                svg,
                r#"<circle cx="{x:.1}" cy="{y:.1}" r="{r}" fill="{c}"><title>{title}</title></circle>"#
            );
        }
        a.label(svg, x, y, &label, r#"font-size="11""#);
    };
    for p in points {
        dot(&mut svg, &p.evaluation, &p.label, 6.0, false);
    }
    for (label, e) in references {
        dot(&mut svg, e, label, 6.0, true);
    }
    // The latency colour scale.
    let (sx, sy) = (a.x0 + a.w + 40.0, PAD);
    for i in 0..=10 {
        let v = lo + (hi - lo) * i as f64 / 10.0;
        let _ = writeln!(
            svg,
            r#"<rect x="{sx}" y="{:.1}" width="16" height="24" fill="{}"/>"#,
            sy + 24.0 * (10 - i) as f64,
            latency_colour(v, lo, hi)
        );
    }
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="{}" font-size="11">latency {hi:.0} cycles</text><text x="{}" y="{}" font-size="11">{lo:.0} cycles</text>"#,
        sx + 22.0,
        sy + 12.0,
        sx + 22.0,
        sy + 24.0 * 10.0 + 16.0
    );
    finish(
        &mut svg,
        a.x0,
        H - 8.0,
        "circles: re-derived and fine-tuned architectures (dashed: the front); squares: baselines",
    );
    svg
}
