//! One emitter per exported layer kind: typedefs, weight files, config struct, call.

use std::fmt::Write as _;

use hwnas_core::fixed::FixedType;
use hwnas_core::ir::Strategy;

use crate::model::{QLayer, QTensor};

/// What one layer contributes to the project.
#[derive(Debug, Default)]
pub(crate) struct LayerCode {
    /// `typedef ... name;` lines for defines.h.
    pub typedefs: Vec<String>,
    /// `(file name, contents)` under `firmware/weights/`.
    pub weights: Vec<(String, String)>,
    /// Config structs for parameters.h.
    pub config: String,
    /// Library header this layer needs.
    pub include: &'static str,
    /// The statements in the top function.
    pub call: String,
    /// The statement only names the input array again (an in-place Flatten): no output
    /// array is declared for it.
    pub alias: bool,
}

/// Names the layer's arrays and types use.
pub(crate) struct Names<'a> {
    /// hls4ml-style index (input = 1, first layer = 2).
    pub index: usize,
    /// Type of the input array.
    pub in_t: &'a str,
    /// Input variable.
    pub in_var: &'a str,
    /// Type of the output array (`layerN_t`, or `result_t` for the last layer).
    pub out_t: &'a str,
    /// Output variable.
    pub out_var: &'a str,
    /// Whether the output array is a port (the last layer).
    pub is_last: bool,
    /// io_stream: the pixel layout of the input and output streams; `None` for io_parallel.
    pub stream: Option<StreamShape>,
}

impl Names<'_> {
    /// The template arguments of the layer function, scalar types (io_parallel) or pixel
    /// types (io_stream), and the function's suffix (`""` or `"_stream"`).
    pub(crate) fn template_types(&self) -> (String, String, &'static str) {
        match &self.stream {
            Some(st) => (
                format!("hwnas::array<{}, {}>", self.in_t, st.in_chan),
                format!("hwnas::array<{}, {}>", self.out_t, st.out_chan),
                "_stream",
            ),
            None => (self.in_t.to_string(), self.out_t.to_string(), ""),
        }
    }
}

/// Pixels and values per pixel of a layer's input and output streams (io_stream).
#[derive(Debug, Clone, Copy)]
pub(crate) struct StreamShape {
    /// Input pixels.
    pub in_pixels: usize,
    /// Values per input pixel.
    pub in_chan: usize,
    /// Output pixels.
    pub out_pixels: usize,
    /// Values per output pixel.
    pub out_chan: usize,
}

/// `(pixels, values per pixel)` of a tensor in io_stream: channels-last pixels; a rank-1
/// tensor is a single pixel holding the whole vector.
pub(super) fn pixels(shape: &[usize]) -> (usize, usize) {
    match shape.split_last() {
        Some((&c, rest)) if !rest.is_empty() => (rest.iter().product(), c),
        Some((&c, _)) => (1, c),
        None => (1, 1),
    }
}

/// Knobs after the project-wide overrides and reuse-factor snapping.
pub(crate) struct Knobs {
    pub reuse: usize,
    pub strategy: Strategy,
    /// io_stream project.
    pub stream: bool,
}

pub(crate) fn typedef(t: &FixedType, name: &str) -> String {
    format!("typedef {t} {name};")
}

/// The C++ value of a strategy (`hwnas::latency`).
pub(crate) fn strategy_name(strategy: Strategy) -> &'static str {
    match strategy {
        Strategy::Latency => "hwnas::latency",
        Strategy::Resource => "hwnas::resource",
    }
}

/// A C++ `double` literal equal to the raw value's real value (exact: widths are at most 53).
pub(crate) fn literal(t: &FixedType, raw: i128) -> String {
    let mut s = format!("{}", t.to_f64(raw));
    if !s.contains('.') && !s.contains("inf") && !s.contains("NaN") {
        s.push_str(".0");
    }
    s
}

