//! The project skeleton files and their named insertion points (`{{key}}`, minijinja
//! variables).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use minijinja::value::Serde;
use minijinja::{Environment, Value};

/// `(path in the project, skeleton)`: `top.*` and `test.cpp` are renamed after the network.
pub(super) const SKELETONS: [(&str, &str); 9] = [
    (
        "firmware/top.h",
        include_str!("../../templates/firmware/top.h"),
    ),
    (
        "firmware/top.cpp",
        include_str!("../../templates/firmware/top.cpp"),
    ),
    (
        "firmware/defines.h",
        include_str!("../../templates/firmware/defines.h"),
    ),
    (
        "firmware/parameters.h",
        include_str!("../../templates/firmware/parameters.h"),
    ),
    ("test.cpp", include_str!("../../templates/test.cpp")),
    ("project.tcl", include_str!("../../templates/project.tcl")),
    (
        "build_prj.tcl",
        include_str!("../../templates/build_prj.tcl"),
    ),
    (
        "vivado_synth.tcl",
        include_str!("../../templates/vivado_synth.tcl"),
    ),
    ("README.md", include_str!("../../templates/README.md")),
];

/// The hwnas HLS layer library, copied to `firmware/hwnas/`.
pub(super) const LIBRARY: [(&str, &str); 8] = [
    (
        "hwnas_common.h",
        include_str!("../../hls_lib/hwnas_common.h"),
    ),
    ("hwnas_dense.h", include_str!("../../hls_lib/hwnas_dense.h")),
    ("hwnas_conv.h", include_str!("../../hls_lib/hwnas_conv.h")),
    (
        "hwnas_pooling.h",
        include_str!("../../hls_lib/hwnas_pooling.h"),
    ),
    (
        "hwnas_activation.h",
        include_str!("../../hls_lib/hwnas_activation.h"),
    ),
    (
        "hwnas_batchnorm.h",
        include_str!("../../hls_lib/hwnas_batchnorm.h"),
    ),
    (
        "hwnas_resize.h",
        include_str!("../../hls_lib/hwnas_resize.h"),
    ),
    (
        "hwnas_stream.h",
        include_str!("../../hls_lib/hwnas_stream.h"),
    ),
];

/// Fills every `{{ key }}` of the skeleton at `path` (a [`SKELETONS`] entry) from `vars`
/// (minijinja; the skeletons use plain variables only).
///
/// # Panics
/// When the skeleton names a key `vars` lacks (a bug in hwnas, caught by the unit test that
/// renders every skeleton).
#[track_caller]
pub(super) fn render(path: &str, vars: &[(&str, &str)]) -> String {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    // Files end with a newline, as written.
    let env = ENV.get_or_init(|| super::template::strict_env(&SKELETONS, "skeleton", true));
    let ctx: BTreeMap<&str, &str> = vars.iter().copied().collect();
    env.get_template(path)
        .and_then(|t| t.render(Value::from(Serde(ctx))))
        .unwrap_or_else(|e| panic!("skeleton {path}: {e:#}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every skeleton renders with the keys `project_files` provides, and only plain `{{ key }}`
    /// substitution happens (no stray Jinja syntax in the C++ or Tcl).
    #[test]
    fn every_skeleton_renders_with_the_provided_keys() {
        let provided = [
            "name",
            "version",
            "guard",
            "ports",
            "port_pragmas",
            "layers",
            "input_shape",
            "output_shape",
            "n_input",
            "n_output",
            "typedefs",
            "includes",
            "weights",
            "configs",
            "tb_read_input",
            "tb_call",
            "tb_output",
            "part",
            "clock",
            "uncertainty",
            "summary",
            "layer_table",
        ];
        let vars: Vec<(&str, &str)> = provided.iter().map(|&k| (k, k)).collect();
        for (path, skeleton) in SKELETONS {
            let out = render(path, &vars);
            // Each `{{key}}` became its name; everything else (Tcl's `}}` included) is kept.
            let want = provided.iter().fold(skeleton.to_string(), |s, k| {
                s.replace(&format!("{{{{{k}}}}}"), k)
            });
            assert_eq!(out, want, "{path}");
        }
    }

    #[test]
    #[should_panic(expected = "skeleton README.md")]
    fn a_missing_key_is_a_bug_caught_loudly() {
        render("README.md", &[("name", "x")]);
    }
}
