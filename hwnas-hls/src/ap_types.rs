//! Locating the Xilinx `ap_types` headers (`ap_fixed.h`, `ap_int.h`, ...) that C simulation of
//! `ap_fixed` code needs.
//!
//! hwnas does not ship these headers. [`locate`] finds them, in this order:
//!
//! 1. the directory named by the environment variable `HWNAS_AP_TYPES` (it must contain
//!    `ap_fixed.h`, else [`locate`] fails rather than silently using another copy);
//! 2. `$XILINX_HLS/include` (Vitis HLS), then `$XILINX_VIVADO/include` (Vivado HLS);
//! 3. the cache `<cache_dir>/ap_types-hls4ml-1.3.0/`, filled on first use from the hls4ml 1.3.0
//!    wheel (`pip download`, then everything under `hls4ml/templates/vivado/ap_types/`,
//!    including its `etc/` and `utils/` folders). The cache is filled in a temporary folder and
//!    renamed into place, so an interrupted fetch never leaves a half-filled cache.
//!
//! ```no_run
//! use hwnas_hls::ap_types;
//!
//! let dir = ap_types::locate(&ap_types::default_cache_dir())?;
//! assert!(dir.join("ap_fixed.h").is_file());
//! println!("g++ -I{} ...", dir.display());
//! # Ok::<(), hwnas_hls::Error>(())
//! ```

use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{Error, Result};

/// The hls4ml release whose wheel the headers are taken from.
pub const HLS4ML_VERSION: &str = "1.3.0";

/// Environment variable naming a directory that contains `ap_fixed.h`.
pub const ENV_AP_TYPES: &str = "HWNAS_AP_TYPES";

/// Name of the cache folder inside the cache directory.
const CACHE_SUBDIR: &str = "ap_types-hls4ml-1.3.0";

/// Folder of the headers inside the wheel.
const WHEEL_PREFIX: &str = "hls4ml/templates/vivado/ap_types/";

/// Returns a directory containing `ap_fixed.h` (and the rest of the `ap_types` headers),
/// searching as described in the [module documentation](self) and fetching the headers into
/// `cache_dir` when nothing else has them.
///
/// # Errors
/// [`Error::ApTypes`] when `HWNAS_AP_TYPES` is set to a directory without `ap_fixed.h` or the
/// wheel lacks the headers; [`Error::Tool`] when pip is missing or `pip download` fails;
/// [`Error::Io`] when the cache cannot be written.
pub fn locate(cache_dir: &Path) -> Result<PathBuf> {
    locate_with(&|name| std::env::var_os(name), cache_dir, &pip_download)
}

/// The default cache directory: `$HWNAS_CACHE_DIR`, else `$XDG_CACHE_HOME/hwnas`, else
/// `$HOME/.cache/hwnas`, else `hwnas-cache` in the system's temporary directory.
pub fn default_cache_dir() -> PathBuf {
    default_cache_dir_with(&|name| std::env::var_os(name))
}

/// Reads an environment variable, treating an empty value as unset.
type EnvFn<'a> = &'a dyn Fn(&str) -> Option<OsString>;

/// Downloads the hls4ml wheel into a directory and returns the wheel's path.
type DownloadFn<'a> = &'a dyn Fn(&Path) -> Result<PathBuf>;

fn non_empty(env: EnvFn<'_>, name: &str) -> Option<OsString> {
    env(name).filter(|v| !v.is_empty())
}

fn default_cache_dir_with(env: EnvFn<'_>) -> PathBuf {
    if let Some(dir) = non_empty(env, "HWNAS_CACHE_DIR") {
        return PathBuf::from(dir);
    }
    if let Some(dir) = non_empty(env, "XDG_CACHE_HOME") {
        return PathBuf::from(dir).join("hwnas");
    }
    if let Some(home) = non_empty(env, "HOME") {
        return PathBuf::from(home).join(".cache").join("hwnas");
    }
    std::env::temp_dir().join("hwnas-cache")
}

fn has_headers(dir: &Path) -> bool {
    dir.join("ap_fixed.h").is_file()
}

fn locate_with(env: EnvFn<'_>, cache_dir: &Path, download: DownloadFn<'_>) -> Result<PathBuf> {
    if let Some(dir) = non_empty(env, ENV_AP_TYPES) {
        let dir = PathBuf::from(dir);
        if has_headers(&dir) {
            return Ok(dir);
        }
        return Err(Error::ApTypes(format!(
            "{ENV_AP_TYPES} is set to {}, which does not contain ap_fixed.h; point it at the \
             directory holding ap_fixed.h (e.g. <hls4ml>/templates/vivado/ap_types or \
             <Vitis HLS>/include), or unset it to let hwnas find or fetch the headers",
            dir.display()
        )));
    }
    for var in ["XILINX_HLS", "XILINX_VIVADO"] {
        if let Some(root) = non_empty(env, var) {
            let include = PathBuf::from(root).join("include");
            if has_headers(&include) {
                return Ok(include);
            }
        }
    }
    let target = cache_dir.join(CACHE_SUBDIR);
    if has_headers(&target) {
        return Ok(target);
    }
    fetch_into_cache(cache_dir, &target, download)?;
    Ok(target)
}

