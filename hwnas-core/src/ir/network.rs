//! The network: input, ordered layers, default precision and weights.

use std::collections::BTreeSet;

use super::layer::Layer;
use super::preset::TypePreset;
use super::weights::Weights;
use crate::fixed::FixedType;
use crate::{Error, Result};

/// A sequential network in channels-last layout, as the firmware computes it.
///
/// Build one in code, or load the JSON document with [`Network::load`] (schema in `docs/ir.md`).
/// [`Network::analyze`] validates it and infers every shape, type and count.
///
/// ```
/// use hwnas_core::ir::{Dense, Layer, Network, NoParams, Op};
///
/// let net = Network::new("tiny", vec![16], "ap_fixed<16,6>".parse()?)
///     .with_layer(Layer::new("fc1", Op::Dense(Dense { units: 8, use_bias: true })))
///     .with_layer(Layer::new("relu1", Op::relu()))
///     .with_layer(Layer::new("out", Op::Dense(Dense { units: 1, use_bias: true })));
/// let a = net.analyze()?;
/// assert_eq!(a.output_shape(), &[1]);
/// assert_eq!(a.total_params(), 16 * 8 + 8 + 8 + 1);
/// assert_eq!(a.total_macs(), 16 * 8 + 8);
/// # Ok::<(), hwnas_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    /// Name of the network (a C identifier: the HLS top function is named after it).
    pub name: String,
    /// Input shape, channels-last: `[n]`, `[length, channels]` or `[height, width, channels]`.
    pub input_shape: Vec<usize>,
    /// Fixed-point type of the input (`input_t`).
    pub input_type: FixedType,
    /// Type used where a layer leaves a weight, bias or result type unset.
    pub default_precision: FixedType,
    /// The rules that resolve the types layers leave unset (hwnas's own, or one of hls4ml's
    /// two configuration granularities).
    pub type_preset: TypePreset,
    /// The layers, in order.
    pub layers: Vec<Layer>,
    /// Float weights, keyed `"<layer>.<parameter>"`; empty for an architecture-only network.
    pub weights: Weights,
}

impl Network {
    /// A network with no layers; `input_type` is also the default precision.
    pub fn new(name: impl Into<String>, input_shape: Vec<usize>, input_type: FixedType) -> Self {
        Network {
            name: name.into(),
            input_shape,
            input_type,
            default_precision: input_type,
            type_preset: TypePreset::default(),
            layers: Vec::new(),
            weights: Weights::new(),
        }
    }

    /// The same network with one more layer at the end.
    pub fn with_layer(mut self, layer: Layer) -> Self {
        self.layers.push(layer);
        self
    }

    /// The same network with another default precision.
    pub fn with_default_precision(mut self, t: FixedType) -> Self {
        self.default_precision = t;
        self
    }

    /// The same network with another type-resolution preset.
    pub fn with_type_preset(mut self, preset: TypePreset) -> Self {
        self.type_preset = preset;
        self
    }

    /// Whether layer `index` is a BatchNorm that the export folds into the Dense/Conv layer
    /// before it: hls4ml's rule, the previous layer has a kernel and leaves its `result` type
    /// unset, and the preset fuses at all ([`TypePreset::fuses_batchnorm`]). With an explicit
    /// result type the firmware computes Dense → cast → normalize, as hls4ml does.
    pub fn batchnorm_is_fused(&self, index: usize) -> bool {
        let Some(layer) = self.layers.get(index) else {
            return false;
        };
        index > 0
            && matches!(layer.op, super::Op::BatchNorm(_))
            && self.type_preset.fuses_batchnorm()
            && self.layers[index - 1].op.has_kernel()
            && self.layers[index - 1].precision.result.is_none()
    }

    /// Whether the network carries weights (else it only describes an architecture).
    pub fn has_weights(&self) -> bool {
        !self.weights.is_empty()
    }