/// Comma-separated values, 16 per line (a single `0` for an empty tensor, whose array still
/// needs one element).
fn push_values(s: &mut String, raw: &[i128], value: impl Fn(i128) -> String) {
    for (k, &r) in raw.iter().enumerate() {
        if k % 16 == 0 {
            s.push_str("\n    ");
        }
        s.push_str(&value(r));
        s.push_str(", ");
    }
    if raw.is_empty() {
        s.push('0');
    }
}

/// A weight header: a `static const` array of exact constants.
pub(crate) fn weight_file(
    var: &str,
    type_name: &str,
    what: &str,
    t: &QTensor,
    shape: &str,
) -> String {
    let (mut min, mut max, mut zeros) = (i128::MAX, i128::MIN, 0usize);
    for &r in &t.raw {
        let v = t.ty.raw_value(r);
        min = min.min(v);
        max = max.max(v);
        zeros += usize::from(v == 0);
    }
    let mut s = String::with_capacity(t.raw.len() * 12 + 256);
    let guard = var.to_uppercase();
    let _ = writeln!(
        s,
        "// {what}: {} values of {}, shape {shape}",
        t.raw.len(),
        t.ty
    );
    if !t.raw.is_empty() {
        let _ = writeln!(
            s,
            "// min {}, max {}, {zeros} zeros",
            t.ty.lsb() * min as f64,
            t.ty.lsb() * max as f64
        );
    }
    let _ = writeln!(s, "#ifndef {guard}_H_\n#define {guard}_H_\n");
    let n = t.raw.len().max(1);
    // The same values twice: ap_fixed constants for synthesis (and any C simulation), raw
    // integers for hwnas' fast C simulation (see `hwnas::load_raw`).
    s.push_str("#if !defined(HWNAS_FAST_CSIM) || defined(__SYNTHESIS__)\n");
    let _ = write!(s, "static const {type_name} {var}[{n}] = {{");
    push_values(&mut s, &t.raw, |r| literal(&t.ty, r));
    s.push_str("\n};\n#else\n");
    let _ = write!(s, "static const long long {var}_raw[{n}] = {{");
    push_values(&mut s, &t.raw, |r| r.to_string());
    let _ = write!(
        s,
        "\n}};\nstatic {type_name} {var}[{n}];\n\
         static const bool {var}_loaded __attribute__((unused)) = hwnas::load_raw({var}, {var}_raw);\n\
         #endif\n\n#endif\n"
    );
    s
}

/// Declares the output array or stream (unless it is the output port) and calls `f`.
fn call(n: &Names, n_out: usize, line: String) -> String {
    let mut s = String::new();
    if let Some(st) = &n.stream {
        if !n.is_last {
            let _ = writeln!(
                s,
                "    hls::stream<hwnas::array<{}, {}>> {v}(\"{v}\");",
                n.out_t,
                st.out_chan,
                v = n.out_var
            );
            let _ = writeln!(
                s,
                "    HWNAS_PRAGMA(HLS STREAM variable = {} depth = {})",
                n.out_var, st.out_pixels
            );
        }
    } else if !n.is_last {
        let _ = writeln!(s, "    {} {}[{n_out}];", n.out_t, n.out_var);
        let _ = writeln!(
            s,
            "    HWNAS_PRAGMA(HLS ARRAY_PARTITION variable = {} complete dim = 0)",
            n.out_var
        );
    }
    let _ = writeln!(s, "    {line}");
    s
}

/// The code of one layer: a comment, then what the layer's module writes.
pub(super) fn emit_layer(l: &QLayer, n: &Names, k: &Knobs) -> LayerCode {
    let mut c = LayerCode::default();
    let mut s = String::new();
    let _ = writeln!(
        s,
        "// {} ({}{}): {:?} -> {:?}",
        l.name,
        l.op.kind(),
        if l.fused.is_empty() {
            String::new()
        } else {
            format!(", fused with {}", l.fused.join(", "))
        },
        l.input_shape,
        l.output_shape
    );
    let line = l.op.imp().emit(l, n, k, &mut c, &mut s);
    c.call = if c.alias {
        format!("    {line}\n")
    } else {
        call(n, l.n_out(), line)
    };
    if n.stream.is_some() {
        c.include = "hwnas_stream.h";
    }
    c.config = s;
    c
}
