//! The calibration suite: one-layer networks spanning sizes, bit-widths, reuse factors and
//! strategies, with scripts that emit and synthesise them locally (`run_local.sh -j N`) or as a
//! Slurm job array (`slurm_array.sh`), and [`fit_suite`] which reads their reports back.
//!
//! Layout of a suite directory:
//!
//! ```text
//! suite.json          manifest: part, tool, io type, one entry per project
//! projects.txt        project ids, one per line (the job array indexes it)
//! synth_one.sh ID     emit + HLS + Vivado synthesis of one project (skips finished ones)
//! run_local.sh [-j N] all projects, N at a time
//! slurm_array.sh      sbatch it: one array task per project
//! <id>/network.json   the network (+ <id>/network.safetensors, seeded random weights)
//! <id>/prj/           the HLS project, written by `hwnas emit` when the scripts run
//! ```

use std::path::Path;

use hwnas_core::cost::{IoType, LayerConfig};
use hwnas_core::fixed::FixedType;
use hwnas_core::ir::{
    Conv2D, Dense, HlsKnobs, Layer, Network, Op, Padding, Precision, Strategy, Tensor,
};
use hwnas_core::rng::{Random, SplitMix64};
use serde::{Deserialize, Serialize};

use super::file::{Calibration, CalibrationEntry};
use super::fit::{Sample, fit, quality};
use crate::devices::Device;
use crate::reports::ProjectReport;
use crate::resources::{AnalyticModel, Coefficients, Target, Tool, WeightShares, weight_shares};
use crate::reuse::is_valid_reuse_factor;
use crate::{Error, Result};

/// `format` of `suite.json`.
pub const SUITE_FORMAT: &str = "hwnas-calibration-suite";

/// One project of a suite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuiteEntry {
    /// Directory name (`dense_64x32_w8_a16_rf4_latency`).
    pub id: String,
    /// Strategy of its layer.
    pub strategy: Strategy,
}

/// `suite.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Suite {
    /// [`SUITE_FORMAT`].
    pub format: String,
    /// Full part string.
    pub part: String,
    /// The HLS tool.
    pub tool: Tool,
    /// io type of every project.
    pub io: IoType,
    /// The projects.
    pub entries: Vec<SuiteEntry>,
}

/// What the suite spans.
#[derive(Debug, Clone, PartialEq)]
pub struct SuiteSpec {
    /// Dense `(n_in, n_out)` sizes.
    pub dense_sizes: Vec<(usize, usize)>,
    /// Conv2D `(height = width, channels, filters)` with a 3x3 kernel.
    pub conv_sizes: Vec<(usize, usize, usize)>,
    /// Weight widths.
    pub weight_bits: Vec<u32>,
    /// Input widths.
    pub input_bits: Vec<u32>,
    /// Reuse factors tried with the Latency strategy (invalid ones are skipped).
    pub latency_rf: Vec<u32>,
    /// Reuse factors tried with the Resource strategy.
    pub resource_rf: Vec<u32>,
}

impl Default for SuiteSpec {
    /// 4 Dense and 2 Conv2D sizes, weights 4-16 bits, inputs 8 and 16 bits, Latency RF 1, 2, 4
    /// and Resource RF 4, 16, 64: a few hundred projects.
    fn default() -> Self {
        SuiteSpec {
            dense_sizes: vec![(16, 16), (16, 64), (64, 32), (128, 16)],
            conv_sizes: vec![(8, 4, 8), (8, 8, 16)],
            weight_bits: vec![4, 6, 8, 12, 16],
            input_bits: vec![8, 16],
            latency_rf: vec![1, 2, 4],
            resource_rf: vec![4, 16, 64],
        }
    }
}

