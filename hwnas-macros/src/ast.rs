//! The declaration as the macro understands it: the space's arguments and one [`Layer`] per
//! field (read in `layer`), with single-attribute checks done while parsing (spanned errors go
//! to [`Ctxt`]).

use proc_macro2::{Span, TokenStream};
use syn::{Data, DeriveInput, Fields, Ident, Type};

use crate::attr::{Item, Scalar, ScalarKind, Value, parse_items};
use crate::ctxt::Ctxt;
use crate::kinds::Kind;
use crate::kinds::activation::ActParams;
use crate::layer::parse_layer;
use crate::values::positive;

/// A value with the tokens it came from.
#[derive(Clone)]
pub struct Sp<T> {
    pub value: T,
    pub tokens: TokenStream,
}

/// Border handling of a convolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pad {
    Same,
    Valid,
    /// `padding = n`: a zero-padding layer of `n` on every side, then a `valid` convolution.
    Zeros(usize),
}

/// HLS strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    Latency,
    Resource,
}

/// Pooling operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolOp {
    Max,
    Avg,
}

/// One field: one layer.
pub struct Layer<'a> {
    pub field: &'a syn::Field,
    pub ident: Ident,
    pub kind: Kind,
    /// The field's type, where shape errors point.
    pub ty: &'a Type,
    pub widths: Option<Sp<Vec<usize>>>,
    pub kernels: Option<Sp<Vec<Sp<usize>>>>,
    pub stride: Option<usize>,
    pub padding: Option<Sp<Pad>>,
    pub weight_bits: Option<Vec<u32>>,
    pub result_bits: Option<Vec<u32>>,
    pub reuse: Option<Vec<u32>>,
    pub strategy: Option<Vec<Strategy>>,
    pub ops: Option<Vec<PoolOp>>,
    pub optional: Option<TokenStream>,
    /// Pool window `[h, w]`, upsampling size `[h, w]`.
    pub window: Option<[usize; 2]>,
    /// Zero padding `[top, bottom, left, right]`.
    pub zeros: Option<[usize; 4]>,
    /// An activation's `alpha` and `table_size`.
    pub act: ActParams,
    pub epsilon: Option<f64>,
}

/// The whole declaration.
pub struct Space<'a> {
    pub input: &'a DeriveInput,
    pub name: String,
    pub shape: Option<Sp<Vec<usize>>>,
    pub input_type: Option<syn::LitStr>,
    pub default_type: Option<syn::LitStr>,
    pub krate: syn::Path,
    pub layers: Vec<Layer<'a>>,
    /// A field could not be read as a layer (shape rules are then skipped).
    pub incomplete: bool,
}

