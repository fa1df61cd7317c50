//! Activations as the macro knows them: each one's spelling, the `#[layer(...)]` keys it takes
//! and what it expands to. Adding an activation to `#[searchable]` means adding it here.

use proc_macro2::TokenStream;
use quote::quote;

/// An activation as written in a field's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    ReLU,
    LeakyReLU,
    Elu,
    PReLU,
    Sigmoid,
    Tanh,
    Softplus,
    Softsign,
    Softmax,
}

/// The fixed hyper-parameters an activation may take from `#[layer(...)]`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ActParams {
    /// `alpha`: LeakyReLU's slope, ELU's scale.
    pub alpha: Option<f64>,
    /// `table_size`: entries of a lookup table.
    pub table_size: Option<usize>,
}

impl Act {
    pub const ALL: [Act; 9] = [
        Act::ReLU,
        Act::LeakyReLU,
        Act::Elu,
        Act::PReLU,
        Act::Sigmoid,
        Act::Tanh,
        Act::Softplus,
        Act::Softsign,
        Act::Softmax,
    ];

    /// The spelling in a field's type (the IR's `kind`).
    pub fn name(self) -> &'static str {
        match self {
            Act::ReLU => "ReLU",
            Act::LeakyReLU => "LeakyReLU",
            Act::Elu => "ELU",
            Act::PReLU => "PReLU",
            Act::Sigmoid => "Sigmoid",
            Act::Tanh => "Tanh",
            Act::Softplus => "Softplus",
            Act::Softsign => "Softsign",
            Act::Softmax => "Softmax",
        }
    }

    /// The keys its `#[layer(...)]` accepts.
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            Act::ReLU | Act::PReLU => &[],
            Act::LeakyReLU => &["alpha"],
            Act::Elu => &["alpha", "table_size"],
            Act::Sigmoid | Act::Tanh | Act::Softplus | Act::Softsign | Act::Softmax => {
                &["table_size"]
            }
        }
    }

    /// The activation a Keras/PyTorch spelling (lower case, no underscores) means.
    pub fn alias(name: &str) -> Option<Act> {
        Some(match name {
            "logistic" => Act::Sigmoid,
            "tanh" | "hyperbolictangent" => Act::Tanh,
            "leaky" => Act::LeakyReLU,
            _ => return None,
        })
    }

    /// The `LayerSpec` expression of the layer `name`; `private` is the path of the runtime's
    /// `space::__private`.
    pub fn expand(self, private: &TokenStream, name: &str, p: ActParams) -> TokenStream {
        let table = |default: TokenStream| match p.table_size {
            Some(n) => quote!(#private::Table { table_size: #n, ..#default }),
            None => default,
        };
        let dflt = quote!(::core::default::Default::default());
        let act = match self {
            Act::ReLU => quote!(#private::Activation::ReLU(#private::NoParams {})),
            Act::PReLU => quote!(#private::Activation::PReLU(#private::NoParams {})),
            Act::LeakyReLU => {
                let a = p.alpha.unwrap_or(0.3);
                quote!(#private::Activation::LeakyReLU(#private::LeakyReLU { alpha: #a }))
            }
            Act::Elu => {
                let a = p.alpha.unwrap_or(1.0);
                let n = match p.table_size {
                    Some(n) => quote!(table_size: #n,),
                    None => quote!(),
                };
                quote!(#private::Activation::ELU(#private::Elu { alpha: #a, #n ..#dflt }))
            }
            Act::Sigmoid => {
                let t = table(dflt);
                quote!(#private::Activation::Sigmoid(#t))
            }
            Act::Tanh => {
                let t = table(dflt);
                quote!(#private::Activation::Tanh(#t))
            }
            Act::Softplus => {
                let t = table(dflt);
                quote!(#private::Activation::Softplus(#t))
            }
            Act::Softsign => {
                let t = table(dflt);
                quote!(#private::Activation::Softsign(#t))
            }
            Act::Softmax => match p.table_size {
                Some(n) => quote!(#private::Activation::Softmax(#private::Softmax {
                    table_size: #n, ..#dflt
                })),
                None => quote!(#private::Activation::Softmax(#dflt)),
            },
        };
        quote!(#private::LayerSpec::activation(#name, #act))
    }
}