impl SuiteSpec {
    /// The one-layer networks of the suite with their ids.
    pub fn networks(&self) -> Result<Vec<(SuiteEntry, Network)>> {
        let mut out = Vec::new();
        let mut rng = SplitMix64::from_state(1);
        let strategies = [
            (Strategy::Latency, &self.latency_rf),
            (Strategy::Resource, &self.resource_rf),
        ];
        for &(n_in, n_out) in &self.dense_sizes {
            for (strategy, rfs) in strategies {
                for &rf in rfs.iter() {
                    if !is_valid_reuse_factor(n_in, n_out, rf) {
                        continue;
                    }
                    for &wb in &self.weight_bits {
                        for &ab in &self.input_bits {
                            let id = format!(
                                "dense_{n_in}x{n_out}_w{wb}_a{ab}_rf{rf}_{}",
                                strategy.to_string().to_lowercase()
                            );
                            let op = Op::Dense(Dense {
                                units: n_out,
                                use_bias: true,
                            });
                            let net =
                                one_layer(&id, vec![n_in], op, wb, ab, rf, strategy, &mut rng)?;
                            out.push((SuiteEntry { id, strategy }, net));
                        }
                    }
                }
            }
        }
        for &(hw, c, f) in &self.conv_sizes {
            for (strategy, rfs) in strategies {
                for &rf in rfs.iter() {
                    if !is_valid_reuse_factor(9 * c, f, rf) {
                        continue;
                    }
                    for &wb in &self.weight_bits {
                        let ab = *self.input_bits.last().unwrap_or(&16);
                        let id = format!(
                            "conv2d_{hw}x{hw}x{c}_f{f}_w{wb}_a{ab}_rf{rf}_{}",
                            strategy.to_string().to_lowercase()
                        );
                        let op = Op::Conv2D(Conv2D {
                            filters: f,
                            kernel: [3, 3],
                            stride: [1, 1],
                            padding: Padding::Same,
                            use_bias: true,
                        });
                        let net =
                            one_layer(&id, vec![hw, hw, c], op, wb, ab, rf, strategy, &mut rng)?;
                        out.push((SuiteEntry { id, strategy }, net));
                    }
                }
            }
        }
        Ok(out)
    }
}

#[allow(clippy::too_many_arguments)]
fn one_layer(
    id: &str,
    input_shape: Vec<usize>,
    op: Op,
    wbits: u32,
    abits: u32,
    rf: u32,
    strategy: Strategy,
    rng: &mut SplitMix64,
) -> Result<Network> {
    let input = FixedType::new(abits, 4.min(abits as i32), true).map_err(Error::Core)?;
    let weight = FixedType::new(wbits, 1, true).map_err(Error::Core)?;
    let layer = Layer::new("layer", op)
        .with_precision(Precision {
            weight: Some(weight),
            bias: Some(weight),
            ..Precision::default()
        })
        .with_hls(HlsKnobs {
            reuse_factor: rf,
            strategy,
        });
    let mut net = Network::new(id, input_shape, input).with_layer(layer);
    // Seeded weights spread over the weight type's range (Latency designs depend on values).
    let analysis = net.analyze().map_err(Error::Core)?;
    for (name, shape) in &analysis.layers[0].weight_shapes {
        let n: usize = shape.iter().product();
        let data = (0..n)
            .map(|_| 0.9 * rng.uniform_range(-1.0, 1.0) as f32)
            .collect();
        let t = Tensor::new(shape.clone(), data).map_err(Error::Core)?;
        net.weights.insert(format!("layer.{name}"), t);
    }
    Ok(net)
}

/// Writes a suite into `dir` (which must not exist or be empty): the networks, `suite.json`,
/// `projects.txt` and the scripts. Returns the number of projects.
///
/// # Errors
/// [`Error::UnknownPart`]; [`Error::Calibration`] when `dir` holds files; [`Error::Io`].
pub fn write_suite(
    dir: &Path,
    part: &str,
    tool: Tool,
    io: IoType,
    spec: &SuiteSpec,
) -> Result<usize> {
    Device::lookup(part)?;
    if dir.exists()
        && std::fs::read_dir(dir)
            .map_err(|source| Error::Io {
                action: "reading",
                path: dir.to_path_buf(),
                source,
            })?
            .next()
            .is_some()
    {
        return Err(Error::Calibration(format!(
            "{} is not empty; choose a new directory (an existing suite is never overwritten)",
            dir.display()
        )));
    }
    let mkdir = |p: &Path| {
        std::fs::create_dir_all(p).map_err(|source| Error::Io {
            action: "creating",
            path: p.to_path_buf(),
            source,
        })
    };
    mkdir(dir)?;
    mkdir(&dir.join("logs"))?;
    let nets = spec.networks()?;
    for (entry, net) in &nets {
        let d = dir.join(&entry.id);
        mkdir(&d)?;
        net.save(&d.join("network.json")).map_err(Error::Core)?;
    }
    let suite = Suite {
        format: SUITE_FORMAT.into(),
        part: part.to_string(),
        tool,
        io,
        entries: nets.iter().map(|(e, _)| e.clone()).collect(),
    };
    let write = |name: &str, text: &str| -> Result<()> {
        hwnas_core::fs::write_atomic(&dir.join(name), text.as_bytes()).map_err(Error::Core)
    };
    let json = serde_json::to_string_pretty(&suite)
        .map_err(|e| Error::Calibration(format!("cannot serialise the suite: {e}")))?;
    write("suite.json", &json)?;
    let ids: Vec<&str> = suite.entries.iter().map(|e| e.id.as_str()).collect();
    write("projects.txt", &(ids.join("\n") + "\n"))?;
    let io_name = match io {
        IoType::IoParallel => "parallel",
        IoType::IoStream => "stream",
    };
    write("synth_one.sh", &synth_one_script(part, tool, io_name))?;
    write("run_local.sh", RUN_LOCAL)?;
    write("slurm_array.sh", &slurm_script(ids.len()))?;
    for s in ["synth_one.sh", "run_local.sh", "slurm_array.sh"] {
        make_executable(&dir.join(s))?;
    }
    Ok(ids.len())
}

