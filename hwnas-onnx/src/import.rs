//! ONNX and QONNX models to IR networks: a walk along the graph's chain of nodes, each node
//! becoming zero, one or two IR layers (see [`crate::ops`]), with the tensor layout tracked so
//! that channels-first models arrive channels-last.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use hwnas_core::fixed::FixedType;
use hwnas_core::ir::{Layer, Network, Weights, is_c_identifier, layer_name_problem};
use prost::Message;

use crate::error::{Error, Result};
use crate::meta::Meta;
use crate::proto::{GraphProto, ModelProto, NodeProto};
use crate::quant;
use crate::tensor::{Attrs, Const};

/// Reads an ONNX or QONNX file as an IR network with its weights.
///
/// ```no_run
/// let net = hwnas_onnx::load(std::path::Path::new("model.onnx"))?;
/// println!("{} layers", net.layers.len());
/// # Ok::<(), hwnas_onnx::Error>(())
/// ```
///
/// # Errors
/// [`Error::Io`] when the file cannot be read, and as [`from_bytes`].
pub fn load(path: &Path) -> Result<Network> {
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })?;
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("model");
    from_bytes(&bytes, &path.display().to_string(), stem)
}

/// Reads an ONNX or QONNX model from its bytes; `origin` names them in errors, `name` is the
/// network's name unless the model's metadata or graph gives one.
///
/// The model must be one chain of supported nodes from its one input to its one output (no
/// branches or skip connections). Channels-first inputs (`[N, C, H, W]`, `[N, C, L]`) become
/// channels-last IR inputs (`[H, W, C]`, `[L, C]`); a `Transpose` to channels-first right after
/// the input (tf2onnx's Keras exports) means the input already is channels-last. A `Flatten`
/// of a channels-first map reorders the next Dense layer's weight rows, so the IR's `h, w, c`
/// flattening computes the same function.
///
/// # Errors
/// [`Error::Decode`] for bytes that are not ONNX, [`Error::Unsupported`] naming the first node
/// hwnas cannot import (its op type and what is supported), [`Error::Graph`] for a graph that
/// is not a chain, and [`Error::Core`] when the IR rejects the result.
pub fn from_bytes(bytes: &[u8], origin: &str, name: &str) -> Result<Network> {
    let model = ModelProto::decode(bytes).map_err(|e| Error::Decode {
        origin: origin.into(),
        why: e.to_string(),
    })?;
    let graph = model.graph.as_ref().ok_or_else(|| Error::Decode {
        origin: origin.into(),
        why: "it has no graph".into(),
    })?;
    let meta = Meta::read(&model.metadata_props)?;
    let opset = model
        .opset_import
        .iter()
        .find(|o| o.domain.is_empty() || o.domain == "ai.onnx")
        .map_or(13, |o| o.version);
    let mut im = Import::new(graph, meta, opset)?;
    for node in &graph.node {
        im.node(node)?;
    }
    im.finish(graph, name)
}

/// The layout of the tensor the chain has reached.
#[derive(Debug, Clone)]
pub(crate) struct Map {
    /// Its IR shape (channels-last, no batch).
    pub ir: Vec<usize>,
    /// Whether the ONNX tensor holds the channels before the positions (`NCHW`, `NCL`).
    pub channels_first: bool,
    /// After a Flatten of a channels-first map: for each IR position, the ONNX position.
    pub perm: Option<Vec<usize>>,
}

impl Map {
    /// The channel count (last IR dimension).
    pub(crate) fn channels(&self) -> usize {
        *self.ir.last().expect("shapes are never empty")
    }

    /// The ONNX shape (without the batch).
    pub(crate) fn onnx_shape(&self) -> Vec<usize> {
        let mut s = self.ir.clone();
        if s.len() > 1 && self.channels_first {
            s.rotate_right(1);
        }
        s
    }

    /// The ONNX axis (batch included) of IR axis `a`.
    pub(crate) fn onnx_axis(&self, a: usize) -> usize {
        let rank = self.ir.len();
        if rank > 1 && self.channels_first {
            if a == rank - 1 { 1 } else { a + 2 }
        } else {
            a + 1
        }
    }
}

