//! Rules that span several parameters or layers. Each function states its rule; all report
//! to the [`Ctxt`] at the offending tokens.

use crate::ast::{Pad, Space};
use crate::ctxt::Ctxt;

/// Runs every rule.
pub fn check(cx: &Ctxt, space: &Space) {
    for layer in &space.layers {
        layer.kind.check(cx, layer);
    }
    if !space.incomplete {
        tensor_rank(cx, space);
    }
    generated_names(cx, space);
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
            let fix = l.kind.rank_fix(&l.ident);
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
        rank = l.kind.output_rank(rank);
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