#[cfg(unix)]
fn make_executable(p: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).map_err(|source| {
        Error::Io {
            action: "setting permissions of",
            path: p.to_path_buf(),
            source,
        }
    })
}

#[cfg(not(unix))]
fn make_executable(_: &Path) -> Result<()> {
    Ok(())
}

fn synth_one_script(part: &str, tool: Tool, io: &str) -> String {
    format!(
        r#"#!/usr/bin/env bash
# Emits and synthesises one project of this calibration suite: ./synth_one.sh ID
# Skips projects whose reports already exist, so a killed run can simply be restarted.
# Override HWNAS (the hwnas binary), HLS_TOOL and HLS_ARGS in the environment if needed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
id="$1"
d="$here/$id"
HWNAS="${{HWNAS:-hwnas}}"
HLS_TOOL="${{HLS_TOOL:-{program}}}"
HLS_ARGS="${{HLS_ARGS:-reset=1 csim=0 synth=1 vsynth=1}}"
if [ -f "$d/prj/vivado_synth.rpt" ]; then
  echo "$id: done already"
  exit 0
fi
if [ ! -f "$d/prj/build_prj.tcl" ]; then
  rm -rf "$d/prj"
  "$HWNAS" emit "$d/network.json" --part "{part}" --io {io} --out "$d/prj"
fi
cd "$d/prj"
# build_prj.tcl (written by hwnas emit) takes key=value switches; vsynth=1 runs Vivado
# synthesis after C synthesis and writes vivado_synth.rpt.
# shellcheck disable=SC2086
"$HLS_TOOL" -f build_prj.tcl $HLS_ARGS > "$d/synth.log" 2>&1
echo "$id: finished"
"#,
        program = tool.program()
    )
}

const RUN_LOCAL: &str = r#"#!/usr/bin/env bash
# Synthesises every project of this suite on this machine, N at a time: ./run_local.sh [-j N]
# (default N: half the CPUs; HLS and Vivado each use several threads and much memory).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cpus="$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)"
jobs=$(( cpus / 2 > 0 ? cpus / 2 : 1 ))
while getopts "j:" opt; do
  case "$opt" in
    j) jobs="$OPTARG" ;;
    *) echo "usage: $0 [-j N]" >&2; exit 2 ;;
  esac
done
failed=0
xargs -P "$jobs" -I{} sh -c '"$0/synth_one.sh" "$1" > "$0/logs/$1.log" 2>&1 || echo "failed: $1 (see logs/$1.log)"' "$here" {} < "$here/projects.txt" || failed=1
echo "done; now run: hwnas calibrate fit $here"
exit "$failed"
"#;

fn slurm_script(n: usize) -> String {
    format!(
        r#"#!/usr/bin/env bash
# Submit from this directory: sbatch slurm_array.sh   (one array task per project; at most 32
# run at once, change %32 to suit your cluster). Then: hwnas calibrate fit <this directory>
#SBATCH --job-name=hwnas-calibration
#SBATCH --array=0-{last}%32
#SBATCH --cpus-per-task=4
#SBATCH --mem=16G
#SBATCH --time=06:00:00
#SBATCH --output=logs/%A_%a.out
set -euo pipefail
cd "${{SLURM_SUBMIT_DIR:-$(dirname "$0")}}"
id="$(sed -n "$((SLURM_ARRAY_TASK_ID + 1))p" projects.txt)"
./synth_one.sh "$id"
"#,
        last = n.saturating_sub(1)
    )
}

