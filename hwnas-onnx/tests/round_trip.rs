//! Export to QONNX and import back: the same network, on every network of the hls4ml parity
//! suite (`hwnas-hls/tests/parity/*/network.json`: Dense, Conv1D/2D, BatchNorm, every
//! activation, both io types, reuse factors and strategies, all three type presets) and on a
//! network with the remaining layer kinds.

use std::path::Path;

use hwnas_core::ir::{
    Conv2D, Layer, Network, Op, Padding, Pool2D, Tensor, UpSampling2D, ZeroPadding2D,
};

fn round_trip(net: &Network) -> Network {
    let bytes = hwnas_onnx::to_bytes(net).unwrap();
    hwnas_onnx::from_bytes(&bytes, "memory", "fallback").unwrap()
}

#[test]
fn every_parity_network_comes_back_the_same() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../hwnas-hls/tests/parity");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path().join("network.json");
        if !path.exists() {
            continue;
        }
        let net = Network::load(&path).unwrap();
        let back = round_trip(&net);
        for (a, b) in back.layers.iter().zip(&net.layers) {
            assert_eq!(a, b, "{}", path.display());
        }
        assert_eq!(back, net, "{}", path.display());
        seen += 1;
    }
    assert!(seen >= 25, "only {seen} parity networks found");
}

/// A map network with the kinds the parity suite lacks: strided and padded convolutions, both
/// poolings, zero padding and upsampling.
fn maps() -> Network {
    let t = "ap_fixed<16,6>".parse().unwrap();
    let conv = |filters, kernel, stride, padding| {
        Op::Conv2D(Conv2D {
            filters,
            kernel,
            stride,
            padding,
            use_bias: true,
        })
    };
    let mut net = Network::new("maps", vec![9, 8, 3], t)
        .with_layer(Layer::new(
            "pad",
            Op::ZeroPadding2D(ZeroPadding2D {
                top: 1,
                bottom: 0,
                left: 2,
                right: 1,
            }),
        ))
        .with_layer(Layer::new("c1", conv(4, [3, 3], [2, 2], Padding::Same)))
        .with_layer(Layer::new("r1", Op::relu()))
        .with_layer(Layer::new(
            "up",
            Op::UpSampling2D(UpSampling2D { size: [2, 3] }),
        ))
        .with_layer(Layer::new("c2", conv(5, [3, 1], [1, 1], Padding::Valid)))
        .with_layer(Layer::new(
            "mp",
            Op::MaxPool2D(Pool2D {
                pool: [2, 2],
                stride: None,
                padding: Padding::Same,
            }),
        ))
        .with_layer(Layer::new(
            "ap",
            Op::AvgPool2D(Pool2D {
                pool: [3, 3],
                stride: Some([1, 2]),
                padding: Padding::Valid,
            }),
        ))
        .with_layer(Layer::new("flat", Op::Flatten(hwnas_core::ir::NoParams {})))
        .with_layer(Layer::new(
            "out",
            Op::Dense(hwnas_core::ir::Dense {
                units: 3,
                use_bias: false,
            }),
        ));
    let shapes = net.analyze().unwrap();
    let mut seed = 1u64;
    for (layer, info) in net.layers.iter().zip(&shapes.layers) {
        for (key, shape) in &info.weight_shapes {
            let n: usize = shape.iter().product();
            let data = (0..n)
                .map(|_| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((seed >> 40) as f32 / (1u64 << 24) as f32) - 0.5
                })
                .collect();
            net.weights.insert(
                format!("{}.{key}", layer.name),
                Tensor::new(shape.clone(), data).unwrap(),
            );
        }
    }
    net.layers[1].precision.weight = Some("ap_fixed<6,1,AP_RND_CONV,AP_SAT>".parse().unwrap());
    net.layers[2].precision.result = Some("ap_ufixed<8,3>".parse().unwrap());
    net.layers[8].hls.reuse_factor = 4;
    net
}

#[test]
fn padding_pooling_and_upsampling_come_back_the_same() {
    let net = maps();
    assert_eq!(round_trip(&net), net);
}

/// Without hwnas's metadata the graph alone gives the same layers, weights and types (up to
/// the modes a `Quant` cannot carry), with default HLS knobs: the metadata only refines.
#[test]
fn the_graph_alone_gives_the_network_without_its_knobs() {
    use hwnas_onnx::proto::ModelProto;
    use prost::Message;
    let mut net = maps();
    net.layers[1].precision.weight = Some("ap_fixed<6,1,AP_RND_CONV,AP_SAT>".parse().unwrap());
    let bytes = hwnas_onnx::to_bytes(&net).unwrap();
    let mut model = ModelProto::decode(bytes.as_slice()).unwrap();
    assert!(model.metadata_props.len() > net.layers.len());
    model.metadata_props.clear();
    let back = hwnas_onnx::from_bytes(&model.encode_to_vec(), "memory", "maps").unwrap();
    assert_eq!(back.weights, net.weights);
    assert_eq!(back.layers.len(), net.layers.len());
    for (a, b) in back.layers.iter().zip(&net.layers) {
        assert_eq!(a.name, b.name);
        // `same` max pooling on an even map pads nothing: without the metadata it reads back
        // as `valid`, the same function.
        if a.name != "mp" {
            assert_eq!(a.op, b.op, "{}", a.name);
        }
        assert_eq!(a.precision.weight, b.precision.weight, "{}", a.name);
    }
    // The unsigned ReLU result `ap_ufixed<8,3>` (AP_TRN, AP_WRAP): width, integer bits, sign
    // and rounding (`FLOOR`) travel in the Quant, the wrap-around does not (a Quant clamps).
    let r = back.layers[2].precision.result.unwrap();
    assert_eq!(r.to_string(), "ap_ufixed<8,3,AP_TRN,AP_SAT,0>");
    assert_eq!(
        back.layers[8].hls.reuse_factor, 1,
        "knobs travel only in the metadata"
    );
}
