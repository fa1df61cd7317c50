//! The model against the published hls4ml designs of the public corpus, with leave-one-design-
//! out cross-validation of the fitted coefficients, and the error bands `hwnas estimate`
//! prints (`src/resources/corpus_bands.json`, rewritten by `HWNAS_BLESS=1`).
//!
//! `scripts/corpus/convert.py` turns `shared/data/synthesis/calibration_public.csv` into
//! `tests/data/public_corpus/`: one IR document per design (architecture, every type, reuse
//! factor and strategy of the committed firmware or of the generating code), the committed
//! weights where a snapshot of the repository was at hand, and `published.csv` (figures,
//! provenance, per-layer pruned-weight counts, the stand-in weight distribution for designs
//! whose weights were never committed, clock uncertainty, flags).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hwnas_core::cost::{IoType, Resources};
use hwnas_core::ir::{Network, Tensor};
use hwnas_hls::calibration::{fit_linear, median, relative_error};
use hwnas_hls::devices::Device;
use hwnas_hls::resources::{
    AnalyticModel, Band, Coefficients, CorpusBands, CorpusFit, Coverage, Family, Features, METRICS,
    Target, Tool, quantile,
};

/// Columns of `published.csv` with the figure of each of [`METRICS`].
const PUBLISHED: [&str; 6] = ["dsp", "lut", "ff", "bram18", "latency_max", "ii_max"];

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/public_corpus")
}

/// One published report of one design, with the model's view of it.
struct Design {
    id: String,
    /// The network without its name: designs that share it (the same CI test under another
    /// tool version, the same notebook model on another part) are one design to the
    /// cross-validation.
    network: String,
    family: Family,
    tool: Tool,
    /// Why the row is outside what the model can be asked (a Tcl directive the IR cannot
    /// express); such rows are printed, never used in a fit or a band.
    outside: Option<&'static str>,
    features: Features,
    /// The top function's own registers ([`AnalyticModel::interface`]), known exactly.
    interface: Resources,
    /// Estimate with the default coefficients (DSP, BRAM, latency and II are structural).
    estimate: Resources,
    published: [Option<f64>; 6],
    coverage: Coverage,
}

/// A deterministic stream of uniform numbers in `[0, 1)`.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Stand-in weights for a design whose weights were not committed: every kernel drawn from
/// the initialiser `how` names (`glorot_uniform`, `lecun_uniform`, `uniform:A:B`; a
/// `+zero_slopes` suffix makes PReLU slopes zero), with the
/// published number of zero weights (`layer_zeros`: `name:count ...`) spread evenly; the
/// model reads which values are zero and how many CSD terms each needs in its type. Other
/// tensors (bias, BatchNorm) get a harmless constant.
fn give_stand_in_weights(net: &mut Network, layer_zeros: &str, how: &str, seed: u64) {
    let (how, zero_slopes) = match how.split_once('+') {
        Some((init, "zero_slopes")) => (init, true),
        _ => (how, false),
    };
    let zeros: BTreeMap<&str, usize> = layer_zeros
        .split_whitespace()
        .filter_map(|p| p.split_once(':'))
        .map(|(k, v)| (k, v.parse().unwrap()))
        .collect();
    let analysis = net.analyze().unwrap();
    let mut rng = Lcg(seed);
    for (layer, info) in net.layers.iter().zip(&analysis.layers) {
        for (key, shape) in &info.weight_shapes {
            let n: usize = shape.iter().product();
            let data = if *key == "weight" && shape.len() >= 2 {
                let fan_out = shape[shape.len() - 1];
                let fan_in = n / fan_out;
                let receptive = shape[..shape.len() - 2].iter().product::<usize>();
                let (lo, hi) = match how.split(':').collect::<Vec<_>>().as_slice() {
                    ["uniform", a, b] => (a.parse().unwrap(), b.parse().unwrap()),
                    ["lecun_uniform"] => {
                        let l = (3.0 / fan_in as f64).sqrt();
                        (-l, l)
                    }
                    _ => {
                        let l = (6.0 / (fan_in + fan_out * receptive) as f64).sqrt();
                        (-l, l)
                    }
                };
                let z = zeros.get(layer.name.as_str()).copied().unwrap_or(0);
                (0..n)
                    .map(|i| {
                        let v = lo + (hi - lo) * rng.next();
                        if z > 0 && (i * z) / n != ((i + 1) * z) / n {
                            0.0
                        } else {
                            v as f32
                        }
                    })
                    .collect()
            } else if *key == "alpha" && zero_slopes {
                vec![0.0; n]
            } else {
                vec![0.375; n]
            };
            net.weights.insert(
                format!("{}.{key}", layer.name),
                Tensor::new(shape.clone(), data).unwrap(),
            );
        }
    }
}