/// What [`fit_suite`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct SuiteFit {
    /// The calibration (one entry per strategy and target with reports).
    pub calibration: Calibration,
    /// Projects whose reports were read.
    pub used: usize,
    /// Projects without reports (not synthesised yet, or failed).
    pub missing: Vec<String>,
}

/// Reads the reports of a synthesised suite and fits one calibration entry per (strategy,
/// target) that has reports, keyed by the suite's device and the tool version of the reports.
///
/// # Errors
/// [`Error::Calibration`] when `suite.json` is missing or no project has reports; the parse
/// errors of the networks and reports.
pub fn fit_suite(dir: &Path) -> Result<SuiteFit> {
    let manifest = dir.join("suite.json");
    let bytes = std::fs::read(&manifest).map_err(|e| {
        Error::Calibration(format!(
            "{}: {e}; pass a directory written by `hwnas calibrate suite`",
            manifest.display()
        ))
    })?;
    let suite: Suite = serde_json::from_slice(&bytes)
        .map_err(|e| Error::Calibration(format!("{}: {e}", manifest.display())))?;
    let device = Device::lookup(&suite.part)?;
    let tool_prefix = suite.tool.program();
    // (strategy, target, tool) -> samples
    let mut groups: Vec<((Strategy, Target, String), Vec<Sample>)> = Vec::new();
    let mut missing = Vec::new();
    let mut used = 0;
    for e in &suite.entries {
        let d = dir.join(&e.id);
        let report = match ProjectReport::load(&d.join("prj")) {
            Ok(r) => r,
            Err(Error::Report { .. }) => {
                missing.push(e.id.clone());
                continue;
            }
            Err(other) => return Err(other),
        };
        let net = Network::load(&d.join("network.json")).map_err(Error::Core)?;
        let configs = LayerConfig::of_network(&net, suite.io).map_err(Error::Core)?;
        let layers: Vec<(LayerConfig, WeightShares)> = configs
            .into_iter()
            .zip(&net.layers)
            .map(|(c, l)| {
                let w = weight_shares(&net, &l.name, &c);
                (c, w)
            })
            .collect();
        // The top function's own registers are known exactly; the fit sees the rest.
        let interface = AnalyticModel::for_tool(device, Target::Csynth, suite.tool)
            .interface(&net, suite.io)?;
        used += 1;
        let mut push = |target: Target, tool: String, measured| {
            let key = (e.strategy, target, tool);
            let sample = Sample {
                layers: layers.clone(),
                measured,
                extra: interface,
            };
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, v)) => v.push(sample),
                None => groups.push((key, vec![sample])),
            }
        };
        if let Some(c) = &report.csynth {
            let v = c.tool_version.clone().unwrap_or_else(|| "unknown".into());
            push(Target::Csynth, format!("{tool_prefix}_{v}"), c.resources);
        }
        if let Some(s) = &report.synth {
            let v = s.tool_version.clone().unwrap_or_else(|| "unknown".into());
            push(Target::Synth, format!("vivado_{v}"), s.resources);
        }
    }
    if groups.is_empty() {
        return Err(Error::Calibration(format!(
            "none of the {} projects in {} has reports yet; run ./run_local.sh or sbatch \
             slurm_array.sh there first",
            suite.entries.len(),
            dir.display()
        )));
    }
    let mut calibration = Calibration::default();
    for ((strategy, target, tool), samples) in groups {
        let base = AnalyticModel::for_tool(device, target, suite.tool);
        let c = fit(
            &base,
            &Coefficients::default_for_tool(target, suite.tool, suite.io),
            &samples,
        )?;
        let model = base.with_coefficients(c.clone());
        calibration.insert(CalibrationEntry {
            device: device.name.to_string(),
            tool,
            strategy,
            target,
            coefficients: c,
            quality: quality(&model, &samples),
        });
    }
    Ok(SuiteFit {
        calibration,
        used,
        missing,
    })
}
