//! `#[hwnas::searchable]` from an outside crate that depends on the facade `hwnas` alone: the
//! macro's space equals the same space built by hand with the builder (oracle: the hand-written
//! `SpaceSpec`, compared with `==`), typed architectures round-trip through `Arch` for every
//! member of the space, the baseline is the widest member (oracle: parameter counts of every
//! member), and the supernets built through the trait train and derive (CPU, release).

use hwnas::backend::CpuAutodiff;
use hwnas::core::rng::{Random, SplitMix64};
use hwnas::ir::{Op, Padding, Strategy};
use hwnas::prelude::*;
use hwnas::space::{PoolKind, layers};

type B = CpuAutodiff;

/// The space of the issue: a small calorimeter CNN.
#[hwnas::searchable(input = [14, 7, 4], input_type = "ap_fixed<16,6>")]
#[derive(Debug, Clone, PartialEq)]
pub struct Calo {
    /// First convolution.
    #[layer(filters = [4, 8], kernel = [1, 3], weight_bits = [4, 8, 16], result_bits = 16, reuse = [1, 2])]
    pub conv1: Conv2D,
    relu1: ReLU,
    #[layer(pool = 2, op = [max, avg])]
    pool1: Pool2D,
    flat: Flatten,
    #[layer(units = 16, weight_bits = [6, 8], strategy = [resource, latency])]
    fc1: Dense,
    #[layer(units = 16, optional)]
    fc2: Dense,
    #[layer(units = 1)]
    out: Dense,
}

fn calo_by_hand() -> SpaceSpec {
    SpaceSpec::builder("calo", vec![14, 7, 4])
        .input_type("ap_fixed<16,6>".parse().unwrap())
        .layer(
            LayerSpec::conv2d("conv1", &[4, 8], &[1, 3])
                .weight_bits(&[4, 8, 16])
                .result_bits(&[16])
                .reuse_factors(&[1, 2]),
        )
        .layer(LayerSpec::relu("relu1"))
        .layer(LayerSpec::pool2d(
            "pool1",
            [2, 2],
            &[PoolKind::Max, PoolKind::Avg],
        ))
        .layer(LayerSpec::flatten("flat"))
        .layer(
            LayerSpec::dense("fc1", &[16])
                .weight_bits(&[6, 8])
                .strategies(&[Strategy::Resource, Strategy::Latency]),
        )
        .layer(LayerSpec::dense("fc2", &[16]).optional())
        .layer(LayerSpec::dense("out", &[1]))
        .build()
        .unwrap()
}

/// Every option-index vector of a space (mixed radix).
fn all_indices(space: &SpaceSpec) -> Vec<Vec<usize>> {
    let radix: Vec<usize> = space.decisions().iter().map(|d| d.options.len()).collect();
    let total: usize = radix.iter().product();
    (0..total)
        .map(|mut n| {
            radix
                .iter()
                .map(|&r| {
                    let i = n % r;
                    n /= r;
                    i
                })
                .collect()
        })
        .collect()
}

/// Seeded uniform samples in [-1, 1) and a planted linear target.
fn tiny_data(n: usize, features: usize, seed: u64) -> Dataset {
    let mut rng = SplitMix64::new(seed);
    let mut next = || rng.uniform() as f32 * 2.0 - 1.0;
    let x: Vec<f32> = (0..n * features).map(|_| next()).collect();
    let y: Vec<f32> = x
        .chunks(features)
        .map(|r| r.iter().step_by(3).sum::<f32>() / features as f32)
        .collect();
    Dataset::new(x, y, features, 1).unwrap()
}

#[test]
fn macro_space_equals_the_hand_built_space() {
    let space = Calo::space().unwrap();
    assert_eq!(space, calo_by_hand());
    let names: Vec<&str> = space.decisions().iter().map(|d| d.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "conv1.width",
            "conv1.kernel",
            "conv1.weight_bits",
            "conv1.reuse_factor",
            "pool1.op",
            "fc1.weight_bits",
            "fc1.strategy",
            "fc2.on"
        ]
    );
    assert_eq!(
        Calo::space_size().unwrap(),
        2.0 * 2.0 * 3.0 * 2.0 * 2.0 * 2.0 * 2.0 * 2.0
    );
}

