//! `hwnas emit NET.json --out DIR`: write the HLS project of a network.

use std::path::PathBuf;

use hwnas::core::cost::IoType;
use hwnas::hls::emit::{HlsConfig, write_project};
use hwnas::ir::{Network, Strategy};

/// Data exchange between layers.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Io {
    /// Arrays, fully partitioned (`io_parallel`).
    Parallel,
    /// AXI streams of channels-last pixels (`io_stream`).
    Stream,
}

/// Kernel strategy for every layer.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Strat {
    /// Fully unrolled kernels.
    Latency,
    /// Rolled kernels, weights in BRAM.
    Resource,
}

/// Arguments of `hwnas emit`.
#[derive(Debug, clap::Args)]
pub struct EmitArgs {
    /// The network document (JSON with weights; see docs/ir.md).
    pub net: PathBuf,
    /// The project directory to write.
    #[arg(long)]
    pub out: PathBuf,
    /// How layers exchange data.
    #[arg(long, value_enum, default_value = "parallel")]
    pub io: Io,
    /// Strategy for every layer (default: each layer's own).
    #[arg(long, value_enum)]
    pub strategy: Option<Strat>,
    /// Reuse factor for every layer (default: each layer's own); snapped to a valid one.
    #[arg(long)]
    pub reuse: Option<u32>,
    /// FPGA part.
    #[arg(long, default_value = "xcvu13p-flga2577-2-e")]
    pub part: String,
    /// Clock period in ns.
    #[arg(long, default_value_t = 5.0)]
    pub clock: f64,
    /// Number of random testbench samples in tb_data/.
    #[arg(long, default_value_t = 10)]
    pub tb_samples: usize,
    /// Replace an existing project written by hwnas.
    #[arg(long)]
    pub force: bool,
}

/// Writes the project and prints what was written.
pub fn run(a: EmitArgs) -> Result<(), hwnas::hls::Error> {
    let net = Network::load(&a.net)?;
    let cfg = HlsConfig {
        io: match a.io {
            Io::Parallel => IoType::IoParallel,
            Io::Stream => IoType::IoStream,
        },
        strategy: a.strategy.map(|s| match s {
            Strat::Latency => Strategy::Latency,
            Strat::Resource => Strategy::Resource,
        }),
        reuse_factor: a.reuse,
        part: a.part,
        clock_ns: a.clock,
        tb_samples: a.tb_samples,
        force: a.force,
        ..HlsConfig::default()
    };
    let report = write_project(&net, &cfg, &a.out)?;
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    outln!(
        "wrote {} files to {} (C simulation: `hwnas csim {}`)",
        report.files,
        report.dir.display(),
        report.dir.display()
    );
    Ok(())
}
