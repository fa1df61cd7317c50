//! `hwnas validate NET.json`.

use std::path::Path;

use hwnas::ir::Network;

use crate::table::{Table, si, thousands};

/// Loads and validates the network, then prints one row per layer and the totals.
pub fn run(path: &Path) -> Result<(), hwnas::core::Error> {
    let net = Network::load(path)?;
    let a = net.analyze()?;
    let mut t = Table::new(&[
        ("#", true),
        ("layer", false),
        ("kind", false),
        ("output", false),
        ("params", true),
        ("MACs", true),
        ("weight", false),
        ("bias", false),
        ("accum", false),
        ("result", false),
        ("RF", true),
        ("strategy", false),
    ]);
    let opt = |t: Option<hwnas::fixed::FixedType>| t.map_or_else(|| "-".into(), |t| t.to_string());
    for (i, (layer, info)) in net.layers.iter().zip(&a.layers).enumerate() {
        t.row(vec![
            (i + 1).to_string(),
            layer.name.clone(),
            layer.op.kind().to_string(),
            shape(&info.output_shape),
            thousands(info.params),
            thousands(info.macs),
            opt(info.types.weight),
            opt(info.types.bias),
            opt(info.types.accum),
            info.types.result.to_string(),
            layer.hls.reuse_factor.to_string(),
            layer.hls.strategy.to_string(),
        ]);
    }
    outln!(
        "network `{}`: input {} {}, output {} {}",
        net.name,
        shape(&a.input_shape),
        a.input_type,
        shape(a.output_shape()),
        a.output_type()
    );
    out!("{}", t.render());
    outln!(
        "total: {} layers, {} parameters ({}), {} MACs ({}) per inference",
        net.layers.len(),
        thousands(a.total_params()),
        si(a.total_params()),
        thousands(a.total_macs()),
        si(a.total_macs())
    );
    if net.has_weights() {
        outln!("weights: {} tensors, all shapes match", net.weights.len());
    } else {
        outln!("weights: none (architecture only)");
    }
    Ok(())
}

fn shape(s: &[usize]) -> String {
    let parts: Vec<String> = s.iter().map(|d| d.to_string()).collect();
    format!("[{}]", parts.join(","))
}