fn load() -> Vec<Design> {
    let dir = corpus_dir();
    let text = std::fs::read_to_string(dir.join("published.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let mut out = Vec::new();
    for line in lines {
        let row: Vec<&str> = line.split(',').collect();
        let col = |k: &str| row[header.iter().position(|h| *h == k).unwrap()];
        let id = col("design_id").to_string();
        let doc_path = dir.join(format!("{id}.json"));
        let mut doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&doc_path).unwrap()).unwrap();
        doc.as_object_mut().unwrap().remove("name");
        let network = doc.to_string();
        let mut net = Network::load(&doc_path).unwrap();
        if !net.has_weights() {
            let seed = id.bytes().fold(7u64, |h, b| h * 31 + b as u64);
            give_stand_in_weights(&mut net, col("layer_zeros"), col("stand_in"), seed);
        }
        let device = Device::lookup(col("part")).unwrap_or_else(|e| panic!("{id}: {e}"));
        let target: Target = col("target").parse().unwrap();
        let tool: Tool = col("tool").parse().unwrap();
        let io = if col("io_type") == "io_stream" {
            IoType::IoStream
        } else {
            IoType::IoParallel
        };
        // The published-fact coefficients: what the cross-validation refits.
        let model = AnalyticModel::for_tool(device, target, tool)
            .with_coefficients(Coefficients::published_for_tool(target, tool))
            .with_clock_ns(col("clock_ns").parse().unwrap_or(5.0))
            .with_clock_uncertainty(col("clock_uncertainty").parse().unwrap());
        let estimate = model
            .estimate_network(&net, io)
            .unwrap_or_else(|e| panic!("{id}: {e}"))
            .total;
        let features = model.network_features(&net, io).unwrap();
        if std::env::var("HWNAS_CORPUS_LAYERS").is_ok_and(|v| v.split(',').any(|x| x == id)) {
            // Per layer: the features and their price under the published-fact coefficients.
            for (layer, (cfg, f)) in net
                .layers
                .iter()
                .zip(model.network_layer_features(&net, io).unwrap())
            {
                let Some(f) = f else { continue };
                let r = f.price(model.coefficients_for(&cfg));
                println!(
                    "{id} {:<14} LUT {:>8.0} FF {:>8.0} DSP {:>6.0} lat {:>5.0} | lut {:?} ff {:?}",
                    layer.name,
                    r.lut,
                    r.ff,
                    r.dsp,
                    r.latency_cycles,
                    f.lut.map(|x| x.round()),
                    f.ff.map(|x| x.round())
                );
            }
        }
        let interface = model.interface(&net, io).unwrap();
        let outside = (col("mul_impl") == "fabric")
            .then_some("`config_op mul -impl fabric` in the Tcl (every multiplier in LUTs)");
        out.push(Design {
            id,
            network,
            family: Family::of(&net, io, target),
            tool,
            outside,
            features,
            interface,
            estimate,
            published: PUBLISHED.map(|k| col(k).parse::<f64>().ok()),
            coverage: Coverage::of(&net).unwrap(),
        });
    }
    out
}