fn snake_case(name: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev_lower = i > 0 && chars[i - 1].is_ascii_lowercase();
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if i > 0 && (prev_lower || (next_lower && chars[i - 1].is_ascii_uppercase())) {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn is_c_identifier(s: &str) -> bool {
    let mut c = s.chars();
    c.next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
        && c.all(|x| x.is_ascii_alphanumeric() || x == '_')
}

impl<'a> Space<'a> {
    /// Parses the declaration; `None` when the item cannot be read at all.
    pub fn from_ast(cx: &Ctxt, args: TokenStream, input: &'a DeriveInput) -> Option<Self> {
        let mut space = Space {
            input,
            name: snake_case(&input.ident.to_string()),
            shape: None,
            input_type: None,
            default_type: None,
            krate: syn::parse_quote!(::hwnas),
            layers: Vec::new(),
            incomplete: false,
        };
        space.parse_args(cx, args);

        if !input.generics.params.is_empty() || input.generics.where_clause.is_some() {
            cx.error_spanned_by(
                &input.generics,
                "generic search spaces are not supported: `#[searchable]` needs a struct \
                 without type, lifetime or const parameters",
            );
        }
        let fields = match &input.data {
            Data::Struct(s) => &s.fields,
            Data::Enum(e) => {
                cx.error_spanned_by(
                    e.enum_token,
                    "`#[searchable]` works on structs whose named fields are the layers, not on enums",
                );
                return None;
            }
            Data::Union(u) => {
                cx.error_spanned_by(
                    u.union_token,
                    "`#[searchable]` works on structs whose named fields are the layers, not on unions",
                );
                return None;
            }
        };
        match fields {
            Fields::Named(named) => {
                if named.named.is_empty() {
                    cx.error_spanned_by(
                        &input.ident,
                        format!(
                            "`{}` has no layers; add one named field per layer, in order \
                             (`conv1: Conv2D`, `fc1: Dense`, ...)",
                            input.ident
                        ),
                    );
                }
                for f in &named.named {
                    match parse_layer(cx, f) {
                        Some(l) => space.layers.push(l),
                        None => space.incomplete = true,
                    }
                }
            }
            Fields::Unnamed(u) => {
                cx.error_spanned_by(
                    u,
                    "tuple structs are not supported: name each layer, as in \
                     `struct Net { conv1: Conv2D, fc1: Dense }`",
                );
            }
            Fields::Unit => {
                cx.error_spanned_by(
                    &input.ident,
                    format!(
                        "`{}` has no layers; unit structs are not supported: add one named \
                         field per layer, as in `struct {} {{ fc1: Dense }}`",
                        input.ident, input.ident
                    ),
                );
            }
        }
        Some(space)
    }

    fn parse_args(&mut self, cx: &Ctxt, args: TokenStream) {
        let items = match syn::parse::Parser::parse2(parse_items, args) {
            Ok(items) => items,
            Err(e) => {
                cx.push(e);
                return;
            }
        };
        let mut seen: Vec<String> = Vec::new();
        for item in &items {
            let key = item.key();
            if seen.contains(&key) {
                cx.error_spanned_by(&item.key, format!("duplicate key `{key}`; give it once"));
                continue;
            }
            seen.push(key.clone());
            match key.as_str() {
                "input" => self.shape = self.parse_shape(cx, item),
                "input_type" | "default_type" | "name" | "crate" => {
                    let Value::One(Scalar {
                        kind: ScalarKind::Str(text),
                        tokens,
                    }) = &item.value
                    else {
                        cx.error_spanned_by(
                            item.value_tokens(),
                            format!(
                                "`{key}` takes a string, as in `{key} = {}`",
                                match key.as_str() {
                                    "name" => "\"calo\"",
                                    "crate" => "\"hwnas\"",
                                    _ => "\"ap_fixed<16,6>\"",
                                }
                            ),
                        );
                        continue;
                    };
                    let lit = syn::LitStr::new(text, first_span(tokens));
                    match key.as_str() {
                        "name" => {
                            if is_c_identifier(text) {
                                self.name = text.clone();
                            } else {
                                cx.error_spanned_by(
                                    tokens,
                                    "the name must be a C identifier (letters, digits, `_`)",
                                );
                            }
                        }
                        "crate" => match lit.parse::<syn::Path>() {
                            Ok(p) => self.krate = p,
                            Err(_) => {
                                cx.error_spanned_by(tokens, "expected a path such as \"hwnas\"")
                            }
                        },
                        _ => {
                            if !looks_like_fixed_type(text) {
                                cx.error_spanned_by(
                                    tokens,
                                    format!(
                                        "`{text}` is not a fixed-point type; write it as in HLS, \
                                         e.g. \"ap_fixed<16,6>\""
                                    ),
                                );
                            } else if key == "input_type" {
                                self.input_type = Some(lit);
                            } else {
                                self.default_type = Some(lit);
                            }
                        }
                    }
                }
                _ => cx.error_spanned_by(
                    &item.key,
                    format!(
                        "unknown key `{key}` for `#[searchable]`; expected one of: input, \
                         input_type, default_type, name, crate"
                    ),
                ),
            }
        }
        if self.shape.is_none() && !seen.iter().any(|k| k == "input") {
            cx.push(syn::Error::new(
                self.input.ident.span(),
                "missing input shape: write `#[searchable(input = [height, width, channels])]` \
                 (or `[length, channels]`, or `[features]`)",
            ));
        }
    }

    fn parse_shape(&self, cx: &Ctxt, item: &Item) -> Option<Sp<Vec<usize>>> {
        let scalars: Vec<&Scalar> = match &item.value {
            Value::One(s) => vec![s],
            Value::List(v, _) | Value::Tuple(v, _) => v.iter().collect(),
            Value::Flag => {
                cx.error_spanned_by(&item.key, "`input` needs a shape: `input = [14, 7, 4]`");
                return None;
            }
        };
        let tokens = item.value_tokens();
        if scalars.is_empty() || scalars.len() > 3 {
            cx.error_spanned_by(
                &tokens,
                "the input shape is channels-last `[features]`, `[length, channels]` or \
                 `[height, width, channels]`",
            );
            return None;
        }
        let dims: Vec<Option<usize>> = scalars
            .iter()
            .map(|s| positive(cx, s, "an input dimension"))
            .collect();
        let dims: Option<Vec<usize>> = dims.into_iter().collect();
        dims.map(|value| Sp { value, tokens })
    }
}

fn first_span(tokens: &TokenStream) -> Span {
    tokens
        .clone()
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |t| t.span())
}

/// `ap_fixed<...>`, `ap_ufixed<...>`, `ap_int<...>`, `ap_uint<...>` (checked fully at run time).
fn looks_like_fixed_type(s: &str) -> bool {
    let s = s.trim();
    ["ap_fixed<", "ap_ufixed<", "ap_int<", "ap_uint<"]
        .iter()
        .any(|p| s.starts_with(p))
        && s.ends_with('>')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_of_struct_names() {
        assert_eq!(snake_case("CaloNet"), "calo_net");
        assert_eq!(snake_case("MLP"), "mlp");
        assert_eq!(snake_case("JetMLP2"), "jet_mlp2");
        assert_eq!(snake_case("Net2D"), "net2d");
    }

    #[test]
    fn suggestions_for_keras_and_pytorch_names() {
        let name = |n: &str| Kind::suggest(n).map(Kind::name);
        assert_eq!(name("Conv2d"), Some("Conv2D"));
        assert_eq!(name("Linear"), Some("Dense"));
        assert_eq!(name("MaxPooling2D"), Some("MaxPool2D"));
        assert_eq!(name("BatchNormalization"), Some("BatchNorm"));
        assert_eq!(name("logistic"), Some("Sigmoid"));
        assert_eq!(Kind::suggest("Transformer"), None);
    }
}
