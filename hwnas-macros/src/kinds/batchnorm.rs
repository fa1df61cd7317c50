//! BatchNorm: its one key, `epsilon`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ast::Layer;

/// The keys its `#[layer(...)]` accepts.
pub const KEYS: &[&str] = &["epsilon"];

/// Whether a Keras/PyTorch spelling (lower case, no underscores) means BatchNorm.
pub fn alias(name: &str) -> bool {
    matches!(name, "batchnormalization" | "batchnorm1d" | "batchnorm2d")
}

/// The layer's `LayerSpec` expression; `ls` is the path of `LayerSpec`.
pub fn builder(l: &Layer, ls: &TokenStream, name: &str) -> TokenStream {
    match l.epsilon {
        Some(e) => quote!(#ls { epsilon: #e, ..#ls::batch_norm(#name) }),
        None => quote!(#ls::batch_norm(#name)),
    }
}