    /// The layer called `name`.
    pub fn layer(&self, name: &str) -> Option<&Layer> {
        self.layers.iter().find(|l| l.name == name)
    }

    /// Network-level checks that do not need shapes: names and input.
    pub(super) fn check_names_and_input(&self) -> Result<()> {
        if !is_c_identifier(&self.name) {
            return Err(Error::InvalidNetwork(format!(
                "the network name `{}` must be a C identifier ([A-Za-z_][A-Za-z0-9_]*): it names \
                 the HLS top function",
                self.name
            )));
        }
        if let Some(why) = network_name_problem(&self.name, self.layers.len()) {
            return Err(Error::InvalidNetwork(format!(
                "the network name `{}` cannot be used: {why}; choose another name (it becomes \
                 the HLS top function, its header guard and its file names)",
                self.name
            )));
        }
        if self.input_shape.is_empty() || self.input_shape.len() > 3 {
            return Err(Error::InvalidNetwork(format!(
                "the input shape {:?} must have 1 to 3 dimensions: [n], [length, channels] or \
                 [height, width, channels]",
                self.input_shape
            )));
        }
        if self.input_shape.contains(&0) {
            return Err(Error::InvalidNetwork(format!(
                "the input shape {:?} has a zero dimension",
                self.input_shape
            )));
        }
        super::analysis::check_input_elements(&self.input_shape)?;
        if self.layers.is_empty() {
            return Err(Error::InvalidNetwork(
                "the network has no layers; add at least one".into(),
            ));
        }
        let mut seen = BTreeSet::new();
        for (i, layer) in self.layers.iter().enumerate() {
            if !is_c_identifier(&layer.name) {
                return Err(Error::InvalidLayer {
                    index: i,
                    layer: layer.name.clone(),
                    kind: layer.op.kind().into(),
                    reason: "the name must be a C identifier ([A-Za-z_][A-Za-z0-9_]*): it names \
                             arrays and types in the HLS project"
                        .into(),
                });
            }
            if let Some(why) = layer_name_problem(&layer.name) {
                return Err(Error::InvalidLayer {
                    index: i,
                    layer: layer.name.clone(),
                    kind: layer.op.kind().into(),
                    reason: format!("the name cannot be used: {why}; rename the layer"),
                });
            }
            if !seen.insert(layer.name.as_str()) {
                return Err(Error::InvalidLayer {
                    index: i,
                    layer: layer.name.clone(),
                    kind: layer.op.kind().into(),
                    reason: "another layer already has this name; names must be unique".into(),
                });
            }
        }
        Ok(())
    }
}

