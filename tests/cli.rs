//! End-to-end tests of the `hwnas` command-line tool.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn hwnas(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hwnas"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the hwnas binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn nets() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/nets")
}

#[test]
fn validate_reports_the_deepcalo_size() {
    let o = hwnas(&["validate", "examples/nets/deepcalo.json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("total: 32 layers, 1,833,761 parameters (1.83M), 43,363,104 MACs (43.36M)"),
        "{out}"
    );
    assert!(
        out.contains("network `deepcalo`: input [56,11,4] ap_fixed<10,6>, output [1]"),
        "{out}"
    );
    // One row per layer with its output shape, type and knobs.
    let conv1 = out.lines().find(|l| l.contains(" conv1 ")).unwrap();
    for cell in [
        "Conv2D",
        "[56,55,16]",
        "1,616",
        "4,928,000",
        "64",
        "Resource",
    ] {
        assert!(conv1.contains(cell), "{cell} missing from: {conv1}");
    }
    assert!(out.contains("weights: none (architecture only)"));
}

#[test]
fn validate_reports_the_jet_mlp_macs() {
    let o = hwnas(&["validate", "examples/nets/jet_mlp.json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("4,256 MACs"), "{out}");
    assert!(out.contains("4,389 parameters"), "{out}");
    let fc1 = out.lines().find(|l| l.contains(" fc1 ")).unwrap();
    assert!(fc1.contains("ap_fixed<37,17>"), "{fc1}");
}

#[test]
fn validate_fails_clearly_on_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"format\": \"hwnas-network\",").unwrap();
    let o = hwnas(&["validate", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).starts_with("error: "), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("bad.json: EOF while parsing"),
        "{}",
        stderr(&o)
    );

    let o = hwnas(&[
        "validate",
        dir.path().join("missing.json").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("missing.json: No such file"),
        "{}",
        stderr(&o)
    );

    // A document whose weights file is gone.
    let text = std::fs::read_to_string(nets().join("jet_mlp.json")).unwrap();
    let with_weights = text.replace(
        "\"layers\"",
        "\"weights\": \"jet_mlp.safetensors\",\n  \"layers\"",
    );
    let p = dir.path().join("jet.json");
    std::fs::write(&p, with_weights).unwrap();
    let o = hwnas(&["validate", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("jet_mlp.safetensors"), "{}", stderr(&o));

    let o = hwnas(&["validate"]);
    assert_eq!(o.status.code(), Some(2));
}
