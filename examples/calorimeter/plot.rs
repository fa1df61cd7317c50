//! An SVG figure of the search: (a) the expected resources per epoch as a percentage of the
//! baseline, with the budgets; (b) the resource/accuracy trade-off: the trajectory of the
//! search (expected LUTs, validation loss of the current best architecture) and where the
//! baseline and the fine-tuned searched network land.

use std::fmt::Write;

use hwnas::core::cost::Resources;
use hwnas::search::EpochRecord;

/// A point of panel (b).
pub struct Marker {
    /// Label.
    pub label: String,
    /// LUTs.
    pub lut: f64,
    /// Validation loss (mean |E_pred/ΣE − E_true/ΣE|).
    pub loss: f64,
}

/// Reads one resource.
type Field = fn(&Resources) -> f64;

pub(crate) const W: f64 = 1000.0;
pub(crate) const H: f64 = 420.0;
pub(crate) const PAD: f64 = 60.0;
const COLORS: [&str; 6] = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
];

/// A plot area: left edge and width in pixels, x and y value ranges.
pub(crate) struct Axes {
    pub x0: f64,
    pub w: f64,
    pub xr: (f64, f64),
    pub yr: (f64, f64),
}

impl Axes {
    pub(crate) fn x(&self, v: f64) -> f64 {
        self.x0 + (v - self.xr.0) / (self.xr.1 - self.xr.0).max(1e-12) * self.w
    }
    pub(crate) fn y(&self, v: f64) -> f64 {
        H - PAD - (v - self.yr.0) / (self.yr.1 - self.yr.0).max(1e-12) * (H - 2.0 * PAD)
    }
    /// A label beside the point `(x, y)` (pixels): to its right in the left half of the plot,
    /// to its left in the right half, so that it stays inside. `style`: extra attributes.
    pub(crate) fn label(&self, svg: &mut String, x: f64, y: f64, text: &str, style: &str) {
        let (tx, anchor) = if x > self.x0 + self.w / 2.0 {
            (x - 8.0, "end")
        } else {
            (x + 8.0, "start")
        };
        let _ = writeln!(
            svg,
            r#"<text x="{tx:.1}" y="{:.1}" text-anchor="{anchor}" {style}>{text}</text>"#,
            y - 8.0
        );
    }

    pub(crate) fn frame(&self, svg: &mut String, title: &str, xlabel: &str, ylabel: &str) {
        let (l, r, t, b) = (self.x0, self.x0 + self.w, PAD, H - PAD);
        let _ = writeln!(
            svg,
            r#"<rect x="{l}" y="{t}" width="{}" height="{}" fill="none" stroke="dimgray"/>"#,
            r - l,
            b - t
        );
        let _ = writeln!(
            svg,
            r#"<text x="{}" y="{}" text-anchor="middle" font-weight="bold">{title}</text>"#,
            (l + r) / 2.0,
            t - 20.0
        );
        let _ = writeln!(
            svg,
            r#"<text x="{}" y="{}" text-anchor="middle">{xlabel}</text>"#,
            (l + r) / 2.0,
            b + 40.0
        );
        let _ = writeln!(
            svg,
            r#"<text x="{}" y="{}" text-anchor="middle" transform="rotate(-90 {} {})">{ylabel}</text>"#,
            l - 45.0,
            (t + b) / 2.0,
            l - 45.0,
            (t + b) / 2.0
        );
        for i in 0..=4 {
            let f = i as f64 / 4.0;
            let xv = self.xr.0 + f * (self.xr.1 - self.xr.0);
            let yv = self.yr.0 + f * (self.yr.1 - self.yr.0);
            let _ = writeln!(
                svg,
                r#"<text x="{}" y="{}" text-anchor="middle" font-size="11">{}</text>"#,
                self.x(xv),
                b + 16.0,
                short(xv)
            );
            let _ = writeln!(
                svg,
                r#"<text x="{}" y="{}" text-anchor="end" font-size="11">{}</text>"#,
                l - 4.0,
                self.y(yv) + 4.0,
                short(yv)
            );
        }
    }
}

fn short(v: f64) -> String {
    if v == v.round() && v.abs() < 1000.0 {
        format!("{v:.0}")
    } else if v.abs() >= 1000.0 {
        format!("{:.1}k", v / 1000.0)
    } else if v.abs() >= 10.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.3}")
    }
}

pub(crate) fn range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(v), b.max(v)));
    if lo > hi {
        return (0.0, 1.0);
    }
    let m = (hi - lo).max(hi.abs() * 0.05).max(1e-9) * 0.08;
    (lo - m, hi + m)
}

