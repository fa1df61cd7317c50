//! What the import refuses, and how it says so: one model per unsupported node kind or
//! setting, each error naming the node, its op type, what is wrong and what to do.

use hwnas_onnx::Error;
use hwnas_onnx::proto::{
    AttributeProto, Dimension, GraphProto, ModelProto, NodeProto, OperatorSetIdProto, TensorProto,
    ValueInfoProto, attribute_type, data_type,
};
use prost::Message;

fn value(name: &str, dims: &[i64]) -> ValueInfoProto {
    let dims: Vec<usize> = dims.iter().map(|&d| d as usize).collect();
    ValueInfoProto::float_batch(name, &dims)
}

fn init(name: &str, dims: &[i64], data: Vec<f32>) -> TensorProto {
    TensorProto {
        dims: dims.to_vec(),
        data_type: data_type::FLOAT,
        float_data: data,
        name: name.into(),
        ..Default::default()
    }
}

fn ints(name: &str, v: &[i64]) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        ints: v.to_vec(),
        r#type: attribute_type::INTS,
        ..Default::default()
    }
}

fn int(name: &str, i: i64) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        i,
        r#type: attribute_type::INT,
        ..Default::default()
    }
}

fn string(name: &str, s: &str) -> AttributeProto {
    AttributeProto {
        name: name.into(),
        s: s.as_bytes().to_vec(),
        r#type: attribute_type::STRING,
        ..Default::default()
    }
}

fn node(op: &str, inputs: &[&str], out: &str, attrs: Vec<AttributeProto>) -> NodeProto {
    NodeProto {
        input: inputs.iter().map(|s| s.to_string()).collect(),
        output: vec![out.into()],
        name: out.into(),
        op_type: op.into(),
        attribute: attrs,
        domain: if matches!(op, "Quant" | "BipolarQuant" | "Trunc") {
            "qonnx.custom_op.general".into()
        } else {
            String::new()
        },
    }
}

/// A model from `input` (its shape without the batch) through `nodes` to the last node's output.
fn model(input: &[i64], nodes: Vec<NodeProto>, inits: Vec<TensorProto>) -> Vec<u8> {
    let out = nodes.last().unwrap().output[0].clone();
    ModelProto {
        ir_version: 8,
        graph: Some(GraphProto {
            name: "m".into(),
            input: vec![value("x", input)],
            output: vec![value(&out, &[])],
            node: nodes,
            initializer: inits,
            ..Default::default()
        }),
        opset_import: vec![OperatorSetIdProto {
            domain: String::new(),
            version: 13,
        }],
        ..Default::default()
    }
    .encode_to_vec()
}

fn err(bytes: &[u8]) -> String {
    match hwnas_onnx::from_bytes(bytes, "test.onnx", "m") {
        Ok(net) => panic!("imported {} layers", net.layers.len()),
        Err(e) => e.to_string(),
    }
}

fn conv_w(o: i64, i: i64, k: i64) -> TensorProto {
    init("w", &[o, i, k, k], vec![0.1; (o * i * k * k) as usize])
}

fn scalar(name: &str, v: f32) -> TensorProto {
    init(name, &[], vec![v])
}

