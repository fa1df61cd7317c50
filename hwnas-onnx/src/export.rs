//! IR networks to QONNX: a channels-first ONNX graph (opset 13) with a QONNX `Quant` node per
//! typed tensor (the input, every Dense/Conv weight and bias, every result, each with its type
//! as the network resolves it), as hls4ml's and FINN's QONNX readers take it, plus hwnas's own
//! settings in the metadata (see `meta`).

use std::path::Path;

use hwnas_core::fixed::FixedType;
use hwnas_core::ir::{Activation, Layer, LayerInfo, Network, Op, Tensor};
use prost::Message;

use crate::error::{Error, Result};
use crate::meta::Meta;
use crate::proto::{
    GraphProto, ModelProto, NodeProto, OperatorSetIdProto, TensorProto, ValueInfoProto,
};
use crate::quant;
use crate::tensor::{Const, attr_float, attr_int, attr_ints, attr_string};

/// QONNX's operator domain.
const QONNX_DOMAIN: &str = "qonnx.custom_op.general";

/// Writes `net` as a QONNX file (through a temporary file, renamed into place).
///
/// # Errors
/// [`Error::Io`] when the file cannot be written, and as [`to_bytes`].
pub fn save(net: &Network, path: &Path) -> Result<()> {
    let bytes = to_bytes(net)?;
    let io = |source| Error::Io {
        path: path.display().to_string(),
        source,
    };
    let tmp = path.with_extension("onnx.tmp");
    std::fs::write(&tmp, bytes).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}

/// `net` as QONNX bytes.
///
/// ```
/// use hwnas_core::ir::{Dense, Layer, Network, Op, Tensor};
///
/// let mut net = Network::new("mlp", vec![2], "ap_fixed<16,6>".parse()?)
///     .with_layer(Layer::new("fc", Op::Dense(Dense { units: 1, use_bias: true })));
/// net.weights.insert("fc.weight".into(), Tensor::new(vec![2, 1], vec![0.5, -0.25])?);
/// net.weights.insert("fc.bias".into(), Tensor::new(vec![1], vec![0.125])?);
/// let bytes = hwnas_onnx::to_bytes(&net)?;
/// assert_eq!(hwnas_onnx::from_bytes(&bytes, "memory", "mlp")?, net);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`Error::Core`] when the network is invalid, [`Error::Graph`] when a weight is missing.
pub fn to_bytes(net: &Network) -> Result<Vec<u8>> {
    let analysis = net.analyze()?;
    let mut g = Builder {
        graph: GraphProto {
            name: net.name.clone(),
            ..Default::default()
        },
        net,
    };
    let mut cur = "input".to_string();
    let input_dims = onnx_dims(&net.input_shape);
    g.graph
        .input
        .push(ValueInfoProto::float_batch(&cur, &input_dims));
    cur = g.quant(&cur, "input_quant", &net.input_type);
    for (i, (layer, info)) in net.layers.iter().zip(&analysis.layers).enumerate() {
        cur = g.layer(layer, info, &cur)?;
        // Every result gets its resolved type, so that the graph alone states the arithmetic
        // (QONNX computes in float between quantisers) — except the output of a Dense/Conv
        // whose BatchNorm the firmware folds into it: the folded output is the BatchNorm's.
        // A layer that only moves values keeps its input's type unless it sets one (a Flatten
        // cannot set one): no second Quant of the same type there.
        let moves = layer.op.is_data_movement() && layer.precision.result.is_none();
        if !net.batchnorm_is_fused(i + 1) && !moves {
            cur = g.quant(&cur, &format!("{}_quant", layer.name), &info.types.result);
        }
    }
    g.graph.output.push(ValueInfoProto::float_batch(
        &cur,
        &onnx_dims(analysis.output_shape()),
    ));
    let model = ModelProto {
        ir_version: 8,
        producer_name: "hwnas".into(),
        producer_version: env!("CARGO_PKG_VERSION").into(),
        graph: Some(g.graph),
        opset_import: vec![
            OperatorSetIdProto {
                domain: String::new(),
                version: 13,
            },
            OperatorSetIdProto {
                domain: QONNX_DOMAIN.into(),
                version: 1,
            },
        ],
        metadata_props: Meta::write(net),
    };
    Ok(model.encode_to_vec())
}