/// The coefficients fitted to the reports of `target` and `io` of designs other than `skip`'s
/// (every report of a design with the same network is left out) (of tool family
/// `tool` when that family has at least [`MIN_TOOL_ROWS`] of them; else of both families),
/// and how many designs the fit used; none when both families together have fewer, or too
/// few designs of real size (the published-fact coefficients stay).
fn fit_to(
    designs: &[Design],
    target: Target,
    tool: Tool,
    io: IoType,
    skip: Option<(&Design, LeaveOut)>,
) -> Option<(Coefficients, usize)> {
    let pick = |same_tool: bool| -> Vec<&Design> {
        designs
            .iter()
            .enumerate()
            .filter(|(_, o)| {
                skip.is_none_or(|(d, how)| {
                    d.id != o.id && (how == LeaveOut::Design || d.network != o.network)
                }) && o.outside.is_none()
                    && o.family.target == target
                    && o.family.io == io
                    && (!same_tool || o.tool == tool)
            })
            .map(|(_, o)| o)
            .collect()
    };
    // A tool family with too few reports borrows the other's; one whose reports are all tiny
    // does not (the other's large designs would set its coefficients: Vitis HLS io_stream has
    // only the CI's one-layer designs, and Vivado HLS's Resource CNNs would price its
    // multiplexers at 1.3 LUT per bit).
    let mut train = pick(true);
    if train.len() < MIN_TOOL_ROWS {
        train = pick(false);
    }
    let sized = train
        .iter()
        .filter(|o| o.coverage.parameters[1] >= SIZED_PARAMETERS)
        .count();
    if train.len() < MIN_TOOL_ROWS || sized < MIN_SIZED_ROWS {
        return None;
    }
    let feats: Vec<Features> = train.iter().map(|o| o.features).collect();
    let measured: Vec<Resources> = train
        .iter()
        .map(|o| Resources {
            dsp: o.published[0].unwrap_or(0.0),
            lut: (o.published[1].unwrap_or(0.0) - o.interface.lut).max(0.0),
            ff: (o.published[2].unwrap_or(0.0) - o.interface.ff).max(0.0),
            bram18: o.published[3].unwrap_or(0.0),
            ..Resources::default()
        })
        .collect();
    let prior = Coefficients::published_for_tool(target, tool);
    Some((fit_linear(&feats, &measured, &prior).unwrap(), train.len()))
}

/// What a fit for one design leaves out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LeaveOut {
    /// Every report of the design (its csynth and synthesis reports).
    Design,
    /// Also every design with the same network (the same CI test under another tool version,
    /// the same notebook model on another part or tool version).
    Network,
}

/// The coefficients for `d` fitted to all the other designs ([`fit_to`]), as
/// [`Coefficients::default_for_tool`] chooses them: a post-synthesis report without a fit of
/// its own gets the csynth fit carried over by the published ratios.
fn fitted_without(designs: &[Design], d: &Design, how: LeaveOut) -> Coefficients {
    let (target, tool, io) = (d.family.target, d.tool, d.family.io);
    let skip = Some((d, how));
    if let Some((c, _)) = fit_to(designs, target, tool, io, skip) {
        return c;
    }
    match (target, fit_to(designs, Target::Csynth, tool, io, skip)) {
        (Target::Synth, Some((c, _))) => c.after_synthesis(),
        _ => Coefficients::published_for_tool(target, tool),
    }
}

/// The prediction of every design when the LUT/FF coefficients and the BRAM scale are fitted
/// to all the other designs ([`fitted_without`]).
fn leave_one_out(designs: &[Design], how: LeaveOut) -> Vec<Resources> {
    designs
        .iter()
        .map(|d| {
            let c = fitted_without(designs, d, how);
            let p = d.features.price(&c);
            Resources {
                lut: p.lut + d.interface.lut,
                ff: p.ff + d.interface.ff,
                bram18: p.bram18,
                ..d.estimate
            }
        })
        .collect()
}

/// A fit must see at least [`MIN_SIZED_ROWS`] designs of at least this many parameters: the
/// hls4ml CI's one-layer designs (4-192 parameters) alone would set coefficients that real
/// networks extrapolate from.
const SIZED_PARAMETERS: usize = 1000;
const MIN_SIZED_ROWS: usize = 3;

/// Fewest training designs for a fit (of one tool family, or of both).
const MIN_TOOL_ROWS: usize = 10;

fn errors(d: &Design, p: &Resources) -> [Option<f64>; 6] {
    let v = [p.dsp, p.lut, p.ff, p.bram18, p.latency_cycles, p.ii];
    std::array::from_fn(|i| d.published[i].map(|m| relative_error(v[i], m)))
}

