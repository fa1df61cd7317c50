//! The export checked by an outside executor: QONNX's own reference execution
//! (`qonnx.core.onnx_exec.execute_onnx`, run by `scripts/onnx/run_qonnx.py`) of hwnas's export
//! must compute, bit for bit, what the bit-exact emulator computes.
//!
//! The networks: the searched network of `examples/bring_your_own.rs` (`exports/
//! energy_searched.json`) and the map network of `common` (padding, strided and valid
//! convolutions, upsampling, both poolings, a channels-first Flatten before a Dense), both under
//! the `hwnas` type preset (lossless accumulators: QONNX sums in float). Two things QONNX
//! cannot say are taken out first: weights become the values hls4ml's firmware loads
//! (`FixedType::quantize_printed`: hls4ml prints each weight with as many decimals as its type
//! has fractional bits, which rounds twice for types with no fractional bits), and wrapping
//! types saturate (a `Quant` always clamps).
//!
//! The files in `tests/exports/` are the golden: `<name>.onnx` (the export) and
//! `<name>.qonnx.npy` (QONNX's outputs for 200 inputs both sides generate from one seed). The
//! test checks that today's export is still that file and that the emulator gives QONNX's
//! outputs. After a deliberate change of the export, `HWNAS_BLESS=1 cargo test --release -p
//! hwnas-onnx --test qonnx_exec` rewrites the exports; then run `python
//! scripts/onnx/run_qonnx.py` (needs `qonnx`) and read the diff.

mod common;

use std::path::{Path, PathBuf};

use hwnas_core::fixed::{FixedType, Overflow};
use hwnas_core::ir::{Network, Tensor};
use hwnas_hls::emulate::Emulator;
use hwnas_hls::model::QNetwork;

const SAMPLES: usize = 200;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/exports")
}

/// `net` with every Dense/Conv weight and bias replaced by the value the firmware loads, and
/// every wrapping type saturating (a `Quant` clamps; QONNX has no wrap-around).
fn firmware_weights(net: &Network) -> Network {
    let mut out = net.clone();
    let sat = |t: &mut FixedType| {
        if t.overflow == Overflow::Wrap {
            t.overflow = Overflow::Sat;
        }
    };
    sat(&mut out.input_type);
    sat(&mut out.default_precision);
    for l in &mut out.layers {
        for t in [
            &mut l.precision.weight,
            &mut l.precision.bias,
            &mut l.precision.result,
        ] {
            t.iter_mut().for_each(sat);
        }
    }
    let analysis = net.analyze().unwrap();
    for (layer, info) in net.layers.iter().zip(&analysis.layers) {
        for (key, t) in [("weight", info.types.weight), ("bias", info.types.bias)] {
            let (Some(t), Some(w)) = (t, net.weights.get(&format!("{}.{key}", layer.name))) else {
                continue;
            };
            let data = w
                .data
                .iter()
                .map(|&v| t.to_f64(t.quantize_printed(v)) as f32)
                .collect();
            out.weights.insert(
                format!("{}.{key}", layer.name),
                Tensor::new(w.shape.clone(), data).unwrap(),
            );
        }
    }
    out
}

/// Inputs on the input type's grid over half its range (exact in `f32`, so QONNX reads the
/// same values): raw integers from a 64-bit LCG, reproduced by `scripts/onnx/run_qonnx.py`.
fn inputs(net: &Network, seed: u64) -> Vec<f64> {
    let n: usize = net.input_shape.iter().product::<usize>() * SAMPLES;
    let t = net.input_type;
    let half = 1u64 << (t.width - 1);
    let mut next = common::lcg(seed);
    (0..n)
        .map(|_| {
            let raw = (next() % half) as i64 - (half / 2) as i64;
            raw as f64 * 2f64.powi(-t.frac_bits())
        })
        .collect()
}

fn check(name: &str, net: &Network) {
    let net = firmware_weights(net);
    let bytes = hwnas_onnx::to_bytes(&net).unwrap();
    let x = inputs(&net, 3);
    let onnx = dir().join(format!("{name}.onnx"));
    if std::env::var_os("HWNAS_BLESS").is_some() {
        std::fs::write(&onnx, &bytes).unwrap();
        println!("{name}: wrote the export; now run scripts/onnx/run_qonnx.py");
        return;
    }
    assert!(
        std::fs::read(&onnx).unwrap() == bytes,
        "{name}: the export changed; regenerate the golden (see the module docs)"
    );
    let q = QNetwork::from_network(&net).unwrap();
    let emulated = Emulator::new(&q).unwrap().run_f64(&x).unwrap();
    let qonnx =
        hwnas_core::samples::read_array(&dir().join(format!("{name}.qonnx.npy")), None).unwrap();
    assert_eq!(emulated.len(), qonnx.values.len());
    let differ = emulated
        .iter()
        .zip(&qonnx.values)
        .filter(|(a, b)| a != b)
        .count();
    if differ > 0 {
        println!(
            "{name}: emulator {:?}\n   qonnx {:?}",
            &emulated[..6],
            &qonnx.values[..6]
        );
    }
    println!(
        "{name}: QONNX's execution of the export vs the emulator: {differ} of {} outputs differ",
        emulated.len()
    );
    assert_eq!(differ, 0, "{name}");
}

#[test]
fn qonnx_executes_the_export_as_the_emulator_computes() {
    let searched = Network::load(&dir().join("energy_searched.json")).unwrap();
    check("energy_searched", &searched);
    check("maps", &common::maps());
}
