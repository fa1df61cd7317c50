//! Numeric arrays from files: `.npy` (NumPy, C order, little-endian `f4`/`f8`/`i4`/`i8`) and
//! text (CSV). One reader for training data ([`Dataset::load`](crate::search::Dataset::load))
//! and for the inputs of the emulator and the C simulation (`hwnas_hls::samples`).
//!
//! Text holds one row per line: values separated by commas and/or whitespace; blank lines and
//! lines starting with `#` are skipped; the first data line may be a header, i.e. a line of
//! which *no* cell is a number (a line with some numbers and some words is an error, not a
//! header); every row must hold the same number of values, else the line is reported.
//!
//! ```
//! use hwnas_core::samples::parse_text;
//!
//! let a = parse_text("a,b\n1, 2\n# a comment\n3 4\n", None)?;
//! assert_eq!((a.shape, a.values), (vec![2, 2], vec![1.0, 2.0, 3.0, 4.0]));
//! assert!(parse_text("1,2\n3\n", None).unwrap_err().contains("line 2"));
//! # Ok::<(), String>(())
//! ```

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::{Error, Result};

/// An [`Error::Io`] for `action` on `path`.
fn io_error(action: &'static str, path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// A C-order array of numbers with its shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Array {
    /// The shape (`[rows, values per row]` for text).
    pub shape: Vec<usize>,
    /// The values, row-major.
    pub values: Vec<f64>,
}

/// Reads `path`: `.npy` when it starts with NumPy's magic bytes, else text with `per_row`
/// values per row (`None`: as many as the first data row has).
///
/// # Errors
/// [`Error::Io`] when the file cannot be read; [`Error::Data`] naming the file and the line (or
/// the `.npy` header) when it is not in either format.
pub fn read_array(path: &Path, per_row: Option<usize>) -> Result<Array> {
    let bytes = crate::fs::read(path)?;
    let bad = |reason: String| Error::Data {
        path: path.to_path_buf(),
        reason,
    };
    if bytes.starts_with(b"\x93NUMPY") {
        return parse_npy(&bytes).map_err(bad);
    }
    let text = String::from_utf8(bytes).map_err(|_| {
        bad("not UTF-8 text; give a CSV (one sample per row) or a .npy file".into())
    })?;
    parse_text(&text, per_row).map_err(bad)
}

/// Parses text rows (see the [module docs](self)) of `per_row` values each (`None`: as many as
/// the first data row has).
///
/// # Errors
/// A message naming the 1-based line and what is wrong with it.
pub fn parse_text(text: &str, per_row: Option<usize>) -> std::result::Result<Array, String> {
    let mut values = Vec::new();
    let mut first_data_line = true;
    let mut want = per_row;
    let mut rows = 0;
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
        match want {
            Some(n) if cells.len() != n => {
                let expected = if per_row.is_some() {
                    format!("a sample of this network has {n}")
                } else {
                    format!("the first row has {n}")
                };
                return Err(format!(
                    "line {}: {} values, but {expected}; write one sample per row",
                    i + 1,
                    cells.len()
                ));
            }
            Some(_) => {}
            None => want = Some(cells.len()),
        }
        values.extend(parsed.into_iter().flatten());
        rows += 1;
    }
    if values.is_empty() {
        return Err("no samples (every line is blank, a comment or the header)".into());
    }
    Ok(Array {
        shape: vec![rows, want.unwrap_or(0)],
        values,
    })
}

/// The header of a `.npy` file: shape, element type and where the data starts.
#[derive(Debug, Clone)]
struct NpyHeader {
    shape: Vec<usize>,
    /// Bytes per value.
    size: usize,
    /// Decodes one value from its `size` little-endian bytes.
    read: fn(&[u8]) -> f64,
    /// Offset of the first value.
    data_offset: usize,
}