fn pct(x: f64) -> String {
    format!("{:5.1}%", 100.0 * x)
}

/// Per family: rows and the relative errors of each metric.
fn by_family(
    designs: &[Design],
    preds: &[Resources],
) -> BTreeMap<String, (usize, [Vec<f64>; 6], Coverage)> {
    let mut fam: BTreeMap<String, (usize, [Vec<f64>; 6], Coverage)> = BTreeMap::new();
    for (d, p) in designs.iter().zip(preds) {
        if d.outside.is_some() {
            continue;
        }
        let e = fam
            .entry(d.family.to_string())
            .or_insert_with(|| (0, Default::default(), d.coverage.clone()));
        e.0 += 1;
        e.2 = e.2.union(&d.coverage);
        for (i, x) in errors(d, p).into_iter().enumerate() {
            if let Some(x) = x {
                e.1[i].push(x);
            }
        }
    }
    fam
}

fn print_table(title: &str, fam: &BTreeMap<String, (usize, [Vec<f64>; 6], Coverage)>) {
    println!("\n{title}: relative error median / 80th percentile (rows with that figure)");
    print!("{:<34} {:>4}", "family", "rows");
    for m in METRICS {
        print!(" {m:>21}");
    }
    println!();
    // Every family together, first.
    let mut all: (usize, [Vec<f64>; 6]) = Default::default();
    for (rows, errs, _) in fam.values() {
        all.0 += rows;
        for (a, e) in all.1.iter_mut().zip(errs) {
            a.extend(e);
        }
    }
    let all_row = ("all families".to_string(), all.0, all.1);
    let rows = std::iter::once(all_row).chain(
        fam.iter()
            .map(|(f, (rows, errs, _))| (f.clone(), *rows, errs.clone())),
    );
    for (family, rows, errs) in rows {
        print!("{family:<34} {rows:>4}");
        for e in &errs {
            if e.is_empty() {
                print!(" {:>21}", "-");
            } else {
                let cell = format!(
                    "{} / {} ({})",
                    pct(median(&mut e.clone())),
                    pct(quantile(&mut e.clone(), 0.8)),
                    e.len()
                );
                print!(" {cell:>21}");
            }
        }
        println!();
    }
}

