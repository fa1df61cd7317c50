//! The comparison table: naive sum, baseline, fitting baseline and searched network, with the
//! changes in percent against both baselines.

use hwnas::datasets::calorimeter::metrics::Metrics;

use crate::evaluate::Evaluation;

/// One row: label, naive-sum cell, baseline, fitting-baseline and searched values, and how to
/// print values.
struct Row {
    label: &'static str,
    naive: String,
    base: f64,
    fitting: f64,
    searched: f64,
    decimals: usize,
}

/// The change from `base` to `new` in percent (`None` when `base` is 0).
pub fn change(base: f64, new: f64) -> Option<f64> {
    (base != 0.0).then(|| 100.0 * (new - base) / base)
}

fn rows(naive: &Metrics, b: &Evaluation, f: &Evaluation, s: &Evaluation) -> Vec<Row> {
    // One value of each column: baseline, fitting baseline, searched.
    let r = |label, v: [f64; 3], decimals| Row {
        label,
        naive: "-".into(),
        base: v[0],
        fitting: v[1],
        searched: v[2],
        decimals,
    };
    let each = |g: fn(&Evaluation) -> f64| [g(b), g(f), g(s)];
    vec![
        r("parameters", each(|e| e.params as f64), 0),
        r("MACs / event", each(|e| e.macs as f64), 0),
        r("LUT", each(|e| e.resources.lut), 0),
        r("FF", each(|e| e.resources.ff), 0),
        r("BRAM18", each(|e| e.resources.bram18), 1),
        r("DSP", each(|e| e.resources.dsp), 0),
        r("latency (cycles)", each(|e| e.resources.latency_cycles), 0),
        r("II (cycles)", each(|e| e.resources.ii), 0),
        r("device use (max %)", each(|e| e.device_use_percent), 0),
        Row {
            naive: format!("{:.3}", naive.mae),
            ..r("MAE (GeV)", each(|e| e.mae_gev), 3)
        },
        Row {
            naive: format!("{:.2} %", 100.0 * naive.sigma_iqr),
            ..r("sigma_IQR (%)", each(|e| 100.0 * e.sigma_iqr), 2)
        },
    ]
}

/// The table as text: the naive sum, the baseline, the baseline at the reuse factor
/// `fitting.0` that fits the part, the searched network, and the searched network's change
/// against both baselines.
pub fn render(
    naive: &Metrics,
    base: &Evaluation,
    fitting: (u32, &Evaluation),
    searched: &Evaluation,
) -> String {
    let mut lines = vec![[
        "".to_string(),
        "naive sum".into(),
        "baseline".into(),
        format!("fitting (RF {})", fitting.0),
        "searched".into(),
        "vs baseline".into(),
        "vs fitting".into(),
    ]];
    let pct =
        |from: f64, to: f64| change(from, to).map_or_else(|| "-".into(), |c| format!("{c:+.1} %"));
    for row in rows(naive, base, fitting.1, searched) {
        let v = |x: f64| format!("{:.*}", row.decimals, x);
        lines.push([
            row.label.to_string(),
            row.naive,
            v(row.base),
            v(row.fitting),
            v(row.searched),
            pct(row.base, row.searched),
            pct(row.fitting, row.searched),
        ]);
    }
    let widths: Vec<usize> = (0..7)
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
            out.push_str(&"-".repeat(widths.iter().sum::<usize>() + 12));
            out.push('\n');
        }
    }
    out
}
