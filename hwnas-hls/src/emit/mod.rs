//! The HLS project writer.
//!
//! [`write_project`] writes an hls4ml-style project for a network: `firmware/<name>.cpp|.h`,
//! `defines.h`, `parameters.h`, `weights/*.h` (exact constants), the hwnas HLS layer library
//! under `firmware/hwnas/`, a testbench `<name>_test.cpp` with `tb_data/` (inputs and the
//! emulator's bit-exact outputs), `build_prj.tcl` + `project.tcl` (Vivado HLS and Vitis HLS),
//! `vivado_synth.tcl`, `hwnas_config.json` and a README.
//!
//! The project is built in a temporary directory beside the target and renamed into place.
//! An existing directory is replaced only with [`HlsConfig::force`] and only when it holds the
//! marker file [`MARKER`] that hwnas writes into every project.
//!
//! ```no_run
//! use hwnas_core::ir::Network;
//! use hwnas_hls::emit::{write_project, HlsConfig};
//!
//! let net = Network::load("examples/nets/jet_mlp.json".as_ref())?;
//! let report = write_project(&net, &HlsConfig::default(), "jet_mlp_prj".as_ref())?;
//! for w in &report.warnings {
//!     eprintln!("warning: {w}");
//! }
//! # Ok::<(), hwnas_hls::Error>(())
//! ```

pub(crate) mod layers;
mod render;
pub(crate) mod template;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use hwnas_core::cost::IoType;
use hwnas_core::ir::{Network, Strategy};
use hwnas_core::rng::{Random, SplitMix64};

use crate::csim::ProjectInterface;
use crate::emulate::Emulator;
use crate::model::{MAX_CONST_WIDTH, QNetwork};
use crate::resources::Tool;
use crate::reuse::effective_reuse_factor;
use crate::{Error, Result};

use layers::{Knobs, Names, StreamShape, emit_layer, literal, pixels};
use render::{LIBRARY, SKELETONS, render};

/// Name of the marker file hwnas writes into every project directory.
pub const MARKER: &str = ".hwnas-project";

/// Project-wide settings of the writer.
#[derive(Debug, Clone, PartialEq)]
pub struct HlsConfig {
    /// How layers exchange data: arrays ([`IoType::IoParallel`]) or `hls::stream`s of
    /// channels-last pixels ([`IoType::IoStream`]; see [`check_stream`]).
    pub io: IoType,
    /// Strategy for every layer, overriding the IR's per-layer choice.
    pub strategy: Option<Strategy>,
    /// Reuse factor for every layer, overriding the IR's (Resource layers then snapped to a
    /// valid one, as hls4ml does).
    pub reuse_factor: Option<u32>,
    /// FPGA part.
    pub part: String,
    /// Clock period in ns.
    pub clock_ns: f64,
    /// The HLS tool the project is meant for. The project builds with either; the tool
    /// decides how the resource model prices it
    /// ([`crate::resources::AnalyticModel::for_config`]).
    pub tool: Tool,
    /// Inputs for `tb_data/` (flat, `input_len()` values per sample); `None`: `tb_samples`
    /// pseudo-random samples over the input type's range.
    pub tb_inputs: Option<Vec<f64>>,
    /// Number of pseudo-random testbench samples when `tb_inputs` is `None`.
    pub tb_samples: usize,
    /// Seed of the pseudo-random testbench samples.
    pub seed: u64,
    /// Replace an existing project directory written by hwnas.
    pub force: bool,
}

impl Default for HlsConfig {
    fn default() -> Self {
        HlsConfig {
            io: IoType::IoParallel,
            strategy: None,
            reuse_factor: None,
            part: "xcvu13p-flga2577-2-e".into(),
            clock_ns: 5.0,
            tool: Tool::default(),
            tb_inputs: None,
            tb_samples: 10,
            seed: 0x5eed,
            force: false,
        }
    }
}

/// What [`write_project`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectReport {
    /// The project directory.
    pub dir: PathBuf,
    /// Files written.
    pub files: usize,
    /// Warnings (snapped reuse factors, ...), one line each.
    pub warnings: Vec<String>,
}

