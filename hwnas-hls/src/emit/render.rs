//! The project skeleton files and their named insertion points (`{{key}}`).

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

/// Fills every `{{key}}` of `skeleton` from `vars`.
///
/// # Panics
/// When the skeleton names a key `vars` lacks (a bug in hwnas, caught by the unit test that
/// renders every skeleton).
#[track_caller]
pub(super) fn render(skeleton: &str, vars: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(skeleton.len() + 256);
    let mut rest = skeleton;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find("}}").expect("unclosed {{ in a skeleton");
        let key = &after[..end];
        let value = vars
            .iter()
            .find(|(k, _)| *k == key)
            .unwrap_or_else(|| panic!("skeleton key `{key}` has no value"))
            .1;
        out.push_str(value);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// The keys a skeleton uses.
#[cfg(test)]
pub(super) fn keys(skeleton: &str) -> Vec<&str> {
    skeleton
        .split("{{")
        .skip(1)
        .filter_map(|s| s.split_once("}}").map(|(k, _)| k))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_keys_and_keeps_text() {
        assert_eq!(
            render("a {{x}} b {{y}}{{x}}", &[("x", "1"), ("y", "2")]),
            "a 1 b 21"
        );
        assert_eq!(keys("{{a}} and {{b}}"), vec!["a", "b"]);
    }
}