/// Leave-one-design-out cross-validation on the public corpus, per family (MLP / CNN,
/// io_parallel / io_stream, Latency / Resource, csynth / synth): median and 80th-percentile
/// relative errors of DSP, LUT, FF, BRAM18, latency and II with row counts, for the default
/// coefficients and for the refit. Rows the model cannot be asked about, and reports the IR
/// cannot express, are listed with the reason. The bands of the refit are what
/// `hwnas estimate` prints beside its totals: this test fails when
/// `src/resources/corpus_bands.json` no longer matches them (`HWNAS_BLESS=1` rewrites it).
/// `HWNAS_CORPUS_DETAIL=1` prints every design beside its published figures
/// (`HWNAS_CORPUS_DETAIL=network`: as predicted leave-one-network-out).
#[test]
fn public_corpus_leave_one_design_out() {
    let designs = load();
    let by_network = leave_one_out(&designs, LeaveOut::Network);
    let defaults: Vec<Resources> = designs.iter().map(|d| d.estimate).collect();
    let loo = leave_one_out(&designs, LeaveOut::Design);
    if let Some(detail) = std::env::var_os("HWNAS_CORPUS_DETAIL") {
        let shown = if detail == "network" {
            &by_network
        } else {
            &loo
        };
        for (d, p) in designs.iter().zip(shown) {
            let v = [p.dsp, p.lut, p.ff, p.bram18, p.latency_cycles, p.ii];
            let cells: Vec<String> = (0..6)
                .map(|i| {
                    format!(
                        "{} {:.0} vs {}",
                        METRICS[i],
                        v[i],
                        d.published[i].map_or("-".into(), |m| format!("{m:.0}"))
                    )
                })
                .collect();
            println!("{} [{}]: {}", d.id, d.family, cells.join(", "));
        }
    }
    println!(
        "public corpus: {} report rows of {} designs",
        designs.len(),
        designs
            .iter()
            .map(|d| &d.id)
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    );
    print_table(
        "published-fact coefficients (the prior, no fit)",
        &by_family(&designs, &defaults),
    );
    let fam = by_family(&designs, &loo);
    print_table(
        "leave-one-design-out refit of the LUT and FF coefficients",
        &fam,
    );
    // The stricter check: designs that share a network are left out together.
    let networks = designs
        .iter()
        .map(|d| &d.network)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    print_table(
        &format!(
            "leave-one-network-out refit ({networks} distinct networks; reports of the same \
             network under other tools, versions or parts left out too)"
        ),
        &by_family(&designs, &by_network),
    );
    let mut outside: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for d in &designs {
        if let Some(why) = d.outside {
            outside.entry(why).or_default().push(&d.id);
        }
    }
    for (why, ids) in outside {
        println!(
            "  not in the table: {} rows with {why}: {}",
            ids.len(),
            ids.join(" ")
        );
    }
    let skipped = std::fs::read_to_string(corpus_dir().join("unconverted.csv")).unwrap();
    let mut reasons: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in skipped.lines().skip(1) {
        let mut f = line.splitn(3, ',');
        let (id, target, reason) = (f.next().unwrap(), f.next().unwrap(), f.next().unwrap());
        reasons
            .entry(reason.to_string())
            .or_default()
            .push(format!("{id}/{target}"));
    }
    for (reason, rows) in reasons {
        println!(
            "  not converted: {} report rows: {reason}: {}",
            rows.len(),
            rows.join(" ")
        );
    }
    assert!(designs.len() >= 110, "only {} report rows", designs.len());

    let bands = CorpusBands {
        source: "hwnas-hls/tests/resource_model/corpus.rs: leave-one-design-out cross-validation \
                 on tests/data/public_corpus"
            .into(),
        bands: fam
            .iter()
            .map(|(family, (rows, errs, coverage))| Band {
                family: family.clone(),
                rows: *rows,
                median: std::array::from_fn(|i| round4(median(&mut errs[i].clone()))),
                p80: std::array::from_fn(|i| round4(quantile(&mut errs[i].clone(), 0.8))),
                counts: std::array::from_fn(|i| errs[i].len()),
                coverage: coverage.clone(),
            })
            .collect(),
        fits: [Target::Csynth, Target::Synth]
            .into_iter()
            .flat_map(|t| Tool::ALL.map(move |tool| (t, tool)))
            .flat_map(|(t, tool)| [IoType::IoParallel, IoType::IoStream].map(|io| (t, tool, io)))
            .filter_map(|(target, tool, io)| {
                let (coefficients, designs) = fit_to(&designs, target, tool, io, None)?;
                Some(CorpusFit {
                    target,
                    tool,
                    io,
                    designs,
                    coefficients: round_coefficients(coefficients),
                })
            })
            .collect(),
    };
    for f in &bands.fits {
        println!(
            "  fit {} {} {:?} ({} reports): LUT {:?}, FF {:?}, BRAM x{:.2}",
            f.target,
            f.tool,
            f.io,
            f.designs,
            f.coefficients.lut_vector(),
            f.coefficients.ff_vector(),
            f.coefficients.bram_scale
        );
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/resources/corpus_bands.json");
    let text = serde_json::to_string_pretty(&bands).unwrap() + "\n";
    if std::env::var_os("HWNAS_BLESS").is_some() {
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, &text).unwrap();
        std::fs::rename(&tmp, &path).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == text,
        "{} does not hold the bands this cross-validation measured; rerun with HWNAS_BLESS=1 \
         after a model change, and say how the bands moved",
        path.display()
    );
    assert!(
        CorpusBands::builtin() == &bands,
        "the library was built with other bands than the file holds; rebuild"
    );
}

fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

/// Four significant digits: the committed file stays readable and stable across platforms.
fn round_coefficients(mut c: Coefficients) -> Coefficients {
    let sig = |x: f64| {
        if x == 0.0 {
            0.0
        } else {
            let m = 10f64.powi(3 - x.abs().log10().floor() as i32);
            (x * m).round() / m
        }
    };
    c.set_lut_vector(c.lut_vector().map(sig));
    c.set_ff_vector(c.ff_vector().map(sig));
    c.bram_scale = sig(c.bram_scale);
    c
}