/// Lowers `net` and writes its HLS project to `dir` (see the [module docs](self)).
///
/// # Errors
/// As [`QNetwork::from_network`] and [`write_qnetwork`].
pub fn write_project(net: &Network, cfg: &HlsConfig, dir: &Path) -> Result<ProjectReport> {
    write_qnetwork(&QNetwork::from_network(net)?, cfg, dir)
}

/// Writes the HLS project of an already lowered network.
///
/// # Errors
/// [`Error::Input`] for a network io_stream cannot express (see [`check_stream`]);
/// [`Error::Project`] when `dir`
/// exists and `force` is off, or exists without the hwnas marker; [`Error::Input`] for
/// testbench inputs of the wrong size, or an output type wider than 53 bits (the testbench
/// reads and compares outputs as `double`s); [`Error::Io`] when a file cannot be written.
pub fn write_qnetwork(q: &QNetwork, cfg: &HlsConfig, dir: &Path) -> Result<ProjectReport> {
    if cfg.io == IoType::IoStream {
        check_stream(q)?;
    }
    let out = q.output_type();
    if out.width > MAX_CONST_WIDTH {
        return Err(Error::Input(format!(
            "the output type {out} is wider than {MAX_CONST_WIDTH} bits: the testbench prints \
             and compares outputs as doubles, which would round them; give the last layer a \
             `result` type of at most {MAX_CONST_WIDTH} bits (the emulator's --raw output is \
             exact at any width)"
        )));
    }
    check_target(dir, cfg.force)?;
    let (files, warnings) = project_files(q, cfg)?;
    let n = files.len();
    write_atomically(dir, &files)?;
    Ok(ProjectReport {
        dir: dir.to_path_buf(),
        files: n,
        warnings,
    })
}

/// Checks that every layer of `q` can be written with io_stream.
///
/// io_stream moves one channels-last pixel per stream element (a rank-1 tensor is a single
/// pixel). Every layer kind is supported, convolutions and pooling with any stride and padding;
/// the one restriction is a Dense layer whose input has rank > 1 and whose `n_in` is not the
/// last dimension (put a Flatten before it).
///
/// # Errors
/// [`Error::Input`] naming the layer and what to change.
pub fn check_stream(q: &QNetwork) -> Result<()> {
    for l in &q.layers {
        if let crate::model::QOp::Dense(crate::model::QDense { n_in, .. }) = &l.op {
            let (_, chan) = layers::pixels(&l.input_shape);
            if chan != *n_in {
                return Err(Error::Input(format!(
                    "network `{}`, layer `{}`: io_stream applies Dense to each pixel of {chan} \
                     values, but the layer takes {n_in} inputs from a {:?} tensor; add a Flatten \
                     before it or write an io_parallel project (`--io parallel`)",
                    q.name, l.name, l.input_shape
                )));
            }
        }
    }
    Ok(())
}

fn check_target(dir: &Path, force: bool) -> Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    if !dir.join(MARKER).is_file() {
        return Err(Error::Project {
            path: dir.to_path_buf(),
            reason: format!(
                "the directory exists and was not written by hwnas (no {MARKER} file); hwnas \
                 never replaces it: choose another output directory or remove it yourself"
            ),
        });
    }
    if !force {
        return Err(Error::Project {
            path: dir.to_path_buf(),
            reason: "the project already exists; pass --force (HlsConfig::force) to replace it"
                .into(),
        });
    }
    Ok(())
}

fn io_err(path: &Path, action: &'static str) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.to_path_buf();
    move |source| Error::Io {
        action,
        path,
        source,
    }
}

