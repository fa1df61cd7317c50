//! Flatten, UpSampling1D/2D and ZeroPadding1D/2D: layers that move values without arithmetic
//! and have no decisions.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ast::Layer;

/// A layer that only moves values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reshape {
    Flatten,
    UpSampling1D,
    UpSampling2D,
    ZeroPadding1D,
    ZeroPadding2D,
}

impl Reshape {
    pub const ALL: [Reshape; 5] = [
        Reshape::Flatten,
        Reshape::UpSampling1D,
        Reshape::UpSampling2D,
        Reshape::ZeroPadding1D,
        Reshape::ZeroPadding2D,
    ];

    /// The spelling in a field's type.
    pub fn name(self) -> &'static str {
        match self {
            Reshape::Flatten => "Flatten",
            Reshape::UpSampling1D => "UpSampling1D",
            Reshape::UpSampling2D => "UpSampling2D",
            Reshape::ZeroPadding1D => "ZeroPadding1D",
            Reshape::ZeroPadding2D => "ZeroPadding2D",
        }
    }

    /// The keys its `#[layer(...)]` accepts.
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            Reshape::Flatten => &[],
            Reshape::UpSampling1D | Reshape::UpSampling2D => &["size"],
            Reshape::ZeroPadding1D | Reshape::ZeroPadding2D => &["padding"],
        }
    }

    /// The rank of input it needs (`None`: any).
    pub fn input_rank(self) -> Option<usize> {
        match self {
            Reshape::Flatten => None,
            Reshape::UpSampling1D | Reshape::ZeroPadding1D => Some(2),
            Reshape::UpSampling2D | Reshape::ZeroPadding2D => Some(3),
        }
    }

    /// The kind a Keras/PyTorch spelling (lower case, no underscores) means.
    pub fn alias(name: &str) -> Option<Reshape> {
        Some(match name {
            "upsample" | "upsampling" => Reshape::UpSampling2D,
            "zeropad1d" => Reshape::ZeroPadding1D,
            "zeropad2d" => Reshape::ZeroPadding2D,
            _ => return None,
        })
    }

    /// The layer's `LayerSpec` expression (factor 2, one zero each side by default); `ls` is
    /// the path of `LayerSpec`.
    pub fn builder(self, l: &Layer, ls: &TokenStream, name: &str) -> TokenStream {
        match self {
            Reshape::Flatten => quote!(#ls::flatten(#name)),
            Reshape::UpSampling1D => {
                let s = l.window.map_or(2, |w| w[1]);
                quote!(#ls::upsampling1d(#name, #s))
            }
            Reshape::UpSampling2D => {
                let [h, w] = l.window.unwrap_or([2, 2]);
                quote!(#ls::upsampling2d(#name, [#h, #w]))
            }
            Reshape::ZeroPadding1D => {
                let [_, _, left, right] = l.zeros.unwrap_or([0, 0, 1, 1]);
                quote!(#ls::zero_padding1d(#name, [#left, #right]))
            }
            Reshape::ZeroPadding2D => {
                let [t, b, left, right] = l.zeros.unwrap_or([1; 4]);
                quote!(#ls::zero_padding2d(#name, [#t, #b, #left, #right]))
            }
        }
    }
}
