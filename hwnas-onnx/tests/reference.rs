//! The import checked against outside references, on the models of `tests/models/` (written by
//! `scripts/onnx/make_models.py` the way PyTorch, tf2onnx and Brevitas lay them out):
//!
//! - float models: tract (a maintained Rust ONNX runtime) runs the ONNX file; hwnas's float
//!   path (the supernet loaded with the imported weights) and the bit-exact emulator with wide
//!   types must agree with it, the emulator within its types' quantisation (16 fractional bits,
//!   and hls4ml's 1024-entry activation tables);
//! - the QONNX model: the emulator must equal, bit for bit, the outputs of QONNX's reference
//!   semantics computed by the script (`qonnx_mlp.expected.npy`).
//!
//! Release: `cargo test --release -p hwnas-onnx --test reference -- --nocapture` prints the
//! agreement figures.

mod common;

use std::path::{Path, PathBuf};

use burn::backend::{Autodiff, Flex};
use hwnas_core::fixed::FixedType;
use hwnas_core::ir::{Activation, Op, TypePreset};
use hwnas_core::search::{Dataset, predict, supernet_from_network};
use hwnas_hls::emulate::Emulator;
use hwnas_hls::model::QNetwork;
use tract_onnx::prelude::*;

type B = Autodiff<Flex>;
const SAMPLES: usize = 64;

fn model(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/models")
        .join(name)
}

/// Deterministic inputs in [-2, 2).
fn inputs(n: usize, seed: u64) -> Vec<f32> {
    let mut next = common::lcg(seed);
    (0..n)
        .map(|_| next() as f32 / (1u64 << 24) as f32 * 4.0 - 2.0)
        .collect()
}

/// tract's outputs of the ONNX file for `x` laid out as `shape` (batch first).
fn tract_outputs(path: &Path, shape: &[usize], x: &[f32]) -> Vec<f32> {
    let plan = tract_onnx::onnx()
        .model_for_path(path)
        .unwrap()
        .with_input_fact(0, f32::fact(shape).into())
        .unwrap()
        .into_optimized()
        .unwrap()
        .into_runnable()
        .unwrap();
    let input =
        tract_ndarray::ArrayD::from_shape_vec(tract_ndarray::IxDyn(shape), x.to_vec()).unwrap();
    let out = plan.run(tvec!(Tensor::from(input).into())).unwrap();
    out[0]
        .to_array_view::<f32>()
        .unwrap()
        .iter()
        .copied()
        .collect()
}

/// Samples of channels-first `[n, c, rest...]` as channels-last `[n, rest..., c]`.
fn channels_last(x: &[f32], shape: &[usize]) -> Vec<f32> {
    if shape.len() < 3 {
        return x.to_vec();
    }
    let (n, c) = (shape[0], shape[1]);
    let positions: usize = shape[2..].iter().product();
    let mut out = vec![0f32; x.len()];
    for s in 0..n {
        for ch in 0..c {
            for p in 0..positions {
                out[(s * positions + p) * c + ch] = x[(s * c + ch) * positions + p];
            }
        }
    }
    out
}

fn max_abs_diff(a: &[f32], b: &[f32]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (*x as f64 - *y as f64).abs())
        .fold(0.0, f64::max)
}

/// A float model, its input shape without the batch as the ONNX file declares it, whether that
/// input is channels-first, and the emulator's tolerance.
struct Case {
    file: &'static str,
    input: &'static [usize],
    channels_first: bool,
    emulator_tolerance: f64,
}

const CASES: [Case; 5] = [
    // The softmax reads hls4ml's exp and inverse tables (ap_fixed<18,8>, 1024 entries) at an
    // ap_fixed<12,5> input: a few per cent on the probabilities.
    Case {
        file: "jet_mlp.onnx",
        input: &[16],
        channels_first: false,
        emulator_tolerance: 0.05,
    },
    // Sigmoid, Tanh, Softplus, Softsign and ELU read 1024-entry tables.
    Case {
        file: "mlp_matmul.onnx",
        input: &[10],
        channels_first: false,
        emulator_tolerance: 0.02,
    },
    Case {
        file: "calo_cnn.onnx",
        input: &[4, 14, 7],
        channels_first: true,
        emulator_tolerance: 5e-5,
    },
    Case {
        file: "conv1d_resize.onnx",
        input: &[2, 13],
        channels_first: true,
        emulator_tolerance: 5e-5,
    },
    Case {
        file: "keras_nhwc.onnx",
        input: &[8, 8, 3],
        channels_first: false,
        emulator_tolerance: 5e-5,
    },
];

