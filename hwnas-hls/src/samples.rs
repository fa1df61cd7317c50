//! Samples in and out: the one file format that `hwnas emulate`, `hwnas csim` and the emitted
//! testbench all read and write.
//!
//! **Input files** hold one sample per row, channels-last (the IR's layout):
//! * text (CSV): values separated by commas and/or whitespace; blank lines and lines starting
//!   with `#` are skipped; the first data line may be a header, i.e. a line of which *no* cell
//!   is a number (a line with some numbers and some words is an error, not a header); every
//!   row must hold exactly the network's input length, else the row number is reported;
//! * `.npy` (NumPy, C order, little-endian `f4`/`f8`/`i4`/`i8`): shape `(n, ...)` whose
//!   trailing dimensions multiply to the input length, or `(len,)` for one sample.
//!
//! **Output files** ([`format_rows`]) are CSV: one row per sample, values separated by commas,
//! printed as real values (shortest decimal that reads back to the same `f64`, so every value
//! of the output type is exact) or, with `raw`, as the raw integers of the output type.
//!
//! ```
//! use hwnas_hls::samples::{format_rows, parse_text};
//!
//! let x = parse_text("a,b\n1, 2\n# a comment\n3 4\n", 2)?;
//! assert_eq!(x, vec![1.0, 2.0, 3.0, 4.0]);
//! assert!(parse_text("1,2,3\n", 2).unwrap_err().contains("line 1"));
//!
//! let t = "ap_fixed<8,3>".parse()?;
//! assert_eq!(format_rows(&[16, -33], &t, 2, false), "0.5,-1.03125\n");
//! assert_eq!(format_rows(&[16, -33], &t, 1, true), "16\n-33\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::path::Path;

use hwnas_core::fixed::FixedType;

use crate::{Error, Result};

/// Reads the samples in `path` (text or `.npy`, see the [module docs](self)) as flat values,
/// `per_row` per sample.
///
/// # Errors
/// [`Error::Core`] when the file cannot be read; [`Error::Input`] naming the file and the line
/// (or the `.npy` header) when it is not in the format, or a row does not hold `per_row`
/// values.
pub fn read_samples(path: &Path, per_row: usize) -> Result<Vec<f64>> {
    let bytes = hwnas_core::fs::read(path)?;
    let bad = |why: String| Error::Input(format!("{}: {why}", path.display()));
    if bytes.starts_with(b"\x93NUMPY") {
        return parse_npy(&bytes, per_row).map_err(bad);
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        bad("not UTF-8 text; give a CSV (one sample per row) or a .npy file".into())
    })?;
    parse_text(&text, per_row).map_err(bad)
}

/// Parses text samples (see the [module docs](self)): `per_row` values on every data row.
///
/// # Errors
/// A message naming the 1-based line and what is wrong with it.
pub fn parse_text(text: &str, per_row: usize) -> std::result::Result<Vec<f64>, String> {
    let mut values = Vec::new();
    let mut first_data_line = true;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cells: Vec<&str> = line
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .collect();
        let parsed: Vec<Option<f64>> = cells.iter().map(|c| c.parse::<f64>().ok()).collect();
        let is_header = first_data_line && parsed.iter().all(Option::is_none);
        first_data_line = false;
        if is_header {
            continue;
        }
        if let Some(k) = parsed.iter().position(Option::is_none) {
            return Err(format!(
                "line {}: value {} `{}` is not a number",
                i + 1,
                k + 1,
                cells[k]
            ));
        }
        if cells.len() != per_row {
            return Err(format!(
                "line {}: {} values, but a sample of this network has {per_row}; write one \
                 sample per row",
                i + 1,
                cells.len()
            ));
        }
        values.extend(parsed.into_iter().flatten());
    }
    if values.is_empty() {
        return Err("no samples (every line is blank, a comment or the header)".into());
    }
    Ok(values)
}

