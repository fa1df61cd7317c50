//! The zoo: C simulation of written projects equals the emulator bit for bit.
//!
//! Oracle: the real `ap_fixed` arithmetic of the C++ firmware (hwnas's HLS layer library,
//! compiled with g++ and `-Wall -Wextra -Werror`); tolerance: none, raw integers are compared.
//! Each network of the zoo gets seeded random weights, is written with
//! `hwnas_hls::emit::write_qnetwork`, compiled, run on `SAMPLES` random inputs, and every output
//! is compared with `hwnas_hls::emulate::Emulator` as a raw integer.
//!
//! Without g++ or the `ap_types` headers the test prints a loud skip message and passes, unless
//! `CI=true`, where it fails. Run: `cargo test --release -p hwnas-hls --test hls_zoo -- --nocapture`.

#[path = "common/parallel.rs"]
mod parallel;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use hwnas_core::cost::IoType;
use hwnas_core::fixed::FixedType;
use hwnas_core::ir::{
    Activation, BatchNorm, Conv1D, Conv2D, Dense, Elu, HlsKnobs, Layer, Network, NoParams, Op,
    Padding, Pool1D, Pool2D, Precision, Softmax, Strategy, Table, Tensor, UpSampling1D,
    UpSampling2D, ZeroPadding1D, ZeroPadding2D,
};
use hwnas_core::rng::{Random, SplitMix64};
use hwnas_hls::csim::{self, CsimOptions};
use hwnas_hls::emit::{self, HlsConfig, MARKER};
use hwnas_hls::emulate::Emulator;
use hwnas_hls::model::QNetwork;

/// Random inputs per network.
const SAMPLES: usize = 500;

/// Zoo networks also written and checked as io_stream projects (dense-only, standalone
/// BatchNorm, Conv1D same / stride 2 with AvgPool1D, UpSampling1D and ZeroPadding1D, Conv2D same
/// padding stride 2, Conv2D valid with both 2-D poolings, 3x3 stride-2 partial-window poolings
/// with Flatten, ZeroPadding2D + UpSampling2D, LeakyReLU, every table activation on maps).
const STREAM_NETS: [&str; 10] = [
    "mlp_small",
    "bn_standalone",
    "conv1d_same",
    "conv1d_stride",
    "conv2d_stride",
    "conv2d_pools",
    "avg_same",
    "upsample2d",
    "mixed_modes",
    "activation_maps",
];