/// A scratch directory inside the cache, removed when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        // Best effort: a leftover scratch folder is harmless and named as such.
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn io_err(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> Error + use<> {
    let path = path.to_path_buf();
    move |source| Error::Io {
        action,
        path,
        source,
    }
}

/// Downloads the wheel, extracts the headers into a scratch folder and renames it to `target`.
fn fetch_into_cache(cache_dir: &Path, target: &Path, download: DownloadFn<'_>) -> Result<()> {
    fs::create_dir_all(cache_dir).map_err(io_err("creating cache directory", cache_dir))?;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let scratch = Scratch(cache_dir.join(format!(
        ".{CACHE_SUBDIR}.fetch-{}-{nanos}",
        std::process::id()
    )));
    let wheel_dir = scratch.0.join("wheel");
    fs::create_dir_all(&wheel_dir).map_err(io_err("creating directory", &wheel_dir))?;
    let wheel = download(&wheel_dir)?;
    let staged = scratch.0.join("ap_types");
    extract_headers(&wheel, &staged)?;
    if let Err(e) = fs::rename(&staged, target) {
        // Another process may have filled the cache meanwhile; its copy is as good as ours.
        if !has_headers(target) {
            return Err(io_err("moving fetched headers into", target)(e));
        }
    }
    Ok(())
}

/// Extracts every file under `hls4ml/templates/vivado/ap_types/` of `wheel` into `dest`,
/// keeping sub-folders.
fn extract_headers(wheel: &Path, dest: &Path) -> Result<()> {
    let file = fs::File::open(wheel).map_err(io_err("opening", wheel))?;
    let bad_wheel = |e: zip::result::ZipError| {
        Error::ApTypes(format!(
            "{} is not a readable wheel ({e}); delete it and retry, or set {ENV_AP_TYPES}",
            wheel.display()
        ))
    };
    let mut archive = zip::ZipArchive::new(file).map_err(bad_wheel)?;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(bad_wheel)?;
        if entry.is_dir() {
            continue;
        }
        // `enclosed_name` refuses absolute paths and `..`, so nothing lands outside `dest`.
        let Some(name) = entry.enclosed_name() else {
            continue;
        };
        let Ok(rel) = name.strip_prefix(WHEEL_PREFIX) else {
            continue;
        };
        let out_path = dest.join(rel);
        if let Some(parent) = out_path.parent() {
            fs::create_dir_all(parent).map_err(io_err("creating directory", parent))?;
        }
        let mut out = fs::File::create(&out_path).map_err(io_err("creating", &out_path))?;
        io::copy(&mut entry, &mut out).map_err(io_err("writing", &out_path))?;
    }
    if !has_headers(dest) {
        return Err(Error::ApTypes(format!(
            "{} has no {WHEEL_PREFIX}ap_fixed.h; is it the hls4ml {HLS4ML_VERSION} wheel? \
             Set {ENV_AP_TYPES} to a directory containing ap_fixed.h instead",
            wheel.display()
        )));
    }
    Ok(())
}

