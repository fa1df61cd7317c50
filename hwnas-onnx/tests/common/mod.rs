//! The networks and the pseudo-random numbers the tests share.
#![allow(dead_code)] // each test file uses part of it

use hwnas_core::ir::{
    Conv2D, Layer, Network, Op, Padding, Pool2D, Tensor, UpSampling2D, ZeroPadding2D,
};

/// A map network with the kinds the parity suite lacks: strided and padded convolutions, both
/// poolings, zero padding and upsampling.
pub fn maps() -> Network {
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
    let mut next = lcg(1);
    for (layer, info) in net.layers.iter().zip(&shapes.layers) {
        for (key, shape) in &info.weight_shapes {
            let n: usize = shape.iter().product();
            let data = (0..n)
                .map(|_| next() as f32 / (1u64 << 24) as f32 - 0.5)
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

/// A 64-bit LCG (Knuth's MMIX constants): its top 24 bits, one value per call. The scripts in
/// `scripts/onnx/` reproduce it where they must see the same numbers.
pub fn lcg(seed: u64) -> impl FnMut() -> u64 {
    let mut s = seed;
    move || {
        s = s
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        s >> 40
    }
}
