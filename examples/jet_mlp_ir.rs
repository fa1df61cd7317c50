//! Builds the jet-tagging MLP 16-64-32-32-5 as a network IR in Rust, gives it weights, saves it
//! (JSON document + safetensors) and loads it back.
//!
//! ```sh
//! cargo run --release --example jet_mlp_ir -- /tmp/jet   # then: hwnas validate /tmp/jet/jet_mlp.json
//! ```

use std::path::PathBuf;

use hwnas::core::rng::{Random, SplitMix64};
use hwnas::ir::{Dense, HlsKnobs, Layer, Network, Op, Precision, Strategy, Tensor};
use hwnas::prelude::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("hwnas-jet-mlp"));
    std::fs::create_dir_all(&out)?;

    let input: FixedType = "ap_fixed<16,6>".parse()?;
    let weight: FixedType = "ap_fixed<8,2,AP_RND_CONV,AP_SAT>".parse()?;
    let mut net = Network::new("jet_mlp", vec![16], input);
    for (i, units) in [64, 32, 32].into_iter().enumerate() {
        net = net
            .with_layer(
                Layer::new(
                    format!("fc{}", i + 1),
                    Op::Dense(Dense {
                        units,
                        use_bias: true,
                    }),
                )
                .with_precision(Precision {
                    weight: Some(weight),
                    ..Precision::default()
                })
                .with_hls(HlsKnobs {
                    reuse_factor: 2,
                    strategy: Strategy::Latency,
                }),
            )
            .with_layer(Layer::new(format!("relu{}", i + 1), Op::relu()));
    }
    net = net.with_layer(Layer::new(
        "output",
        Op::Dense(Dense {
            units: 5,
            use_bias: true,
        }),
    ));

    // Weights for every tensor the analysis asks for, in the channels-last layout it states.
    let analysis = net.analyze()?;
    let mut rng = SplitMix64::new(1);
    for (layer, info) in net.layers.iter().zip(&analysis.layers) {
        for (param, shape) in &info.weight_shapes {
            let n = shape.iter().product();
            let data = (0..n).map(|_| rng.uniform() as f32 - 0.5).collect();
            net.weights.insert(
                format!("{}.{param}", layer.name),
                Tensor::new(shape.clone(), data)?,
            );
        }
    }

    let path = out.join("jet_mlp.json");
    let weights = net.save(&path)?;
    let back = Network::load(&path)?;
    assert_eq!(back, net, "the round trip is exact");
    println!(
        "wrote {} and {} ({} parameters, {} MACs, output type {})",
        path.display(),
        weights.map(|p| p.display().to_string()).unwrap_or_default(),
        analysis.total_params(),
        analysis.total_macs(),
        analysis.output_type()
    );
    Ok(())
}