#[test]
fn every_unsupported_node_is_named_with_what_to_do() {
    let mut cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "an op hwnas does not know",
            model(
                &[4, 8],
                vec![node("LSTM", &["x", "w"], "lstm", vec![])],
                vec![init("w", &[1], vec![0.0])],
            ),
            "node `lstm` (LSTM): hwnas cannot import this op type; supported: Gemm, MatMul",
        ),
        (
            "global pooling",
            model(
                &[3, 8, 8],
                vec![node("GlobalAveragePool", &["x"], "gap", vec![])],
                vec![],
            ),
            "node `gap` (GlobalAveragePool): hwnas cannot import this op type",
        ),
        (
            "a depthwise convolution",
            model(
                &[2, 8, 8],
                vec![node("Conv", &["x", "w"], "dw", vec![int("group", 2)])],
                vec![conv_w(2, 1, 3)],
            ),
            "node `dw` (Conv): group = 2 (a grouped or depthwise convolution); hwnas imports group = 1",
        ),
        (
            "a dilated convolution",
            model(
                &[2, 8, 8],
                vec![node(
                    "Conv",
                    &["x", "w"],
                    "dil",
                    vec![ints("dilations", &[2, 2])],
                )],
                vec![conv_w(2, 2, 3)],
            ),
            "node `dil` (Conv): dilated convolutions are not supported",
        ),
        (
            "a skip connection",
            model(
                &[4],
                vec![
                    node("Relu", &["x"], "r", vec![]),
                    node("Add", &["r", "x"], "skip", vec![]),
                ],
                vec![],
            ),
            "node `skip` (Add) takes 2 tensor inputs; hwnas imports one chain of layers",
        ),
        (
            "an Add that is no MatMul's bias",
            model(
                &[4],
                vec![
                    node("Relu", &["x"], "r", vec![]),
                    node("Add", &["r", "b"], "add", vec![]),
                ],
                vec![init("b", &[4], vec![1.0; 4])],
            ),
            "node `add` (Add): an Add of a constant is imported only as the bias of the MatMul before it",
        ),
        (
            "a Reshape that is no flatten",
            model(
                &[16],
                vec![node("Reshape", &["x", "s"], "rs", vec![])],
                vec![init("s", &[3], vec![-1.0, 2.0, 8.0])],
            ),
            "node `rs` (Reshape): a Reshape to [-1.0, 2.0, 8.0] is neither a flatten",
        ),
        (
            "a Transpose of the spatial axes",
            model(
                &[3, 4, 5],
                vec![node(
                    "Transpose",
                    &["x"],
                    "t",
                    vec![ints("perm", &[0, 1, 3, 2])],
                )],
                vec![],
            ),
            "node `t` (Transpose): perm = [0, 1, 3, 2]; hwnas imports a Transpose only between channels-first and channels-last",
        ),
        (
            "a Quant whose scale is not a power of two",
            model(
                &[4],
                vec![node("Quant", &["x", "s", "z", "b"], "q", vec![])],
                vec![scalar("s", 0.1), scalar("z", 0.0), scalar("b", 8.0)],
            ),
            "node `q` (Quant): the scale 0.10000000149011612 is not a power of two",
        ),
        (
            "a Quant with a zero point",
            model(
                &[4],
                vec![node("Quant", &["x", "s", "z", "b"], "q", vec![])],
                vec![scalar("s", 0.25), scalar("z", 3.0), scalar("b", 8.0)],
            ),
            "node `q` (Quant): the zero point 3 is not 0",
        ),
        (
            "a sign activation",
            model(
                &[4],
                vec![node("BipolarQuant", &["x", "s"], "sign", vec![])],
                vec![scalar("s", 1.0)],
            ),
            "node `sign` (BipolarQuant): BipolarQuant of a computed tensor is a sign function",
        ),
        (
            "Trunc version 1",
            model(
                &[4],
                vec![node("Trunc", &["x", "s", "z", "i", "o"], "tr", vec![])],
                vec![
                    scalar("s", 0.25),
                    scalar("z", 0.0),
                    scalar("i", 8.0),
                    scalar("o", 4.0),
                ],
            ),
            "node `tr` (Trunc): this is Trunc version 1 (five inputs)",
        ),
        (
            "a softmax over the positions of a map",
            model(
                &[3, 4, 4],
                vec![node("Softmax", &["x"], "sm", vec![int("axis", 2)])],
                vec![],
            ),
            "node `sm` (Softmax): hwnas's Softmax runs over the channels of each position",
        ),
        (
            "bilinear resizing",
            model(
                &[3, 4, 4],
                vec![node(
                    "Resize",
                    &["x", "", "sc"],
                    "rs",
                    vec![string("mode", "linear")],
                )],
                vec![init("sc", &[4], vec![1.0, 1.0, 2.0, 2.0])],
            ),
            "node `rs` (Resize): only nearest-neighbour resizing is supported",
        ),
        (
            "reflection padding",
            model(
                &[3, 4, 4],
                vec![node(
                    "Pad",
                    &["x", "p"],
                    "pad",
                    vec![string("mode", "reflect")],
                )],
                vec![init("p", &[8], vec![0.0; 8])],
            ),
            "node `pad` (Pad): only constant (zero) padding is supported",
        ),
        (
            "pooling with ceil_mode",
            model(
                &[3, 5, 5],
                vec![node(
                    "MaxPool",
                    &["x"],
                    "mp",
                    vec![ints("kernel_shape", &[2, 2]), int("ceil_mode", 1)],
                )],
                vec![],
            ),
            "node `mp` (MaxPool): ceil_mode = 1",
        ),
        (
            "a Gemm with a transposed input",
            model(
                &[4],
                vec![node("Gemm", &["x", "w"], "fc", vec![int("transA", 1)])],
                vec![init("w", &[4, 2], vec![0.0; 8])],
            ),
            "node `fc` (Gemm): transA = 1",
        ),
        (
            "a Dense on a map",
            model(
                &[3, 4, 4],
                vec![node("Gemm", &["x", "w"], "fc", vec![])],
                vec![init("w", &[48, 2], vec![0.0; 96])],
            ),
            "node `fc` (Gemm): a Dense layer needs a flat input, but the tensor here is a [4, 4, 3] map; add a Flatten before it",
        ),
        (
            "weights computed from the input",
            model(
                &[4],
                vec![node("MatMul", &["x", "x"], "mm", vec![])],
                vec![],
            ),
            "node `mm` (MatMul) takes 2 tensor inputs",
        ),
    ];
    cases.push((
        "two quantisers in a row",
        model(
            &[4],
            vec![
                node("Relu", &["x"], "r", vec![]),
                node("Quant", &["r", "s", "z", "b"], "q1", vec![]),
                node("Quant", &["q1", "s", "z", "b"], "q2", vec![]),
            ],
            vec![scalar("s", 0.25), scalar("z", 0.0), scalar("b", 8.0)],
        ),
        "node `q2` (Quant): it quantises the output of another quantiser",
    ));
    let n = cases.len();
    for (what, bytes, want) in cases {
        let e = err(&bytes);
        assert!(e.contains(want), "{what}:\n  got  {e}\n  want {want}");
        println!("{what}: {e}");
    }
    assert_eq!(n, 20);
}