#[test]
fn float_models_agree_with_tract() {
    let wide: FixedType = "ap_fixed<40,16>".parse().unwrap();
    let softmax_input: FixedType = "ap_fixed<12,5,AP_RND,AP_SAT>".parse().unwrap();
    let mut supernet_checked = 0;
    for (i, case) in CASES.iter().enumerate() {
        let path = model(case.file);
        let mut net = hwnas_onnx::load(&path).unwrap();
        let mut shape = vec![SAMPLES];
        shape.extend(case.input);
        let x = inputs(shape.iter().product(), 7 + i as u64);
        let reference = tract_outputs(&path, &shape, &x);
        let x_ir = if case.channels_first {
            channels_last(&x, &shape)
        } else {
            x.clone()
        };
        let features = x_ir.len() / SAMPLES;
        let outputs = reference.len() / SAMPLES;

        // Wide types everywhere the model leaves them open.
        net.input_type = wide;
        net.default_precision = wide;
        net.type_preset = TypePreset::Hwnas;

        // The float path, where the supernet can express the network.
        match supernet_from_network::<B>(&net, &Default::default()) {
            Ok(sn) => {
                let data = Dataset::new(
                    x_ir.clone(),
                    vec![0.0; SAMPLES * outputs],
                    features,
                    outputs,
                )
                .unwrap();
                let (pred, _, _) = predict(&sn, &[], &data, SAMPLES).unwrap();
                let f = max_abs_diff(&pred, &reference);
                println!(
                    "{}: supernet float path vs tract: max |diff| {f:.2e}",
                    case.file
                );
                assert!(f <= 1e-5, "{}: {f}", case.file);
                supernet_checked += 1;
            }
            Err(e) => println!("{}: the supernet cannot express it ({e})", case.file),
        }
        // The emulator.
        // hls4ml's softmax addresses its exp table by the top bits of its input: it is meant
        // for a narrow input type, not a 40-bit one.
        for i in 1..net.layers.len() {
            if matches!(net.layers[i].op, Op::Activation(Activation::Softmax(_))) {
                net.layers[i - 1].precision.result = Some(softmax_input);
            }
        }
        let q = QNetwork::from_network(&net).unwrap();
        let x64: Vec<f64> = x_ir.iter().map(|&v| v as f64).collect();
        let emulated: Vec<f32> = Emulator::new(&q)
            .unwrap()
            .run_f64(&x64)
            .unwrap()
            .into_iter()
            .map(|v| v as f32)
            .collect();
        let e = max_abs_diff(&emulated, &reference);
        println!(
            "{}: {} layers; emulator vs tract: max |diff| {e:.2e} over {} outputs",
            case.file,
            net.layers.len(),
            reference.len()
        );

        assert!(e <= case.emulator_tolerance, "{}: {e}", case.file);
    }
    assert!(supernet_checked >= 4, "{supernet_checked}");
}

#[test]
fn the_qonnx_model_equals_qonnx_reference_semantics() {
    let net = hwnas_onnx::load(&model("qonnx_mlp.onnx")).unwrap();
    let types: Vec<String> = net
        .layers
        .iter()
        .map(|l| format!("{}: {:?}", l.name, l.precision))
        .collect();
    let read = |f: &str| hwnas_core::samples::read_array(&model(f), None).unwrap();
    let (x, expected) = (read("qonnx_mlp.inputs.npy"), read("qonnx_mlp.expected.npy"));
    let q = QNetwork::from_network(&net).unwrap();
    let out = Emulator::new(&q).unwrap().run_f64(&x.values).unwrap();
    let differ = out
        .iter()
        .zip(&expected.values)
        .filter(|(a, b)| a != b)
        .count();
    println!(
        "qonnx_mlp.onnx: emulator vs QONNX reference: {differ} of {} outputs differ",
        out.len()
    );
    assert_eq!(differ, 0, "{types:#?}");
    assert_eq!(
        net.input_type.to_string(),
        "ap_fixed<8,4,AP_RND_CONV,AP_SAT,0>"
    );
}
