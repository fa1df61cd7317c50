//! The layer kinds the macro knows, one module per family: each one's spellings, the
//! `#[layer(...)]` keys it takes, the rank of input it needs, the checks of its own parameters,
//! the slots of its typed struct and the `LayerSpec` calls it expands to. The methods of
//! [`Kind`] are the table that finds them; a new kind is a module here and a row in each.

pub mod activation;
mod batchnorm;
pub mod kernel;
pub mod pool;
pub mod reshape;

use proc_macro2::{Ident, TokenStream};
use quote::{ToTokens, quote};

use crate::ast::{Layer, Strategy};
use crate::ctxt::Ctxt;
pub use activation::Act;
pub use kernel::Kernel;
pub use pool::Pool;
pub use reshape::Reshape;

/// A layer kind as written in a field's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Dense, Conv1D, Conv2D.
    Kernel(Kernel),
    /// Pool1D/2D and their fixed-operator spellings.
    Pool(Pool),
    /// BatchNorm.
    BatchNorm,
    /// Any activation.
    Activation(Act),
    /// Flatten, UpSampling, ZeroPadding.
    Reshape(Reshape),
}

impl Kind {
    /// Every kind, activations last.
    pub fn all() -> impl Iterator<Item = Kind> {
        Kernel::ALL
            .into_iter()
            .map(Kind::Kernel)
            .chain(Pool::ALL.into_iter().map(Kind::Pool))
            .chain([Kind::BatchNorm])
            .chain(Reshape::ALL.into_iter().map(Kind::Reshape))
            .chain(Act::ALL.into_iter().map(Kind::Activation))
    }

    /// The spelling in a field's type.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Kernel(k) => k.name(),
            Kind::Pool(p) => p.name(),
            Kind::BatchNorm => "BatchNorm",
            Kind::Activation(a) => a.name(),
            Kind::Reshape(r) => r.name(),
        }
    }

    /// The type of the field in the generated struct (`hwnas::space::layers::<this>`).
    pub fn typed(self) -> &'static str {
        match self {
            Kind::Pool(p) => p.typed(),
            Kind::Activation(_) => "Activation",
            k => k.name(),
        }
    }

    /// The keys its `#[layer(...)]` accepts (canonical spellings).
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            Kind::Kernel(k) => k.keys(),
            Kind::Pool(p) => p.keys(),
            Kind::BatchNorm => batchnorm::KEYS,
            Kind::Activation(a) => a.keys(),
            Kind::Reshape(r) => r.keys(),
        }
    }

    /// The keys it cannot do without, each with an example value.
    pub fn required(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Kind::Kernel(k) => k.required(),
            _ => &[],
        }
    }

    /// The rank of input it needs (`None`: any).
    pub fn input_rank(self) -> Option<usize> {
        match self {
            Kind::Kernel(k) => Some(k.input_rank()),
            Kind::Pool(p) => Some(p.dims + 1),
            Kind::BatchNorm | Kind::Activation(_) => None,
            Kind::Reshape(r) => r.input_rank(),
        }
    }

    /// The rank of its output given the rank of its input.
    pub fn output_rank(self, input: usize) -> usize {
        match self {
            Kind::Reshape(Reshape::Flatten) => 1,
            _ => input,
        }
    }

    /// How to bring a tensor of another rank to it (empty when there is no usual fix).
    pub fn rank_fix(self, field: &Ident) -> String {
        match self {
            Kind::Kernel(Kernel::Dense) => format!("; add a `Flatten` layer before `{field}`"),
            _ => String::new(),
        }
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::all().find(|k| k.name() == name)
    }

    /// A suggestion for a misspelt or Keras/PyTorch name.
    pub fn suggest(name: &str) -> Option<Kind> {
        let norm = |s: &str| s.to_ascii_lowercase().replace('_', "");
        let n = norm(name);
        Kind::all().find(|k| norm(k.name()) == n).or_else(|| {
            Kernel::alias(&n)
                .map(Kind::Kernel)
                .or_else(|| Pool::alias(&n).map(Kind::Pool))
                .or_else(|| batchnorm::alias(&n).then_some(Kind::BatchNorm))
                .or_else(|| Reshape::alias(&n).map(Kind::Reshape))
                .or_else(|| Act::alias(&n).map(Kind::Activation))
        })
    }

    /// Checks across the layer's own parameters.
    pub fn check(self, cx: &Ctxt, l: &Layer) {
        if let Kind::Kernel(_) = self {
            kernel::check(cx, l);
        }
    }

    /// The slots of the typed struct, in decision order.
    pub fn slots(self, l: &Layer, krate: &syn::Path) -> Vec<Slot> {
        match self {
            Kind::Kernel(k) => k.slots(l, krate),
            Kind::Pool(p) => p.slots(l, krate),
            _ => Vec::new(),
        }
    }

    /// `LayerSpec` expressions: the layer itself, preceded by any layer it adds (the
    /// zero-padding layer of a convolution's `padding = n`).
    pub fn builder(self, l: &Layer, krate: &syn::Path) -> Vec<TokenStream> {
        let ls = quote!(#krate::space::LayerSpec);
        let name = l.ident.to_string();
        match self {
            Kind::Kernel(k) => k.builder(l, krate),
            Kind::Pool(p) => vec![p.builder(l, krate)],
            Kind::BatchNorm => vec![batchnorm::builder(l, &ls, &name)],
            Kind::Activation(a) => {
                vec![a.expand(&quote!(#krate::space::__private), &name, l.act)]
            }
            Kind::Reshape(r) => vec![r.builder(l, &ls, &name)],
        }
    }
}

/// One field of a typed struct that the search may decide, in the runtime's decision order.
pub struct Slot {
    /// Decision suffix (`width`, `kernel`, ...).
    pub suffix: &'static str,
    /// Field of the typed struct.
    pub field: Ident,
    /// Number of options.
    pub count: usize,
    /// The value of a fixed slot (one option), as an expression.
    pub fixed: TokenStream,
    /// The baseline value.
    pub baseline: TokenStream,
}

/// `Some(v)` or `None` as an expression.
fn some_u32(v: Option<u32>) -> TokenStream {
    match v {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    }
}

/// The runtime's strategy `s`.
fn strategy(krate: &syn::Path, s: Strategy) -> TokenStream {
    match s {
        Strategy::Latency => quote!(#krate::space::__private::Strategy::Latency),
        Strategy::Resource => quote!(#krate::space::__private::Strategy::Resource),
    }
}

/// The first option as an expression.
fn first<T: ToTokens>(v: &[T]) -> TokenStream {
    let f = &v[0];
    quote!(#f)
}

/// The largest option as an expression.
fn max<T: ToTokens + Ord>(v: &[T]) -> TokenStream {
    let m = v.iter().max().expect("options are never empty here");
    quote!(#m)
}