#[test]
fn models_that_are_not_chains_or_not_onnx_are_explained() {
    let e = err(b"this is not protobuf at all");
    assert!(e.starts_with("test.onnx is not an ONNX model"), "{e}");
    // Two inputs.
    let two = ModelProto {
        graph: Some(GraphProto {
            input: vec![value("a", &[2]), value("b", &[2])],
            ..Default::default()
        }),
        ..Default::default()
    }
    .encode_to_vec();
    assert!(
        err(&two)
            .contains("the model has 2 inputs (`a`, `b`); hwnas imports models with one input")
    );
    // A symbolic feature size.
    let mut symbolic = value("x", &[]);
    if let Some(s) = symbolic
        .r#type
        .as_mut()
        .unwrap()
        .tensor_type
        .as_mut()
        .unwrap()
        .shape
        .as_mut()
    {
        s.dim.push(Dimension {
            dim_value: None,
            dim_param: Some("F".into()),
        });
    }
    let bytes = ModelProto {
        graph: Some(GraphProto {
            input: vec![symbolic],
            ..Default::default()
        }),
        ..Default::default()
    }
    .encode_to_vec();
    assert!(
        err(&bytes).contains("needs a fixed `[batch, features]`"),
        "{}",
        err(&bytes)
    );
    // Not every output reached.
    let bytes = model(&[4], vec![node("Relu", &["x"], "r", vec![])], vec![]);
    let mut m = ModelProto::decode(bytes.as_slice()).unwrap();
    m.graph.as_mut().unwrap().output[0].name = "elsewhere".into();
    let e = err(&m.encode_to_vec());
    assert!(
        e.contains("the chain of layers ends at `r`, but the model's outputs are [\"elsewhere\"]"),
        "{e}"
    );
    assert!(matches!(
        hwnas_onnx::load(std::path::Path::new("/no/such/model.onnx")),
        Err(Error::Io { .. })
    ));
}