#[test]
fn typed_fields_read_naturally_and_round_trip_through_arch() {
    let space = Calo::space().unwrap();
    let all = all_indices(&space);
    assert_eq!(all.len() as f64, space.size());
    for idx in &all {
        let arch = space.arch_from_indices(idx).unwrap();
        let typed = Calo::from_arch(&arch).unwrap();
        assert_eq!(typed.to_arch(), arch, "{arch}");
        assert_eq!(&typed.indices().unwrap(), idx);
        assert_eq!(Calo::from_indices(idx).unwrap(), typed);
    }
    let arch = space.arch_from_indices(&[1, 0, 2, 1, 1, 0, 1, 1]).unwrap();
    let a = Calo::from_arch(&arch).unwrap();
    assert_eq!(
        a.conv1,
        layers::Conv2D {
            filters: 8,
            kernel: 1,
            weight_bits: Some(16),
            result_bits: Some(16),
            reuse_factor: 2,
            strategy: Strategy::Latency,
            enabled: true,
        }
    );
    assert_eq!(a.pool1.op, PoolKind::Avg);
    assert_eq!(a.fc1.units, 16);
    assert_eq!(a.fc1.weight_bits, Some(6));
    assert_eq!(a.fc1.strategy, Strategy::Latency);
    assert!(!a.fc2.enabled);
    assert_eq!(a.out.units, 1);
    assert_eq!(a.out.weight_bits, None);
    // An architecture of another space is refused with the decision at fault.
    let mut bad = arch.clone();
    bad.picks[0].value = hwnas::space::Choice::Value(5);
    let e = Calo::from_arch(&bad).unwrap_err().to_string();
    assert!(e.contains("`conv1.width` = 5 is not an option"), "{e}");
    // A hand-edited field that is not an option is caught when it is used.
    let mut edited = a.clone();
    edited.conv1.filters = 6;
    assert!(edited.indices().is_err());
}

#[test]
fn baseline_is_the_widest_most_precise_member() {
    let b = Calo::baseline();
    assert_eq!(
        b.conv1,
        layers::Conv2D {
            filters: 8,
            kernel: 3,
            weight_bits: Some(16),
            result_bits: Some(16),
            reuse_factor: 1,
            strategy: Strategy::Latency,
            enabled: true,
        }
    );
    assert_eq!(b.fc1.weight_bits, Some(8));
    assert_eq!(b.fc1.strategy, Strategy::Latency);
    assert!(b.fc2.enabled);
    // Oracle: the parameter count of every member of the space.
    let space = Calo::space().unwrap();
    let params = |a: &Calo| a.network().unwrap().analyze().unwrap().total_params();
    let widest = params(&b);
    for idx in all_indices(&space) {
        assert!(params(&Calo::from_indices(&idx).unwrap()) <= widest);
    }
    // conv1 8x(3x3x4)+8, fc1 (7x3x8)x16+16, fc2 16x16+16, out 16+1.
    assert_eq!(widest, 296 + 2704 + 272 + 17);
    // The fixed space of the baseline is a network without decisions.
    let fixed = b.fixed_space().unwrap();
    assert!(fixed.decisions().is_empty());
    assert_eq!(fixed.layers[0].widths, [8]);
    assert_eq!(fixed.layers[0].kernels, [3]);
}

