//! What the ap_fixed oracle compares: type shapes, type pairs, mode lists, and the C++ that
//! instantiates `ap_fixed` for each of them.

use std::fmt::Write;

use hwnas_core::fixed::{FixedType, Overflow, Rounding};

/// Conversions from `f64` into every type of `types` (one shape, several modes).
pub struct FloatCase {
    pub types: Vec<FixedType>,
}

/// Conversions from raw values of `from` into every type of `to` (one shape, several modes).
pub struct CastCase {
    pub from: FixedType,
    pub to: Vec<FixedType>,
}

/// `(W, I, signed)`.
type Shape = (u32, i32, bool);

fn ty(width: u32, integer: i32, signed: bool) -> FixedType {
    FixedType::new(width, integer, signed).expect("valid test type")
}

/// All 7 x 4 mode combinations of a shape.
fn all_modes(t: FixedType) -> Vec<FixedType> {
    let mut v = Vec::new();
    for q in Rounding::ALL {
        for o in Overflow::ALL {
            v.push(t.with_rounding(q).with_overflow(o));
        }
    }
    v
}

/// The 7 rounding modes under `AP_WRAP` with `n` saturation bits.
fn wrap_with_saturation_bits(t: FixedType, n: u32) -> Vec<FixedType> {
    let t = t.with_saturation_bits(n).expect("N <= W");
    Rounding::ALL
        .iter()
        .map(|&q| t.with_rounding(q).with_overflow(Overflow::Wrap))
        .collect()
}

/// Type shapes (W, I, signed) converted from `f64` under all 28 modes, then shapes with
/// saturation bits under `AP_WRAP`.
pub fn float_cases() -> Vec<FloatCase> {
    let shapes: &[Shape] = &[
        (16, 6, true),
        (16, 6, false),
        (8, 3, true),
        (8, 0, true),   // I = 0
        (8, 0, false),  // I = 0, unsigned
        (4, -2, true),  // I < 0
        (6, -3, false), // I < 0, unsigned
        (4, 8, true),   // I > W
        (5, 12, false), // I > W, unsigned
        (1, 1, true),   // W = 1: {-1, 0}
        (1, 0, false),  // W = 1 unsigned: {0, 1/2}
        (1, -3, true),  // W = 1, I < 0
        (1, 5, false),  // W = 1, I > W
        (2, 1, true),
        (3, 1, false),
        (12, -20, true), // tiny LSB
        (10, 300, true), // huge LSB
        (64, -900, true),
        (32, 1032, true), // LSB 2^1000: infinity and NaN keep bits under AP_WRAP
        (24, 10, false),
        (32, 16, true),
        (37, 17, true),
        (48, 20, true),
        (48, 20, false),
        (53, 10, true),
        (54, 1, true),
        (64, 32, true),
        (64, 32, false),
        (64, 64, true),
        (64, 63, true),
        (64, 0, false),
        (64, 1, false),
        // Wide types (hwnas computes up to 126 bits): lossless accumulators of
        // ap_fixed<32,16> networks and beyond.
        (65, 33, true),
        (69, 33, true),
        (80, 40, false),
        (101, 45, true),
        (120, -10, true),
        (126, 60, true),
        (126, 126, false),
        (126, 1100, true), // LSB above 2^974
    ];
    let mut cases: Vec<FloatCase> = shapes
        .iter()
        .map(|&(w, i, s)| FloatCase {
            types: all_modes(ty(w, i, s)),
        })
        .collect();
    let saturating: &[(u32, i32, bool, u32)] = &[
        (8, 8, true, 3),
        (8, 4, false, 2),
        (16, 6, true, 1),
        (16, 6, true, 16),
        (12, -2, false, 12),
        (64, 32, true, 5),
        (64, 20, false, 7),
        (90, 40, true, 9),
        (126, 10, false, 3),
        (1, 1, true, 1),
    ];
    for &(w, i, s, n) in saturating {
        cases.push(FloatCase {
            types: wrap_with_saturation_bits(ty(w, i, s), n),
        });
    }
    cases
}