/// The figure as SVG text.
pub fn render(
    history: &[EpochRecord],
    baseline: &Resources,
    budgets: &[(String, f64)],
    markers: &[Marker],
) -> String {
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="13">"#
    );
    let _ = writeln!(svg, r#"<rect width="{W}" height="{H}" fill="white"/>"#);
    // (a) expected resources, % of baseline.
    let fields: [(&str, Field); 6] = [
        ("LUT", |r| r.lut),
        ("FF", |r| r.ff),
        ("DSP", |r| r.dsp),
        ("BRAM18", |r| r.bram18),
        ("latency", |r| r.latency_cycles),
        ("II", |r| r.ii),
    ];
    let pct = |f: Field, r: &Resources| 100.0 * f(r) / f(baseline).max(1e-12);
    let epochs = history.len().max(2) as f64 - 1.0;
    let a = Axes {
        x0: PAD + 10.0,
        w: W / 2.0 - 2.0 * PAD,
        xr: (0.0, epochs),
        yr: (0.0, 110.0),
    };
    a.frame(
        &mut svg,
        "(a) expected resources during the search",
        "epoch",
        "% of baseline",
    );
    for (k, (name, f)) in fields.iter().enumerate() {
        let pts: Vec<String> = history
            .iter()
            .map(|h| {
                format!(
                    "{:.1},{:.1}",
                    a.x(h.epoch as f64),
                    a.y(pct(*f, &h.expected).min(110.0))
                )
            })
            .collect();
        let _ = writeln!(
            svg,
            r#"<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>"#,
            pts.join(" "),
            COLORS[k]
        );
        let _ = writeln!(
            svg,
            r#"<text x="{}" y="{}" fill="{}">{name}</text>"#,
            a.x0 + 10.0 + 62.0 * k as f64,
            PAD + 18.0,
            COLORS[k]
        );
    }
    // Budgets at the same level share one line and one label.
    let mut levels: Vec<(f64, Vec<&str>)> = Vec::new();
    for (name, limit_pct) in budgets {
        match levels
            .iter_mut()
            .find(|(l, _)| (l - limit_pct).abs() < 1e-9)
        {
            Some((_, names)) => names.push(name),
            None => levels.push((*limit_pct, vec![name])),
        }
    }
    for (limit_pct, names) in levels {
        let y = a.y(limit_pct.min(110.0));
        let _ = writeln!(
            svg,
            r#"<line x1="{}" x2="{}" y1="{y}" y2="{y}" stroke="gray" stroke-dasharray="6 4"/><text x="{}" y="{}" font-size="11" fill="dimgray" text-anchor="end">budget {}</text>"#,
            a.x0,
            a.x0 + a.w,
            a.x0 + a.w - 4.0,
            y - 4.0,
            names.join(", ")
        );
    }
    // (b) trade-off.
    let xs = history
        .iter()
        .map(|h| h.expected.lut)
        .chain(markers.iter().map(|m| m.lut));
    // The first epochs' losses (architectures of untrained logits) can be far above the rest:
    // the axis stops at three times the worst marker and higher points sit on its top edge.
    let cap = 3.0 * markers.iter().map(|m| m.loss).fold(0.0, f64::max);
    let capped = |v: f64| if cap > 0.0 { v.min(cap) } else { v };
    let ys = history
        .iter()
        .map(|h| capped(h.val_loss))
        .chain(markers.iter().map(|m| m.loss));
    let b = Axes {
        x0: W / 2.0 + PAD,
        w: W / 2.0 - 1.5 * PAD,
        xr: (0.0, range(xs).1),
        yr: (0.0, range(ys).1),
    };
    b.frame(
        &mut svg,
        "(b) resources vs. accuracy",
        "LUT",
        "validation loss |dE|/sum",
    );
    let pts: Vec<String> = history
        .iter()
        .map(|h| format!("{:.1},{:.1}", b.x(h.expected.lut), b.y(capped(h.val_loss))))
        .collect();
    let _ = writeln!(
        svg,
        r##"<polyline points="{}" fill="none" stroke="#999" stroke-width="1.5"/>"##,
        pts.join(" ")
    );
    for h in history {
        let _ = writeln!(
            svg,
            r##"<circle cx="{:.1}" cy="{:.1}" r="3" fill="#999"><title>epoch {}: loss {:.4}</title></circle>"##,
            b.x(h.expected.lut),
            b.y(capped(h.val_loss)),
            h.epoch,
            h.val_loss
        );
    }
    for (k, m) in markers.iter().enumerate() {
        let (x, y) = (b.x(m.lut), b.y(m.loss));
        let c = COLORS[k % COLORS.len()];
        let _ = writeln!(svg, r#"<circle cx="{x:.1}" cy="{y:.1}" r="6" fill="{c}"/>"#);
        b.label(&mut svg, x, y, &m.label, &format!(r#"fill="{c}""#));
    }
    finish(
        &mut svg,
        b.x0,
        PAD - 6.0,
        "grey: search epochs (expected LUT, loss of the current best architecture)",
    );
    svg
}

/// Writes the figure's grey footnote at `(x, y)` and closes the SVG.
pub(crate) fn finish(svg: &mut String, x: f64, y: f64, note: &str) {
    let _ = writeln!(
        svg,
        r#"<text x="{x}" y="{y}" font-size="11" fill="dimgray">{note}</text>"#
    );
    svg.push_str("</svg>\n");
}