#[test]
fn supernets_from_the_trait_train_and_derive() {
    let dev = Default::default();
    let train = tiny_data(64, 14 * 7 * 4, 1);
    let val = tiny_data(32, 14 * 7 * 4, 2);
    let cfg = TrainConfig {
        epochs: 2,
        batch_size: 16,
        lr: 3e-3,
        ..Default::default()
    };
    // The whole space, trained at one of its members.
    let mut net = Supernet::<B>::of::<Calo>(&dev, 0).unwrap();
    let idx = Calo::baseline().indices().unwrap();
    let hist = train_fixed(&mut net, &idx, &train, &val, &cfg).unwrap();
    assert_eq!(hist.len(), 2);
    assert!(hist.iter().all(|h| h.train_loss.is_finite()));
    // The fixed network of an architecture: train, derive, compare with the typed fields.
    let mut small = Calo::baseline();
    small.conv1.filters = 4;
    small.conv1.kernel = 1;
    small.fc2.enabled = false;
    let mut fixed = Supernet::<B>::fixed(&small, &dev, 0).unwrap();
    let hist = train_fixed(&mut fixed, &[], &train, &val, &cfg).unwrap();
    assert!(hist[1].train_loss.is_finite());
    let ir = derive(&fixed, &[], &val).unwrap();
    assert!(ir.has_weights());
    assert!(ir.layer("fc2").is_none(), "switched-off layer left out");
    match &ir.layer("conv1").unwrap().op {
        Op::Conv2D(c) => {
            assert_eq!(c.filters, 4);
            assert_eq!(c.kernel, [1, 1]);
        }
        op => panic!("conv1 is {op:?}"),
    }
    assert_eq!(ir.layers.len(), small.network().unwrap().layers.len());
}

/// Every other layer kind and keyword: 1-D layers, stride, numeric padding (an extra
/// `<field>_pad` layer), upsampling, zero padding, LeakyReLU slope, BatchNorm epsilon, average
/// pooling, a pooling operator decision, result-bit and strategy decisions.
#[hwnas::searchable(input = [32, 2], name = "wave", default_type = "ap_fixed<18,8>")]
pub struct Wave {
    #[layer(filters = [4, 8], kernel_size = 3, padding = 2, strides = 2, result_bits = [8, 12])]
    conv1: Conv1D,
    #[layer(epsilon = 0.01)]
    bn1: BatchNorm,
    #[layer(alpha = 0.1)]
    act1: LeakyReLU,
    #[layer(size = 2)]
    up1: UpSampling1D,
    #[layer(padding = (1, 2))]
    zp1: ZeroPadding1D,
    #[layer(pool = 3)]
    pool1: AvgPool1D,
    #[layer(filters = 4, kernel = [3, 5], reuse_factor = [1, 4], strategy = [latency, resource])]
    conv2: Conv1D,
    #[layer(op = [avg, max])]
    pool2: Pool1D,
    flat: Flatten,
    #[layer(units = 2, weight_bits = 8)]
    out: Dense,
}

fn wave_by_hand() -> SpaceSpec {
    SpaceSpec::builder("wave", vec![32, 2])
        .default_type("ap_fixed<18,8>".parse().unwrap())
        .layer(LayerSpec::zero_padding1d("conv1_pad", [2, 2]))
        .layer(
            LayerSpec::conv1d("conv1", &[4, 8], &[3])
                .padding(Padding::Valid)
                .stride(2)
                .result_bits(&[8, 12]),
        )
        .layer(LayerSpec {
            epsilon: 0.01,
            ..LayerSpec::batch_norm("bn1")
        })
        .layer(LayerSpec::leaky_relu("act1", 0.1))
        .layer(LayerSpec::upsampling1d("up1", 2))
        .layer(LayerSpec::zero_padding1d("zp1", [1, 2]))
        .layer(LayerSpec::pool1d("pool1", 3, &[PoolKind::Avg]))
        .layer(
            LayerSpec::conv1d("conv2", &[4], &[3, 5])
                .reuse_factors(&[1, 4])
                .strategies(&[Strategy::Latency, Strategy::Resource]),
        )
        .layer(LayerSpec::pool1d(
            "pool2",
            2,
            &[PoolKind::Avg, PoolKind::Max],
        ))
        .layer(LayerSpec::flatten("flat"))
        .layer(LayerSpec::dense("out", &[2]).weight_bits(&[8]))
        .build()
        .unwrap()
}

