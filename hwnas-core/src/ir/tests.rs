//! Tests of the IR: shapes, counts, types, documents, weights, and every bad input.

use std::path::Path;

use super::*;
use crate::Error;
use crate::fixed::FixedType;
use crate::rng::{Random, SplitMix64};

fn ty(s: &str) -> FixedType {
    s.parse().unwrap()
}

fn dense(units: usize) -> Op {
    Op::Dense(Dense {
        units,
        use_bias: true,
    })
}

fn fixture(name: &str) -> Network {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/nets")
        .join(name);
    Network::load(&path).unwrap()
}

/// Deterministic pseudo-random weights for every tensor the network needs.
fn with_random_weights(mut net: Network) -> Network {
    let a = net.analyze().unwrap();
    let mut rng = SplitMix64::new(0);
    for (layer, info) in net.layers.iter().zip(&a.layers) {
        for (param, shape) in &info.weight_shapes {
            let n: usize = shape.iter().product();
            let data = (0..n).map(|_| rng.uniform() as f32 - 0.5).collect();
            net.weights.insert(
                format!("{}.{}", layer.name, param),
                Tensor::new(shape.clone(), data).unwrap(),
            );
        }
    }
    net
}

#[test]
fn jet_mlp_has_4256_macs() {
    let a = fixture("jet_mlp.json").analyze().unwrap();
    assert_eq!(a.total_macs(), 16 * 64 + 64 * 32 + 32 * 32 + 32 * 5);
    assert_eq!(a.total_macs(), 4256);
    assert_eq!(a.total_params(), 4256 + 64 + 32 + 32 + 5);
    assert_eq!(a.output_shape(), &[5]);
}

#[test]
fn deepcalo_has_the_published_size() {
    let net = fixture("deepcalo.json");
    let a = net.analyze().unwrap();
    // 1,833,745 weights and biases (specs/calorimeter.md 1.1) + 16 input BatchNorm numbers.
    assert_eq!(a.total_params(), 1_833_745 + 16);
    let conv1 = &a.layers[3];
    assert_eq!(conv1.output_shape, vec![56, 55, 16]);
    assert_eq!(conv1.macs, 56 * 55 * 5 * 5 * 4 * 16);
    let flatten = net.layers.iter().position(|l| l.name == "flatten").unwrap();
    assert_eq!(a.layers[flatten].output_shape, vec![2304]);
    let macs = a.total_macs() as f64;
    assert!((43.0e6..44.0e6).contains(&macs), "{macs}");
}