/// Runs `pip download` for the hls4ml wheel into `dir` and returns the wheel's path.
fn pip_download(dir: &Path) -> Result<PathBuf> {
    let candidates: [&[&str]; 3] = [&["python3", "-m", "pip"], &["pip3"], &["pip"]];
    let pip = candidates
        .iter()
        .find(|cmd| {
            Command::new(cmd[0])
                .args(&cmd[1..])
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
        .ok_or_else(|| Error::Tool {
            tool: "pip".into(),
            message: format!(
                "pip not found (tried `python3 -m pip`, `pip3`, `pip`): install Python's pip, \
                 or set {ENV_AP_TYPES} to a directory containing ap_fixed.h"
            ),
        })?;
    let spec = format!("hls4ml=={HLS4ML_VERSION}");
    let output = Command::new(pip[0])
        .args(&pip[1..])
        .args(["download", "--no-deps", "--only-binary=:all:"])
        .args(["--disable-pip-version-check", "-d"])
        .arg(dir)
        .arg(&spec)
        .output()
        .map_err(|e| Error::Tool {
            tool: pip.join(" "),
            message: format!("could not run it: {e}"),
        })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(8).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(Error::Tool {
            tool: pip.join(" "),
            message: format!(
                "`pip download {spec}` failed ({}):\n{}\nCheck network access to PyPI (or \
                 pip's index settings), or set {ENV_AP_TYPES} to a directory containing \
                 ap_fixed.h",
                output.status,
                tail.join("\n")
            ),
        });
    }
    find_wheel(dir)
}

/// The hls4ml wheel pip left in `dir`.
fn find_wheel(dir: &Path) -> Result<PathBuf> {
    let entries = fs::read_dir(dir).map_err(io_err("listing", dir))?;
    for entry in entries {
        let path = entry.map_err(io_err("listing", dir))?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with("hls4ml-") && name.ends_with(".whl") {
            return Ok(path);
        }
    }
    Err(Error::ApTypes(format!(
        "pip reported success but left no hls4ml-*.whl in {}; set {ENV_AP_TYPES} to a \
         directory containing ap_fixed.h",
        dir.display()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::io::Write;

    fn env_of(pairs: &[(&str, &Path)]) -> impl Fn(&str) -> Option<OsString> + use<> {
        let map: HashMap<String, OsString> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.as_os_str().to_owned()))
            .collect();
        move |name| map.get(name).cloned()
    }

    fn no_download(_: &Path) -> Result<PathBuf> {
        panic!("must not download")
    }

    fn header_dir(root: &Path) -> PathBuf {
        fs::create_dir_all(root).unwrap();
        fs::write(root.join("ap_fixed.h"), "// test").unwrap();
        root.to_path_buf()
    }

    /// A fake wheel with the headers, a sub-folder and an unrelated file.
    fn fake_wheel(path: &Path) {
        let mut zip = zip::ZipWriter::new(fs::File::create(path).unwrap());
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, body) in [
            ("hls4ml/templates/vivado/ap_types/ap_fixed.h", "fixed"),
            (
                "hls4ml/templates/vivado/ap_types/etc/ap_private.h",
                "private",
            ),
            ("hls4ml/templates/vivado/nnet_utils/nnet_dense.h", "dense"),
        ] {
            zip.start_file(name, opts).unwrap();
            zip.write_all(body.as_bytes()).unwrap();
        }
        zip.finish().unwrap();
    }

    #[test]
    fn env_var_wins_and_must_hold_the_headers() {
        let tmp = tempfile::tempdir().unwrap();
        let good = header_dir(&tmp.path().join("good"));
        let env = env_of(&[(ENV_AP_TYPES, &good)]);
        assert_eq!(locate_with(&env, tmp.path(), &no_download).unwrap(), good);
        let bad = tmp.path().join("empty");
        fs::create_dir_all(&bad).unwrap();
        let env = env_of(&[(ENV_AP_TYPES, &bad), ("XILINX_HLS", &good)]);
        let err = locate_with(&env, tmp.path(), &no_download).unwrap_err();
        assert!(err.to_string().contains("HWNAS_AP_TYPES"), "{err}");
    }

    #[test]
    fn xilinx_install_then_cache() {
        let tmp = tempfile::tempdir().unwrap();
        let hls = tmp.path().join("vitis");
        let include = header_dir(&hls.join("include"));
        let env = env_of(&[("XILINX_HLS", &hls)]);
        assert_eq!(
            locate_with(&env, tmp.path(), &no_download).unwrap(),
            include
        );
        let cache = header_dir(&tmp.path().join(CACHE_SUBDIR));
        let env = env_of(&[("XILINX_VIVADO", &tmp.path().join("nothing"))]);
        assert_eq!(locate_with(&env, tmp.path(), &no_download).unwrap(), cache);
    }

    #[test]
    fn fetch_extracts_only_ap_types_and_leaves_no_scratch() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = tmp.path().join("cache");
        let download = |dir: &Path| -> Result<PathBuf> {
            let wheel = dir.join("hls4ml-1.3.0-py3-none-any.whl");
            fake_wheel(&wheel);
            Ok(wheel)
        };
        let dir = locate_with(&env_of(&[]), &cache, &download).unwrap();
        assert_eq!(dir, cache.join(CACHE_SUBDIR));
        assert_eq!(fs::read_to_string(dir.join("ap_fixed.h")).unwrap(), "fixed");
        assert!(dir.join("etc/ap_private.h").is_file());
        assert!(!dir.join("nnet_dense.h").exists());
        let names: Vec<_> = fs::read_dir(&cache)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [CACHE_SUBDIR]);
    }

    #[test]
    fn failed_fetch_leaves_no_cache() {
        let tmp = tempfile::tempdir().unwrap();
        let download = |dir: &Path| -> Result<PathBuf> {
            let wheel = dir.join("hls4ml-1.3.0-py3-none-any.whl");
            fs::write(&wheel, "not a zip").unwrap();
            Ok(wheel)
        };
        let err = locate_with(&env_of(&[]), tmp.path(), &download).unwrap_err();
        assert!(err.to_string().contains("not a readable wheel"), "{err}");
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
    }

    #[test]
    fn default_cache_dir_order() {
        let a = Path::new("/a");
        let env = env_of(&[("HWNAS_CACHE_DIR", a), ("HOME", Path::new("/h"))]);
        assert_eq!(default_cache_dir_with(&env), a);
        let env = env_of(&[
            ("XDG_CACHE_HOME", Path::new("/x")),
            ("HOME", Path::new("/h")),
        ]);
        assert_eq!(default_cache_dir_with(&env), Path::new("/x/hwnas"));
        let env = env_of(&[("HOME", Path::new("/h"))]);
        assert_eq!(default_cache_dir_with(&env), Path::new("/h/.cache/hwnas"));
    }
}