/// 2-D counterparts: stride, numeric padding, upsampling and zero padding in 2-D, max pooling.
#[hwnas::searchable(input = [8, 6, 1])]
pub struct Image {
    #[layer(filters = 4, kernel = 3, padding = 1, stride = 2, weight_bits = [6, 10])]
    conv1: Conv2D,
    relu1: ReLU,
    #[layer(size = (2, 3))]
    up1: UpSampling2D,
    #[layer(padding = (1, 0, 2, 1))]
    zp1: ZeroPadding2D,
    #[layer(pool = (2, 3))]
    pool1: MaxPool2D,
    #[layer(filters = [2, 4], kernel = 2, padding = valid)]
    conv2: Conv2D,
    flat: Flatten,
    #[layer(units = 1)]
    out: Dense,
}

fn image_by_hand() -> SpaceSpec {
    SpaceSpec::builder("image", vec![8, 6, 1])
        .layer(LayerSpec::zero_padding2d("conv1_pad", [1, 1, 1, 1]))
        .layer(
            LayerSpec::conv2d("conv1", &[4], &[3])
                .padding(Padding::Valid)
                .stride(2)
                .weight_bits(&[6, 10]),
        )
        .layer(LayerSpec::relu("relu1"))
        .layer(LayerSpec::upsampling2d("up1", [2, 3]))
        .layer(LayerSpec::zero_padding2d("zp1", [1, 0, 2, 1]))
        .layer(LayerSpec::pool2d("pool1", [2, 3], &[PoolKind::Max]))
        .layer(LayerSpec::conv2d("conv2", &[2, 4], &[2]).padding(Padding::Valid))
        .layer(LayerSpec::flatten("flat"))
        .layer(LayerSpec::dense("out", &[1]))
        .build()
        .unwrap()
}

#[test]
fn every_layer_kind_and_keyword_expands_to_the_builder() {
    assert_eq!(Wave::space().unwrap(), wave_by_hand());
    assert_eq!(Image::space().unwrap(), image_by_hand());
    // Round trips over both spaces.
    for idx in all_indices(&wave_by_hand()) {
        let a = Wave::from_indices(&idx).unwrap();
        assert_eq!(a.indices().unwrap(), idx);
    }
    for idx in all_indices(&image_by_hand()) {
        let a = Image::from_indices(&idx).unwrap();
        assert_eq!(a.indices().unwrap(), idx);
    }
    let w = Wave::baseline();
    assert_eq!(
        (w.conv1.filters, w.conv1.kernel, w.conv1.result_bits),
        (8, 3, Some(12))
    );
    assert_eq!((w.conv2.kernel, w.conv2.reuse_factor), (5, 1));
    assert_eq!(w.pool1.op, PoolKind::Avg);
    assert_eq!(w.pool2.op, PoolKind::Avg, "first operator");
    assert_eq!(w.out.weight_bits, Some(8));
    assert_eq!(w.bn1, layers::BatchNorm);
    // Shapes of the lowered networks (oracle: Keras' shape rules by hand).
    // wave: pad 2+32+2=36 -> conv k3 s2 valid -> 17 -> up x2 -> 34 -> pad 1+34+2=37 -> avg 3 -> 12
    //       -> conv same -> 12 -> pool 2 -> 6 x 4 -> flatten 24 -> 2
    let a = Wave::baseline().network().unwrap().analyze().unwrap();
    let shapes: Vec<Vec<usize>> = a.layers.iter().map(|l| l.output_shape.clone()).collect();
    assert_eq!(
        shapes,
        [
            vec![36, 2],
            vec![17, 8],
            vec![17, 8],
            vec![17, 8],
            vec![34, 8],
            vec![37, 8],
            vec![12, 8],
            vec![12, 4],
            vec![6, 4],
            vec![24],
            vec![2]
        ]
    );
    // image: pad -> 10x8 -> conv k3 s2 valid -> 4x3 -> up (2,3) -> 8x9 -> pad -> 9x12
    //        -> max (2,3) -> 4x4 -> conv k2 valid -> 3x3x4 -> 36 -> 1
    let a = Image::baseline().network().unwrap().analyze().unwrap();
    assert_eq!(a.layers[1].output_shape, [4, 3, 4]);
    assert_eq!(a.layers[3].output_shape, [8, 9, 4]);
    assert_eq!(a.layers[4].output_shape, [9, 12, 4]);
    assert_eq!(a.layers[5].output_shape, [4, 4, 4]);
    assert_eq!(a.layers[6].output_shape, [3, 3, 4]);
    assert_eq!(a.output_shape(), [1]);
}

