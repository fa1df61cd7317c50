//! Rules that span several parameters or layers. Each function states its rule; all report
//! to the [`Ctxt`] at the offending tokens.

use crate::ast::{Kind, Layer, Pad, Space};
use crate::ctxt::Ctxt;

/// Runs every rule.
pub fn check(cx: &Ctxt, space: &Space) {
    for layer in &space.layers {
        conv_padding(cx, layer);
        optional_layers(cx, layer);
    }
    if !space.incomplete {
        tensor_rank(cx, space);
    }
    generated_names(cx, space);
}

/// Rule: with `same` padding (the default) every kernel option is odd (the zeros would not be
/// centred otherwise); a kernel *decision* needs `same` padding (so shapes do not depend on the
/// choice).
fn conv_padding(cx: &Ctxt, l: &Layer) {
    if !matches!(l.kind, Kind::Conv1D | Kind::Conv2D) {
        return;
    }
    let Some(kernels) = &l.kernels else { return };
    let pad = l.padding.as_ref().map_or(Pad::Same, |p| p.value);
    match pad {
        Pad::Same => {
            for k in &kernels.value {
                if k.value % 2 == 0 {
                    cx.error_spanned_by(
                        &k.tokens,
                        format!(
                            "kernel {} is even; `same` padding (the default) needs odd kernels \
                             such as {} or {}; for an even kernel write `padding = valid`",
                            k.value,
                            k.value - 1,
                            k.value + 1
                        ),
                    );
                }
            }
        }
        Pad::Valid | Pad::Zeros(_) if kernels.value.len() > 1 => {
            let p = l.padding.as_ref().expect("not the default");
            cx.error_spanned_by(
                &p.tokens,
                "a kernel-size decision needs `padding = same`, so that the output shape does \
                 not depend on the choice; give one kernel or use `same`",
            );
        }
        _ => {}
    }
}

/// Rule: a layer that the search may switch off keeps the shape when it is the identity, so
/// its width is one value (the runtime also checks that it equals the input width).
fn optional_layers(cx: &Ctxt, l: &Layer) {
    let Some(opt) = &l.optional else { return };
    if let Some(w) = &l.widths
        && w.value.len() > 1
    {
        let key = if l.kind == Kind::Dense {
            "units"
        } else {
            "filters"
        };
        cx.error_spanned_by(
            opt,
            format!(
                "an optional layer must keep its input shape when switched off, so its `{key}` \
                 must be one value equal to the input width, not a list of options"
            ),
        );
    }
    if let Some(p) = &l.padding
        && p.value != Pad::Same
    {
        cx.error_spanned_by(
            opt,
            "an optional convolution needs `padding = same` (the identity keeps the shape)",
        );
    }
}

fn rank_name(rank: usize) -> &'static str {
    match rank {
        1 => "1-D ([features])",
        2 => "2-D ([length, channels])",
        _ => "3-D ([height, width, channels])",
    }
}

/// Rule: tensors flow: the input rank (from `input`) through every layer matches what each
/// layer needs (Dense 1-D, `*1D` layers 2-D, `*2D` layers 3-D); `Flatten` makes it 1-D.
fn tensor_rank(cx: &Ctxt, space: &Space) {
    let Some(shape) = &space.shape else { return };
    let mut rank = shape.value.len();
    let mut from = String::from("the space's input");
    for l in &space.layers {
        if let Some(need) = l.kind.input_rank()
            && need != rank
        {
            let fix = if l.kind == Kind::Dense {
                format!("; add a `Flatten` layer before `{}`", l.ident)
            } else {
                String::new()
            };
            cx.error_spanned_by(
                l.ty,
                format!(
                    "`{}` needs a {} input, but {from} is {}{fix}",
                    l.kind.name(),
                    rank_name(need),
                    rank_name(rank),
                ),
            );
            // Continue with the rank the layer expects, to report the next real mistake.
            rank = need;
        }
        if l.kind == Kind::Flatten {
            rank = 1;
        }
        from = format!("the output of `{}`", l.ident);
    }
}

/// Rule: the zero-padding layer generated for `padding = n` (named `<field>_pad`) does not
/// collide with a field.
fn generated_names(cx: &Ctxt, space: &Space) {
    for l in &space.layers {
        if let Some(p) = &l.padding
            && let Pad::Zeros(_) = p.value
        {
            let name = format!("{}_pad", l.ident);
            if let Some(other) = space.layers.iter().find(|o| o.ident == name) {
                cx.error_spanned_by(
                    &other.ident,
                    format!(
                        "`{name}` is the name of the zero-padding layer that `padding = {}` on \
                         `{}` adds; rename this field",
                        p.tokens, l.ident
                    ),
                );
            }
        }
    }
}
