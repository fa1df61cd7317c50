//! What the table reports of one network: size, estimated FPGA resources, and the physics
//! metrics of its bit-exact fixed-point emulation on the test events (the numbers the firmware
//! would give, not those of a float model).

use hwnas::core::cost::{IoType, Resources};
use hwnas::datasets::calorimeter::metrics;
use hwnas::hls::devices::Device;
use hwnas::hls::emulate::Emulator;
use hwnas::hls::model::QNetwork;
use hwnas::hls::resources::AnalyticModel;
use hwnas::ir::Network;
use serde::Serialize;

use crate::data::Events;

/// Events per emulator call (one progress-bar step).
const CHUNK: usize = 1000;

/// One column of the table.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    /// Weights and biases (and BatchNorm numbers).
    pub params: usize,
    /// Multiply-accumulates per event.
    pub macs: usize,
    /// Estimated resources, latency and II of the io_stream design.
    pub resources: Resources,
    /// The largest use of any resource of the device, in percent (above 100: does not fit).
    pub device_use_percent: f64,
    /// Mean absolute error of the energy (GeV) on the test events.
    pub mae_gev: f64,
    /// Relative resolution σ_IQR of `E_pred / E_true`.
    pub sigma_iqr: f64,
    /// Mean |E_pred/ΣE − E_true/ΣE| on the validation events (the search's loss).
    pub val_loss: f64,
}

/// The emulated correction factors of every event of `split`.
fn emulate(emu: &Emulator, split: &Events, what: &str) -> hwnas::hls::Result<Vec<f64>> {
    let n = split.truth.len();
    let f = split.net.features;
    let bar = crate::progress::bar(n.div_ceil(CHUNK) as u64, what);
    let mut ratios = Vec::with_capacity(n);
    for start in (0..n).step_by(CHUNK) {
        let end = (start + CHUNK).min(n);
        let x: Vec<f64> = split.net.x[start * f..end * f]
            .iter()
            .map(|&v| v as f64)
            .collect();
        ratios.extend(emu.run_f64(&x)?);
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(ratios)
}

/// Evaluates `net` on `test` (and its loss on `val`) and prices it with `model` (io_stream) for
/// `device`.
pub fn evaluate(
    net: &Network,
    val: &Events,
    test: &Events,
    model: &AnalyticModel,
    device: &Device,
) -> Result<Evaluation, Box<dyn std::error::Error>> {
    let analysis = net.analyze()?;
    let q = QNetwork::from_network(net)?;
    let emu = Emulator::new(&q)?;
    let v = emulate(&emu, val, &format!("emulating {} (validation)", net.name))?;
    let val_loss = v
        .iter()
        .zip(&val.net.y)
        .map(|(p, &t)| (p - t as f64).abs())
        .sum::<f64>()
        / v.len().max(1) as f64;
    let ratios = emulate(&emu, test, &format!("emulating {} (test)", net.name))?;
    let energies = test.energies(&ratios);
    let m = metrics::evaluate(&energies, &test.truth)?;
    let resources = model.estimate_network(net, IoType::IoStream)?.total;
    Ok(Evaluation {
        params: analysis.total_params(),
        macs: analysis.total_macs(),
        device_use_percent: device.utilisation(&resources).max(),
        resources,
        mae_gev: m.mae,
        sigma_iqr: m.sigma_iqr,
        val_loss,
    })
}

/// Largest uniform reuse factor tried for the fitting baseline.
const MAX_FITTING_RF: u32 = 4096;

/// The baseline `net` (evaluated as `base`) at the smallest uniform reuse factor whose
/// estimate fits `device` (every kernel layer at that reuse factor; Resource layers snap it as
/// hls4ml does), and its evaluation: the same arithmetic, so the same accuracy, priced anew.
pub fn fitting_baseline(
    net: &Network,
    base: &Evaluation,
    model: &AnalyticModel,
    device: &Device,
) -> Result<(u32, Evaluation), Box<dyn std::error::Error>> {
    let mut n = net.clone();
    let mut rf = 1;
    loop {
        for l in n.layers.iter_mut().filter(|l| l.op.has_kernel()) {
            l.hls.reuse_factor = rf;
        }
        let resources = model.estimate_network(&n, IoType::IoStream)?.total;
        let use_percent = device.utilisation(&resources).max();
        if use_percent <= 100.0 {
            return Ok((
                rf,
                Evaluation {
                    resources,
                    device_use_percent: use_percent,
                    ..base.clone()
                },
            ));
        }
        if rf >= MAX_FITTING_RF {
            return Err(format!(
                "the baseline does not fit the {} even at reuse factor {rf}",
                device.name
            )
            .into());
        }
        rf += 1;
    }
}