/// Parses a `.npy` file: C order, little-endian `f4`/`f8`/`i4`/`i8`, `per_row` values per
/// sample.
fn parse_npy(b: &[u8], per_row: usize) -> std::result::Result<Vec<f64>, String> {
    let truncated = || "truncated .npy header".to_string();
    if b.len() < 10 {
        return Err(truncated());
    }
    let (len, start): (usize, usize) = if b[6] == 1 {
        (usize::from(u16::from_le_bytes([b[8], b[9]])), 10)
    } else if b.len() >= 12 {
        (u32::from_le_bytes([b[8], b[9], b[10], b[11]]) as usize, 12)
    } else {
        return Err(truncated());
    };
    let header = b
        .get(start..start.saturating_add(len))
        .map(String::from_utf8_lossy)
        .ok_or_else(truncated)?;
    if header.contains("'fortran_order': True") {
        return Err("Fortran-order arrays are not supported; save with C order".into());
    }
    let shape = npy_shape(&header)?;
    let sample = shape.iter().skip(1).product::<usize>();
    let ok = match shape.len() {
        0 => false,
        1 => shape[0] == per_row,
        _ => sample == per_row,
    };
    if !ok {
        return Err(format!(
            "array of shape {shape:?}: a sample of this network has {per_row} values; give \
             shape (n, {per_row}) or (n, <the input shape>)"
        ));
    }
    let count: usize = shape.iter().product();
    let (size, read): (usize, fn(&[u8]) -> f64) = if header.contains("<f4") {
        (4, |c| {
            f64::from(f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        })
    } else if header.contains("<f8") {
        (8, |c| {
            f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]])
        })
    } else if header.contains("<i4") {
        (4, |c| {
            f64::from(i32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        })
    } else if header.contains("<i8") {
        (8, |c| {
            i64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]) as f64
        })
    } else {
        return Err(format!(
            "unsupported dtype in {header}; use little-endian float32/64 or int32/64"
        ));
    };
    let data = &b[start + len..];
    if data.len() != count * size {
        return Err(format!(
            "the header promises {count} values of {size} bytes, the file holds {} bytes of data",
            data.len()
        ));
    }
    Ok(data.chunks_exact(size).map(read).collect())
}

/// The `'shape': (a, b, ...)` tuple of a `.npy` header.
fn npy_shape(header: &str) -> std::result::Result<Vec<usize>, String> {
    let no_shape = || format!("no readable 'shape' in the .npy header {header}");
    let at = header.find("'shape'").ok_or_else(no_shape)?;
    let rest = &header[at..];
    let open = rest.find('(').ok_or_else(no_shape)?;
    let close = rest.find(')').ok_or_else(no_shape)?;
    rest[open + 1..close]
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<usize>().map_err(|_| no_shape()))
        .collect()
}

/// Output rows as CSV: `per_row` values per line, real values of `t` (exact) or, with `raw`,
/// its raw integers.
pub fn format_rows(raw: &[i128], t: &FixedType, per_row: usize, raw_ints: bool) -> String {
    let mut out = String::with_capacity(raw.len() * 10);
    for row in raw.chunks(per_row.max(1)) {
        for (k, &r) in row.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            if raw_ints {
                out.push_str(&r.to_string());
            } else {
                out.push_str(&t.to_f64(r).to_string());
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn npy(descr: &str, shape: &str, data: &[u8]) -> Vec<u8> {
        let mut header =
            format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
        while (10 + header.len() + 1) % 64 != 0 {
            header.push(' ');
        }
        header.push('\n');
        let mut b = b"\x93NUMPY\x01\x00".to_vec();
        b.extend((header.len() as u16).to_le_bytes());
        b.extend(header.as_bytes());
        b.extend(data);
        b
    }

    #[test]
    fn text_rows_of_the_wrong_length_are_refused_with_their_line() {
        // The total (6) divides by 3, but the rows are 2 and 4 long.
        let e = parse_text("1,2\n3,4,5,6\n", 3).unwrap_err();
        assert!(e.contains("line 1: 2 values"), "{e}");
        let e = parse_text("1 2 3\n\n4 5\n", 3).unwrap_err();
        assert!(e.contains("line 3: 2 values"), "{e}");
    }

    #[test]
    fn a_header_is_only_a_first_line_without_numbers() {
        assert_eq!(parse_text("# c\nx0,x1\n1,2\n", 2).unwrap(), vec![1.0, 2.0]);
        let e = parse_text("1,2\nx0,x1\n", 2).unwrap_err();
        assert!(e.contains("line 2: value 1 `x0`"), "{e}");
        let e = parse_text("1,zwei\n", 2).unwrap_err();
        assert!(e.contains("line 1: value 2 `zwei` is not a number"), "{e}");
        assert!(parse_text("x,y\n", 2).unwrap_err().contains("no samples"));
    }

    #[test]
    fn commas_spaces_and_tabs_all_separate() {
        assert_eq!(
            parse_text("1, 2\t3  -4e-1\n", 4).unwrap(),
            vec![1.0, 2.0, 3.0, -0.4]
        );
    }

    #[test]
    fn npy_shapes_are_checked() {
        let data: Vec<u8> = [1.0f32, 2.0, 3.0, 4.0]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        assert_eq!(
            parse_npy(&npy("<f4", "(2, 2)", &data), 2).unwrap(),
            vec![1.0, 2.0, 3.0, 4.0]
        );
        assert_eq!(parse_npy(&npy("<f4", "(4,)", &data), 4).unwrap().len(), 4);
        let e = parse_npy(&npy("<f4", "(1, 4)", &data), 2).unwrap_err();
        assert!(e.contains("shape [1, 4]"), "{e}");
        let e = parse_npy(&npy("<f4", "(3, 2)", &data), 2).unwrap_err();
        assert!(e.contains("promises 6 values"), "{e}");
        let e = parse_npy(&npy(">f4", "(2, 2)", &data), 2).unwrap_err();
        assert!(e.contains("unsupported dtype"), "{e}");
    }
}