#[test]
fn supernets_of_the_new_layers_train() {
    let dev = Default::default();
    let cfg = TrainConfig {
        epochs: 1,
        batch_size: 8,
        ..Default::default()
    };
    let (train, val) = (tiny_data(16, 64, 3), tiny_data(8, 64, 4));
    let mut net = Supernet::<B>::of::<Wave>(&dev, 1).unwrap();
    let idx = Wave::baseline().indices().unwrap();
    let y2 = |d: &Dataset| {
        Dataset::new(
            d.x.clone(),
            d.y.iter().flat_map(|&v| [v, -v]).collect(),
            64,
            2,
        )
        .unwrap()
    };
    let h = train_fixed(&mut net, &idx, &y2(&train), &y2(&val), &cfg).unwrap();
    assert!(h[0].train_loss.is_finite());
    let (train, val) = (tiny_data(16, 48, 5), tiny_data(8, 48, 6));
    let mut net = Supernet::<B>::fixed(&Image::baseline(), &dev, 1).unwrap();
    let h = train_fixed(&mut net, &[], &train, &val, &cfg).unwrap();
    assert!(h[0].train_loss.is_finite());
    let ir = derive(&net, &[], &val).unwrap();
    assert_eq!(ir.layers.len(), 9);
}

/// The runtime crate's path can be given (for crates that re-export `hwnas` under another name);
/// the space's name defaults to the struct's name in snake case.
#[hwnas::searchable(input = (4,), crate = "hwnas")]
struct TinyMlp {
    #[layer(units = [2, 3], weight_bits = [3, 5])]
    out: Dense,
}

#[test]
fn crate_path_and_default_name() {
    let space = TinyMlp::space().unwrap();
    assert_eq!(space.name, "tiny_mlp");
    assert_eq!(space.input_shape, [4]);
    assert_eq!(TinyMlp::space_size().unwrap(), 4.0);
    let b = TinyMlp::baseline();
    assert_eq!((b.out.units, b.out.weight_bits), (3, Some(5)));
    assert_eq!(b.to_arch().to_string(), "out.width=3 out.weight_bits=5");
}

/// The activations (issue 17): each one a field type, its fixed hyper-parameters in
/// `#[layer(...)]`; Sigmoid after width decisions (masked channels must stay zero).
#[hwnas::searchable(input = (6,))]
pub struct Activations {
    #[layer(units = [4, 8])]
    fc1: Dense,
    sig: Sigmoid,
    #[layer(units = [4, 8])]
    fc2: Dense,
    #[layer(table_size = 512)]
    tanh: Tanh,
    ssign: Softsign,
    #[layer(units = 6)]
    fc3: Dense,
    #[layer(alpha = 0.5)]
    elu: ELU,
    prelu: PReLU,
    #[layer(units = 3)]
    fc4: Dense,
    soft: Softmax,
}

