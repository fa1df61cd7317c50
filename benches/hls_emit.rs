//! Benches of the HLS side: writing a DeepCalo-sized project, and the emulator against the
//! compiled C simulation on the jet MLP.
//!
//! `cargo bench --bench hls_emit` prints, besides criterion's timings:
//! * the time to lower and write the 1.8M-parameter DeepCalo project, io_stream and Resource
//!   (target: under 2 s);
//! * the emulator/C-sim speed ratio on the same 1,000 inputs of the jet MLP 16-64-32-32-5
//!   (target: the emulator at least 10x faster), with lossless accumulators (the emulator's
//!   `i64` path) and under hls4ml's `model` preset with rounding, saturating accumulators (the
//!   term-by-term path). The C-sim part needs g++ and the `ap_types` headers (see
//!   `hwnas_hls::ap_types`); without them it is skipped with a message.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use hwnas::core::cost::IoType;
use hwnas::core::rng::{Random, SplitMix64};
use hwnas::hls::csim::{self, CsimOptions};
use hwnas::hls::emit::{self, HlsConfig};
use hwnas::hls::emulate::Emulator;
use hwnas::hls::model::QNetwork;
use hwnas::ir::{Network, Strategy, Tensor, TypePreset};

/// Seeded uniform values in `[-scale, scale)`.
fn random(n: usize, scale: f32, rng: &mut SplitMix64) -> Vec<f32> {
    (0..n)
        .map(|_| (rng.uniform() as f32 * 2.0 - 1.0) * scale)
        .collect()
}

/// Loads an example network and gives it seeded random weights.
fn with_random_weights(path: &str) -> Network {
    let mut net = Network::load(Path::new(path)).expect("example network");
    let a = net.analyze().expect("valid network");
    let mut rng = SplitMix64::new(42);
    for (layer, info) in net.layers.iter().zip(&a.layers) {
        for (param, shape) in &info.weight_shapes {
            let n: usize = shape.iter().product();
            let data = match *param {
                "variance" | "gamma" => vec![1.0; n],
                _ => random(n, 0.1, &mut rng),
            };
            net.weights.insert(
                format!("{}.{param}", layer.name),
                Tensor::new(shape.clone(), data).expect("shape"),
            );
        }
    }
    net
}

fn deepcalo_write(c: &mut Criterion) {
    let net = with_random_weights("examples/nets/deepcalo.json");
    let params = net.analyze().expect("valid").total_params();
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("deepcalo_prj");
    let cfg = HlsConfig {
        io: IoType::IoStream,
        strategy: Some(Strategy::Resource),
        force: true,
        ..HlsConfig::default()
    };
    let start = Instant::now();
    let q = QNetwork::from_network(&net).expect("lower");
    emit::write_qnetwork(&q, &cfg, &out).expect("write");
    println!(
        "deepcalo ({params} parameters, io_stream, Resource): lower + write {:.3} s (target < 2 s)",
        start.elapsed().as_secs_f64()
    );
    let mut g = c.benchmark_group("emit");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("deepcalo_lower_and_write", |b| {
        b.iter(|| {
            let q = QNetwork::from_network(black_box(&net)).expect("lower");
            emit::write_qnetwork(&q, &cfg, &out).expect("write")
        })
    });
    g.finish();
}

fn emulator_vs_csim(c: &mut Criterion) {
    let net = with_random_weights("examples/nets/jet_mlp.json");
    emulator_vs_csim_on(
        c,
        "jet_mlp_1000",
        "jet MLP (lossless accumulators: i64 path)",
        &net,
    );
    // The same network under hls4ml's `model` preset with a rounding, saturating default: every
    // product is cast to the accumulator and added with saturation (the term-by-term path).
    let mut rnd_sat = net.clone();
    rnd_sat.type_preset = TypePreset::Model;
    rnd_sat.default_precision = "ap_fixed<16,6,AP_RND_CONV,AP_SAT>".parse().expect("type");
    emulator_vs_csim_on(
        c,
        "jet_mlp_rnd_sat_1000",
        "jet MLP (model preset, RND_CONV/SAT accumulators: term-by-term path)",
        &rnd_sat,
    );
}

/// Times the emulator and the compiled C simulation of `net` on the same 1,000 inputs.
fn emulator_vs_csim_on(c: &mut Criterion, id: &str, what: &str, net: &Network) {
    let q = QNetwork::from_network(net).expect("lower");
    let inputs = emit::random_inputs(&q, 1000, 7);
    let emu = Emulator::new(&q).expect("emulator");
    let mut g = c.benchmark_group(id);
    g.bench_function("emulator", |b| {
        b.iter(|| emu.run_raw(black_box(&inputs)).expect("run"))
    });
    g.finish();
    let one = emu.clone().with_threads(1);
    let t_emu = time_best(|| {
        emu.run_raw(&inputs).expect("run");
    });
    let t_emu1 = time_best(|| {
        one.run_raw(&inputs).expect("run");
    });

    let dir = tempfile::tempdir().expect("temp dir");
    let prj = dir.path().join(id);
    emit::write_qnetwork(&q, &HlsConfig::default(), &prj).expect("write");
    let build = match csim::compile(&prj, &CsimOptions::default()) {
        Ok(b) => b,
        Err(e) => {
            println!("{what}: emulator vs C-sim skipped, C simulation unavailable: {e}");
            return;
        }
    };
    let file = prj.join("tb_data/bench_inputs.dat");
    csim::write_inputs(&file, &q.input_type, &inputs, q.input_len()).expect("inputs");
    let mut t_csim = Duration::MAX;
    for _ in 0..5 {
        let run = build.run(Some(&file)).expect("csim");
        t_csim = t_csim.min(run.run_time);
        let got = csim::to_raw(&run.outputs.concat(), &q.output_type()).expect("exact outputs");
        assert_eq!(
            got,
            emu.run_raw(&inputs).expect("run"),
            "C-sim differs from the emulator"
        );
    }
    println!(
        "{what}, 1000 inputs: emulator {:.3} ms ({} threads), {:.3} ms (1 thread); C-sim \
         executable {:.3} ms (g++ -O2); C-sim / emulator = {:.1}x ({:.1}x single-threaded)",
        t_emu.as_secs_f64() * 1e3,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        t_emu1.as_secs_f64() * 1e3,
        t_csim.as_secs_f64() * 1e3,
        t_csim.as_secs_f64() / t_emu.as_secs_f64(),
        t_csim.as_secs_f64() / t_emu1.as_secs_f64()
    );
}

/// Best of 20 runs.
fn time_best(mut f: impl FnMut()) -> Duration {
    (0..20)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed()
        })
        .min()
        .unwrap_or_default()
}

criterion_group!(benches, deepcalo_write, emulator_vs_csim);
criterion_main!(benches);