/// Writes `files` into a temporary sibling of `dir`, then renames it to `dir` (replacing an
/// existing hwnas project).
fn write_atomically(dir: &Path, files: &[(String, String)]) -> Result<()> {
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(io_err(&parent, "creating"))?;
    let base = dir
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .ok_or_else(|| Error::Project {
            path: dir.to_path_buf(),
            reason: "the path has no directory name".into(),
        })?;
    let pid = std::process::id();
    let tmp = parent.join(format!(".{base}.hwnas-tmp-{pid}"));
    let old = parent.join(format!(".{base}.hwnas-old-{pid}"));
    let _ = std::fs::remove_dir_all(&tmp);
    let result = (|| -> Result<()> {
        for (rel, text) in files {
            let path = tmp.join(rel);
            if let Some(p) = path.parent() {
                std::fs::create_dir_all(p).map_err(io_err(p, "creating"))?;
            }
            std::fs::write(&path, text).map_err(io_err(&path, "writing"))?;
        }
        if dir.exists() {
            std::fs::rename(dir, &old).map_err(io_err(dir, "moving aside"))?;
            if let Err(e) = std::fs::rename(&tmp, dir) {
                let _ = std::fs::rename(&old, dir);
                return Err(io_err(dir, "replacing")(e));
            }
            let _ = std::fs::remove_dir_all(&old);
        } else {
            std::fs::rename(&tmp, dir).map_err(io_err(dir, "creating"))?;
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    result
}

/// `n` samples of raw input values drawn uniformly over the input type's range.
pub fn random_inputs(q: &QNetwork, n: usize, seed: u64) -> Vec<i128> {
    let t = q.input_type;
    let (lo, hi) = (t.min_raw(), t.max_raw());
    let span = (hi - lo + 1) as u128;
    // The state is the seed itself (not `SplitMix64::new`): test benches written before the
    // shared generator keep their inputs.
    let mut rng = SplitMix64::from_state(seed);
    (0..n * q.input_len())
        .map(|_| lo + (u128::from(rng.next_u64()) % span) as i128)
        .collect()
}

fn rows(t: &hwnas_core::fixed::FixedType, raw: &[i128], per_row: usize) -> String {
    let mut s = String::with_capacity(raw.len() * 10);
    for row in raw.chunks(per_row.max(1)) {
        for (k, &r) in row.iter().enumerate() {
            if k > 0 {
                s.push(' ');
            }
            s.push_str(&literal(t, r));
        }
        s.push('\n');
    }
    s
}

/// Every file of the project, `(relative path, contents)`, and the warnings.
/// `(relative path, contents)` of every file of a project.
type Files = Vec<(String, String)>;

fn project_files(q: &QNetwork, cfg: &HlsConfig) -> Result<(Files, Vec<String>)> {
    let name = q.name.as_str();
    let version = env!("CARGO_PKG_VERSION");
    let mut warnings = Vec::new();
    let mut files: Files = Vec::new();

    let mut typedefs = vec![format!("typedef {} input_t;", q.input_type)];
    let mut weights = String::new();
    let mut configs = String::new();
    let mut calls = String::new();
    let mut includes: Vec<&str> = Vec::new();
    let mut table = String::from(
        "| # | layer | kind | input | output | result type | RF | strategy |\n|---|---|---|---|---|---|---|---|\n",
    );
    let last = q.layers.len() - 1;
    let mut in_t = "input_t".to_string();
    let mut in_var = "x".to_string();
    for (k, l) in q.layers.iter().enumerate() {
        let index = k + 2;
        let is_last = k == last;
        let out_t = if is_last {
            "result_t".to_string()
        } else {
            format!("layer{index}_t")
        };
        let out_var = if is_last {
            "y".to_string()
        } else {
            format!("layer{index}_out")
        };
        let strategy = cfg.strategy.unwrap_or(l.hls.strategy);
        let wanted = cfg.reuse_factor.unwrap_or(l.hls.reuse_factor);
        let reuse = match l.mult_shape() {
            Some((n_in, n_out)) => {
                let rf = effective_reuse_factor(n_in, n_out, wanted, strategy) as usize;
                if rf != wanted as usize {
                    warnings.push(format!(
                        "layer `{}`: reuse factor {wanted} is not valid for {n_in} x {n_out} \
                         multiplications; using the nearest valid one, {rf}",
                        l.name
                    ));
                }
                rf
            }
            None => wanted.max(1) as usize,
        };
        let stream = (cfg.io == IoType::IoStream).then(|| {
            let (in_pixels, in_chan) = pixels(&l.input_shape);
            let (out_pixels, out_chan) = pixels(&l.output_shape);
            StreamShape {
                in_pixels,
                in_chan,
                out_pixels,
                out_chan,
            }
        });
        let names = Names {
            index,
            in_t: &in_t,
            in_var: &in_var,
            out_t: &out_t,
            out_var: &out_var,
            is_last,
            stream,
        };
        let code = emit_layer(
            l,
            &names,
            &Knobs {
                reuse,
                strategy,
                stream: stream.is_some(),
            },
        );
        typedefs.push(format!("typedef {} {out_t};", l.result));
        typedefs.extend(code.typedefs);
        for (file, text) in code.weights {
            let _ = writeln!(weights, "#include \"weights/{file}\"");
            files.push((format!("firmware/weights/{file}"), text));
        }
        configs.push_str(&code.config);
        configs.push('\n');
        calls.push_str(&code.call);
        calls.push('\n');
        if !includes.contains(&code.include) {
            includes.push(code.include);
        }
        let _ = writeln!(
            table,
            "| {index} | `{}` | {} | {:?} | {:?} | `{}` | {reuse} | {strategy} |",
            l.name,
            l.op.kind(),
            l.input_shape,
            l.output_shape,
            l.result
        );
        in_t = out_t;
        in_var = out_var;
    }
    let includes: String = includes
        .iter()
        .map(|h| format!("#include \"hwnas/{h}\"\n"))
        .collect();
    let pipeline = if q.layers.iter().any(|l| {
        l.mult_shape().is_some() && cfg.strategy.unwrap_or(l.hls.strategy) == Strategy::Resource
    }) || q
        .layers
        .iter()
        .any(|l| matches!(l.op, crate::model::QOp::Conv(_)))
    {
        "DATAFLOW"
    } else {
        "PIPELINE"
    };
    let stream = cfg.io == IoType::IoStream;
    let (in_pixels, in_chan) = pixels(&q.input_shape);
    let (out_pixels, out_chan) = pixels(q.output_shape());
    let (port_pragmas, ports) = if stream {
        typedefs.push(format!(
            "\n// io_stream: one channels-last pixel per stream element.\n\
             #include \"hwnas/hwnas_common.h\"\n\
             #define N_INPUT_PIXELS {in_pixels}\n#define N_INPUT_CHAN {in_chan}\n\
             #define N_OUTPUT_PIXELS {out_pixels}\n#define N_OUTPUT_CHAN {out_chan}\n\
             typedef hwnas::array<input_t, N_INPUT_CHAN> input_pixel_t;\n\
             typedef hwnas::array<result_t, N_OUTPUT_CHAN> result_pixel_t;"
        ));
        (
            "    HWNAS_PRAGMA(HLS INTERFACE axis port = x)\n    \
             HWNAS_PRAGMA(HLS INTERFACE axis port = y)\n    HWNAS_PRAGMA(HLS DATAFLOW)\n"
                .to_string(),
            "hls::stream<input_pixel_t> &x, hls::stream<result_pixel_t> &y".to_string(),
        )
    } else {
        (
            format!(
                "    HWNAS_PRAGMA(HLS ARRAY_RESHAPE variable = x complete dim = 0)\n    \
                 HWNAS_PRAGMA(HLS ARRAY_PARTITION variable = y complete dim = 0)\n    \
                 HWNAS_PRAGMA(HLS INTERFACE ap_vld port = x, y)\n    \
                 HWNAS_PRAGMA(HLS {pipeline})\n"
            ),
            "input_t x[N_INPUT], result_t y[N_OUTPUT]".to_string(),
        )
    };
    let n_input = q.input_len().to_string();
    let n_output = q.output_len().to_string();

    // Testbench data: inputs and the emulator's outputs.
    let raw_in = match &cfg.tb_inputs {
        Some(x) => {
            if !x.len().is_multiple_of(q.input_len()) {
                return Err(Error::Input(format!(
                    "{} testbench input values are not a whole number of samples of {} values",
                    x.len(),
                    q.input_len()
                )));
            }
            q.quantize_inputs(x)
        }
        None => random_inputs(q, cfg.tb_samples, cfg.seed),
    };
    // The testbench feeds `input_t(double)` of the printed decimal, which is not the raw value
    // itself where the type cannot hold it (the most negative raw value of a SAT_SYM type
    // saturates to -max): the expected outputs come from what the testbench really feeds.
    let t_in = q.input_type;
    let raw_in: Vec<i128> = raw_in
        .iter()
        .map(|&r| t_in.quantize(t_in.to_f64(r)))
        .collect();
    let raw_out = Emulator::new(q)?.run_raw(&raw_in)?;
    files.push((
        "tb_data/tb_input_features.dat".into(),
        rows(&q.input_type, &raw_in, q.input_len()),
    ));
    files.push((
        "tb_data/tb_output_predictions.dat".into(),
        rows(&q.output_type(), &raw_out, q.output_len()),
    ));

    let io_name = if stream { "io_stream" } else { "io_parallel" };
    let summary = format!(
        "Network `{name}`: {} layers, input {:?} of `{}`, output {:?} of `{}`, {io_name}, \
         part `{}`, clock {} ns.",
        q.layers.len(),
        q.input_shape,
        q.input_type,
        q.output_shape(),
        q.output_type(),
        cfg.part,
        cfg.clock_ns
    );
    let typedefs = typedefs.join("\n") + "\n";
    let clock = format!("{}", cfg.clock_ns);
    let guard = name.to_uppercase();
    let tb_read_input = "        input_t x[N_INPUT];\n        for (int i = 0; i < N_INPUT; i++) {\n            x[i] = values[i];\n        }";
    let tb_call = if stream {
        format!(
            "        hls::stream<input_pixel_t> x_stream;\n        \
             for (int p = 0; p < N_INPUT_PIXELS; p++) {{\n            input_pixel_t px;\n            \
             for (int c = 0; c < N_INPUT_CHAN; c++) {{\n                \
             px[c] = x[p * N_INPUT_CHAN + c];\n            }}\n            \
             x_stream.write(px);\n        }}\n        \
             hls::stream<result_pixel_t> y_stream;\n        {name}(x_stream, y_stream);\n        \
             result_t y[N_OUTPUT];\n        for (int p = 0; p < N_OUTPUT_PIXELS; p++) {{\n            \
             const result_pixel_t px = y_stream.read();\n            \
             for (int c = 0; c < N_OUTPUT_CHAN; c++) {{\n                \
             y[p * N_OUTPUT_CHAN + c] = px[c];\n            }}\n        }}"
        )
    } else {
        format!("        result_t y[N_OUTPUT];\n        {name}(x, y);")
    };
    let in_shape = format!("{:?}", q.input_shape);
    let out_shape = format!("{:?}", q.output_shape());
    let vars: Vec<(&str, &str)> = vec![
        ("name", name),
        ("version", version),
        ("guard", &guard),
        ("ports", &ports),
        ("port_pragmas", &port_pragmas),
        ("layers", &calls),
        ("input_shape", &in_shape),
        ("output_shape", &out_shape),
        ("n_input", &n_input),
        ("n_output", &n_output),
        ("typedefs", &typedefs),
        ("includes", &includes),
        ("weights", &weights),
        ("configs", &configs),
        ("tb_read_input", tb_read_input),
        ("tb_call", &tb_call),
        ("tb_output", "y"),
        ("part", &cfg.part),
        ("clock", &clock),
        ("uncertainty", "12.5%"),
        ("summary", &summary),
        ("layer_table", &table),
    ];
    for (path, _) in SKELETONS {
        let target = match path {
            "firmware/top.h" => format!("firmware/{name}.h"),
            "firmware/top.cpp" => format!("firmware/{name}.cpp"),
            "test.cpp" => format!("{name}_test.cpp"),
            p => p.to_string(),
        };
        files.push((target, render(path, &vars)));
    }
    for (file, text) in LIBRARY {
        files.push((format!("firmware/hwnas/{file}"), text.to_string()));
    }
    // What `hwnas csim` reads back: the interface (sizes and types of input and output).
    let config = ProjectInterface {
        generator: format!("hwnas {version}"),
        name: name.to_string(),
        io_type: io_name.to_string(),
        strategy: cfg.strategy.map(|s| s.to_string()),
        reuse_factor: cfg.reuse_factor,
        part: cfg.part.clone(),
        clock_period_ns: cfg.clock_ns,
        tb_samples: raw_in.len() / q.input_len(),
        n_input: q.input_len(),
        n_output: q.output_len(),
        input_type: q.input_type,
        output_type: q.output_type(),
    };
    let config_json = serde_json::to_string_pretty(&config)
        .map_err(|e| Error::Input(format!("hwnas_config.json: {e}")))?
        + "\n";
    files.push(("hwnas_config.json".into(), config_json));
    files.push((MARKER.into(), format!("written by hwnas {version}\n")));
    Ok((files, warnings))
}