#[test]
fn shapes_flow_through_every_layer_kind() {
    let net = Network::new("all_kinds", vec![8, 8, 3], ty("ap_fixed<8,3>"))
        .with_layer(Layer::new(
            "up",
            Op::UpSampling2D(UpSampling2D { size: [2, 1] }),
        ))
        .with_layer(Layer::new(
            "pad",
            Op::ZeroPadding2D(ZeroPadding2D {
                top: 1,
                bottom: 0,
                left: 2,
                right: 1,
            }),
        ))
        .with_layer(Layer::new(
            "conv",
            Op::Conv2D(Conv2D {
                filters: 4,
                kernel: [3, 3],
                stride: [2, 2],
                padding: Padding::Same,
                use_bias: false,
            }),
        ))
        .with_layer(Layer::new("bn", Op::BatchNorm(BatchNorm { epsilon: 1e-3 })))
        .with_layer(Layer::new("lrelu", Op::leaky_relu(0.1)))
        .with_layer(Layer::new(
            "maxp",
            Op::MaxPool2D(Pool2D {
                pool: [2, 2],
                stride: None,
                padding: Padding::Valid,
            }),
        ))
        .with_layer(Layer::new(
            "avgp",
            Op::AvgPool2D(Pool2D {
                pool: [2, 2],
                stride: Some([1, 1]),
                padding: Padding::Same,
            }),
        ))
        .with_layer(Layer::new("flat", Op::Flatten(NoParams {})))
        .with_layer(Layer::new("fc", dense(6)))
        .with_layer(Layer::new("relu", Op::relu()));
    let a = net.analyze().unwrap();
    let shapes: Vec<Vec<usize>> = a.layers.iter().map(|l| l.output_shape.clone()).collect();
    assert_eq!(
        shapes,
        vec![
            vec![16, 8, 3],
            vec![17, 11, 3],
            vec![9, 6, 4],
            vec![9, 6, 4],
            vec![9, 6, 4],
            vec![4, 3, 4],
            vec![4, 3, 4],
            vec![48],
            vec![6],
            vec![6],
        ]
    );
    // Conv without bias: 3*3*3*4 weights; BatchNorm: 4 statistics of 4 channels.
    assert_eq!(a.layers[2].params, 108);
    assert_eq!(a.layers[2].macs, 9 * 6 * 27 * 4);
    assert_eq!(a.layers[3].params, 16);
    // Same padding of 11 columns, kernel 3, stride 2: out 6, total pad 2 -> 1 + 1.
    assert_eq!(a.layers[2].windows[1].out, 6);
    assert_eq!(a.layers[2].windows[1].pad_begin, 1);
    // Dense after Flatten takes h*w*c inputs.
    assert_eq!(a.layers[8].weight_shapes[0].1, vec![48, 6]);

    // Activations on a map: same shape; PReLU has one slope per channel; the JSON round trip
    // keeps each one's kind and settings.
    let acts = Network::new("acts", vec![3, 2, 5], ty("ap_fixed<8,3>"))
        .with_layer(Layer::new(
            "sig",
            Op::Activation(Activation::Sigmoid(Table::default())),
        ))
        .with_layer(Layer::new(
            "tanh",
            Op::Activation(Activation::Tanh(Table {
                table_size: 256,
                table_t: ty("ap_fixed<12,2>"),
            })),
        ))
        .with_layer(Layer::new(
            "elu",
            Op::Activation(Activation::ELU(Elu::default())),
        ))
        .with_layer(Layer::new(
            "prelu",
            Op::Activation(Activation::PReLU(NoParams {})),
        ))
        .with_layer(Layer::new(
            "soft",
            Op::Activation(Activation::Softmax(Softmax::default())),
        ));
    let a = acts.analyze().unwrap();
    assert!(a.layers.iter().all(|l| l.output_shape == [3, 2, 5]));
    assert_eq!(a.layers[3].weight_shapes, vec![("alpha", vec![5])]);
    assert_eq!(a.layers[3].params, 5);
    assert_eq!(a.total_params(), 5);
    let text = acts.to_json_string(None).unwrap();
    let back = Network::from_json_str(&text, "acts.json", None).unwrap();
    assert_eq!(back, acts);

    let seq = Network::new("seq", vec![20, 2], ty("ap_fixed<8,3>"))
        .with_layer(Layer::new("up", Op::UpSampling1D(UpSampling1D { size: 2 })))
        .with_layer(Layer::new(
            "pad",
            Op::ZeroPadding1D(ZeroPadding1D { left: 1, right: 1 }),
        ))
        .with_layer(Layer::new(
            "conv",
            Op::Conv1D(Conv1D {
                filters: 3,
                kernel: 5,
                stride: 2,
                padding: Padding::Valid,
                use_bias: true,
            }),
        ))
        .with_layer(Layer::new(
            "pool",
            Op::MaxPool1D(Pool1D {
                pool: 3,
                stride: None,
                padding: Padding::Valid,
            }),
        ))
        .with_layer(Layer::new(
            "avg",
            Op::AvgPool1D(Pool1D {
                pool: 2,
                stride: Some(1),
                padding: Padding::Valid,
            }),
        ));
    let a = seq.analyze().unwrap();
    let shapes: Vec<Vec<usize>> = a.layers.iter().map(|l| l.output_shape.clone()).collect();
    assert_eq!(
        shapes,
        vec![
            vec![40, 2],
            vec![42, 2],
            vec![19, 3],
            vec![6, 3],
            vec![5, 3]
        ]
    );
    assert_eq!(a.layers[2].weight_shapes[0].1, vec![5, 2, 3]);
}