/// The zoo's `(network, description, io)` runs: every network with io_parallel, the
/// [`STREAM_NETS`] also with io_stream.
fn runs(zoo: &[(Network, &'static str)]) -> Vec<(Network, &'static str, IoType)> {
    let mut out: Vec<_> = zoo
        .iter()
        .map(|(n, w)| (n.clone(), *w, IoType::IoParallel))
        .collect();
    for name in STREAM_NETS {
        let (n, w) = zoo
            .iter()
            .find(|(n, _)| n.name == name)
            .unwrap_or_else(|| panic!("no zoo network `{name}`"));
        out.push((n.clone(), *w, IoType::IoStream));
    }
    out
}

fn fx(s: &str) -> FixedType {
    s.parse().unwrap()
}

/// Gives every weight tensor of `net` seeded random values.
fn randomize(mut net: Network, seed: u64) -> Network {
    let a = net.analyze().unwrap();
    let mut rng = SplitMix64::from_state(seed);
    for (layer, info) in net.layers.iter().zip(&a.layers) {
        for (param, shape) in &info.weight_shapes {
            let n: usize = shape.iter().product();
            let fan_in = (n / shape.last().copied().unwrap_or(1)).max(1) as f64;
            let scale = 2.0 / fan_in.sqrt();
            let data = (0..n)
                .map(|_| match *param {
                    "gamma" => rng.uniform_range(0.5, 1.5) as f32,
                    "variance" => rng.uniform_range(0.3, 1.5) as f32,
                    "beta" | "mean" => rng.uniform_range(-0.5, 0.5) as f32,
                    _ => rng.uniform_range(-scale, scale) as f32,
                })
                .collect();
            net.weights.insert(
                format!("{}.{param}", layer.name),
                Tensor::new(shape.clone(), data).unwrap(),
            );
        }
    }
    net
}

fn result(t: &str) -> Precision {
    Precision {
        result: Some(fx(t)),
        ..Precision::default()
    }
}

fn knobs(rf: u32, strategy: Strategy) -> HlsKnobs {
    HlsKnobs {
        reuse_factor: rf,
        strategy,
    }
}

fn dense(name: &str, units: usize) -> Layer {
    Layer::new(
        name,
        Op::Dense(Dense {
            units,
            use_bias: true,
        }),
    )
}
fn relu(name: &str) -> Layer {
    Layer::new(name, Op::relu())
}
fn leaky(name: &str, alpha: f64) -> Layer {
    Layer::new(name, Op::leaky_relu(alpha))
}
fn act(name: &str, a: Activation) -> Layer {
    Layer::new(name, Op::Activation(a))
}
fn flatten(name: &str) -> Layer {
    Layer::new(name, Op::Flatten(NoParams {}))
}
fn bn(name: &str) -> Layer {
    Layer::new(name, Op::BatchNorm(BatchNorm { epsilon: 1e-3 }))
}
fn conv1d(name: &str, filters: usize, kernel: usize, stride: usize, padding: Padding) -> Layer {
    Layer::new(
        name,
        Op::Conv1D(Conv1D {
            filters,
            kernel,
            stride,
            padding,
            use_bias: true,
        }),
    )
}
fn conv2d(name: &str, filters: usize, k: [usize; 2], s: [usize; 2], padding: Padding) -> Layer {
    Layer::new(
        name,
        Op::Conv2D(Conv2D {
            filters,
            kernel: k,
            stride: s,
            padding,
            use_bias: true,
        }),
    )
}
fn pool1d(pool: usize, stride: Option<usize>, padding: Padding) -> Pool1D {
    Pool1D {
        pool,
        stride,
        padding,
    }
}
fn pool2d(pool: [usize; 2], stride: Option<[usize; 2]>, padding: Padding) -> Pool2D {
    Pool2D {
        pool,
        stride,
        padding,
    }
}

/// The zoo: (network, what it covers).
fn zoo() -> Vec<(Network, &'static str)> {
    let t16 = fx("ap_fixed<16,6>");
    let mut nets = vec![
        (
            Network::new("mlp_small", vec![8], t16)
                .with_layer(dense("fc1", 16))
                .with_layer(relu("relu1"))
                .with_layer(dense("fc2", 4)),
            "dense-only, Latency RF 1, default types",
        ),
        (
            Network::new("jet_mlp", vec![16], t16)
                .with_layer(dense("fc1", 64))
                .with_layer(relu("relu1"))
                .with_layer(dense("fc2", 32))
                .with_layer(relu("relu2"))
                .with_layer(dense("fc3", 32))
                .with_layer(relu("relu3"))
                .with_layer(dense("output", 5)),
            "jet MLP 16-64-32-32-5",
        ),
        (
            Network::new("modes_a", vec![6], fx("ap_fixed<12,4>"))
                .with_layer(
                    dense("fc1", 10)
                        .with_precision(result("ap_fixed<10,3,AP_RND,AP_SAT>"))
                        .with_hls(knobs(4, Strategy::Resource)),
                )
                .with_layer(relu("r1").with_precision(result("ap_ufixed<8,2,AP_RND_CONV,AP_SAT>")))
                .with_layer(
                    dense("fc2", 3)
                        .with_precision(result("ap_fixed<7,2,AP_RND_ZERO,AP_WRAP>"))
                        .with_hls(knobs(6, Strategy::Resource)),
                ),
            "RND/SAT, RND_CONV unsigned, RND_ZERO/WRAP, Resource RF 4 and 6",
        ),
        (
            Network::new("modes_b", vec![7], fx("ap_fixed<10,3>"))
                .with_layer(
                    dense("fc1", 9)
                        .with_precision(result("ap_fixed<8,2,AP_RND_INF,AP_SAT_ZERO>"))
                        .with_hls(knobs(3, Strategy::Latency)),
                )
                .with_layer(
                    leaky("lr", 0.1)
                        .with_precision(result("ap_fixed<9,3,AP_RND_MIN_INF,AP_SAT_SYM>")),
                )
                .with_layer(
                    dense("fc2", 4).with_precision(result("ap_fixed<6,1,AP_TRN_ZERO,AP_SAT>")),
                ),
            "RND_INF/SAT_ZERO, RND_MIN_INF/SAT_SYM, TRN_ZERO/SAT, Latency RF 3",
        ),
        (
            Network::new("narrow4", vec![10], fx("ap_fixed<4,2>"))
                .with_layer(dense("fc1", 8).with_precision(Precision {
                    weight: Some(fx("ap_fixed<4,1>")),
                    bias: Some(fx("ap_fixed<4,1>")),
                    accum: None,
                    result: Some(fx("ap_fixed<4,2,AP_TRN,AP_WRAP>")),
                }))
                .with_layer(relu("r").with_precision(result("ap_ufixed<4,2>")))
                .with_layer(dense("fc2", 3).with_precision(result("ap_fixed<5,3,AP_RND,AP_WRAP>"))),
            "4-bit types, wrap-around",
        ),
        (
            Network::new("wide18", vec![12], fx("ap_fixed<18,8>"))
                .with_layer(dense("fc1", 12).with_hls(knobs(8, Strategy::Resource)))
                .with_layer(leaky("lr", 0.3))
                .with_layer(dense("fc2", 6)),
            "18-bit types, Resource RF 8, LeakyReLU",
        ),
        (
            Network::new("narrow_accum", vec![12], fx("ap_fixed<10,4>"))
                .with_layer(dense("fc1", 6).with_precision(Precision {
                    accum: Some(fx("ap_fixed<12,4,AP_RND,AP_SAT>")),
                    result: Some(fx("ap_fixed<10,4,AP_RND_CONV,AP_SAT>")),
                    ..Precision::default()
                }))
                .with_layer(dense("fc2", 3).with_precision(Precision {
                    accum: Some(fx("ap_fixed<11,3>")),
                    ..Precision::default()
                })),
            "explicit narrow accumulators (saturating and wrapping, term by term)",
        ),
        (
            Network::new("unsigned_in", vec![9], fx("ap_ufixed<8,4>"))
                .with_layer(dense("fc1", 7))
                .with_layer(relu("r").with_precision(result("ap_ufixed<9,4,AP_RND,AP_SAT>")))
                .with_layer(dense("fc2", 2)),
            "unsigned input and activations",
        ),
        (
            Network::new("bn_fused", vec![8], t16)
                .with_layer(dense("fc1", 12))
                .with_layer(bn("bn1"))
                .with_layer(leaky("lr", 0.2))
                .with_layer(dense("fc2", 3)),
            "BatchNorm fused into Dense",
        ),
        (
            Network::new("bn_standalone", vec![8], t16)
                .with_layer(dense("fc1", 12))
                .with_layer(relu("r1"))
                .with_layer(bn("bn1").with_precision(Precision {
                    weight: Some(fx("ap_fixed<10,3>")),
                    bias: Some(fx("ap_fixed<10,3>")),
                    accum: None,
                    result: Some(fx("ap_fixed<12,4,AP_RND,AP_SAT>")),
                }))
                .with_layer(dense("fc2", 3)),
            "standalone BatchNorm (after ReLU)",
        ),
        (
            Network::new("conv1d_same", vec![16, 3], t16)
                .with_layer(conv1d("c1", 4, 3, 1, Padding::Same))
                .with_layer(relu("r1"))
                .with_layer(Layer::new(
                    "p1",
                    Op::MaxPool1D(pool1d(2, None, Padding::Valid)),
                ))
                .with_layer(flatten("f"))
                .with_layer(dense("fc", 3)),
            "Conv1D same padding, MaxPool1D",
        ),
        (
            Network::new("conv1d_stride", vec![20, 2], fx("ap_fixed<12,4>"))
                .with_layer(
                    conv1d("c1", 3, 5, 2, Padding::Valid).with_hls(knobs(4, Strategy::Resource)),
                )
                .with_layer(Layer::new(
                    "p1",
                    Op::AvgPool1D(pool1d(3, Some(1), Padding::Same)),
                ))
                .with_layer(Layer::new("up", Op::UpSampling1D(UpSampling1D { size: 2 })))
                .with_layer(Layer::new(
                    "zp",
                    Op::ZeroPadding1D(ZeroPadding1D { left: 1, right: 2 }),
                ))
                .with_layer(flatten("f"))
                .with_layer(dense("fc", 2)),
            "Conv1D stride 2 Resource (RF snapped), AvgPool1D same, UpSampling1D, ZeroPadding1D",
        ),
        (
            Network::new("conv2d_stride", vec![8, 8, 2], t16)
                .with_layer(
                    conv2d("c1", 4, [3, 3], [2, 2], Padding::Same)
                        .with_hls(knobs(2, Strategy::Resource)),
                )
                .with_layer(leaky("lr", 0.3))
                .with_layer(flatten("f"))
                .with_layer(dense("fc", 5)),
            "Conv2D same padding stride 2, Resource RF 2",
        ),
        (
            Network::new("conv2d_pools", vec![10, 10, 1], fx("ap_fixed<14,5>"))
                .with_layer(conv2d("c1", 3, [3, 3], [1, 1], Padding::Valid))
                .with_layer(bn("bn1"))
                .with_layer(relu("r1"))
                .with_layer(Layer::new(
                    "mp",
                    Op::MaxPool2D(pool2d([2, 2], None, Padding::Valid)),
                ))
                .with_layer(conv2d("c2", 2, [2, 2], [1, 1], Padding::Valid))
                .with_layer(Layer::new(
                    "ap",
                    Op::AvgPool2D(pool2d([2, 2], None, Padding::Valid)),
                ))
                .with_layer(flatten("f"))
                .with_layer(dense("fc", 3)),
            "Conv2D valid + fused BatchNorm, MaxPool2D, AvgPool2D",
        ),
        (
            Network::new("avg_same", vec![7, 7, 2], fx("ap_fixed<10,4>"))
                .with_layer(Layer::new(
                    "ap",
                    Op::AvgPool2D(pool2d([3, 3], Some([2, 2]), Padding::Same)),
                ))
                .with_layer(
                    conv2d("c1", 3, [2, 2], [1, 1], Padding::Same)
                        .with_precision(result("ap_fixed<11,4,AP_RND_CONV,AP_SAT_SYM>")),
                )
                .with_layer(Layer::new(
                    "mp",
                    Op::MaxPool2D(pool2d([3, 3], Some([2, 2]), Padding::Same)),
                ))
                .with_layer(flatten("f")),
            "AvgPool2D / MaxPool2D 3x3 stride 2 same padding (partial windows), Flatten output",
        ),
        (
            Network::new("upsample2d", vec![4, 3, 2], fx("ap_fixed<8,3>"))
                .with_layer(Layer::new(
                    "zp",
                    Op::ZeroPadding2D(ZeroPadding2D {
                        top: 1,
                        bottom: 0,
                        left: 2,
                        right: 1,
                    }),
                ))
                .with_layer(Layer::new(
                    "up",
                    Op::UpSampling2D(UpSampling2D { size: [2, 1] }),
                ))
                .with_layer(
                    conv2d("c1", 2, [3, 2], [1, 1], Padding::Valid)
                        .with_precision(result("ap_fixed<9,3,AP_RND_MIN_INF,AP_SAT_ZERO>")),
                )
                .with_layer(flatten("f"))
                .with_layer(dense("fc", 4).with_hls(knobs(4, Strategy::Latency))),
            "ZeroPadding2D, UpSampling2D, Conv2D 3x2, Latency RF 4",
        ),
        (
            Network::new("mixed_modes", vec![5], fx("ap_fixed<6,3>"))
                .with_layer(dense("fc1", 8).with_precision(Precision {
                    weight: Some(fx("ap_fixed<6,1,AP_RND,AP_SAT>")),
                    bias: Some(fx("ap_fixed<8,2>")),
                    accum: None,
                    result: Some(fx("ap_fixed<7,3,AP_TRN_ZERO,AP_SAT_SYM>")),
                }))
                .with_layer(
                    leaky("lr", 0.5).with_precision(result("ap_fixed<5,2,AP_RND_INF,AP_WRAP>")),
                )
                .with_layer(
                    dense("fc2", 4).with_precision(result("ap_ufixed<6,2,AP_RND_ZERO,AP_SAT>")),
                ),
            "weight rounding, 5-6 bit results, unsigned saturated output",
        ),
        (
            Network::new("activation_maps", vec![6, 5, 3], fx("ap_fixed<12,4>"))
                .with_layer(conv2d("c1", 4, [3, 3], [1, 1], Padding::Same))
                .with_layer(act("sig", Activation::Sigmoid(Table::default())))
                .with_layer(conv2d("c2", 6, [3, 3], [1, 1], Padding::Same))
                .with_layer(act("prelu", Activation::PReLU(NoParams {})))
                .with_layer(act(
                    "tanh",
                    Activation::Tanh(Table {
                        table_size: 256,
                        table_t: fx("ap_fixed<12,2>"),
                    }),
                ))
                .with_layer(conv2d("c3", 5, [1, 1], [1, 1], Padding::Same))
                .with_layer(
                    act("soft", Activation::Softmax(Softmax::default()))
                        .with_precision(result("ap_ufixed<10,0,AP_RND,AP_SAT>")),
                )
                .with_layer(flatten("flat"))
                .with_layer(dense("fc", 8))
                .with_layer(act(
                    "elu",
                    Activation::ELU(Elu {
                        alpha: 0.7,
                        ..Elu::default()
                    }),
                ))
                .with_layer(act("ssign", Activation::Softsign(Table::default())))
                .with_layer(dense("out", 3))
                .with_layer(act("splus", Activation::Softplus(Table::default()))),
            "Sigmoid, PReLU per channel, Tanh (256 x ap_fixed<12,2>), per-pixel Softmax over \
             channels on maps, ELU 0.7, Softsign, Softplus",
        ),
    ];
    for (k, (net, _)) in nets.iter_mut().enumerate() {
        *net = randomize(net.clone(), 1000 + k as u64);
    }
    nets
}

/// Skips the test (or fails it on CI) when a tool it needs is unavailable.
fn unavailable(what: &str) {
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("HLS zoo cannot run on CI: {what}");
    }
    eprintln!("\n{0}\nSKIPPED HLS zoo: {what}\n{0}\n", "!".repeat(78));
}

fn ap_types_dir() -> Option<PathBuf> {
    if Command::new("g++").arg("--version").output().is_err() {
        unavailable("g++ not found; install g++ (e.g. `apt-get install g++`)");
        return None;
    }
    match hwnas_hls::ap_types::locate(Path::new(env!("CARGO_TARGET_TMPDIR"))) {
        Ok(d) => Some(d),
        Err(e) => {
            unavailable(&e.to_string());
            None
        }
    }
}

/// Writes, compiles (strict warnings) and runs one network; returns the number of comparisons.
fn check_one(
    net: &Network,
    what: &str,
    io: IoType,
    ap: &Path,
    root: &Path,
) -> Result<usize, String> {
    let q = QNetwork::from_network(net).map_err(|e| e.to_string())?;
    let stream = io == IoType::IoStream;
    let label = if stream {
        format!("{}/stream", net.name)
    } else {
        net.name.clone()
    };
    let dir = root.join(&label);
    let cfg = HlsConfig {
        io,
        tb_samples: SAMPLES,
        seed: 77,
        ..HlsConfig::default()
    };
    let report = emit::write_qnetwork(&q, &cfg, &dir).map_err(|e| e.to_string())?;
    let opts = CsimOptions {
        ap_types: Some(ap.to_path_buf()),
        // -O0: the strict warning check of the firmware (at -O1 and above GCC's flow analysis
        // warns inside the ap_types headers themselves).
        flags: Vec::new(),
        strict: true,
        // Both ways of compiling the weights are held to the emulator: the ap_fixed constants
        // synthesis sees (io_parallel projects) and the raw integers of the fast C simulation
        // (io_stream projects).
        fast_weights: stream,
        ..CsimOptions::default()
    };
    let build = csim::compile(&dir, &opts).map_err(|e| e.to_string())?;
    let run = build.run(None).map_err(|e| e.to_string())?;
    let inputs = emit::random_inputs(&q, SAMPLES, 77);
    let expected = Emulator::new(&q).unwrap().run_raw(&inputs).unwrap();
    let flat: Vec<f64> = run.outputs.concat();
    let got = csim::to_raw(&flat, &q.output_type()).map_err(|e| e.to_string())?;
    if got.len() != expected.len() {
        return Err(format!(
            "{}: C-sim gave {} outputs, the emulator {}",
            net.name,
            got.len(),
            expected.len()
        ));
    }
    let bad: Vec<usize> = (0..got.len()).filter(|&i| got[i] != expected[i]).collect();
    if let Some(&i) = bad.first() {
        let n = q.output_len();
        return Err(format!(
            "{} ({what}): {} of {} outputs differ; first: sample {} output {}: C-sim raw {}, \
             emulator raw {}",
            net.name,
            bad.len(),
            got.len(),
            i / n,
            i % n,
            got[i],
            expected[i]
        ));
    }
    assert!(run.matches_expected, "{}: {}", net.name, run.summary);
    // The comparison must be informative: outputs that are all equal (e.g. all saturated)
    // would hide arithmetic differences.
    let mut distinct = expected.clone();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 20 {
        return Err(format!(
            "{}: only {} distinct output values; the test network is degenerate",
            net.name,
            distinct.len()
        ));
    }
    println!(
        "  {:<21} {:>6} outputs bit-exact ({} warnings; g++ {:.1} s) — {what}",
        label,
        got.len(),
        report.warnings.len(),
        build.compile_time.as_secs_f64()
    );
    Ok(got.len())
}

#[test]
fn csim_equals_emulator_bit_for_bit() {
    let start = Instant::now();
    let Some(ap) = ap_types_dir() else { return };
    let zoo = zoo();
    assert!(zoo.len() >= 16);
    let runs = runs(&zoo);
    let root = tempfile::tempdir().unwrap();
    let results: Vec<Result<usize, String>> = parallel::map_on_threads(&runs, |(net, what, io)| {
        check_one(net, what, *io, &ap, root.path())
    });
    let errors: Vec<&String> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(
        errors.is_empty(),
        "HLS zoo failures:\n{}",
        errors
            .iter()
            .map(|e| e.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    let total: usize = results.iter().filter_map(|r| r.as_ref().ok()).sum();
    println!(
        "HLS zoo: {} networks, {} io_parallel + {} io_stream projects x {SAMPLES} inputs: {total} \
         raw output comparisons, all bit-exact ({:.1} s)",
        zoo.len(),
        zoo.len(),
        STREAM_NETS.len(),
        start.elapsed().as_secs_f64()
    );
}

/// All files under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// The body of every `void name(...) { ... }` definition in `src`.
fn function_bodies(src: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = src;
    while let Some(pos) = rest.find("\nvoid ") {
        let after = &rest[pos + 6..];
        let name: String = after
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let Some(open) = after.find('{') else { break };
        let semi = after.find(';').unwrap_or(usize::MAX);
        if semi < open && !after[..open].contains(')') {
            rest = after;
            continue;
        }
        let mut depth = 0;
        let mut end = open;
        for (i, ch) in after[open..].char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + i;
                        break;
                    }
                }
                _ => {}
            }
        }
        out.push((name, after[open..=end].to_string()));
        rest = &after[end..];
    }
    out
}

