//! The per-layer C++ templates (`templates/layers/*.h`, minijinja): each layer module fills
//! one with its numbers and types.

use std::sync::OnceLock;

use minijinja::syntax::SyntaxConfig;
use minijinja::value::Serde;
use minijinja::{Environment, UndefinedBehavior, Value};
use serde::Serialize;

use super::layers::Names;

/// `(name, source)` of every layer template.
const LAYER_TEMPLATES: [(&str, &str); 9] = [
    ("dense.h", include_str!("../../templates/layers/dense.h")),
    ("conv.h", include_str!("../../templates/layers/conv.h")),
    ("window.h", include_str!("../../templates/layers/window.h")),
    ("pool.h", include_str!("../../templates/layers/pool.h")),
    (
        "batchnorm.h",
        include_str!("../../templates/layers/batchnorm.h"),
    ),
    (
        "flatten.h",
        include_str!("../../templates/layers/flatten.h"),
    ),
    (
        "upsampling.h",
        include_str!("../../templates/layers/upsampling.h"),
    ),
    (
        "zeropadding.h",
        include_str!("../../templates/layers/zeropadding.h"),
    ),
    (
        "activation.h",
        include_str!("../../templates/layers/activation.h"),
    ),
];

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| strict_env(&LAYER_TEMPLATES, "layer template", false))
}

/// An environment holding `templates` (`(name, source)`, part of the crate: a source that does
/// not parse is a bug, reported as a panic naming the `what` and the template) in which a
/// misspelt variable is an error, not an empty string in the C++; `keep_trailing_newline`
/// keeps each file's final newline.
pub(super) fn strict_env(
    templates: &[(&'static str, &'static str)],
    what: &str,
    keep_trailing_newline: bool,
) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    if keep_trailing_newline {
        let syntax = SyntaxConfig::builder()
            .keep_trailing_newline(true)
            .build()
            .unwrap_or_else(|e| panic!("{what} syntax: {e}"));
        env.set_syntax(syntax);
    }
    for &(name, source) in templates {
        env.add_template(name, source)
            .unwrap_or_else(|e| panic!("{what} {name}: {e}"));
    }
    env
}

/// Renders the layer template `name` with `ctx`, ending with a newline.
///
/// The templates and their contexts are both written in this crate (a unit test renders each
/// one), so a failure is a bug in hwnas, reported with the template's own message.
pub(crate) fn render(name: &str, ctx: Value) -> String {
    let out = env()
        .get_template(name)
        .and_then(|t| t.render(ctx))
        .unwrap_or_else(|e| panic!("layer template {name}: {e:#}"));
    out + "\n"
}

/// The io_stream members of a config struct.
#[derive(Debug, Clone, Copy, Serialize)]
pub(crate) struct PixelMembers {
    /// Pixels of the input stream.
    pub n_pixels: usize,
    /// Values per input pixel.
    pub pixel_size: usize,
}

impl Names<'_> {
    /// The io_stream members of the layer's config (`stream` in a template), none for
    /// io_parallel.
    pub(crate) fn pixel_members(&self) -> Value {
        match self.stream {
            Some(st) => Value::from(Serde(PixelMembers {
                n_pixels: st.in_pixels,
                pixel_size: st.in_chan,
            })),
            None => Value::from(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Window;
    use minijinja::context;

    #[test]
    fn every_template_renders() {
        let win = Window {
            in_h: 1,
            in_w: 8,
            chan: 2,
            kh: 1,
            kw: 3,
            sh: 1,
            sw: 1,
            pad_top: 0,
            pad_bottom: 0,
            pad_left: 1,
            pad_right: 1,
            out_h: 1,
            out_w: 8,
        };
        let stream = Value::from(Serde(PixelMembers {
            n_pixels: 8,
            pixel_size: 2,
        }));
        let win = Value::from(Serde(win));
        let dense = context! {
            cfg => "config2", n_in => 6, n_out => 4, reuse => 2, block_factor => 12,
            multiplier_limit => 12, n_zeros => 1, n_nonzeros => 23,
            strategy => "hwnas::latency", io_type => "hwnas::io_stream", prefix => "layer2",
            stream => stream.clone(),
        };
        let d = render("dense.h", dense.clone());
        assert!(d.starts_with("struct config2 {\n    static const unsigned n_in = 6;\n"));
        assert!(
            d.ends_with("    static const unsigned pixel_size = 2;\n};\n"),
            "{d}"
        );
        let c = render(
            "conv.h",
            context! { conv_cfg => "config3", win => win.clone(), kernel => "filt", ..dense },
        );
        assert!(c.contains("};\nstruct config3 {\n    static const unsigned in_height = 1;\n"));
        assert!(
            c.contains("    static const unsigned filt_width = 3;\n"),
            "{c}"
        );
        assert!(c.contains("    typedef config2 mult_config;\n"));
        let p = render(
            "pool.h",
            context! {
                cfg => "config4", win => win, kernel => "pool", reuse => 1,
                pool_op => "max_pool", prefix => "layer4",
            },
        );
        assert!(
            p.contains("pool_op = hwnas::max_pool;\n    typedef layer4_accum_t accum_t;\n};\n")
        );
        let b = render(
            "batchnorm.h",
            context! { cfg => "c", n_in => 16, n_chan => 2, reuse => 1, stream => (), prefix => "l" },
        );
        assert_eq!(
            b,
            "struct c {\n    static const unsigned n_in = 16;\n    static const unsigned n_chan = 2;\n    \
             static const unsigned reuse_factor = 1;\n    typedef l_scale_t scale_t;\n    \
             typedef l_bias_t bias_t;\n};\n"
        );
        render(
            "flatten.h",
            context! { cfg => "c", n_in => 16, stream => stream },
        );
        let u = render(
            "upsampling.h",
            context! { cfg => "c", in_h => 1, in_w => 4, chan => 2, sh => 1, sw => 3 },
        );
        assert!(u.contains("out_width = 12;"));
        let z = render(
            "zeropadding.h",
            context! { cfg => "c", in_h => 2, in_w => 4, chan => 2, top => 1, bottom => 0, left => 2, right => 1 },
        );
        assert!(z.contains("out_height = 3;") && z.contains("out_width = 7;"));
        let a = render(
            "activation.h",
            context! {
                cfg => "c", n_in => 8, reuse => 1, stream => (), prefix => "l",
                members => vec![context! { name => "table_size", value => 1024 }],
                types => vec!["table_t"],
            },
        );
        assert_eq!(
            a,
            "struct c {\n    static const unsigned n_in = 8;\n    static const unsigned reuse_factor = 1;\n    \
             static const unsigned table_size = 1024;\n    typedef l_table_t table_t;\n};\n"
        );
    }

    #[test]
    #[should_panic(expected = "layer template pool.h")]
    fn a_missing_value_is_an_error_not_an_empty_string() {
        render("pool.h", context! { cfg => "c" });
    }
}