#[test]
fn types_follow_the_hls4ml_rules() {
    let net = fixture("jet_mlp.json");
    let a = net.analyze().unwrap();
    let fc1 = &a.layers[0].types;
    assert_eq!(fc1.weight, Some(ty("ap_fixed<16,6>")));
    // Lossless accumulator of 16 terms of <16,6> x <16,6> plus a <16,6> bias.
    assert_eq!(fc1.accum, Some(ty("ap_fixed<37,17>")));
    assert_eq!(a.layers[2].types.accum, Some(ty("ap_fixed<39,19>")));
    assert_eq!(a.layers[4].types.accum, Some(ty("ap_fixed<38,18>")));
    assert_eq!(fc1.result, ty("ap_fixed<16,6>"));
    // Data-movement layers keep their input type; average pooling widens its accumulator.
    let net = Network::new("p", vec![6, 6, 1], ty("ap_fixed<16,6>"))
        .with_default_precision(ty("ap_fixed<8,4>"))
        .with_layer(Layer::new(
            "avg",
            Op::AvgPool2D(Pool2D {
                pool: [3, 3],
                stride: None,
                padding: Padding::Valid,
            }),
        ))
        .with_layer(Layer::new("flat", Op::Flatten(NoParams {})))
        .with_layer(Layer::new("relu", Op::relu()));
    let a = net.analyze().unwrap();
    assert_eq!(a.layers[0].types.accum, Some(ty("ap_fixed<24,10>")));
    assert_eq!(a.layers[0].types.result, ty("ap_fixed<16,6>"));
    assert_eq!(a.layers[1].types.result, ty("ap_fixed<16,6>"));
    assert_eq!(a.layers[2].types.result, ty("ap_fixed<8,4>"));
    assert_eq!(a.output_type(), ty("ap_fixed<8,4>"));
}

#[test]
fn documents_and_weights_round_trip_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let mut net = with_random_weights(fixture("jet_mlp.json"));
    net.layers[0].precision = Precision {
        weight: Some(ty("ap_fixed<8,2,AP_RND_CONV,AP_SAT>")),
        bias: Some(ty("ap_ufixed<6,1>")),
        accum: Some(ty("ap_fixed<30,12>")),
        result: Some(ty("ap_fixed<12,4,AP_RND,AP_SAT_SYM>")),
    };
    net.layers[1].hls = HlsKnobs {
        reuse_factor: 4,
        strategy: Strategy::Resource,
    };
    // Values that a decimal round trip could lose.
    net.weights.get_mut("fc1.weight").unwrap().data[0] = f32::from_bits(0x3EAA_AAAB);
    net.weights.get_mut("fc1.weight").unwrap().data[1] = -0.0;
    net.weights.get_mut("fc1.weight").unwrap().data[2] = f32::MIN_POSITIVE / 4.0;
    let path = dir.path().join("jet.json");
    let weights_path = net.save(&path).unwrap().unwrap();
    assert_eq!(weights_path, dir.path().join("jet.safetensors"));
    let back = Network::load(&path).unwrap();
    assert_eq!(back, net);
    let bits = |n: &Network| -> Vec<u32> {
        n.weights
            .values()
            .flat_map(|t| t.data.iter().map(|v| v.to_bits()))
            .collect()
    };
    assert_eq!(bits(&back), bits(&net));
    // Saving again gives identical bytes.
    let first = std::fs::read(&path).unwrap();
    back.save(&path).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), first);
    // An architecture-only network writes no weights file and names none.
    let arch = fixture("deepcalo.json");
    let p = dir.path().join("calo.json");
    assert_eq!(arch.save(&p).unwrap(), None);
    assert!(!std::fs::read_to_string(&p).unwrap().contains("\"weights\""));
    assert_eq!(Network::load(&p).unwrap(), arch);
}

fn parse_err(json: &str) -> String {
    Network::from_json_str(json, "net.json", None)
        .unwrap_err()
        .to_string()
}

fn doc(layers: &str) -> String {
    format!(
        r#"{{"format": "hwnas-network", "version": 1, "name": "n",
            "input": {{"shape": [4, 4, 2], "type": "ap_fixed<8,3>"}},
            "layers": [{layers}]}}"#
    )
}

