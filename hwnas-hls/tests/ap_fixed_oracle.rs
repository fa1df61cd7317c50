//! Oracle test: hwnas's fixed-point conversions against the real `ap_fixed` headers, bit for bit.
//!
//! The test fetches the `ap_types` headers (see `hwnas_hls::ap_types::locate`; the cache lives
//! in cargo's target directory), generates C++ that instantiates `ap_fixed` for every type shape
//! and mode combination of `oracle/cases.rs`, compiles it with g++ (cached by a hash of the
//! sources), feeds it the values of `oracle/values.rs` through binary files and compares every
//! raw result with `FixedType::quantize` / `FixedType::cast_from`.
//!
//! Without g++ or the headers (no pip, no network) the test prints a loud skip message and
//! passes, unless the environment variable `CI` is `true`, where it fails.
//!
//! Run it in release: `cargo test --release -p hwnas-hls --test ap_fixed_oracle -- --nocapture`.

#[path = "oracle/cases.rs"]
mod cases;
#[path = "oracle/values.rs"]
mod values;

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;
use std::{fs, thread};

use hwnas_core::fixed::FixedType;
use hwnas_hls::ap_types;

use cases::{CastCase, FloatCase};
use values::Rng;

/// Values per float type shape (each converted under every mode of the shape).
const FLOAT_VALUES: usize = 100_000;
/// Source values per cast pair (each cast under every target mode).
const CAST_VALUES: usize = 30_000;
/// Seed of the value generator (arbitrary, fixed so that failures reproduce).
const SEED: u64 = 0x5eed_0a9f_1ced;
/// Mismatches printed in full.
const SHOWN: usize = 8;

const ORACLE_H: &str = include_str!("oracle/oracle.h");
const MAIN_CPP: &str = include_str!("oracle/main.cpp");

/// Skips the test (or fails it on CI) when a tool it needs is unavailable.
fn unavailable(what: &str) {
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("ap_fixed oracle cannot run on CI: {what}");
    }
    eprintln!(
        "\n{0}\nSKIPPED ap_fixed oracle: {what}\n{0}\n",
        "!".repeat(78)
    );
}