/// (source, target shape) pairs cast under all 28 target modes, then a few targets with
/// saturation bits under `AP_WRAP`.
pub fn cast_cases() -> Vec<CastCase> {
    let pairs: &[(Shape, Shape)] = &[
        ((37, 17, true), (16, 6, true)), // accumulator to result
        ((16, 6, true), (8, 3, true)),
        ((16, 6, true), (24, 10, true)), // widening
        ((16, 6, true), (16, 6, false)), // signed to unsigned
        ((16, 6, false), (16, 6, true)), // unsigned to signed
        ((16, 6, false), (8, 2, false)),
        ((64, 32, true), (16, 6, true)),
        ((64, 32, true), (64, 32, false)),
        ((64, 32, false), (32, 16, true)),
        ((64, 64, false), (64, 0, false)), // every bit shifted out
        ((8, 3, true), (64, 40, true)),
        ((16, 6, true), (4, -2, true)),
        ((16, 6, true), (1, 1, true)),
        ((16, 6, true), (1, 0, false)),
        ((12, -4, true), (8, 12, true)), // shift of 20 > source width
        ((8, 8, true), (8, -8, true)),   // shift left past the width
        ((32, 16, true), (32, 16, true)),
        ((48, 20, false), (20, 4, true)),
        ((2, 1, true), (5, 0, false)),
        ((64, 0, true), (12, -40, false)),
        ((40, 30, false), (64, 64, false)),
        ((24, 10, true), (18, 8, true)),
        // Wide types.
        ((69, 33, true), (32, 16, true)), // lossless accumulator to result
        ((101, 45, true), (69, 33, true)),
        ((126, 60, true), (16, 6, true)),
        ((32, 16, true), (69, 33, true)), // widening
        ((126, 126, false), (64, 32, true)),
        ((90, 20, true), (126, 100, true)),
        ((64, 32, true), (100, 0, false)),
        ((126, -40, true), (70, 10, true)), // every bit shifted out
    ];
    let mut cases: Vec<CastCase> = pairs
        .iter()
        .map(|&((w2, i2, s2), (w, i, s))| CastCase {
            from: ty(w2, i2, s2),
            to: all_modes(ty(w, i, s)),
        })
        .collect();
    // A source with non-default modes (they must not matter) and saturation-bit targets.
    let rnd_sat = ty(16, 6, true)
        .with_rounding(Rounding::Rnd)
        .with_overflow(Overflow::Sat);
    cases.push(CastCase {
        from: rnd_sat,
        to: all_modes(ty(8, 3, true)),
    });
    for (from, to, n) in [
        (ty(16, 6, true), ty(8, 3, true), 2),
        (ty(37, 17, true), ty(16, 6, false), 3),
    ] {
        cases.push(CastCase {
            from,
            to: wrap_with_saturation_bits(to, n),
        });
    }
    cases
}

/// `FloatRun<W, S, T...>` / `CastRun<Src, W, S, T...>` template arguments for targets `types`
/// (all of one shape).
fn target_args(types: &[FixedType]) -> String {
    let t0 = types[0];
    let mut s = format!("{}, {}", t0.width, t0.signed);
    for t in types {
        // Always spell all five fields, so that N > 0 is never dropped.
        let base = if t.signed { "ap_fixed" } else { "ap_ufixed" };
        let _ = write!(
            s,
            ", {base}<{},{},{},{},{}>",
            t.width,
            t.integer,
            t.rounding.ap_name(),
            t.overflow.ap_name(),
            t.saturation_bits
        );
    }
    s
}

/// The generated C++ translation units: `parts` files of case functions, spread round-robin so
/// they compile in parallel, and a table file. Returns `(file name, source)` pairs.
pub fn cpp_sources(float: &[FloatCase], cast: &[CastCase], parts: usize) -> Vec<(String, String)> {
    let header = "// Generated by hwnas-hls/tests/ap_fixed_oracle.rs.\n#include \"oracle.h\"\n\n";
    let mut files: Vec<String> = vec![header.to_string(); parts.max(1)];
    let n_files = files.len();
    let mut table = String::from(header);
    let mut k = 0;
    for (i, c) in float.iter().enumerate() {
        let _ = writeln!(
            files[k % n_files],
            "void float_case_{i}(const double* in, raw_t* out, size_t n) {{\n  \
             FloatRun<{}>::run(in, out, n);\n}}",
            target_args(&c.types)
        );
        let _ = writeln!(table, "void float_case_{i}(const double*, raw_t*, size_t);");
        k += 1;
    }
    for (i, c) in cast.iter().enumerate() {
        let _ = writeln!(
            files[k % n_files],
            "void cast_case_{i}(const raw_t* in, raw_t* out, size_t n) {{\n  \
             CastRun<{}, {}, {}>::run(in, out, n);\n}}",
            c.from,
            c.from.width,
            target_args(&c.to)
        );
        let _ = writeln!(table, "void cast_case_{i}(const raw_t*, raw_t*, size_t);");
        k += 1;
    }
    table.push_str("\nextern const FloatCase FLOAT_CASES[] = {\n");
    for (i, c) in float.iter().enumerate() {
        let _ = writeln!(table, "  {{float_case_{i}, {}}},", c.types.len());
    }
    let _ = writeln!(
        table,
        "}};\nextern const size_t N_FLOAT_CASES = {};",
        float.len()
    );
    table.push_str("\nextern const CastCase CAST_CASES[] = {\n");
    for (i, c) in cast.iter().enumerate() {
        let _ = writeln!(table, "  {{cast_case_{i}, {}}},", c.to.len());
    }
    let _ = writeln!(
        table,
        "}};\nextern const size_t N_CAST_CASES = {};",
        cast.len()
    );
    let mut out: Vec<(String, String)> = files
        .into_iter()
        .enumerate()
        .map(|(i, src)| (format!("cases_{i}.cpp"), src))
        .collect();
    out.push(("table.cpp".into(), table));
    out
}