#[test]
fn activations_expand_train_derive_and_emulate() {
    use hwnas::ir::{Activation, Elu, NoParams, Softmax, Table};
    let by_hand = SpaceSpec::builder("activations", vec![6])
        .layer(LayerSpec::dense("fc1", &[4, 8]))
        .layer(LayerSpec::activation(
            "sig",
            Activation::Sigmoid(Table::default()),
        ))
        .layer(LayerSpec::dense("fc2", &[4, 8]))
        .layer(LayerSpec::activation(
            "tanh",
            Activation::Tanh(Table {
                table_size: 512,
                ..Table::default()
            }),
        ))
        .layer(LayerSpec::activation(
            "ssign",
            Activation::Softsign(Table::default()),
        ))
        .layer(LayerSpec::dense("fc3", &[6]))
        .layer(LayerSpec::activation(
            "elu",
            Activation::ELU(Elu {
                alpha: 0.5,
                ..Elu::default()
            }),
        ))
        .layer(LayerSpec::activation(
            "prelu",
            Activation::PReLU(NoParams {}),
        ))
        .layer(LayerSpec::dense("fc4", &[3]))
        .layer(LayerSpec::activation(
            "soft",
            Activation::Softmax(Softmax::default()),
        ))
        .build()
        .unwrap();
    assert_eq!(Activations::space().unwrap(), by_hand);
    assert_eq!(Activations::baseline().soft, layers::Activation);

    // Train the narrowest member (masks active before Sigmoid and Softmax) and derive it.
    let dev = Default::default();
    let cfg = TrainConfig {
        epochs: 2,
        batch_size: 8,
        ..Default::default()
    };
    let (train, val) = (tiny_data(32, 6, 7), tiny_data(16, 6, 8));
    let three = |d: &Dataset| {
        let y = d.y.iter().flat_map(|&v| [v, 0.5 - v, 0.25]).collect();
        Dataset::new(d.x.clone(), y, 6, 3).unwrap()
    };
    let mut net = Supernet::<B>::of::<Activations>(&dev, 3).unwrap();
    let idx = vec![0, 0];
    // One target per sample for three outputs: an error, not a panic inside burn.
    let err = train_fixed(&mut net, &idx, &train, &val, &cfg)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("samples have 1 targets but the space's output has 3 values"),
        "{err}"
    );
    let (train, val) = (three(&train), three(&val));
    let h = train_fixed(&mut net, &idx, &train, &val, &cfg).unwrap();
    assert!(h.iter().all(|e| e.train_loss.is_finite()), "{h:?}");
    let ir = derive(&net, &idx, &val).unwrap();
    let a = ir.analyze().unwrap();
    assert_eq!(a.layers[1].output_shape, [4], "sig after the narrow fc1");
    assert_eq!(a.output_shape(), [3]);
    let alpha = &ir.weights["prelu.alpha"];
    assert_eq!(alpha.shape, [6]);
    assert!(
        alpha.data.iter().any(|&v| v != 0.25),
        "the slopes trained: {:?}",
        alpha.data
    );

    // The float forward of the derived network is a softmax over the 3 outputs: rows sum to
    // 1, and the bit-exact emulation of its firmware agrees within the tables' resolution.
    let float = hwnas::search::supernet_from_network::<B>(&ir, &dev).unwrap();
    let (pred, _, _) = hwnas::search::predict(&float, &[], &val, 16).unwrap();
    for row in pred.chunks(3) {
        let s: f32 = row.iter().sum();
        assert!((s - 1.0).abs() < 1e-3, "softmax row {row:?} sums to {s}");
    }
    let q = hwnas::hls::model::QNetwork::from_network(&ir).unwrap();
    let emu = hwnas::hls::emulate::Emulator::new(&q).unwrap();
    let x: Vec<f64> = val.x.iter().map(|&v| f64::from(v)).collect();
    let out = emu.run_f64(&x).unwrap();
    let worst = out
        .iter()
        .zip(&pred)
        .map(|(a, &b)| (a - f64::from(b)).abs())
        .fold(0.0, f64::max);
    assert!(worst < 0.1, "emulator vs float: worst {worst}");
}
