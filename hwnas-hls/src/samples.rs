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
use hwnas_core::samples;

use crate::{Error, Result};

/// Reads the samples in `path` (text or `.npy`, see the [module docs](self)) as flat values,
/// `per_row` per sample.
///
/// # Errors
/// [`Error::Core`] when the file cannot be read; [`Error::Input`] naming the file and the line
/// (or the `.npy` header) when it is not in the format, or a row does not hold `per_row`
/// values.
pub fn read_samples(path: &Path, per_row: usize) -> Result<Vec<f64>> {
    let a = samples::read_array(path, Some(per_row)).map_err(|e| match e {
        hwnas_core::Error::Data { path, reason } => {
            Error::Input(format!("{}: {reason}", path.display()))
        }
        e => Error::Core(e),
    })?;
    check_samples(&a.shape, per_row)
        .map_err(|why| Error::Input(format!("{}: {why}", path.display())))?;
    Ok(a.values)
}

/// Checks that an array of `shape` holds whole samples of `per_row` values: `(n, per_row)`,
/// `(n, <the input shape>)` or `(per_row,)` for one sample.
fn check_samples(shape: &[usize], per_row: usize) -> std::result::Result<(), String> {
    let ok = match shape.len() {
        0 => false,
        1 => shape[0] == per_row,
        _ => shape.iter().skip(1).product::<usize>() == per_row,
    };
    if ok {
        return Ok(());
    }
    Err(format!(
        "array of shape {shape:?}: a sample of this network has {per_row} values; give shape \
         (n, {per_row}) or (n, <the input shape>)"
    ))
}

/// Parses text samples (see the [module docs](self)): `per_row` values on every data row.
///
/// # Errors
/// A message naming the 1-based line and what is wrong with it.
pub fn parse_text(text: &str, per_row: usize) -> std::result::Result<Vec<f64>, String> {
    samples::parse_text(text, Some(per_row)).map(|a| a.values)
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
    fn arrays_must_hold_whole_samples() {
        assert!(check_samples(&[2, 2], 2).is_ok());
        assert!(check_samples(&[5, 4, 3], 12).is_ok());
        assert!(check_samples(&[4], 4).is_ok());
        let e = check_samples(&[1, 4], 2).unwrap_err();
        assert!(e.contains("shape [1, 4]") && e.contains("(n, 2)"), "{e}");
        assert!(check_samples(&[], 1).is_err());
    }
}
