//! Export to QONNX and import back: the same network, on every network of the hls4ml parity
//! suite (`hwnas-hls/tests/parity/*/network.json`: Dense, Conv1D/2D, BatchNorm, every
//! activation, both io types, reuse factors and strategies, all three type presets) and on a
//! network with the remaining layer kinds.

use std::path::Path;

mod common;

use common::maps;
use hwnas_core::ir::Network;

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
    println!("round trip: import(export(net)) == net for all {seen} parity networks");
}

#[test]
fn padding_pooling_and_upsampling_come_back_the_same() {
    let net = maps();
    assert_eq!(round_trip(&net), net);
}

/// Without hwnas's metadata the graph alone gives the same layers and weights, and every type
/// as the network resolves it, made explicit (up to the modes a `Quant` cannot carry), with
/// default HLS knobs: the metadata only refines.
#[test]
fn the_graph_alone_gives_the_network_without_its_knobs() {
    use hwnas_onnx::proto::ModelProto;
    use prost::Message;
    let net = maps();
    let bytes = hwnas_onnx::to_bytes(&net).unwrap();
    let mut model = ModelProto::decode(bytes.as_slice()).unwrap();
    assert!(model.metadata_props.len() > net.layers.len());
    model.metadata_props.clear();
    let back = hwnas_onnx::from_bytes(&model.encode_to_vec(), "memory", "maps").unwrap();
    assert_eq!(back.weights, net.weights);
    assert_eq!(back.layers.len(), net.layers.len());
    let (a, b) = (back.analyze().unwrap(), net.analyze().unwrap());
    let shape = |t: hwnas_core::fixed::FixedType| (t.width, t.integer, t.signed);
    for (i, (x, y)) in back.layers.iter().zip(&net.layers).enumerate() {
        assert_eq!(x.name, y.name);
        // `same` max pooling on an even map pads nothing: without the metadata it reads back
        // as `valid`, the same function.
        if x.name != "mp" {
            assert_eq!(x.op, y.op, "{}", x.name);
        }
        let (s, t) = (&a.layers[i].types, &b.layers[i].types);
        assert_eq!(shape(s.result), shape(t.result), "{}", x.name);
        assert_eq!(s.weight.map(shape), t.weight.map(shape), "{}", x.name);
        assert_eq!(s.bias.map(shape), t.bias.map(shape), "{}", x.name);
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
