//! One emitter per exported layer kind: typedefs, weight files, config struct, call.

use std::fmt::Write as _;

use hwnas_core::fixed::FixedType;
use hwnas_core::ir::Strategy;

use crate::model::{QLayer, QOp, QTensor, Window};

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

fn strategy(s: Strategy) -> &'static str {
    match s {
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

pub(crate) fn members(s: &mut String, items: &[(&str, usize)]) {
    for (k, v) in items {
        let _ = writeln!(s, "    static const unsigned {k} = {v};");
    }
}

fn dense_config(
    s: &mut String,
    name: &str,
    n_in: usize,
    n_out: usize,
    k: &Knobs,
    prefix: &str,
    zeros: usize,
) {
    let total = n_in * n_out;
    let _ = writeln!(s, "struct {name} {{");
    members(
        s,
        &[
            ("n_in", n_in),
            ("n_out", n_out),
            ("reuse_factor", k.reuse),
            ("block_factor", total / k.reuse),
            ("multiplier_limit", total.div_ceil(k.reuse)),
            ("n_zeros", zeros),
            ("n_nonzeros", total - zeros),
        ],
    );
    let _ = writeln!(
        s,
        "    static const hwnas::strategy strategy = {};",
        strategy(k.strategy)
    );
    let _ = writeln!(
        s,
        "    static const hwnas::io_type io_type = {};",
        if k.stream {
            "hwnas::io_stream"
        } else {
            "hwnas::io_parallel"
        }
    );
    for t in ["accum_t", "weight_t", "bias_t"] {
        let _ = writeln!(s, "    typedef {prefix}_{t} {t};");
    }
    s.push_str("};\n");
}

fn window_members(s: &mut String, w: &Window, kernel: (&str, &str)) {
    members(
        s,
        &[
            ("in_height", w.in_h),
            ("in_width", w.in_w),
            ("n_chan", w.chan),
            (kernel.0, w.kh),
            (kernel.1, w.kw),
            ("stride_height", w.sh),
            ("stride_width", w.sw),
            ("pad_top", w.pad_top),
            ("pad_bottom", w.pad_bottom),
            ("pad_left", w.pad_left),
            ("pad_right", w.pad_right),
            ("out_height", w.out_h),
            ("out_width", w.out_w),
        ],
    );
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

/// The code of one layer.
pub(super) fn emit_layer(l: &QLayer, n: &Names, k: &Knobs) -> LayerCode {
    let i = n.index;
    let prefix = format!("layer{i}");
    let cfg = format!("config{i}");
    let (in_var, out_var) = (n.in_var, n.out_var);
    let (in_t, out_t, sfx) = n.template_types();
    // Stream members of the elementwise, Dense and Flatten configs.
    let pixel_members: Vec<(&str, usize)> = match &n.stream {
        Some(st) => vec![("n_pixels", st.in_pixels), ("pixel_size", st.in_chan)],
        None => Vec::new(),
    };
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
    match &l.op {
        QOp::Dense {
            n_in,
            n_out,
            weight,
            bias,
            accum,
        }
        | QOp::Conv {
            win: Window { chan: n_in, .. },
            filters: n_out,
            weight,
            bias,
            accum,
            ..
        } => {
            let w_t = format!("{prefix}_weight_t");
            let b_t = format!("{prefix}_bias_t");
            c.typedefs
                .push(typedef(accum, &format!("{prefix}_accum_t")));
            c.typedefs.push(typedef(&weight.ty, &w_t));
            let bias = bias.clone().unwrap_or_else(|| QTensor {
                ty: weight.ty,
                raw: vec![0; *n_out],
            });
            c.typedefs.push(typedef(&bias.ty, &b_t));
            let zeros = weight.raw.iter().filter(|&&r| r == 0).count();
            let (wv, bv) = (format!("w{i}"), format!("b{i}"));
            let (n_mult_in, shape) = match &l.op {
                QOp::Conv { win, .. } => (
                    win.kh * win.kw * win.chan,
                    format!("[{}][{}][{}][{}]", win.kh, win.kw, win.chan, n_out),
                ),
                _ => (*n_in, format!("[{n_in}][{n_out}]")),
            };
            c.weights.push((
                format!("{wv}.h"),
                weight_file(&wv, &w_t, &format!("{} weights", l.name), weight, &shape),
            ));
            c.weights.push((
                format!("{bv}.h"),
                weight_file(
                    &bv,
                    &b_t,
                    &format!("{} biases", l.name),
                    &bias,
                    &format!("[{n_out}]"),
                ),
            ));
            match &l.op {
                QOp::Conv { one_d, win, .. } => {
                    let mult = format!("{cfg}_mult");
                    dense_config(&mut s, &mult, n_mult_in, *n_out, k, &prefix, zeros);
                    let _ = writeln!(s, "struct {cfg} {{");
                    window_members(&mut s, win, ("filt_height", "filt_width"));
                    members(&mut s, &[("n_filt", *n_out), ("reuse_factor", k.reuse)]);
                    let _ = writeln!(
                        s,
                        "    static const hwnas::strategy strategy = {};",
                        strategy(k.strategy)
                    );
                    let _ = writeln!(s, "    typedef {mult} mult_config;");
                    for t in ["accum_t", "weight_t", "bias_t"] {
                        let _ = writeln!(s, "    typedef {prefix}_{t} {t};");
                    }
                    s.push_str("};\n");
                    let f = if *one_d { "conv_1d_cl" } else { "conv_2d_cl" };
                    c.include = "hwnas_conv.h";
                    c.call = call(
                        n,
                        l.n_out(),
                        format!(
                            "hwnas::{f}{sfx}<{in_t}, {out_t}, {cfg}>({in_var}, {out_var}, {wv}, {bv});"
                        ),
                    );
                }
                _ => {
                    dense_config(&mut s, &cfg, *n_in, *n_out, k, &prefix, zeros);
                    if !pixel_members.is_empty() {
                        // Append the stream members to the struct just written.
                        s.truncate(s.len() - "};\n".len());
                        members(&mut s, &pixel_members);
                        s.push_str("};\n");
                    }
                    c.include = "hwnas_dense.h";
                    c.call = call(
                        n,
                        l.n_out(),
                        format!(
                            "hwnas::dense{sfx}<{in_t}, {out_t}, {cfg}>({in_var}, {out_var}, {wv}, {bv});"
                        ),
                    );
                }
            }
        }
        QOp::Pool {
            one_d,
            max,
            win,
            accum,
        } => {
            c.typedefs.push(typedef(
                &accum.unwrap_or(l.input),
                &format!("{prefix}_accum_t"),
            ));
            let _ = writeln!(s, "struct {cfg} {{");
            window_members(&mut s, win, ("pool_height", "pool_width"));
            members(&mut s, &[("reuse_factor", k.reuse)]);
            let op = if *max { "max_pool" } else { "average_pool" };
            let _ = writeln!(s, "    static const hwnas::pool_op pool_op = hwnas::{op};");
            let _ = writeln!(s, "    typedef {prefix}_accum_t accum_t;");
            s.push_str("};\n");
            let f = if *one_d {
                "pooling1d_cl"
            } else {
                "pooling2d_cl"
            };
            c.include = "hwnas_pooling.h";
            c.call = call(
                n,
                l.n_out(),
                format!("hwnas::{f}{sfx}<{in_t}, {out_t}, {cfg}>({in_var}, {out_var});"),
            );
        }
        QOp::Scale { chan, scale, bias } => {
            let (s_t, b_t) = (format!("{prefix}_scale_t"), format!("{prefix}_bias_t"));
            c.typedefs.push(typedef(&scale.ty, &s_t));
            c.typedefs.push(typedef(&bias.ty, &b_t));
            let (sv, bv) = (format!("s{i}"), format!("b{i}"));
            c.weights.push((
                format!("{sv}.h"),
                weight_file(
                    &sv,
                    &s_t,
                    &format!("{} folded scale", l.name),
                    scale,
                    &format!("[{chan}]"),
                ),
            ));
            c.weights.push((
                format!("{bv}.h"),
                weight_file(
                    &bv,
                    &b_t,
                    &format!("{} folded bias", l.name),
                    bias,
                    &format!("[{chan}]"),
                ),
            ));
            let _ = writeln!(s, "struct {cfg} {{");
            members(
                &mut s,
                &[
                    ("n_in", l.n_in()),
                    ("n_chan", *chan),
                    ("reuse_factor", k.reuse),
                ],
            );
            members(&mut s, &pixel_members);
            let _ = writeln!(s, "    typedef {s_t} scale_t;\n    typedef {b_t} bias_t;");
            s.push_str("};\n");
            c.include = "hwnas_batchnorm.h";
            c.call = call(
                n,
                l.n_out(),
                format!(
                    "hwnas::normalize{sfx}<{in_t}, {out_t}, {cfg}>({in_var}, {out_var}, {sv}, {bv});"
                ),
            );
        }
        QOp::Activation(a) => {
            let line = a.emit(l, n, k, &mut c, &mut s);
            c.call = call(n, l.n_out(), line);
        }
        QOp::Flatten => {
            c.include = "hwnas_common.h";
            c.call = if n.stream.is_some() {
                let _ = writeln!(s, "struct {cfg} {{");
                members(&mut s, &[("n_in", l.n_in())]);
                members(&mut s, &pixel_members);
                s.push_str("};\n");
                call(
                    n,
                    l.n_out(),
                    format!("hwnas::flatten_stream<{in_t}, {out_t}, {cfg}>({in_var}, {out_var});"),
                )
            } else if n.is_last {
                format!(
                    "    hwnas::copy<{in_t}, {out_t}, {}>({in_var}, {out_var});\n",
                    l.n_out()
                )
            } else {
                format!("    {in_t} *const {out_var} = {in_var}; // Flatten: same data\n")
            };
        }
        QOp::UpSampling {
            in_h,
            in_w,
            chan,
            sh,
            sw,
            ..
        } => {
            let _ = writeln!(s, "struct {cfg} {{");
            members(
                &mut s,
                &[
                    ("in_height", *in_h),
                    ("in_width", *in_w),
                    ("n_chan", *chan),
                    ("height_factor", *sh),
                    ("width_factor", *sw),
                    ("out_height", in_h * sh),
                    ("out_width", in_w * sw),
                ],
            );
            s.push_str("};\n");
            c.include = "hwnas_resize.h";
            c.call = call(
                n,
                l.n_out(),
                format!(
                    "hwnas::upsampling2d_cl{sfx}<{in_t}, {out_t}, {cfg}>({in_var}, {out_var});"
                ),
            );
        }
        QOp::ZeroPadding {
            in_h,
            in_w,
            chan,
            top,
            bottom,
            left,
            right,
            ..
        } => {
            let _ = writeln!(s, "struct {cfg} {{");
            members(
                &mut s,
                &[
                    ("in_height", *in_h),
                    ("in_width", *in_w),
                    ("n_chan", *chan),
                    ("pad_top", *top),
                    ("pad_left", *left),
                    ("out_height", in_h + top + bottom),
                    ("out_width", in_w + left + right),
                ],
            );
            s.push_str("};\n");
            c.include = "hwnas_resize.h";
            c.call = call(
                n,
                l.n_out(),
                format!("hwnas::zeropad2d_cl{sfx}<{in_t}, {out_t}, {cfg}>({in_var}, {out_var});"),
            );
        }
    }
    if n.stream.is_some() {
        c.include = "hwnas_stream.h";
    }
    c.config = s;
    c
}