/// `[A-Za-z_][A-Za-z0-9_]*`: the syntax of a C identifier (see [`layer_name_problem`] and
/// [`network_name_problem`] for the names the generated C++ cannot use).
pub fn is_c_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    first_ok && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The keywords of C++11 to C++20 (C++20's are reserved too, so that a project keeps compiling
/// with a newer `-std`).
const CPP_KEYWORDS: &[&str] = &[
    "alignas",
    "alignof",
    "asm",
    "auto",
    "bool",
    "break",
    "case",
    "catch",
    "char",
    "char8_t",
    "char16_t",
    "char32_t",
    "class",
    "co_await",
    "co_return",
    "co_yield",
    "concept",
    "const",
    "const_cast",
    "consteval",
    "constexpr",
    "constinit",
    "continue",
    "decltype",
    "default",
    "delete",
    "do",
    "double",
    "dynamic_cast",
    "else",
    "enum",
    "explicit",
    "export",
    "extern",
    "false",
    "float",
    "for",
    "friend",
    "goto",
    "if",
    "inline",
    "int",
    "long",
    "mutable",
    "namespace",
    "new",
    "noexcept",
    "nullptr",
    "operator",
    "private",
    "protected",
    "public",
    "register",
    "reinterpret_cast",
    "requires",
    "return",
    "short",
    "signed",
    "sizeof",
    "static",
    "static_assert",
    "static_cast",
    "struct",
    "switch",
    "template",
    "this",
    "thread_local",
    "throw",
    "true",
    "try",
    "typedef",
    "typeid",
    "typename",
    "union",
    "unsigned",
    "using",
    "virtual",
    "void",
    "volatile",
    "wchar_t",
    "while",
];

/// The alternative tokens of C++ (keywords spelling operators) and the operator each spells.
const CPP_ALTERNATIVE_TOKENS: &[(&str, &str)] = &[
    ("and", "&&"),
    ("and_eq", "&="),
    ("bitand", "&"),
    ("bitor", "|"),
    ("compl", "~"),
    ("not", "!"),
    ("not_eq", "!="),
    ("or", "||"),
    ("or_eq", "|="),
    ("xor", "^"),
    ("xor_eq", "^="),
];

/// Names every generated HLS project (firmware, library, testbench, included headers) defines
/// or uses at global scope, with the reason.
const PROJECT_NAMES: &[(&str, &str)] = &[
    ("main", "the testbench defines main()"),
    ("std", "it is the namespace of the C++ standard library"),
    ("hls", "it is the namespace of hls::stream (hls_stream.h)"),
    (
        "hwnas",
        "it is the namespace of the hwnas HLS layer library",
    ),
    (
        "defines",
        "the project has the header firmware/defines.h (guard DEFINES_H_)",
    ),
    (
        "parameters",
        "the project has the header firmware/parameters.h (guard PARAMETERS_H_)",
    ),
    ("input_t", "defines.h declares the type input_t"),
    ("result_t", "defines.h declares the type result_t"),
    (
        "input_pixel_t",
        "defines.h declares the type input_pixel_t (io_stream)",
    ),
    (
        "result_pixel_t",
        "defines.h declares the type result_pixel_t (io_stream)",
    ),
    ("N_INPUT", "defines.h defines the macro N_INPUT"),
    ("N_OUTPUT", "defines.h defines the macro N_OUTPUT"),
    (
        "N_INPUT_PIXELS",
        "defines.h defines the macro N_INPUT_PIXELS (io_stream)",
    ),
    (
        "N_INPUT_CHAN",
        "defines.h defines the macro N_INPUT_CHAN (io_stream)",
    ),
    (
        "N_OUTPUT_PIXELS",
        "defines.h defines the macro N_OUTPUT_PIXELS (io_stream)",
    ),
    (
        "N_OUTPUT_CHAN",
        "defines.h defines the macro N_OUTPUT_CHAN (io_stream)",
    ),
    ("DEFINES_H_", "it is the header guard of defines.h"),
    ("PARAMETERS_H_", "it is the header guard of parameters.h"),
    (
        "__SYNTHESIS__",
        "the HLS tools define the macro __SYNTHESIS__",
    ),
    // The C library's types and macros that the testbench's headers put in the global scope.
    ("FILE", "<cstdio> declares the type FILE"),
    ("fpos_t", "<cstdio> declares the type fpos_t"),
    ("size_t", "<cstddef> declares the type size_t"),
    ("ptrdiff_t", "<cstddef> declares the type ptrdiff_t"),
    ("div_t", "<cstdlib> declares the type div_t"),
    ("ldiv_t", "<cstdlib> declares the type ldiv_t"),
    ("NULL", "the C library defines the macro NULL"),
    ("EOF", "<cstdio> defines the macro EOF"),
    ("BUFSIZ", "<cstdio> defines the macro BUFSIZ"),
    ("FILENAME_MAX", "<cstdio> defines the macro FILENAME_MAX"),
    ("FOPEN_MAX", "<cstdio> defines the macro FOPEN_MAX"),
    ("TMP_MAX", "<cstdio> defines the macro TMP_MAX"),
    ("L_tmpnam", "<cstdio> defines the macro L_tmpnam"),
    ("SEEK_SET", "<cstdio> defines the macro SEEK_SET"),
    ("SEEK_CUR", "<cstdio> defines the macro SEEK_CUR"),
    ("SEEK_END", "<cstdio> defines the macro SEEK_END"),
    ("stdin", "<cstdio> defines the macro stdin"),
    ("stdout", "<cstdio> defines the macro stdout"),
    ("stderr", "<cstdio> defines the macro stderr"),
    ("EXIT_SUCCESS", "<cstdlib> defines the macro EXIT_SUCCESS"),
    ("EXIT_FAILURE", "<cstdlib> defines the macro EXIT_FAILURE"),
    ("RAND_MAX", "<cstdlib> defines the macro RAND_MAX"),
    ("MB_CUR_MAX", "<cstdlib> defines the macro MB_CUR_MAX"),
    ("errno", "the C library defines the macro errno"),
    ("assert", "the C library defines the macro assert"),
    ("offsetof", "<cstddef> defines the macro offsetof"),
];

/// Prefixes of names that headers of every project define (types, enumerators, macros).
const PROJECT_PREFIXES: &[(&str, &str)] = &[
    (
        "ap_",
        "names starting with `ap_` belong to the Xilinx ap_types headers (ap_fixed, ap_ufixed, \
         ap_int, ap_uint, ...)",
    ),
    (
        "AP_",
        "names starting with `AP_` belong to the Xilinx ap_types headers (AP_RND, AP_SAT, ... \
         and their macros)",
    ),
    (
        "HWNAS_",
        "names starting with `HWNAS_` belong to the macros of the hwnas HLS layer library \
         (HWNAS_PRAGMA, HWNAS_LOOP, header guards)",
    ),
];

/// Names the testbench declares in the scope where it calls the top function (a local of that
/// name would hide it) or at global scope beside it.
const TESTBENCH_NAMES: &[&str] = &[
    "argc",
    "argv",
    "in_path",
    "out_path",
    "expected_path",
    "fin",
    "fexp",
    "fout",
    "line",
    "line_no",
    "first_data_line",
    "cells",
    "values",
    "bad",
    "numbers",
    "header",
    "samples",
    "compared",
    "mismatches",
    "x",
    "y",
    "x_stream",
    "y_stream",
    "split_cells",
    "parse_number",
];

/// Why `name` cannot name anything in the generated C++ (layers and networks alike), if so.
/// `name` must already be a C identifier ([`is_c_identifier`]).
fn cpp_name_problem(name: &str) -> Option<String> {
    if CPP_KEYWORDS.contains(&name) {
        return Some(format!("`{name}` is a C++ keyword"));
    }
    if let Some((_, op)) = CPP_ALTERNATIVE_TOKENS.iter().find(|(t, _)| *t == name) {
        return Some(format!(
            "`{name}` is a C++ keyword (an alternative token for `{op}`)"
        ));
    }
    if name.contains("__") {
        return Some(format!(
            "`{name}` is reserved in C++: identifiers containing a double underscore belong to \
             the compiler and the standard library"
        ));
    }
    let mut chars = name.chars();
    if chars.next() == Some('_') && chars.next().is_some_and(|c| c.is_ascii_uppercase()) {
        return Some(format!(
            "`{name}` is reserved in C++: identifiers starting with an underscore and an \
             uppercase letter belong to the compiler and the standard library"
        ));
    }
    if let Some((_, why)) = PROJECT_NAMES.iter().find(|(n, _)| *n == name) {
        return Some(format!("`{name}` is reserved: {why}"));
    }
    if let Some((_, why)) = PROJECT_PREFIXES.iter().find(|(p, _)| name.starts_with(p)) {
        return Some(format!("`{name}` is reserved: {why}"));
    }
    None
}

/// Why `name` cannot name a layer, if so (a C++ keyword, a name reserved by C++ or defined by
/// the generated project). `name` must already be a C identifier ([`is_c_identifier`]).
pub fn layer_name_problem(name: &str) -> Option<String> {
    cpp_name_problem(name)
}

/// The number between `prefix` and `suffix` in `name`, when `name` is exactly that with a
/// canonical decimal number (`w12` with `w` and no suffix: 12).
fn indexed(name: &str, prefix: &str, suffix: &str) -> Option<usize> {
    let digits = name.strip_prefix(prefix)?.strip_suffix(suffix)?;
    let canonical = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    canonical.then(|| digits.parse().ok()).flatten()
}

/// Why `name` cannot name a network of `n_layers` layers, if so: the rules of
/// [`layer_name_problem`], plus the names beside the top function at global scope (an
/// identifier starting with `_`, the testbench's names, the per-layer names of the project,
/// numbered from 2) and the header guard `<NAME>_H_`.
/// `name` must already be a C identifier ([`is_c_identifier`]).
pub fn network_name_problem(name: &str, n_layers: usize) -> Option<String> {
    if let Some(why) = cpp_name_problem(name) {
        return Some(why);
    }
    if name.starts_with('_') {
        return Some(format!(
            "`{name}` is reserved in C++ at global scope, where the top function lives: \
             identifiers starting with an underscore belong to the compiler there"
        ));
    }
    if TESTBENCH_NAMES.contains(&name) {
        return Some(format!(
            "`{name}` is reserved: the testbench declares `{name}` where it calls the top \
             function, which would hide it"
        ));
    }
    // Per-layer names the project declares at global scope: layer k (0-based) is numbered
    // k + 2 (hls4ml's convention, the input is 1); BatchNorm fusion only removes numbers.
    let used = |i: &usize| (2..=n_layers + 1).contains(i);
    const PER_LAYER: &[(&str, &str, &str)] = &[
        ("layer", "_t", "the output type"),
        ("layer", "_out", "the output array"),
        ("layer", "_accum_t", "the accumulator type"),
        ("layer", "_weight_t", "the weight type"),
        ("layer", "_bias_t", "the bias type"),
        ("layer", "_scale_t", "the scale type"),
        ("layer", "_alpha_t", "the LeakyReLU slope type"),
        ("config", "", "the config struct"),
        ("config", "_mult", "the multiplier config struct"),
        ("w", "", "the weight array"),
        ("b", "", "the bias array"),
        ("s", "", "the scale array"),
        ("w", "_raw", "the raw weight array"),
        ("b", "_raw", "the raw bias array"),
        ("s", "_raw", "the raw scale array"),
        ("w", "_loaded", "the weights-loaded flag"),
        ("b", "_loaded", "the biases-loaded flag"),
        ("s", "_loaded", "the scales-loaded flag"),
    ];
    for (prefix, suffix, what) in PER_LAYER {
        if let Some(i) = indexed(name, prefix, suffix).filter(used) {
            return Some(format!(
                "`{name}` is reserved: the project calls {what} of layer {i} `{name}` \
                 (layers are numbered from 2; the input is 1)"
            ));
        }
    }
    let upper = name.to_ascii_uppercase();
    let guard = format!("{upper}_H_");
    if upper == "DEFINES" || upper == "PARAMETERS" {
        return Some(format!(
            "its header guard `{guard}` is the guard of firmware/{}.h (and on a \
             case-insensitive file system firmware/{name}.h is that file)",
            upper.to_ascii_lowercase()
        ));
    }
    if upper.starts_with("HWNAS_") {
        return Some(format!(
            "its header guard `{guard}` falls among the hwnas HLS library's header guards and \
             macros (`HWNAS_...`)"
        ));
    }
    for prefix in ["W", "B", "S"] {
        if let Some(i) = indexed(&upper, prefix, "").filter(used) {
            return Some(format!(
                "its header guard `{guard}` is the guard of the weight file \
                 firmware/weights/{}{i}.h",
                prefix.to_ascii_lowercase()
            ));
        }
    }
    None
}