#[test]
fn bad_documents_get_clear_errors() {
    let cases: &[(String, &str)] = &[
        (
            "{\"format\": \"hwnas-network\", ".into(),
            "net.json: EOF while parsing",
        ),
        (
            "[1, 2]".into(),
            "net.json: a network document is a JSON object",
        ),
        (
            doc(r#"{"name": "x", "kind": "Dense3", "units": 4}"#),
            "layer `x`: unknown layer kind `Dense3`; use one of Dense, Conv1D",
        ),
        (
            doc(r#"{"name": "x", "units": 4}"#),
            "layer `x` has no `kind`; use one of Dense",
        ),
        (
            doc(r#"{"name": "f", "kind": "Flatten"}, {"name": "x", "kind": "Dense", "unit": 4}"#),
            "layer `x`: unknown field `unit`, expected `units` or `use_bias`",
        ),
        (
            doc(r#"{"name": "x", "kind": "ReLU", "precision": {"result": "ap_fixed<0,2>"}}"#),
            "invalid fixed-point type ap_fixed<0,..>: the width must be at least 1 bit",
        ),
        (
            doc(r#"{"name": "x", "kind": "ReLU", "precision": {"output": "ap_fixed<8,2>"}}"#),
            "layer `x`: unknown field `output`",
        ),
        (
            doc(r#"{"name": "x", "kind": "Dense", "units": 4}"#),
            "layer 0 `x` (Dense): needs a 1-D [n] input but gets shape [4, 4, 2] (rank 3); add \
             a Flatten before it",
        ),
        (
            doc(r#"{"name": "c", "kind": "Conv2D", "filters": 2, "kernel": [5, 5]}"#),
            "layer 0 `c` (Conv2D): the window of 5 does not fit the height of 4 with `valid` \
             padding",
        ),
        (
            doc(
                r#"{"name": "f", "kind": "Flatten"}, {"name": "c", "kind": "Conv1D", "filters": 2, "kernel": 3}"#,
            ),
            "layer 1 `c` (Conv1D): needs a 2-D [length, channels] input but gets shape [32]",
        ),
        (
            doc(r#"{"name": "c", "kind": "Conv2D", "filters": 0, "kernel": [1, 1]}"#),
            "`filters` must be at least 1",
        ),
        (
            doc(r#"{"name": "r", "kind": "ReLU"}, {"name": "r", "kind": "ReLU"}"#),
            "layer 1 `r` (ReLU): another layer already has this name",
        ),
        (
            doc(r#"{"name": "my-layer", "kind": "ReLU"}"#),
            "must be a C identifier",
        ),
        (
            doc(r#"{"name": "r", "kind": "ReLU", "reuse_factor": 0}"#),
            "reuse_factor must be at least 1",
        ),
        (
            doc(r#"{"name": "r", "kind": "ReLU", "precision": {"weight": "ap_fixed<8,2>"}}"#),
            "`precision.weight/bias/accum` is set but an activation only has a result type",
        ),
        (
            doc(r#"{"name": "f", "kind": "Flatten", "precision": {"result": "ap_fixed<4,2>"}}"#),
            "Flatten cannot change the type",
        ),
        (doc(""), "the network has no layers"),
        (
            doc(
                r#"{"name": "f", "kind": "Flatten"}, {"name": "d", "kind": "Dense", "units": 4, "precision": {"weight": "ap_fixed<120,8>", "bias": "ap_fixed<8,2>"}}"#,
            ),
            "layer 1 `d` (Dense): invalid fixed-point type",
        ),
        (
            doc(r#"{"name": "r", "kind": "ReLU"}"#).replace("\"version\": 1", "\"version\": 7"),
            "this is format `hwnas-network` version 7; hwnas 0.1.0 reads `hwnas-network` \
             version 1",
        ),
        (
            doc(r#"{"name": "r", "kind": "ReLU"}"#).replace("[4, 4, 2]", "[4, 0, 2]"),
            "the input shape [4, 0, 2] has a zero dimension",
        ),
        (
            doc(r#"{"name": "r", "kind": "ReLU"}"#).replace("\"n\"", "\"my net\""),
            "the network name `my net` must be a C identifier",
        ),
        // Activations are read on their own: their keys, their rules.
        (
            doc(r#"{"name": "e", "kind": "ELU", "beta": 1}"#),
            "layer `e`: unknown field `beta`, expected one of `alpha`, `table_size`, `table_t`",
        ),
        (
            doc(r#"{"name": "s", "kind": "Sigmoid", "table_size": 1000}"#),
            "layer 0 `s` (Sigmoid): `table_size` must be a power of two between 2 and 2^20, got \
             1000",
        ),
        (
            doc(r#"{"name": "s", "kind": "Tanh", "table_t": "ap_fixed<0,1>"}"#),
            "invalid fixed-point type ap_fixed<0,..>",
        ),
        (
            doc(
                r#"{"name": "f", "kind": "Flatten"}, {"name": "d", "kind": "Dense", "units": 1}, {"name": "s", "kind": "Softmax"}"#,
            ),
            "layer 2 `s` (Softmax): Softmax normalises the last axis, which needs at least 2 \
             values; the input has shape [1]",
        ),
        (
            doc(r#"{"name": "s", "kind": "Softmax", "precision": {"weight": "ap_fixed<8,2>"}}"#),
            "Softmax only has a sum (`accum`) and a result type",
        ),
        (
            doc(r#"{"name": "p", "kind": "PReLU", "precision": {"accum": "ap_fixed<8,2>"}}"#),
            "PReLU only has slopes (`weight`) and a result",
        ),
        (
            doc(r#"{"name": "x", "kind": 3}"#),
            "layer `x`: `kind` must be a string such as \"Dense\", found 3",
        ),
        (
            doc(r#"{"name": "x", "kind": "Swish"}"#),
            "layer `x`: unknown layer kind `Swish`; use one of Dense, Conv1D, Conv2D, MaxPool1D, \
             MaxPool2D, AvgPool1D, AvgPool2D, BatchNorm, Flatten, UpSampling1D, UpSampling2D, \
             ZeroPadding1D, ZeroPadding2D, ReLU, LeakyReLU, ELU, PReLU, Sigmoid, Tanh, Softplus, Softsign, Softmax",
        ),
    ];
    for (json, want) in cases {
        let got = parse_err(json);
        assert!(
            got.contains(want),
            "want `{want}`\n got `{got}`\n for {json}"
        );
    }
}

#[test]
fn bad_weights_get_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let net = with_random_weights(fixture("jet_mlp.json"));

    let mut wrong = net.clone();
    wrong.weights.insert(
        "fc2.weight".into(),
        Tensor::full(vec![32, 64], 0.0), // transposed
    );
    let err = wrong.analyze().unwrap_err().to_string();
    assert!(
        err.contains(
            "tensor `fc2.weight` has shape [32, 64] but layer `fc2` (Dense) with input \
                      [64] needs [64, 32]"
        ),
        "{err}"
    );

    let mut missing = net.clone();
    missing.weights.remove("output.bias");
    let err = missing.analyze().unwrap_err().to_string();
    assert!(
        err.contains(
            "layer `output` (Dense) needs tensor `output.bias` of shape [5], which is \
                      missing"
        ),
        "{err}"
    );

    let mut extra = net.clone();
    extra
        .weights
        .insert("relu1.weight".into(), Tensor::full(vec![1], 0.0));
    let err = extra.analyze().unwrap_err().to_string();
    assert!(
        err.contains("tensor `relu1.weight` belongs to no layer"),
        "{err}"
    );

    // The document names a weights file that is not there.
    let path = dir.path().join("net.json");
    net.save(&path).unwrap();
    std::fs::remove_file(dir.path().join("net.safetensors")).unwrap();
    let err = Network::load(&path).unwrap_err();
    assert!(matches!(err, Error::Io { .. }), "{err:?}");
    assert!(
        err.to_string().starts_with(&format!(
            "reading {}",
            dir.path().join("net.safetensors").display()
        )),
        "{err}"
    );

    // A weights file that is not safetensors.
    std::fs::write(dir.path().join("net.safetensors"), b"not a tensor file").unwrap();
    let err = Network::load(&path).unwrap_err().to_string();
    assert!(
        err.contains("net.safetensors is not a valid safetensors file"),
        "{err}"
    );

    // A missing document.
    let err = Network::load(&dir.path().join("nope.json"))
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("reading "), "{err}");

    assert!(Tensor::new(vec![2, 3], vec![0.0; 5]).is_err());
}

/// The error of analysing `net` (which must be invalid).
fn analyze_err(net: &Network) -> String {
    match net.analyze() {
        Ok(a) => panic!(
            "network `{}` should be refused, but analyses to output shape {:?}, {} params, {} \
             MACs",
            net.name,
            a.output_shape(),
            a.total_params(),
            a.total_macs()
        ),
        Err(e) => e.to_string(),
    }
}

#[test]
fn names_the_generated_cpp_cannot_use_are_refused() {
    let net_doc = |name: &str| doc(r#"{"name": "r", "kind": "ReLU"}"#).replace("\"n\"", name);
    let net_cases: &[(&str, &str)] = &[
        ("class", "`class` is a C++ keyword"),
        ("constexpr", "`constexpr` is a C++ keyword"),
        ("nullptr", "`nullptr` is a C++ keyword"),
        ("char16_t", "`char16_t` is a C++ keyword"),
        ("alignas", "`alignas` is a C++ keyword"),
        (
            "and",
            "`and` is a C++ keyword (an alternative token for `&&`)",
        ),
        (
            "bitand",
            "`bitand` is a C++ keyword (an alternative token for `&`)",
        ),
        ("xor_eq", "`xor_eq` is a C++ keyword"),
        ("main", "`main` is reserved: the testbench defines main()"),
        ("std", "`std` is reserved"),
        ("hls", "`hls` is reserved"),
        ("hwnas", "`hwnas` is reserved"),
        ("defines", "`defines` is reserved"),
        ("parameters", "`parameters` is reserved"),
        ("input_t", "`input_t` is reserved"),
        ("result_t", "`result_t` is reserved"),
        ("ap_fixed", "`ap_fixed` is reserved"),
        ("ap_uint", "`ap_uint` is reserved"),
        ("AP_SAT", "`AP_SAT` is reserved"),
        ("N_INPUT", "`N_INPUT` is reserved"),
        ("N_OUTPUT_PIXELS", "`N_OUTPUT_PIXELS` is reserved"),
        ("HWNAS_PRAGMA", "`HWNAS_PRAGMA` is reserved"),
        ("__net", "`__net` is reserved in C++"),
        ("my__net", "`my__net` is reserved in C++"),
        ("_Net", "`_Net` is reserved in C++"),
        ("_net", "`_net` is reserved in C++ at global scope"),
        // Network-only: the top function's global and testbench neighbours.
        ("x", "`x` is reserved"),
        ("y", "`y` is reserved"),
        ("argv", "`argv` is reserved"),
        ("layer2_t", "`layer2_t` is reserved"),
        ("w2", "`w2` is reserved"),
        ("config2", "`config2` is reserved"),
        ("W2", "header guard `W2_H_`"),
        ("Defines", "header guard `DEFINES_H_`"),
        ("hwnas_common", "header guard `HWNAS_COMMON_H_`"),
    ];
    for (name, want) in net_cases {
        let got = parse_err(&net_doc(&format!("\"{name}\"")));
        assert!(
            got.starts_with(&format!("invalid network: the network name `{name}`"))
                && got.contains(want),
            "network `{name}`: want `{want}`\n got `{got}`"
        );
    }
    let layer_cases: &[(&str, &str)] = &[
        ("class", "`class` is a C++ keyword"),
        (
            "not",
            "`not` is a C++ keyword (an alternative token for `!`)",
        ),
        ("static_assert", "`static_assert` is a C++ keyword"),
        ("main", "`main` is reserved: the testbench defines main()"),
        ("input_t", "`input_t` is reserved"),
        ("ap_int", "`ap_int` is reserved"),
        ("N_OUTPUT", "`N_OUTPUT` is reserved"),
        ("__r", "`__r` is reserved in C++"),
        ("_R", "`_R` is reserved in C++"),
    ];
    for (name, want) in layer_cases {
        let got = parse_err(&doc(&format!(r#"{{"name": "{name}", "kind": "ReLU"}}"#)));
        assert!(
            got.starts_with(&format!("layer 0 `{name}` (ReLU):")) && got.contains(want),
            "layer `{name}`: want `{want}`\n got `{got}`"
        );
    }
    // Names that only look close are fine: a layer may start with one underscore, a network
    // may be named like a generated name whose index the project never uses.
    for ok in [
        "classifier",
        "mainnet",
        "Class",
        "stdx",
        "x1",
        "w1",
        "layer9_t",
        "andy",
        "n_input",
    ] {
        let json = net_doc(&format!("\"{ok}\""));
        Network::from_json_str(&json, "net.json", None).unwrap_or_else(|e| panic!("{ok}: {e}"));
    }
    let json = doc(r#"{"name": "_r", "kind": "ReLU"}, {"name": "x", "kind": "ReLU"}"#);
    Network::from_json_str(&json, "net.json", None).unwrap();
}

#[test]
fn shape_and_count_overflow_is_an_error() {
    let relu = || Layer::new("relu", Op::relu());
    // UpSampling1D by 2^62 of length 4 wrapped to [0, 1].
    let up = Network::new("up", vec![4, 1], ty("ap_fixed<8,3>"))
        .with_layer(Layer::new(
            "up",
            Op::UpSampling1D(UpSampling1D { size: 1 << 62 }),
        ))
        .with_layer(relu());
    let e = analyze_err(&up);
    assert!(
        e.contains(
            "layer 0 `up` (UpSampling1D): the output length overflows: 4 x 4611686018427387904"
        ),
        "{e}"
    );
    let up2 = Network::new("up2", vec![4, 4, 1], ty("ap_fixed<8,3>")).with_layer(Layer::new(
        "up",
        Op::UpSampling2D(UpSampling2D {
            size: [1, usize::MAX],
        }),
    ));
    assert!(analyze_err(&up2).contains("the output width overflows"));
    // ZeroPadding1D of 2^64 - 1 wrapped.
    let pad = Network::new("pad", vec![4, 1], ty("ap_fixed<8,3>")).with_layer(Layer::new(
        "pad",
        Op::ZeroPadding1D(ZeroPadding1D {
            left: usize::MAX,
            right: 0,
        }),
    ));
    let e = analyze_err(&pad);
    assert!(
        e.contains("layer 0 `pad` (ZeroPadding1D): the output length overflows: 4 + 18446744073709551615 + 0"),
        "{e}"
    );
    let pad2 = Network::new("pad2", vec![4, 4, 1], ty("ap_fixed<8,3>")).with_layer(Layer::new(
        "pad",
        Op::ZeroPadding2D(ZeroPadding2D {
            top: 1,
            bottom: usize::MAX,
            left: 0,
            right: 0,
        }),
    ));
    assert!(analyze_err(&pad2).contains("the output height overflows"));
    // Dense 2^32 -> 2^32 counted 0 MACs (2^64 wrapped).
    let big = Network::new("big", vec![1 << 32], ty("ap_fixed<8,3>"))
        .with_layer(Layer::new("fc", dense(1 << 32)));
    let e = analyze_err(&big);
    assert!(e.contains("4294967296"), "{e}");
    let big = Network::new("big", vec![1 << 16], ty("ap_fixed<8,3>"))
        .with_layer(Layer::new("fc", dense(1 << 20)));
    let e = analyze_err(&big);
    assert!(
        e.contains(
            "layer 0 `fc` (Dense): tensor `fc.weight` of shape [65536, 1048576] has \
             68719476736 elements; the firmware indexes"
        ),
        "{e}"
    );
    // A shape whose element count overflows usize, and one the firmware cannot index.
    let e = analyze_err(
        &Network::new("huge", vec![1 << 22, 1 << 22, 1 << 22], ty("ap_fixed<8,3>"))
            .with_layer(Layer::new("flat", Op::Flatten(NoParams {}))),
    );
    assert!(
        e.contains(
            "the input shape [4194304, 4194304, 4194304] has more elements than usize holds"
        ),
        "{e}"
    );
    let e = analyze_err(
        &Network::new("flat", vec![1 << 16, 1 << 15, 2], ty("ap_fixed<8,3>"))
            .with_layer(Layer::new("flat", Op::Flatten(NoParams {}))),
    );
    assert!(
        e.contains("the input shape [65536, 32768, 2] has 4294967296 elements"),
        "{e}"
    );
    let e = analyze_err(
        &Network::new("up", vec![1 << 16, 1], ty("ap_fixed<8,3>")).with_layer(Layer::new(
            "up",
            Op::UpSampling1D(UpSampling1D { size: 1 << 16 }),
        )),
    );
    assert!(
        e.contains(
            "layer 0 `up` (UpSampling1D): the output shape [4294967296, 1] has \
                    4294967296 elements; the firmware indexes"
        ),
        "{e}"
    );
    // A `same` window so large that its padding overflows.
    let conv = Network::new("conv", vec![4, 1], ty("ap_fixed<8,3>")).with_layer(Layer::new(
        "conv",
        Op::Conv1D(Conv1D {
            filters: 1,
            kernel: usize::MAX,
            stride: 1,
            padding: Padding::Same,
            use_bias: false,
        }),
    ));
    let e = analyze_err(&conv);
    assert!(
        e.contains("layer 0 `conv` (Conv1D): the window of 18446744073709551615"),
        "{e}"
    );
    let pool = Network::new("pool", vec![4, 4, 1], ty("ap_fixed<8,3>")).with_layer(Layer::new(
        "pool",
        Op::AvgPool2D(Pool2D {
            pool: [1 << 33, 1 << 33],
            stride: Some([1, 1]),
            padding: Padding::Same,
        }),
    ));
    let e = analyze_err(&pool);
    assert!(e.contains("layer 0 `pool` (AvgPool2D)"), "{e}");
    // Totals over layers are checked too: each layer fits, the sum does not.
    let conv = |i: usize| {
        Layer::new(
            format!("conv{i}"),
            Op::Conv2D(Conv2D {
                filters: 1,
                kernel: [1 << 15, 1 << 15],
                stride: [1, 1],
                padding: Padding::Same,
                use_bias: false,
            }),
        )
        .with_precision(Precision {
            accum: Some(ty("ap_fixed<32,16>")),
            ..Precision::default()
        })
    };
    let mut deep = Network::new("deep", vec![1 << 15, 1 << 15, 1], ty("ap_fixed<8,3>"));
    for i in 0..15 {
        deep = deep.with_layer(conv(i));
    }
    // 15 layers of 2^60 MACs fit ...
    assert_eq!(deep.analyze().unwrap().total_macs(), 15 << 60);
    // ... 16 do not.
    let e = analyze_err(&deep.with_layer(conv(15)));
    assert!(e.contains("the network's total MACs overflow usize"), "{e}");
    // Padding::resolve never wraps or divides by zero.
    assert!(Padding::Same.resolve(4, usize::MAX, 1).is_none());
    assert!(Padding::Same.resolve(4, 3, 0).is_none());
    assert!(Padding::Valid.resolve(4, 3, 0).is_none());
    assert!(Padding::Same.resolve(0, 3, 1).is_none());
}

#[test]
fn non_finite_weights_are_refused() {
    let net = with_random_weights(fixture("jet_mlp.json"));
    let cases: &[(&str, usize, f32, &str)] = &[
        (
            "fc1.weight",
            17,
            f32::NAN,
            "weights: tensor `fc1.weight` holds NaN at index 17 (flat, row-major, shape [16, \
             64]); weights must be finite",
        ),
        (
            "output.bias",
            3,
            f32::INFINITY,
            "weights: tensor `output.bias` holds inf at index 3 (flat, row-major, shape [5]); \
             weights must be finite",
        ),
        (
            "fc2.weight",
            0,
            f32::NEG_INFINITY,
            "tensor `fc2.weight` holds -inf at index 0",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (key, index, value, want) in cases {
        let mut bad = net.clone();
        bad.weights.get_mut(*key).unwrap().data[*index] = *value;
        let e = analyze_err(&bad);
        assert!(e.contains(want), "want `{want}`\n got `{e}`");
        // Never saved ...
        let path = dir.path().join("bad.json");
        let e = bad.save(&path).unwrap_err().to_string();
        assert!(e.contains(want), "{e}");
        // ... and refused when loaded from files written by another tool.
        std::fs::write(&path, bad.to_json_string(Some("bad.safetensors")).unwrap()).unwrap();
        weights::save(&bad.weights, &dir.path().join("bad.safetensors")).unwrap();
        let e = Network::load(&path).unwrap_err().to_string();
        assert!(e.contains(want), "{e}");
    }
    // An F64 value beyond the f32 range is named as such, not as infinity.
    let f64_file = {
        let raw: Vec<u8> = [0.5f64, 1e300]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        let view =
            safetensors::tensor::TensorView::new(safetensors::Dtype::F64, vec![2], &raw).unwrap();
        safetensors::serialize([("t", view)], None).unwrap()
    };
    let e = weights::from_safetensors(&f64_file, "w.safetensors")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("w.safetensors: tensor `t` holds 1e300 at index 1, which does not fit f32"),
        "{e}"
    );
}