/// Reads the header at the start of `b` (which needs only to hold the header).
fn parse_npy_header(b: &[u8]) -> std::result::Result<NpyHeader, String> {
    let truncated = || "truncated .npy header".to_string();
    if b.len() < 10 || &b[..6] != b"\x93NUMPY" {
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
    Ok(NpyHeader {
        shape,
        size,
        read,
        data_offset: start + len,
    })
}

/// Parses a `.npy` file: C order, little-endian `f4`/`f8`/`i4`/`i8`, any shape.
///
/// # Errors
/// A message saying what in the header or the data is wrong.
pub fn parse_npy(b: &[u8]) -> std::result::Result<Array, String> {
    let h = parse_npy_header(b)?;
    let count: usize = h.shape.iter().product();
    let data = &b[h.data_offset..];
    if data.len() != count * h.size {
        return Err(format!(
            "the header promises {count} values of {} bytes, the file holds {} bytes of data",
            h.size,
            data.len()
        ));
    }
    Ok(Array {
        shape: h.shape,
        values: data.chunks_exact(h.size).map(h.read).collect(),
    })
}

/// A `.npy` file read row by row (a row: everything after the first dimension), for arrays
/// larger than memory: only the header is read when it is opened, and each
/// [`read_rows`](NpyFile::read_rows) reads just the rows asked for.
///
/// ```
/// # let dir = tempfile::tempdir()?;
/// use hwnas_core::samples::NpyFile;
///
/// // A (3, 2) float64 array: [[0, 1], [2, 3], [4, 5]].
/// let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
/// let header = "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }";
/// let header = format!("{header:<117}\n");
/// bytes.extend((header.len() as u16).to_le_bytes());
/// bytes.extend(header.as_bytes());
/// (0..6).for_each(|v| bytes.extend((v as f64).to_le_bytes()));
/// std::fs::write(dir.path().join("a.npy"), &bytes)?;
///
/// let f = NpyFile::open(&dir.path().join("a.npy"))?;
/// assert_eq!((f.rows(), f.per_row()), (3, 2));
/// let mut out = Vec::new();
/// f.read_rows(&[2, 0], &mut out)?;
/// assert_eq!(out, vec![4.0, 5.0, 0.0, 1.0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct NpyFile {
    path: PathBuf,
    header: NpyHeader,
    file: Mutex<File>,
}

impl NpyFile {
    /// Opens `path` and reads its header.
    ///
    /// # Errors
    /// [`Error::Io`] when the file cannot be read; [`Error::Data`] when it is not a `.npy`
    /// array of at least one row, or is shorter than its header says.
    pub fn open(path: &Path) -> Result<Self> {
        let io = |e: std::io::Error| io_error("reading", path, e);
        let bad = |reason: String| Error::Data {
            path: path.to_path_buf(),
            reason,
        };
        let mut file = File::open(path).map_err(io)?;
        // Format 1.0 headers fit 64 KiB (a u16 length); a longer version-2 header reads as
        // truncated.
        let mut head = Vec::new();
        (&mut file)
            .take(65_536)
            .read_to_end(&mut head)
            .map_err(io)?;
        let header = parse_npy_header(&head).map_err(bad)?;
        let rows = header.shape.first().copied().unwrap_or(0);
        let per: usize = header.shape.iter().skip(1).product();
        if rows == 0 || per == 0 {
            return Err(bad(format!(
                "an array of shape {:?} holds no samples",
                header.shape
            )));
        }
        let need = header.data_offset as u64 + (rows * per * header.size) as u64;
        let len = file.metadata().map_err(io)?.len();
        if len < need {
            return Err(bad(format!(
                "the header promises {} values of {} bytes, the file holds only {} bytes in all",
                rows * per,
                header.size,
                len
            )));
        }
        Ok(NpyFile {
            path: path.to_path_buf(),
            header,
            file: Mutex::new(file),
        })
    }

    /// The array's shape.
    pub fn shape(&self) -> &[usize] {
        &self.header.shape
    }

    /// Rows (the first dimension).
    pub fn rows(&self) -> usize {
        self.header.shape[0]
    }

    /// Values per row (the product of the other dimensions; 1 for a 1-D array).
    pub fn per_row(&self) -> usize {
        self.header.shape.iter().skip(1).product()
    }

