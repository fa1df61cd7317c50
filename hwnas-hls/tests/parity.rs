//! Parity with hls4ml 1.3.0, bit for bit: golden files made by hls4ml's own C simulation.
//!
//! `scripts/parity/make_golden.py` (run in the venv of `scripts/parity/setup.sh`; not needed
//! here) builds each network of `tests/parity/` in Keras with seeded weights, converts it with
//! hls4ml 1.3.0, runs hls4ml's C simulation on 1,000 inputs on the input type's grid, and commits
//! the network as hwnas IR + weights with hls4ml's outputs, the types hls4ml resolved and the
//! weight files its firmware loaded. This test checks, for every network:
//!
//! 1. every constant hwnas quantises (weights, biases, folded BatchNorm scales and biases) equals
//!    the one hls4ml's firmware loads;
//! 2. the emulator's outputs equal hls4ml's C-sim outputs exactly;
//! 3. the C simulation of the project hwnas writes (same io type, same inputs) equals them too.
//!
//! `cargo test --release -p hwnas-hls --test parity -- --nocapture` prints the counts. Without
//! g++ or the `ap_types` headers part 3 is skipped loudly (and fails on CI).

#[path = "common/parallel.rs"]
mod parallel;

use std::path::{Path, PathBuf};
use std::process::Command;

use hwnas_core::cost::IoType;
use hwnas_core::fixed::FixedType;
use hwnas_core::ir::Network;
use hwnas_hls::csim::{self, CsimOptions};
use hwnas_hls::emit::{self, HlsConfig};
use hwnas_hls::emulate::Emulator;
use hwnas_hls::model::{QActivation, QConv, QDense, QNetwork, QOp, QScale};
use serde_json::Value;

fn golden_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/parity")
}

