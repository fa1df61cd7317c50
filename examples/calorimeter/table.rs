//! The comparison table: naive sum, baseline and searched network, with the change in percent.

use hwnas::datasets::calorimeter::metrics::Metrics;

use crate::evaluate::Evaluation;

/// One row: label, naive-sum cell, baseline value, searched value, and how to print values.
struct Row {
    label: &'static str,
    naive: String,
    base: f64,
    searched: f64,
    decimals: usize,
}

/// The change from `base` to `new` in percent (`None` when `base` is 0).
pub fn change(base: f64, new: f64) -> Option<f64> {
    (base != 0.0).then(|| 100.0 * (new - base) / base)
}

fn rows(naive: &Metrics, b: &Evaluation, s: &Evaluation) -> Vec<Row> {
    let r = |label, base: f64, searched: f64, decimals| Row {
        label,
        naive: "-".into(),
        base,
        searched,
        decimals,
    };
    let (rb, rs) = (&b.resources, &s.resources);
    vec![
        r("parameters", b.params as f64, s.params as f64, 0),
        r("MACs / event", b.macs as f64, s.macs as f64, 0),
        r("LUT", rb.lut, rs.lut, 0),
        r("FF", rb.ff, rs.ff, 0),
        r("BRAM18", rb.bram18, rs.bram18, 1),
        r("DSP", rb.dsp, rs.dsp, 0),
        r("latency (cycles)", rb.latency_cycles, rs.latency_cycles, 0),
        r("II (cycles)", rb.ii, rs.ii, 0),
        r(
            "device use (max %)",
            b.device_use_percent,
            s.device_use_percent,
            0,
        ),
        Row {
            naive: format!("{:.3}", naive.mae),
            ..r("MAE (GeV)", b.mae_gev, s.mae_gev, 3)
        },
        Row {
            naive: format!("{:.2} %", 100.0 * naive.sigma_iqr),
            ..r("sigma_IQR (%)", 100.0 * b.sigma_iqr, 100.0 * s.sigma_iqr, 2)
        },
    ]
}

/// The table as text.
pub fn render(naive: &Metrics, base: &Evaluation, searched: &Evaluation) -> String {
    let mut lines = vec![[
        "".to_string(),
        "naive sum".into(),
        "baseline".into(),
        "searched".into(),
        "change".into(),
    ]];
    for row in rows(naive, base, searched) {
        let v = |x: f64| format!("{:.*}", row.decimals, x);
        let delta =
            change(row.base, row.searched).map_or_else(|| "-".into(), |c| format!("{c:+.1} %"));
        lines.push([
            row.label.to_string(),
            row.naive,
            v(row.base),
            v(row.searched),
            delta,
        ]);
    }
    let widths: Vec<usize> = (0..5)
        .map(|c| {
            lines
                .iter()
                .map(|l| l[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        let cells: Vec<String> = l
            .iter()
            .zip(&widths)
            .enumerate()
            .map(|(c, (s, &w))| {
                if c == 0 {
                    format!("{s:<w$}")
                } else {
                    format!("{s:>w$}")
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
        if i == 0 {
            out.push_str(&"-".repeat(widths.iter().sum::<usize>() + 8));
            out.push('\n');
        }
    }
    out
}