    /// Appends the rows `idx`, in that order, to `out`.
    ///
    /// # Errors
    /// [`Error::Data`] for a row index past the end; [`Error::Io`] when the file cannot be read.
    pub fn read_rows(&self, idx: &[usize], out: &mut Vec<f32>) -> Result<()> {
        let per = self.per_row();
        let row_bytes = per * self.header.size;
        let mut buf = vec![0u8; row_bytes];
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        out.reserve(idx.len() * per);
        for &i in idx {
            if i >= self.rows() {
                return Err(Error::Data {
                    path: self.path.clone(),
                    reason: format!("row {i} asked for, the array has {} rows", self.rows()),
                });
            }
            let at = self.header.data_offset as u64 + (i * row_bytes) as u64;
            file.seek(SeekFrom::Start(at))
                .and_then(|_| file.read_exact(&mut buf))
                .map_err(|e| io_error("reading", &self.path, e))?;
            out.extend(
                buf.chunks_exact(self.header.size)
                    .map(|c| (self.header.read)(c) as f32),
            );
        }
        Ok(())
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Dataset;

    /// A version-1 `.npy` file as NumPy writes it.
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

    fn f4(v: &[f32]) -> Vec<u8> {
        v.iter().flat_map(|x| x.to_le_bytes()).collect()
    }

    #[test]
    fn npy_headers_and_data_are_checked() {
        let data = f4(&[1.0, 2.0, 3.0, 4.0]);
        let a = parse_npy(&npy("<f4", "(2, 2)", &data)).unwrap();
        assert_eq!((a.shape, a.values), (vec![2, 2], vec![1.0, 2.0, 3.0, 4.0]));
        assert_eq!(parse_npy(&npy("<f4", "(4,)", &data)).unwrap().shape, [4]);
        let e = parse_npy(&npy("<f4", "(3, 2)", &data)).unwrap_err();
        assert!(e.contains("promises 6 values"), "{e}");
        let e = parse_npy(&npy(">f4", "(2, 2)", &data)).unwrap_err();
        assert!(e.contains("unsupported dtype"), "{e}");
        let mut fortran = npy("<f4", "(2, 2)", &data);
        let at = fortran.windows(5).position(|w| w == b"False").unwrap();
        fortran[at..at + 5].copy_from_slice(b"True ");
        let e = parse_npy(&fortran).unwrap_err();
        assert!(e.contains("Fortran-order"), "{e}");
        let ints: Vec<u8> = [-3i64, 7].iter().flat_map(|v| v.to_le_bytes()).collect();
        assert_eq!(
            parse_npy(&npy("<i8", "(2,)", &ints)).unwrap().values,
            [-3.0, 7.0]
        );
    }

    #[test]
    fn text_rows_take_their_length_from_the_first_row() {
        let a = parse_text("x,y,z\n1 2 3\n4,5,6\n", None).unwrap();
        assert_eq!(a.shape, [2, 3]);
        let e = parse_text("1,2,3\n4,5\n", None).unwrap_err();
        assert!(
            e.contains("line 2: 2 values, but the first row has 3"),
            "{e}"
        );
        let e = parse_text("1,2,3\n", Some(2)).unwrap_err();
        assert!(e.contains("a sample of this network has 2"), "{e}");
    }

    #[test]
    fn data_sets_load_from_npy_and_csv_and_say_what_does_not_fit() {
        let dir = tempfile::tempdir().unwrap();
        let p = |f: &str| dir.path().join(f);
        // 3 samples of 2 x 2 x 1 (channels-last), integer targets of one value each.
        let x: Vec<f32> = (0..12).map(|v| v as f32 / 4.0).collect();
        std::fs::write(p("x.npy"), npy("<f4", "(3, 2, 2, 1)", &f4(&x))).unwrap();
        let y: Vec<u8> = [1i32, 0, 1].iter().flat_map(|v| v.to_le_bytes()).collect();
        std::fs::write(p("y.npy"), npy("<i4", "(3,)", &y)).unwrap();
        let d = Dataset::load(&p("x.npy"), &p("y.npy")).unwrap();
        assert_eq!((d.len(), d.features, d.outputs), (3, 4, 1));
        assert_eq!((d.x, d.y), (x, vec![1.0, 0.0, 1.0]));
        // The same targets as CSV with two columns; a CSV with too few rows is refused.
        std::fs::write(p("y2.csv"), "a,b\n1,0\n0,1\n1,0\n").unwrap();
        let d = Dataset::load(&p("x.npy"), &p("y2.csv")).unwrap();
        assert_eq!((d.outputs, &d.y[..2]), (2, &[1.0, 0.0][..]));
        std::fs::write(p("short.csv"), "1\n0\n").unwrap();
        let e = Dataset::load(&p("x.npy"), &p("short.csv"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("short.csv: 2 targets for 3 samples"), "{e}");
        std::fs::write(p("bad.csv"), "1\nzwei\n").unwrap();
        let e = Dataset::load(&p("bad.csv"), &p("short.csv"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("bad.csv: line 2: value 1 `zwei` is not a number"),
            "{e}"
        );
        let e = Dataset::load(&p("none.npy"), &p("y.npy"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("none.npy"), "{e}");
    }
}