/// The state of the walk.
pub(crate) struct Import {
    /// Initializers and `Constant` outputs.
    pub consts: HashMap<String, Const>,
    /// Types of quantised constants (by the `Quant` node's output).
    pub types: HashMap<String, FixedType>,
    /// The IR layers so far.
    pub layers: Vec<Layer>,
    /// Their weights.
    pub weights: Weights,
    /// The network's input type (a `Quant` right after the input sets it).
    pub input_type: FixedType,
    /// The input's IR shape.
    pub input_shape: Vec<usize>,
    /// The tensor the chain has reached.
    pub cur: String,
    /// Its layout.
    pub map: Map,
    /// Layer names taken.
    names: HashSet<String>,
    /// hwnas's own settings, where the model was written by hwnas.
    pub meta: Meta,
    /// The output of the last MatMul, whose Add gives its bias.
    pub bias_slot: Option<String>,
    /// The model's version of the default ONNX domain.
    pub opset: i64,
    /// Whether the model has QONNX quantisers (it computes in float between them).
    pub quantised: bool,
    /// The output of the last quantiser of a computed tensor.
    pub quantiser_ends: Option<String>,
}

impl Import {
    fn new(graph: &GraphProto, meta: Meta, opset: i64) -> Result<Self> {
        let mut consts = HashMap::new();
        for t in &graph.initializer {
            let c = Const::from_proto(t).map_err(Error::Graph)?;
            consts.insert(t.name.clone(), c);
        }
        let inputs: Vec<_> = graph
            .input
            .iter()
            .filter(|i| !consts.contains_key(&i.name))
            .collect();
        let [input] = inputs.as_slice() else {
            return Err(Error::Graph(format!(
                "the model has {} inputs ({}); hwnas imports models with one input",
                inputs.len(),
                inputs
                    .iter()
                    .map(|i| format!("`{}`", i.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        };
        let dims: Vec<Option<i64>> = input
            .r#type
            .as_ref()
            .and_then(|t| t.tensor_type.as_ref())
            .and_then(|t| t.shape.as_ref())
            .map(|s| s.dim.iter().map(|d| d.dim_value).collect())
            .unwrap_or_default();
        let features: Option<Vec<usize>> = dims
            .iter()
            .skip(1)
            .map(|d| d.and_then(|v| usize::try_from(v).ok()).filter(|&v| v > 0))
            .collect();
        let onnx = match features {
            Some(f) if (1..=3).contains(&f.len()) => f,
            _ => {
                return Err(Error::Graph(format!(
                    "the input `{}` has shape {dims:?}; hwnas needs a fixed `[batch, features]`, \
                     `[batch, channels, length]` or `[batch, channels, height, width]` (export \
                     with a fixed example input; only the batch may be symbolic)",
                    input.name
                )));
            }
        };
        // tf2onnx's Keras exports keep the input channels-last and transpose it first.
        let first = graph
            .node
            .iter()
            .find(|n| n.input.first() == Some(&input.name));
        let to_cf: &[i64] = if onnx.len() == 3 {
            &[0, 3, 1, 2]
        } else {
            &[0, 2, 1]
        };
        let channels_last = onnx.len() > 1
            && first.is_some_and(|n| {
                n.op_type == "Transpose" && Attrs(n).ints("perm").as_deref() == Some(to_cf)
            });
        let ir = if onnx.len() == 1 || channels_last {
            onnx
        } else {
            let mut v = onnx[1..].to_vec();
            v.push(onnx[0]);
            v
        };
        Ok(Import {
            consts,
            types: HashMap::new(),
            layers: Vec::new(),
            weights: Weights::new(),
            input_type: meta.input_type.unwrap_or_else(default_type),
            input_shape: ir.clone(),
            cur: input.name.clone(),
            map: Map {
                ir,
                channels_first: !channels_last,
                perm: None,
            },
            names: HashSet::new(),
            meta,
            bias_slot: None,
            opset,
            quantiser_ends: None,
            quantised: graph
                .node
                .iter()
                .any(|n| matches!(n.op_type.as_str(), "Quant" | "BipolarQuant" | "Trunc")),
        })
    }

    /// Imports one node.
    fn node(&mut self, node: &NodeProto) -> Result<()> {
        let op = node.op_type.as_str();
        if op == "Constant" {
            let t = Attrs(node).tensor("value").ok_or_else(|| {
                unsupported(node, "a Constant without a tensor `value` attribute")
            })?;
            let c = Const::from_proto(t).map_err(|why| unsupported(node, &why))?;
            self.consts.insert(output(node)?.to_string(), c);
            return Ok(());
        }
        let on_const = node
            .input
            .first()
            .is_some_and(|i| self.consts.contains_key(i));
        if on_const && matches!(op, "Quant" | "BipolarQuant") {
            return self.quantised_const(node);
        }
        let data: Vec<&String> = node
            .input
            .iter()
            .filter(|i| !i.is_empty() && !self.consts.contains_key(*i))
            .collect();
        if data.as_slice() != [&self.cur] {
            let what = match data.as_slice() {
                [] => "no tensor input".to_string(),
                [one] => format!("the tensor `{one}`, which is not the output of the node before"),
                more => format!("{} tensor inputs", more.len()),
            };
            return Err(Error::Graph(format!(
                "node `{}` ({op}) takes {what}; hwnas imports one chain of layers from the \
                 input to the output (no branches, skip connections or merges); the chain had \
                 reached `{}`",
                node_name(node),
                self.cur
            )));
        }
        crate::ops::import_node(self, node)?;
        self.cur = output(node)?.to_string();
        Ok(())
    }

    /// A `Quant`/`BipolarQuant` of a constant: the constant's values stay as they are (the IR
    /// quantises them with the type, rounding as `Quant` does), the type is kept for the layer
    /// that uses them.
    fn quantised_const(&mut self, node: &NodeProto) -> Result<()> {
        let x = self.consts[&node.input[0]].clone();
        let (values, t) = if node.op_type == "BipolarQuant" {
            let scale = self.scalar_input(node, 1)?;
            let f = quant::fraction_bits(scale).map_err(|why| unsupported(node, &why))?;
            // sign(x) * scale: two levels, held exactly by a 2-bit type whose step is the scale.
            let t =
                FixedType::new(2, 2 - f, true).map_err(|e| unsupported(node, &e.to_string()))?;
            let v = x
                .data
                .iter()
                .map(|&v| if v >= 0.0 { scale } else { -scale })
                .collect();
            (v, t)
        } else {
            let t = self.quant_type(node, [1, 2, 3], "ROUND")?;
            (x.data.clone(), t)
        };
        let out = output(node)?.to_string();
        self.types.insert(out.clone(), t);
        self.consts.insert(
            out,
            Const {
                dims: x.dims,
                data: values,
            },
        );
        Ok(())
    }

    /// The type a quantiser node describes: its inputs `[scale, zero point, bit width]` at
    /// `inputs` (`Quant`: 1, 2, 3; `Trunc` version 2, for its output: 4, 2, 5), its `signed`
    /// and `narrow` attributes, and its `rounding_mode` (default `rounding`).
    pub(crate) fn quant_type(
        &self,
        node: &NodeProto,
        [scale, zeropt, bits]: [usize; 3],
        rounding: &str,
    ) -> Result<FixedType> {
        let a = Attrs(node);
        quant::quant_type(
            self.scalar_input(node, scale)?,
            self.scalar_input(node, zeropt)?,
            self.scalar_input(node, bits)?,
            a.int("signed", 1) != 0,
            a.int("narrow", 0) != 0,
            &a.string("rounding_mode", rounding),
        )
        .map_err(|why| unsupported(node, &why))
    }

    /// The scalar constant at input `i` of `node`.
    pub(crate) fn scalar_input(&self, node: &NodeProto, i: usize) -> Result<f64> {
        self.const_input(node, i)?.scalar().ok_or_else(|| {
            unsupported(
                node,
                &format!("input {i} (`{}`) must be a scalar constant", node.input[i]),
            )
        })
    }

    /// The constant at input `i` of `node`.
    pub(crate) fn const_input(&self, node: &NodeProto, i: usize) -> Result<&Const> {
        let name = node
            .input
            .get(i)
            .filter(|n| !n.is_empty())
            .ok_or_else(|| unsupported(node, &format!("input {i} is missing")))?;
        self.consts.get(name).ok_or_else(|| {
            unsupported(
                node,
                &format!(
                    "input {i} (`{name}`) must be a constant (an initializer or a Constant \
                     node); hwnas imports weights, not computed tensors"
                ),
            )
        })
    }

    /// The constant at input `i`, if that input is given.
    pub(crate) fn optional_const(&self, node: &NodeProto, i: usize) -> Result<Option<&Const>> {
        match node.input.get(i) {
            Some(n) if !n.is_empty() => self.const_input(node, i).map(Some),
            _ => Ok(None),
        }
    }

    /// The type of the constant at input `i`, when a `Quant` gave it one.
    pub(crate) fn type_of(&self, node: &NodeProto, i: usize) -> Option<FixedType> {
        node.input.get(i).and_then(|n| self.types.get(n)).copied()
    }

    /// A layer name for `node`: its own name made a C identifier, unique and usable in the
    /// generated C++.
    pub(crate) fn layer_name(&mut self, node: &NodeProto, suffix: &str) -> String {
        let mut name = identifier(&format!("{}{suffix}", node_name(node)));
        if name.is_empty() {
            name = node.op_type.to_ascii_lowercase();
        }
        let usable = |n: &str, names: &HashSet<String>| {
            is_c_identifier(n) && layer_name_problem(n).is_none() && !names.contains(n)
        };
        if !usable(&name, &self.names) {
            let prefixed = format!("{}_{name}", node.op_type.to_ascii_lowercase());
            name = if usable(&prefixed, &self.names) {
                prefixed
            } else {
                (1..)
                    .map(|i| format!("{}{i}", node.op_type.to_ascii_lowercase()))
                    .find(|n| usable(n, &self.names))
                    .expect("some index is free")
            };
        }
        self.names.insert(name.clone());
        name
    }

    /// Appends a layer, with the settings hwnas's metadata holds for it.
    pub(crate) fn push(&mut self, mut layer: Layer) {
        self.meta.apply(&mut layer);
        self.layers.push(layer);
    }

    fn finish(self, graph: &GraphProto, name: &str) -> Result<Network> {
        let outputs: Vec<&str> = graph.output.iter().map(|o| o.name.as_str()).collect();
        if outputs != [self.cur.as_str()] {
            return Err(Error::Graph(format!(
                "the chain of layers ends at `{}`, but the model's outputs are {outputs:?}; \
                 hwnas imports models with one output at the end of the chain",
                self.cur
            )));
        }
        if self.map.perm.is_some() {
            return Err(Error::Graph(
                "the model ends in a Flatten of a channels-first map, whose order (c, h, w) \
                 differs from hwnas's (h, w, c); end the model with a layer after the Flatten"
                    .into(),
            ));
        }
        let name = self
            .meta
            .name
            .clone()
            .unwrap_or_else(|| network_name(&graph.name, name));
        let mut net = Network::new(name, self.input_shape, self.input_type);
        net.default_precision = self.meta.default_precision.unwrap_or_else(default_type);
        if let Some(p) = self.meta.type_preset {
            net.type_preset = p;
        }
        net.layers = self.layers;
        net.weights = self.weights;
        self.meta.unset_resolved(&mut net)?;
        if self.quantised {
            lossless_results(&mut net, &self.meta)?;
        }
        net.analyze()?;
        Ok(net)
    }
}

/// Gives every Dense/Conv layer whose output no quantiser follows the exact (lossless) type of
/// its sum: QONNX computes in float between quantisers, and hls4ml's precision inference for
/// QONNX models does the same. Layers hwnas's metadata describes keep what it says.
fn lossless_results(net: &mut Network, meta: &Meta) -> Result<()> {
    for i in 0..net.layers.len() {
        let l = &net.layers[i];
        if !l.op.has_kernel() || l.precision.result.is_some() || meta.describes(&l.name) {
            continue;
        }
        let analysis = net.analyze()?;
        if let Some(t) = analysis.layers[i].types.accum {
            net.layers[i].precision.result = Some(t);
        }
    }
    Ok(())
}

/// hls4ml's default type, `ap_fixed<16,6>`.
fn default_type() -> FixedType {
    FixedType::new(16, 6, true).expect("ap_fixed<16,6> is valid")
}

/// The network's name: the graph's, else `fallback`, made a C identifier.
fn network_name(graph: &str, fallback: &str) -> String {
    [graph, fallback, "model"]
        .into_iter()
        .map(identifier)
        .find(|n| is_c_identifier(n) && hwnas_core::ir::network_name_problem(n, 0).is_none())
        .unwrap_or_else(|| "onnx_model".into())
}

/// `s` with every character outside `[A-Za-z0-9_]` replaced by `_`, prefixed when it starts
/// with a digit.
fn identifier(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect::<String>()
        .trim_matches('_')
        .to_string();
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "l_");
    }
    out
}

/// The node's name in messages: its own, else its first output's.
pub(crate) fn node_name(node: &NodeProto) -> String {
    if node.name.is_empty() {
        node.output.first().cloned().unwrap_or_default()
    } else {
        node.name.clone()
    }
}

/// The node's first output.
fn output(node: &NodeProto) -> Result<&str> {
    node.output
        .first()
        .map(String::as_str)
        .ok_or_else(|| unsupported(node, "the node has no output"))
}

/// An [`Error::Unsupported`] for `node`.
pub(crate) fn unsupported(node: &NodeProto, why: &str) -> Error {
    Error::Unsupported {
        node: node_name(node),
        op_type: node.op_type.clone(),
        why: why.into(),
    }
}
