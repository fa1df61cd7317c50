//! `hwnas import MODEL.onnx --out NET.json` and `hwnas export NET.json --out MODEL.onnx`.

use std::path::PathBuf;

use hwnas::ir::Network;

/// Arguments of `hwnas import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The ONNX or QONNX model.
    pub model: PathBuf,
    /// The network document to write (its weights go beside it, `.safetensors`).
    #[arg(long)]
    pub out: PathBuf,
    /// Replace an existing document.
    #[arg(long)]
    pub force: bool,
}

/// Arguments of `hwnas export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The network document (JSON with weights; see docs/ir.md).
    pub net: PathBuf,
    /// The QONNX model to write.
    #[arg(long)]
    pub out: PathBuf,
    /// Replace an existing model.
    #[arg(long)]
    pub force: bool,
}

/// Refuses to replace `path` unless asked; creates the folder it goes in.
fn check_free(path: &std::path::Path, force: bool) -> Result<(), hwnas::Error> {
    let io = |source| {
        hwnas::Error::Onnx(hwnas::onnx::Error::Io {
            path: path.display().to_string(),
            source,
        })
    };
    if path.exists() && !force {
        return Err(io(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "the file exists; pass --force to replace it",
        )));
    }
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => std::fs::create_dir_all(dir).map_err(io),
        _ => Ok(()),
    }
}

/// Imports the model, writes the network and prints its layers.
pub fn import(a: ImportArgs) -> Result<(), hwnas::Error> {
    check_free(&a.out, a.force)?;
    let net = hwnas::onnx::load(&a.model)?;
    let weights = net.save(&a.out)?;
    outln!(
        "imported {} ({} layers) from {}",
        net.name,
        net.layers.len(),
        a.model.display()
    );
    outln!("wrote {}", a.out.display());
    if let Some(w) = weights {
        outln!("wrote {}", w.display());
    }
    crate::validate::run(&a.out)?;
    Ok(())
}

/// Exports the network as QONNX.
pub fn export(a: ExportArgs) -> Result<(), hwnas::Error> {
    check_free(&a.out, a.force)?;
    let net = Network::load(&a.net)?;
    hwnas::onnx::save(&net, &a.out)?;
    outln!(
        "wrote {} (QONNX, opset 13: {} layers, Quant nodes for every set type)",
        a.out.display(),
        net.layers.len()
    );
    Ok(())
}