/// Writes the C++ sources into a build folder keyed by their hash and compiles them there, in
/// parallel, unless a previous run already did. Returns the executable.
fn build_oracle(ap_dir: &Path, float: &[FloatCase], cast: &[CastCase]) -> PathBuf {
    let parts = thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 8));
    let mut sources = cases::cpp_sources(float, cast, parts);
    sources.push(("oracle.h".into(), ORACLE_H.into()));
    sources.push(("main.cpp".into(), MAIN_CPP.into()));
    let flags = ["-std=c++14", "-O1", "-DNDEBUG", "-w"];
    let mut hasher = DefaultHasher::new();
    (&sources, &flags, ap_dir).hash(&mut hasher);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("ap_fixed_oracle")
        .join(format!("build-{:016x}", hasher.finish()));
    let exe = dir.join("oracle");
    if exe.is_file() {
        println!("ap_fixed oracle: reusing {}", exe.display());
        return exe;
    }
    fs::create_dir_all(&dir).expect("create oracle build dir");
    for (name, src) in &sources {
        fs::write(dir.join(name), src).expect("write oracle source");
    }
    let start = Instant::now();
    let units: Vec<&String> = sources
        .iter()
        .map(|(name, _)| name)
        .filter(|n| n.ends_with(".cpp"))
        .collect();
    let children: Vec<_> = units
        .iter()
        .map(|unit| {
            let child = Command::new("g++")
                .args(flags)
                .arg(format!("-I{}", ap_dir.display()))
                .arg("-I.")
                .args(["-c", unit.as_str(), "-o"])
                .arg(format!("{unit}.o"))
                .current_dir(&dir)
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("run g++");
            (unit, child)
        })
        .collect();
    for (unit, child) in children {
        let out = child.wait_with_output().expect("wait for g++");
        assert!(
            out.status.success(),
            "g++ failed on {unit} in {}:\n{}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let objects: Vec<String> = units.iter().map(|u| format!("{u}.o")).collect();
    let tmp_exe = dir.join("oracle.tmp");
    let status = Command::new("g++")
        .args(&objects)
        .arg("-o")
        .arg(&tmp_exe)
        .current_dir(&dir)
        .status()
        .expect("run g++ to link");
    assert!(
        status.success(),
        "linking the oracle failed in {}",
        dir.display()
    );
    fs::rename(&tmp_exe, &exe).expect("move oracle into place");
    println!(
        "ap_fixed oracle: compiled {} C++ units on {parts} threads in {:.1} s",
        units.len(),
        start.elapsed().as_secs_f64()
    );
    exe
}

/// Runs the oracle on one case: `kind` is `float` or `cast`, `input` the raw bytes of the
/// values. Returns one block of raw results per mode.
fn run_oracle(exe: &Path, kind: &str, index: usize, input: Vec<u8>) -> Vec<i128> {
    let dir = exe.parent().expect("build dir");
    let (inp, out) = (
        dir.join(format!("in-{kind}-{index}.bin")),
        dir.join("out.bin"),
    );
    fs::write(&inp, input).expect("write oracle input");
    // Captured: for widths above 64 the headers' ap_private prints a "Bitsize mismach"
    // warning on some internal operations (hundreds of thousands of lines).
    let run = Command::new(exe)
        .arg(kind)
        .arg(index.to_string())
        .arg(&inp)
        .arg(&out)
        .output()
        .expect("run the oracle");
    assert!(
        run.status.success(),
        "oracle {kind} {index} failed: {}\n{}",
        run.status,
        String::from_utf8_lossy(&run.stderr)
    );
    let bytes = fs::read(&out).expect("read oracle output");
    let _ = fs::remove_file(&inp);
    let _ = fs::remove_file(&out);
    bytes
        .chunks_exact(16)
        .map(|c| i128::from_ne_bytes(c.try_into().expect("16 bytes")))
        .collect()
}

/// Counts comparisons and keeps the first few mismatches.
#[derive(Default)]
struct Tally {
    compared: u64,
    mismatches: u64,
    shown: Vec<String>,
}

impl Tally {
    fn check(&mut self, expected: i128, got: i128, describe: impl FnOnce() -> String) {
        self.compared += 1;
        if expected != got {
            self.mismatches += 1;
            if self.shown.len() < SHOWN {
                self.shown.push(format!(
                    "{}: ap_fixed gives raw {expected} ({expected:#x}), hwnas gives {got} \
                     ({got:#x})",
                    describe()
                ));
            }
        }
    }
}

fn compare_float(exe: &Path, float: &[FloatCase], rng: &mut Rng) -> Tally {
    let mut tally = Tally::default();
    for (index, case) in float.iter().enumerate() {
        let xs = values::float_inputs(&case.types[0], FLOAT_VALUES, rng);
        let bytes = xs.iter().flat_map(|x| x.to_ne_bytes()).collect();
        let raws = run_oracle(exe, "float", index, bytes);
        assert_eq!(
            raws.len(),
            xs.len() * case.types.len(),
            "oracle output size"
        );
        for (t, block) in case.types.iter().zip(raws.chunks_exact(xs.len())) {
            for (&x, &expected) in xs.iter().zip(block) {
                tally.check(expected, t.quantize(x), || {
                    format!("{t}({x:e}) [f64 bits {:#018x}]", x.to_bits())
                });
            }
        }
    }
    tally
}

fn compare_cast(exe: &Path, cast: &[CastCase], rng: &mut Rng) -> Tally {
    let mut tally = Tally::default();
    for (index, case) in cast.iter().enumerate() {
        let raws_in = values::cast_inputs(&case.from, &case.to[0], CAST_VALUES, rng);
        let bytes = raws_in.iter().flat_map(|x| x.to_ne_bytes()).collect();
        let raws = run_oracle(exe, "cast", index, bytes);
        assert_eq!(
            raws.len(),
            raws_in.len() * case.to.len(),
            "oracle output size"
        );
        let from: &FixedType = &case.from;
        for (t, block) in case.to.iter().zip(raws.chunks_exact(raws_in.len())) {
            for (&raw, &expected) in raws_in.iter().zip(block) {
                tally.check(expected, t.cast_from(raw, from), || {
                    format!(
                        "{t} = {from} raw {raw} ({raw:#x}, value {:e})",
                        from.to_f64(raw)
                    )
                });
            }
        }
    }
    tally
}

#[test]
fn ap_fixed_conversions_match_the_real_headers() {
    let start = Instant::now();
    if Command::new("g++").arg("--version").output().is_err() {
        return unavailable("g++ not found; install g++ (e.g. `apt-get install g++`)");
    }
    let ap_dir = match ap_types::locate(Path::new(env!("CARGO_TARGET_TMPDIR"))) {
        Ok(dir) => dir,
        Err(e) => return unavailable(&format!("{e}")),
    };
    println!("ap_fixed oracle: headers from {}", ap_dir.display());
    let (float, cast) = (cases::float_cases(), cases::cast_cases());
    let exe = build_oracle(&ap_dir, &float, &cast);

    let mut rng = Rng::new(SEED);
    let compare_start = Instant::now();
    let f = compare_float(&exe, &float, &mut rng);
    let c = compare_cast(&exe, &cast, &mut rng);
    let modes = float.iter().map(|c| c.types.len()).max().unwrap_or(0);
    for line in f.shown.iter().chain(&c.shown) {
        eprintln!("MISMATCH {line}");
    }
    assert!(
        f.mismatches + c.mismatches == 0,
        "ap_fixed oracle: {} of {} float->fixed and {} of {} fixed->fixed conversions differ \
         (first ones above)",
        f.mismatches,
        f.compared,
        c.mismatches,
        c.compared
    );
    println!(
        "ap_fixed oracle: {} float->fixed and {} fixed->fixed comparisons over {} type shapes \
         and {} type pairs x up to {modes} modes, all bit-exact (compare {:.1} s, total {:.1} s)",
        group(f.compared),
        group(c.compared),
        float.len(),
        cast.len(),
        compare_start.elapsed().as_secs_f64(),
        start.elapsed().as_secs_f64()
    );
}

/// `67200000` → `67,200,000`.
fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}
