//! Dense, Conv1D and Conv2D: the layers with weights, whose widths, kernels, bit-widths, reuse
//! factors and strategies the search may decide.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{Slot, first, max, some_u32, strategy};
use crate::ast::{Layer, Pad, Strategy};
use crate::ctxt::Ctxt;

/// A layer with weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    Dense,
    Conv1D,
    Conv2D,
}

impl Kernel {
    pub const ALL: [Kernel; 3] = [Kernel::Dense, Kernel::Conv1D, Kernel::Conv2D];

    /// The spelling in a field's type.
    pub fn name(self) -> &'static str {
        match self {
            Kernel::Dense => "Dense",
            Kernel::Conv1D => "Conv1D",
            Kernel::Conv2D => "Conv2D",
        }
    }

    /// The keys its `#[layer(...)]` accepts.
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            Kernel::Dense => &[
                "units",
                "weight_bits",
                "result_bits",
                "reuse",
                "strategy",
                "optional",
            ],
            Kernel::Conv1D | Kernel::Conv2D => &[
                "filters",
                "kernel",
                "stride",
                "padding",
                "weight_bits",
                "result_bits",
                "reuse",
                "strategy",
                "optional",
            ],
        }
    }

    /// The keys it needs, with an example value.
    pub fn required(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Kernel::Dense => &[("units", "[16, 32]")],
            Kernel::Conv1D | Kernel::Conv2D => &[("filters", "[8, 16]"), ("kernel", "[3, 5]")],
        }
    }

    /// The rank of its input.
    pub fn input_rank(self) -> usize {
        match self {
            Kernel::Dense => 1,
            Kernel::Conv1D => 2,
            Kernel::Conv2D => 3,
        }
    }

    /// The kind a Keras/PyTorch spelling (lower case, no underscores) means.
    pub fn alias(name: &str) -> Option<Kernel> {
        match name {
            "linear" | "fullyconnected" | "fc" => Some(Kernel::Dense),
            _ => None,
        }
    }

    /// The key of its width.
    pub fn width_key(self) -> &'static str {
        match self {
            Kernel::Dense => "units",
            _ => "filters",
        }
    }

    /// The slots of the typed struct, in `SpaceSpec` order: width, kernel, weight bits, result
    /// bits, on/off, reuse factor, strategy.
    pub fn slots(self, l: &Layer, krate: &syn::Path) -> Vec<Slot> {
        let w = widths(l);
        let mut out = vec![Slot {
            suffix: "width",
            field: format_ident!("{}", self.width_key()),
            count: w.len(),
            fixed: first(&w),
            baseline: max(&w),
        }];
        if self != Kernel::Dense {
            let k = kernels(l);
            out.push(Slot {
                suffix: "kernel",
                field: format_ident!("kernel"),
                count: k.len(),
                fixed: first(&k),
                baseline: max(&k),
            });
        }
        for (suffix, bits) in [
            ("weight_bits", &l.weight_bits),
            ("result_bits", &l.result_bits),
        ] {
            let b = bits.clone().unwrap_or_default();
            out.push(Slot {
                suffix,
                field: format_ident!("{}", suffix),
                count: b.len(),
                fixed: some_u32(b.first().copied()),
                baseline: some_u32(b.iter().copied().max()),
            });
        }
        out.push(Slot {
            suffix: "on",
            field: format_ident!("enabled"),
            count: if l.optional.is_some() { 2 } else { 1 },
            fixed: quote!(true),
            baseline: quote!(true),
        });
        let r = l.reuse.clone().unwrap_or_else(|| vec![1]);
        let min = r.iter().copied().min().unwrap_or(1);
        let r0 = r[0];
        out.push(Slot {
            suffix: "reuse_factor",
            field: format_ident!("reuse_factor"),
            count: r.len(),
            fixed: quote!(#r0),
            baseline: quote!(#min),
        });
        let s = l
            .strategy
            .clone()
            .unwrap_or_else(|| vec![Strategy::Latency]);
        let best = if s.contains(&Strategy::Latency) {
            Strategy::Latency
        } else {
            s[0]
        };
        out.push(Slot {
            suffix: "strategy",
            field: format_ident!("strategy"),
            count: s.len(),
            fixed: strategy(krate, s[0]),
            baseline: strategy(krate, best),
        });
        out
    }

    /// The layer's `LayerSpec` expression, preceded by a zero-padding layer for `padding = n`.
    pub fn builder(self, l: &Layer, krate: &syn::Path) -> Vec<TokenStream> {
        let ls = quote!(#krate::space::LayerSpec);
        let name = l.ident.to_string();
        let mut out = Vec::new();
        let w = widths(l);
        let mut layer = if self == Kernel::Dense {
            quote!(#ls::dense(#name, &[#(#w),*]))
        } else {
            let k = kernels(l);
            let pad = l.padding.as_ref().map(|p| p.value);
            if let Some(Pad::Zeros(n)) = pad {
                let pname = format!("{name}_pad");
                out.push(if self == Kernel::Conv1D {
                    quote!(#ls::zero_padding1d(#pname, [#n, #n]))
                } else {
                    quote!(#ls::zero_padding2d(#pname, [#n, #n, #n, #n]))
                });
            }
            let ctor = if self == Kernel::Conv1D {
                quote!(conv1d)
            } else {
                quote!(conv2d)
            };
            let mut c = quote!(#ls::#ctor(#name, &[#(#w),*], &[#(#k),*]));
            if matches!(pad, Some(Pad::Valid | Pad::Zeros(_))) {
                c = quote!(#c.padding(#krate::space::__private::Padding::Valid));
            }
            if let Some(s) = l.stride {
                c = quote!(#c.stride(#s));
            }
            c
        };
        if let Some(b) = &l.weight_bits {
            layer = quote!(#layer.weight_bits(&[#(#b),*]));
        }
        if let Some(b) = &l.result_bits {
            layer = quote!(#layer.result_bits(&[#(#b),*]));
        }
        if let Some(r) = &l.reuse {
            layer = quote!(#layer.reuse_factors(&[#(#r),*]));
        }
        if let Some(s) = &l.strategy {
            let s = s.iter().map(|&s| strategy(krate, s));
            layer = quote!(#layer.strategies(&[#(#s),*]));
        }
        if l.optional.is_some() {
            layer = quote!(#layer.optional());
        }
        out.push(layer);
        out
    }
}

fn widths(l: &Layer) -> Vec<usize> {
    l.widths
        .as_ref()
        .map(|w| w.value.clone())
        .unwrap_or_default()
}

fn kernels(l: &Layer) -> Vec<usize> {
    l.kernels
        .as_ref()
        .map(|k| k.value.iter().map(|k| k.value).collect())
        .unwrap_or_default()
}

/// Checks across a kernel layer's parameters.
pub fn check(cx: &Ctxt, l: &Layer) {
    conv_padding(cx, l);
    optional_layer(cx, l);
}

/// Rule: with `same` padding (the default) every kernel option is odd (the zeros would not be
/// centred otherwise); a kernel *decision* needs `same` padding (so shapes do not depend on the
/// choice).
fn conv_padding(cx: &Ctxt, l: &Layer) {
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
fn optional_layer(cx: &Ctxt, l: &Layer) {
    let Some(opt) = &l.optional else { return };
    let key = match l.kind {
        super::Kind::Kernel(k) => k.width_key(),
        _ => return,
    };
    if let Some(w) = &l.widths
        && w.value.len() > 1
    {
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