/// Lint of the firmware (everything under `firmware/`): no dynamic allocation, no STL
/// containers, no recursion, loop bounds only from compile-time constants.
#[test]
fn firmware_lint() {
    let root = tempfile::tempdir().unwrap();
    let mut checked_loops = 0;
    let mut checked_functions = 0;
    for (net, _, io) in runs(&zoo()) {
        let q = QNetwork::from_network(&net).unwrap();
        let dir = root.path().join(format!("{}_{io:?}", net.name));
        emit::write_qnetwork(
            &q,
            &HlsConfig {
                io,
                ..HlsConfig::default()
            },
            &dir,
        )
        .unwrap();
        assert!(dir.join(MARKER).is_file());
        for file in files_under(&dir.join("firmware")) {
            let src = std::fs::read_to_string(&file).unwrap();
            let shown = file.display();
            for banned in [
                "new ",
                "malloc",
                "calloc",
                "realloc",
                "free(",
                "delete ",
                "std::vector",
                "std::map",
                "std::list",
                "std::deque",
                "std::string",
                "std::set",
                "<vector>",
                "<map>",
                "<memory>",
                "<string>",
                "std::unique_ptr",
                "std::shared_ptr",
            ] {
                assert!(!src.contains(banned), "{shown}: contains `{banned}`");
            }
            assert!(
                !src.contains("#pragma HLS"),
                "{shown}: bare `#pragma HLS` (use HWNAS_PRAGMA)"
            );
            for (name, body) in function_bodies(&src) {
                checked_functions += 1;
                assert!(
                    !body.contains(&format!("{name}<")) && !body.contains(&format!("{name}(")),
                    "{shown}: `{name}` calls itself"
                );
            }
            for (k, _) in src.match_indices("for (") {
                let header = &src[k + 5..k + 5 + src[k + 5..].find(')').unwrap()];
                let cond = header.split(';').nth(1).unwrap_or("").trim();
                let bound = cond.split_once('<').map(|(_, b)| b.trim()).unwrap_or("");
                let ok = !bound.is_empty()
                    && bound
                        .split(|c: char| " */+-()".contains(c))
                        .filter(|t| !t.is_empty())
                        .all(|t| {
                            t.starts_with("CONFIG_T::")
                                || t.chars().all(|c| c.is_ascii_digit())
                                || t == "N"
                        });
                assert!(
                    ok,
                    "{shown}: loop `for ({header})` has a bound that is not a CONFIG_T constant"
                );
                checked_loops += 1;
            }
        }
    }
    assert!(
        checked_loops > 50 && checked_functions > 20,
        "{checked_loops} loops, {checked_functions} functions"
    );
    println!("firmware lint: {checked_loops} loops and {checked_functions} functions checked");
}

