//! Procedural macros of hwnas: [`macro@searchable`], the attribute that turns a Rust struct
//! into a search space. Use it through the facade, as `#[hwnas::searchable]`: the generated code
//! names `::hwnas::...` paths, so a crate that depends on `hwnas` alone can use it.
//!
//! The macro only translates syntax: parse (`attr`: the argument grammar; `ast`, `layer`,
//! `values`: the declaration, with single-attribute checks), validate (`check`: rules across
//! layers; errors collected in `ctxt`, all reported at once), generate (`expand`). What each
//! layer kind accepts, checks and expands to lives in its module under `kinds`. Everything it generates could be written by hand against
//! `hwnas::space::{SearchSpace, SpaceSpec, LayerSpec, layers}`.

use proc_macro::TokenStream;

mod ast;
mod attr;
mod check;
mod ctxt;
mod expand;
mod kinds;
mod layer;
mod values;

/// Declares a search space as a struct whose fields are its layers, in order.
///
/// The field's **type** names the layer kind (Keras names); `#[layer(...)]` gives its
/// parameters. A parameter written as a list, `filters = [8, 16, 32]`, is a list of options
/// the search chooses from (the first one is the default); a single value is fixed.
///
/// ```text
/// use hwnas::prelude::*;
///
/// #[hwnas::searchable(input = [14, 7, 4], input_type = "ap_fixed<16,6>")]
/// #[derive(Debug, Clone, PartialEq)]
/// pub struct Calo {
///     #[layer(filters = [4, 8], kernel = [1, 3], weight_bits = [4, 8, 16], result_bits = 16,
///             reuse = [1, 2])]
///     conv1: Conv2D,
///     relu1: ReLU,
///     #[layer(pool = 2, op = [max, avg])]
///     pool1: Pool2D,
///     flat: Flatten,
///     #[layer(units = [16, 32], weight_bits = 8, strategy = [latency, resource])]
///     fc1: Dense,
///     #[layer(units = 16, optional)]
///     fc2: Dense,
///     #[layer(units = 1)]
///     out: Dense,
/// }
///
/// let space = Calo::space()?;                 // the SpaceSpec (9 decisions)
/// let best = Calo::baseline();               // widest, most precise member
/// assert_eq!(best.conv1.filters, 8);
/// let arch = best.to_arch();                 // -> hwnas::space::Arch
/// assert_eq!(Calo::from_arch(&arch)?, best);
/// let net = hwnas::supernet::Supernet::<hwnas::backend::CpuAutodiff>::of::<Calo>(&Default::default(), 0)?;
/// ```
///
/// # Arguments of `#[searchable(...)]`
///
/// | key | value | default |
/// |---|---|---|
/// | `input` | channels-last shape: `[features]`, `[length, channels]` or `[height, width, channels]` | required |
/// | `input_type` | fixed-point type of the input, `"ap_fixed<16,6>"` | `ap_fixed<16,6>` |
/// | `default_type` | type of tensors without a bit decision | `ap_fixed<16,6>` |
/// | `name` | space (and HLS project) name, a C identifier | the struct's name in snake case |
/// | `crate` | path of the runtime crate, e.g. `"hwnas_core"` | `"hwnas"` |
///
/// # Layers and their keys
///
/// | field type | keys (list = options) |
/// |---|---|
/// | `Dense` | `units`\*, `weight_bits`, `result_bits`, `reuse`, `strategy`, `optional` |
/// | `Conv1D`, `Conv2D` | `filters`\*, `kernel`\*, `stride`, `padding`, `weight_bits`, `result_bits`, `reuse`, `strategy`, `optional` |
/// | `Pool1D`, `Pool2D` | `pool` (default 2), `op` (`[max, avg]`; default `max`) |
/// | `MaxPool1D`, `AvgPool1D`, `MaxPool2D`, `AvgPool2D` | `pool` (default 2) |
/// | `BatchNorm` | `epsilon` (default 1e-3) |
/// | `ReLU`, `PReLU`, `Flatten` | none |
/// | `LeakyReLU` | `alpha` (default 0.3) |
/// | `ELU` | `alpha` (default 1.0), `table_size` (default 1024) |
/// | `Sigmoid`, `Tanh`, `Softplus`, `Softsign`, `Softmax` | `table_size` (default 1024; a power of two) |
/// | `UpSampling1D`, `UpSampling2D` | `size` (default 2) |
/// | `ZeroPadding1D`, `ZeroPadding2D` | `padding` (default 1) |
///
/// \* required. Searchable keys (a list is a decision): `units`/`filters` (width), `kernel`
/// (odd sizes; centred sub-kernels), `weight_bits` and `result_bits` (1..=32; absent: float),
/// `op` (operator), `reuse` (HLS reuse factor, default 1), `strategy` (`latency`/`resource`,
/// default `latency`) and the flag `optional` (the search may switch the layer off: depth).
/// Fixed keys (a list is an error): `stride` (default 1), `padding` (`same`, the default,
/// `valid`, or a number `n`, which adds a `ZeroPadding` layer named `<field>_pad` with `n`
/// zeros on every side before a `valid` convolution), `pool`/`size` (`n` or `(h, w)` for 2-D),
/// `padding` of zero-padding layers (`n`, `(left, right)` in 1-D, `(h, w)` or
/// `(top, bottom, left, right)` in 2-D), `alpha`, `epsilon`, `table_size`. Aliases: `kernel_size`,
/// `strides`, `pool_size`, `reuse_factor`.
///
/// Other field attributes allowed: `doc`, `serde`, `cfg_attr` and lint attributes; attributes
/// on the struct (`#[derive(...)]`, placed after `#[searchable]`) are kept.
///
/// # What is generated
///
/// 1. The struct itself, each field's type replaced by its typed choice from
///    `hwnas::space::layers` (same visibility and attributes, `#[layer]` removed):
///    `Dense { units, weight_bits: Option<u32>, result_bits: Option<u32>, reuse_factor: u32,
///    strategy: Strategy, enabled: bool }`, `Conv1D`/`Conv2D` (the same with `filters` and
///    `kernel`), `Pool1D`/`Pool2D { op: PoolKind }` (for every pooling type), and unit structs
///    `BatchNorm`, `Activation` (every activation), `Flatten`, `UpSampling1D`, `UpSampling2D`,
///    `ZeroPadding1D`, `ZeroPadding2D`. A value of the struct is one architecture:
///    `arch.conv1.filters`.
/// 2. `impl hwnas::space::SearchSpace for Calo` (re-exported as `hwnas::SearchSpace`) with:
///    * `fn space() -> Result<SpaceSpec>`: `SpaceSpec::builder(name, input)`, the types, one
///      `.layer(LayerSpec::...)` per field (plus `<field>_pad` layers) and `.build()`;
///    * `fn from_arch(&Arch) -> Result<Self>`: the arch is checked against the space, each
///      decision read into its field, fixed parameters filled in;
///    * `fn to_arch(&self) -> Arch`: one pick per decision, in decision order;
///    * `fn baseline() -> Self`: largest widths and kernels, largest bits, smallest reuse
///      factor, `latency` where offered, first operator, optional layers on.
///
///    The trait's default methods do the rest: `space_size()`, `from_indices(&[usize])`,
///    `indices()`, `fixed_space()` and `network()` (the IR of this architecture, without
///    weights). Their supernets: `Supernet::<B>::of::<Calo>(&device, seed)` (the whole space,
///    any `TrainBackend`) and `Supernet::<B>::fixed(&arch, &device, seed)` (this
///    architecture alone, a fixed network ready for `train_fixed` and `derive`).
///
/// # Errors
///
/// Declarations that cannot work are compile errors at the offending token, all reported in
/// one build: empty or duplicate options, unknown layer types, attributes and keys, values of
/// the wrong type, negative numbers, bits outside 1..=32, zero sizes or strides, even kernels
/// with `same` padding, kernel decisions without `same` padding, conflicting `padding`
/// values, lists for parameters that cannot be searched, a layer whose input has the wrong
/// rank (e.g. `Dense` after a convolution without `Flatten`), structs without layers, tuple,
/// unit or generic structs, enums and unions. On error only the errors are emitted. What only
/// the runtime can check (a kernel larger than its input, an optional layer whose width differs
/// from its input's) is reported by `space()` as `Error::InvalidSpace`.
#[proc_macro_attribute]
pub fn searchable(args: TokenStream, input: TokenStream) -> TokenStream {
    let item = syn::parse_macro_input!(input as syn::DeriveInput);
    expand_searchable(args.into(), &item)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

fn expand_searchable(
    args: proc_macro2::TokenStream,
    item: &syn::DeriveInput,
) -> syn::Result<proc_macro2::TokenStream> {
    let cx = ctxt::Ctxt::new();
    let space = ast::Space::from_ast(&cx, args, item);
    if let Some(space) = &space {
        check::check(&cx, space);
    }
    cx.check()?;
    Ok(expand::expand(
        &space.expect("no errors, so the item was read"),
    ))
}