/// Channels-first ONNX dimensions of a channels-last IR shape.
fn onnx_dims(ir: &[usize]) -> Vec<usize> {
    let mut d = ir.to_vec();
    if d.len() > 1 {
        d.rotate_right(1);
    }
    d
}

/// The graph being written.
struct Builder<'a> {
    graph: GraphProto,
    net: &'a Network,
}

impl Builder<'_> {
    /// Adds a node of the default domain; returns its output.
    fn node(
        &mut self,
        name: &str,
        op: &str,
        inputs: &[&str],
        attrs: Vec<crate::proto::AttributeProto>,
    ) -> String {
        self.graph.node.push(NodeProto {
            input: inputs.iter().map(|s| s.to_string()).collect(),
            output: vec![name.to_string()],
            name: name.into(),
            op_type: op.into(),
            attribute: attrs,
            domain: String::new(),
        });
        name.to_string()
    }

    /// Adds an initializer.
    fn init(&mut self, t: TensorProto) -> String {
        let name = t.name.clone();
        self.graph.initializer.push(t);
        name
    }

    /// A `Quant` of `x` to type `t` named `name`; returns its output.
    fn quant(&mut self, x: &str, name: &str, t: &FixedType) -> String {
        let (scale, bits, signed, narrow, rounding) = quant::quant_params(t);
        let scale = self.init(Const::to_proto(
            &format!("{name}.scale"),
            &[],
            &[scale as f32],
        ));
        let zeropt = self.init(Const::to_proto(&format!("{name}.zeropt"), &[], &[0.0]));
        let bits = self.init(Const::to_proto(
            &format!("{name}.bitwidth"),
            &[],
            &[bits as f32],
        ));
        self.graph.node.push(NodeProto {
            input: vec![x.into(), scale, zeropt, bits],
            output: vec![name.to_string()],
            name: name.into(),
            op_type: "Quant".into(),
            attribute: vec![
                attr_int("signed", signed as i64),
                attr_int("narrow", narrow as i64),
                attr_string("rounding_mode", rounding),
            ],
            domain: QONNX_DOMAIN.into(),
        });
        name.to_string()
    }

    /// The weight `key` of `layer`.
    fn weight(&self, layer: &Layer, key: &str) -> Result<&Tensor> {
        self.net
            .weights
            .get(&format!("{}.{key}", layer.name))
            .ok_or_else(|| {
                Error::Graph(format!(
                    "the network has no `{}.{key}`; export a network with its weights (a \
                     trained or derived one)",
                    layer.name
                ))
            })
    }

    /// An initializer of the weight `key` of `layer` (in ONNX layout `data`), quantised to
    /// `t` when given; returns the tensor the node reads.
    fn param(
        &mut self,
        layer: &Layer,
        key: &str,
        dims: &[usize],
        data: &[f32],
        t: Option<&FixedType>,
    ) -> String {
        let name = self.init(Const::to_proto(
            &format!("{}.{key}", layer.name),
            dims,
            data,
        ));
        match t {
            Some(t) => self.quant(&name, &format!("{}.{key}_quant", layer.name), t),
            None => name,
        }
    }

    /// The nodes of `layer` reading `x`; returns its output.
    fn layer(&mut self, layer: &Layer, info: &LayerInfo, x: &str) -> Result<String> {
        let n = layer.name.as_str();
        let input = &info.input_shape;
        Ok(match &layer.op {
            Op::Dense(d) if !d.use_bias => {
                // Without a bias, as PyTorch writes `Linear(bias=False)`: a MatMul by the IR's
                // [in][out] weight (QONNX's Gemm-to-MatMul pass needs a Gemm's bias).
                let w = self.weight(layer, "weight")?.clone();
                let wq = self.param(
                    layer,
                    "weight",
                    &[input[0], d.units],
                    &w.data,
                    info.types.weight.as_ref(),
                );
                self.node(n, "MatMul", &[x, &wq], vec![])
            }
            Op::Dense(d) => {
                let w = self.weight(layer, "weight")?.clone();
                let k = input[0];
                // The IR's [in][out] as Gemm's transposed B, [out][in].
                let mut bt = vec![0f32; w.data.len()];
                for i in 0..k {
                    for o in 0..d.units {
                        bt[o * k + i] = w.data[i * d.units + o];
                    }
                }
                let wq = self.param(
                    layer,
                    "weight",
                    &[d.units, k],
                    &bt,
                    info.types.weight.as_ref(),
                );
                let b = self.weight(layer, "bias")?.clone();
                let bq = self.param(layer, "bias", &[d.units], &b.data, info.types.bias.as_ref());
                self.node(n, "Gemm", &[x, &wq, &bq], vec![attr_int("transB", 1)])
            }
            Op::Conv1D(_) | Op::Conv2D(_) => {
                let (kernel, stride, filters, use_bias) = match &layer.op {
                    Op::Conv1D(c) => (vec![c.kernel], vec![c.stride], c.filters, c.use_bias),
                    Op::Conv2D(c) => (c.kernel.to_vec(), c.stride.to_vec(), c.filters, c.use_bias),
                    _ => unreachable!(),
                };
                let w = self.weight(layer, "weight")?.clone();
                let cin = *input.last().expect("maps have channels");
                let ksz: usize = kernel.iter().product();
                let mut data = vec![0f32; w.data.len()];
                for o in 0..filters {
                    for i in 0..cin {
                        for k in 0..ksz {
                            data[(o * cin + i) * ksz + k] = w.data[(k * cin + i) * filters + o];
                        }
                    }
                }
                let mut dims = vec![filters, cin];
                dims.extend(&kernel);
                let wq = self.param(layer, "weight", &dims, &data, info.types.weight.as_ref());
                let mut inputs = vec![x.to_string(), wq];
                if use_bias {
                    let b = self.weight(layer, "bias")?.clone();
                    inputs.push(self.param(
                        layer,
                        "bias",
                        &[filters],
                        &b.data,
                        info.types.bias.as_ref(),
                    ));
                }
                let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
                // `dilations` and `group` at their defaults, written out: QONNX's channels-last
                // conversion (which hls4ml's QONNX flow runs) requires them.
                let attrs = vec![
                    attr_ints("kernel_shape", &as_i64(&kernel)),
                    attr_ints("strides", &as_i64(&stride)),
                    attr_ints("pads", &pads(info)),
                    attr_ints("dilations", &vec![1; kernel.len()]),
                    attr_int("group", 1),
                ];
                self.node(n, "Conv", &inputs, attrs)
            }
            Op::MaxPool1D(_) | Op::AvgPool1D(_) | Op::MaxPool2D(_) | Op::AvgPool2D(_) => {
                let (kernel, stride) = match &layer.op {
                    Op::MaxPool1D(q) | Op::AvgPool1D(q) => {
                        (vec![q.pool], vec![q.stride.unwrap_or(q.pool)])
                    }
                    Op::MaxPool2D(q) | Op::AvgPool2D(q) => {
                        (q.pool.to_vec(), q.stride.unwrap_or(q.pool).to_vec())
                    }
                    _ => unreachable!(),
                };
                let avg = matches!(layer.op, Op::AvgPool1D(_) | Op::AvgPool2D(_));
                let mut attrs = vec![
                    attr_ints("kernel_shape", &as_i64(&kernel)),
                    attr_ints("strides", &as_i64(&stride)),
                    attr_ints("pads", &pads(info)),
                ];
                if avg {
                    attrs.push(attr_int("count_include_pad", 0));
                }
                let op = if avg { "AveragePool" } else { "MaxPool" };
                self.node(n, op, &[x], attrs)
            }
            Op::BatchNorm(bn) => {
                let mut inputs = vec![x.to_string()];
                for key in ["gamma", "beta", "mean", "variance"] {
                    let t = self.weight(layer, key)?.clone();
                    inputs.push(self.param(layer, key, &[t.data.len()], &t.data, None));
                }
                let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
                self.node(
                    n,
                    "BatchNormalization",
                    &inputs,
                    vec![attr_float("epsilon", bn.epsilon as f32)],
                )
            }
            Op::Activation(a) => self.activation(layer, a, input, x)?,
            Op::Flatten(_) => {
                let x = if input.len() > 1 {
                    let perm: &[i64] = if input.len() == 3 {
                        &[0, 2, 3, 1]
                    } else {
                        &[0, 2, 1]
                    };
                    self.node(
                        &format!("{n}_channels_last"),
                        "Transpose",
                        &[x],
                        vec![attr_ints("perm", perm)],
                    )
                } else {
                    x.to_string()
                };
                self.node(n, "Flatten", &[&x], vec![attr_int("axis", 1)])
            }
            Op::ZeroPadding1D(z) => self.pad(n, x, &[(z.left, z.right)]),
            Op::ZeroPadding2D(z) => self.pad(n, x, &[(z.top, z.bottom), (z.left, z.right)]),
            Op::UpSampling1D(u) => self.upsample(n, x, &[u.size]),
            Op::UpSampling2D(u) => self.upsample(n, x, &u.size),
        })
    }

    /// The node of an activation.
    fn activation(
        &mut self,
        layer: &Layer,
        a: &Activation,
        input: &[usize],
        x: &str,
    ) -> Result<String> {
        let n = layer.name.as_str();
        let map = input.len() > 1;
        Ok(match a {
            Activation::ReLU(_) => self.node(n, "Relu", &[x], vec![]),
            Activation::LeakyReLU(l) => self.node(
                n,
                "LeakyRelu",
                &[x],
                vec![attr_float("alpha", l.alpha as f32)],
            ),
            Activation::ELU(e) => {
                self.node(n, "Elu", &[x], vec![attr_float("alpha", e.alpha as f32)])
            }
            Activation::PReLU(_) => {
                let s = self.weight(layer, "alpha")?.clone();
                // One slope per channel, broadcast over the positions of a channels-first map.
                let mut dims = vec![s.data.len()];
                dims.extend(std::iter::repeat_n(1, input.len() - 1));
                let slope = self.param(layer, "alpha", &dims, &s.data, None);
                self.node(n, "PRelu", &[x, &slope], vec![])
            }
            Activation::Sigmoid(_) => self.node(n, "Sigmoid", &[x], vec![]),
            Activation::Tanh(_) => self.node(n, "Tanh", &[x], vec![]),
            Activation::Softplus(_) => self.node(n, "Softplus", &[x], vec![]),
            Activation::Softsign(_) => self.node(n, "Softsign", &[x], vec![]),
            Activation::Softmax(_) => {
                let axis = if map { 1 } else { -1 };
                self.node(n, "Softmax", &[x], vec![attr_int("axis", axis)])
            }
        })
    }

    /// A zero `Pad` of the spatial axes of a channels-first map.
    fn pad(&mut self, n: &str, x: &str, spatial: &[(usize, usize)]) -> String {
        let mut begin = vec![0i64, 0];
        let mut end = vec![0i64, 0];
        for &(b, e) in spatial {
            begin.push(b as i64);
            end.push(e as i64);
        }
        begin.extend(end);
        let pads = self.init(Const::int64_proto(&format!("{n}.pads"), &begin));
        self.node(n, "Pad", &[x, &pads], vec![attr_string("mode", "constant")])
    }

    /// A nearest-neighbour `Resize` by whole factors (pixels repeated).
    fn upsample(&mut self, n: &str, x: &str, size: &[usize]) -> String {
        let mut scales = vec![1f32, 1.0];
        scales.extend(size.iter().map(|&s| s as f32));
        let scales = self.init(Const::to_proto(
            &format!("{n}.scales"),
            &[scales.len()],
            &scales,
        ));
        // An empty `roi` tensor rather than an empty input name: hls4ml's ONNX reader looks up
        // the shape of every input.
        let roi = self.init(Const::to_proto(&format!("{n}.roi"), &[0], &[]));
        self.node(
            n,
            "Resize",
            &[x, &roi, &scales],
            vec![
                attr_string("mode", "nearest"),
                attr_string("coordinate_transformation_mode", "asymmetric"),
                attr_string("nearest_mode", "floor"),
            ],
        )
    }
}

/// `pads` of a window op: every axis's padding before, then after.
fn pads(info: &LayerInfo) -> Vec<i64> {
    let mut v: Vec<i64> = info.windows.iter().map(|w| w.pad_begin as i64).collect();
    v.extend(info.windows.iter().map(|w| w.pad_end as i64));
    v
}

fn as_i64(v: &[usize]) -> Vec<i64> {
    v.iter().map(|&x| x as i64).collect()
}