/// `write_qnetwork` refuses foreign directories, needs `force` for its own, and replaces
/// atomically; an invalid reuse factor is snapped with a warning naming both values.
#[test]
fn project_directory_rules_and_rf_snapping() {
    let (net, _) = zoo()
        .into_iter()
        .find(|(n, _)| n.name == "conv1d_stride")
        .unwrap();
    let q = QNetwork::from_network(&net).unwrap();
    let root = tempfile::tempdir().unwrap();
    let foreign = root.path().join("mine");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("keep.txt"), "x").unwrap();
    let cfg = HlsConfig::default();
    let err = emit::write_qnetwork(
        &q,
        &HlsConfig {
            force: true,
            ..cfg.clone()
        },
        &foreign,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("not written by hwnas"), "{err}");
    assert!(foreign.join("keep.txt").is_file());

    let dir = root.path().join("prj");
    let report = emit::write_qnetwork(&q, &cfg, &dir).unwrap();
    // Conv1D k5 x 2 channels = 10 inputs x 3 filters: RF 4 is invalid (valid: 1, 2, 5, 10,
    // 30), 5 is the nearest valid one.
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert!(
        report.warnings[0].contains("reuse factor 4") && report.warnings[0].contains(", 5"),
        "{}",
        report.warnings[0]
    );
    let err = emit::write_qnetwork(&q, &cfg, &dir)
        .unwrap_err()
        .to_string();
    assert!(err.contains("--force"), "{err}");
    std::fs::write(dir.join("stale.txt"), "old").unwrap();
    emit::write_qnetwork(&q, &HlsConfig { force: true, ..cfg }, &dir).unwrap();
    assert!(
        !dir.join("stale.txt").exists(),
        "force replaces the whole directory"
    );
    assert!(dir.join("firmware/conv1d_stride.cpp").is_file());
    let leftovers: Vec<_> = std::fs::read_dir(root.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// An architecture-only network is refused with what to change; io_stream is accepted and
/// writes stream ports, AXI-stream interfaces, DATAFLOW and sized intermediate streams.
#[test]
fn unsupported_requests_are_explained() {
    let net = Network::new("arch", vec![4], fx("ap_fixed<8,3>")).with_layer(dense("fc", 2));
    let err = QNetwork::from_network(&net).unwrap_err().to_string();
    assert!(err.contains("has no weights"), "{err}");
    let (net, _) = zoo().into_iter().next().unwrap();
    let q = QNetwork::from_network(&net).unwrap();
    let root = tempfile::tempdir().unwrap();
    let cfg = HlsConfig {
        io: IoType::IoStream,
        ..HlsConfig::default()
    };
    let dir = root.path().join("s");
    emit::write_qnetwork(&q, &cfg, &dir).unwrap();
    let top = std::fs::read_to_string(dir.join("firmware/mlp_small.cpp")).unwrap();
    for want in [
        "hls::stream<input_pixel_t> &x, hls::stream<result_pixel_t> &y",
        "HLS INTERFACE axis port = x",
        "HLS DATAFLOW",
        "hls::stream<hwnas::array<layer2_t, 16>> layer2_out",
        "HLS STREAM variable = layer2_out depth = 1",
        "hwnas::dense_stream<",
    ] {
        assert!(top.contains(want), "no `{want}` in:\n{top}");
    }
}