/// The golden networks hls4ml converted (`status: ok` in the manifest).
fn goldens() -> Vec<(String, IoType, String)> {
    let text = std::fs::read_to_string(golden_root().join("manifest.json")).unwrap();
    let manifest: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(manifest["versions"]["hls4ml"], "1.3.0");
    manifest["networks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["status"] == "ok")
        .map(|n| {
            let io = match n["io_type"].as_str().unwrap() {
                "io_stream" => IoType::IoStream,
                _ => IoType::IoParallel,
            };
            (
                n["name"].as_str().unwrap().to_string(),
                io,
                n["description"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn read_csv(path: &Path) -> Vec<Vec<f64>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split(',').map(|v| v.trim().parse().unwrap()).collect())
        .collect()
}

struct Golden {
    name: String,
    dir: PathBuf,
    q: QNetwork,
    inputs: Vec<f64>,
    outputs: Vec<f64>,
    types: Value,
}

fn load(name: &str) -> Golden {
    let dir = golden_root().join(name);
    let net = Network::load(&dir.join("network.json"))
        .unwrap_or_else(|e| panic!("{name}: the golden IR does not load: {e}"));
    let q = QNetwork::from_network(&net).unwrap_or_else(|e| panic!("{name}: {e}"));
    let inputs: Vec<f64> = read_csv(&dir.join("inputs.csv")).concat();
    let outputs: Vec<f64> = read_csv(&dir.join("outputs.csv")).concat();
    let types: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("hls4ml_types.json")).unwrap())
            .unwrap();
    Golden {
        name: name.to_string(),
        dir,
        q,
        inputs,
        outputs,
        types,
    }
}

/// `(hls4ml type, hls4ml file)` of a layer's constant, from `hls4ml_types.json`.
fn hls4ml_constant(g: &Golden, layer: &str, key: &str) -> Option<(FixedType, PathBuf)> {
    let l = g.types["layers"]
        .as_array()?
        .iter()
        .find(|l| l["name"] == layer)?;
    let w = &l["weights"][key];
    let ty: FixedType = w["cpp"].as_str()?.parse().ok()?;
    let file = g
        .dir
        .join("hls4ml_weights")
        .join(format!("{}.txt", w["var"].as_str()?));
    Some((ty, file))
}

/// Compares hwnas's quantised constants with the decimals hls4ml's firmware loads, as sorted
/// raw values (hls4ml may store a kernel transposed). Returns (constants compared, errors).
fn check_constants(g: &Golden) -> (usize, Vec<String>) {
    let mut errors = Vec::new();
    let mut compared = 0;
    for l in &g.q.layers {
        let tensors = match &l.op {
            QOp::Dense(QDense { weight, bias, .. }) | QOp::Conv(QConv { weight, bias, .. }) => {
                let mut v = vec![("weight", weight)];
                v.extend(bias.as_ref().map(|b| ("bias", b)));
                v
            }
            QOp::Scale(QScale { scale, bias, .. }) => vec![("scale", scale), ("bias", bias)],
            QOp::Activation(QActivation::Prelu { alpha }) => vec![("param", alpha)],
            _ => continue,
        };
        for (key, t) in tensors {
            let Some((ty, file)) = hls4ml_constant(g, &l.name, key) else {
                errors.push(format!(
                    "{}: hls4ml has no `{key}` for layer `{}`",
                    g.name, l.name
                ));
                continue;
            };
            if ty != t.ty {
                errors.push(format!(
                    "{}: `{}.{key}` is {} in hwnas, {ty} in hls4ml",
                    g.name, l.name, t.ty
                ));
                continue;
            }
            let text = std::fs::read_to_string(&file).unwrap();
            let mut theirs: Vec<i128> = text
                .split(',')
                .map(|v| ty.quantize(v.trim().parse::<f64>().unwrap()))
                .collect();
            let mut ours = t.raw.clone();
            theirs.sort_unstable();
            ours.sort_unstable();
            compared += ours.len();
            if theirs != ours {
                let differ = ours.iter().zip(&theirs).filter(|(a, b)| a != b).count();
                errors.push(format!(
                    "{}: `{}.{key}`: {differ} of {} quantised constants differ from hls4ml's",
                    g.name,
                    l.name,
                    ours.len()
                ));
            }
        }
    }
    (compared, errors)
}

/// Emulator outputs as real values, against hls4ml's.
fn check_emulator(g: &Golden) -> (usize, usize, Option<String>) {
    let emu = Emulator::new(&g.q).unwrap();
    let got = emu.run_f64(&g.inputs).unwrap();
    first_difference(g, "emulator", &got)
}

fn first_difference(g: &Golden, who: &str, got: &[f64]) -> (usize, usize, Option<String>) {
    assert_eq!(
        got.len(),
        g.outputs.len(),
        "{}: {who} gave {} outputs, hls4ml {}",
        g.name,
        got.len(),
        g.outputs.len()
    );
    let n_out = g.q.output_len();
    let bad: Vec<usize> = (0..got.len())
        .filter(|&i| got[i].to_bits() != g.outputs[i].to_bits() && got[i] != g.outputs[i])
        .collect();
    let first = bad.first().map(|&i| {
        format!(
            "{}: {who}: {} of {} outputs differ from hls4ml's C-sim; first: sample {} output {}: \
             hwnas {}, hls4ml {}",
            g.name,
            bad.len(),
            got.len(),
            i / n_out,
            i % n_out,
            got[i],
            g.outputs[i]
        )
    });
    (got.len(), bad.len(), first)
}

fn ap_types_dir() -> Option<PathBuf> {
    let skip = |what: &str| {
        if std::env::var_os("CI").is_some() {
            panic!("the parity suite's C simulation cannot run on CI: {what}");
        }
        eprintln!("\nSKIPPED parity C simulation: {what}\n");
        None
    };
    if Command::new("g++").arg("--version").output().is_err() {
        return skip("g++ not found; install g++");
    }
    match hwnas_hls::ap_types::locate(Path::new(env!("CARGO_TARGET_TMPDIR"))) {
        Ok(d) => Some(d),
        Err(e) => skip(&e.to_string()),
    }
}

/// Writes hwnas's project for the golden network, C-simulates it on hls4ml's inputs.
fn check_csim(g: &Golden, io: IoType, ap: &Path, root: &Path) -> (usize, usize, Option<String>) {
    let dir = root.join(&g.name);
    let cfg = HlsConfig {
        io,
        tb_inputs: Some(g.inputs.clone()),
        ..HlsConfig::default()
    };
    if let Err(e) = emit::write_qnetwork(&g.q, &cfg, &dir) {
        return (0, 1, Some(format!("{}: writing the project: {e}", g.name)));
    }
    let opts = CsimOptions {
        ap_types: Some(ap.to_path_buf()),
        ..CsimOptions::default()
    };
    let run = csim::compile(&dir, &opts).and_then(|b| b.run(None));
    match run {
        Ok(run) => first_difference(g, "C-sim", &run.outputs.concat()),
        Err(e) => (0, 1, Some(format!("{}: C simulation: {e}", g.name))),
    }
}

#[test]
fn hwnas_equals_hls4ml_bit_for_bit() {
    let goldens = goldens();
    assert!(
        goldens.len() >= 21,
        "the parity suite has {} networks",
        goldens.len()
    );
    let ap = ap_types_dir();
    let root = tempfile::tempdir().unwrap();
    let mut errors = Vec::new();
    let (mut n_const, mut n_emu, mut n_csim, mut d_emu, mut d_csim) = (0, 0, 0, 0, 0);
    let results = parallel::map_on_threads(&goldens, |(name, io, what)| {
        let g = load(name);
        let constants = check_constants(&g);
        let emu = check_emulator(&g);
        let csim = ap.as_ref().map(|ap| check_csim(&g, *io, ap, root.path()));
        (name.clone(), *io, what.clone(), constants, emu, csim)
    });
    println!("hls4ml 1.3.0 parity (golden C-sim outputs in hwnas-hls/tests/parity/):");
    for (name, io, what, (nc, ce), (ne, de, fe), csim) in results {
        n_const += nc;
        errors.extend(ce);
        n_emu += ne;
        d_emu += de;
        errors.extend(fe);
        let csim_text = match csim {
            Some((nc2, dc, fc)) => {
                n_csim += nc2;
                d_csim += dc;
                errors.extend(fc);
                format!("C-sim {dc} differ")
            }
            None => "C-sim skipped".into(),
        };
        let io = if io == IoType::IoStream {
            "stream"
        } else {
            "parallel"
        };
        println!(
            "  {name:<28} {io:<8} {nc:>5} constants, {ne:>6} outputs: emulator {de} differ, \
             {csim_text} — {what}"
        );
    }
    println!(
        "parity: {} networks, {n_const} constants and {n_emu} outputs compared with hls4ml's \
         C simulation: emulator {d_emu} differences, hwnas C-sim {d_csim} differences ({n_csim} \
         outputs)",
        goldens.len()
    );
    assert!(errors.is_empty(), "parity failures:\n{}", errors.join("\n"));
    assert!(n_emu >= 21 * 1000, "too few outputs compared: {n_emu}");
}
