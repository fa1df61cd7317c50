//! One field read as one layer: its kind from the type, its parameters from `#[layer(...)]`.

use quote::ToTokens;
use syn::{Ident, Type};

use crate::ast::{Layer, Pad, PoolOp, Sp, Strategy};
use crate::attr::{Item, Scalar, ScalarKind, Value, parse_items};
use crate::ctxt::Ctxt;
use crate::kinds::activation::ActParams;
use crate::kinds::{Kind, Pool, Reshape};
use crate::values::{bits, dims, int, number, options, positive, single, values, word};

/// Canonical spelling of a key (Keras/PyTorch aliases accepted).
pub fn canonical(key: &str) -> &str {
    match key {
        "reuse_factor" => "reuse",
        "kernel_size" => "kernel",
        "strides" => "stride",
        "pool_size" => "pool",
        k => k,
    }
}

impl<'a> Layer<'a> {
    fn new(field: &'a syn::Field, ident: Ident, kind: Kind) -> Self {
        Layer {
            field,
            ident,
            kind,
            ty: &field.ty,
            widths: None,
            kernels: None,
            stride: None,
            padding: None,
            weight_bits: None,
            result_bits: None,
            reuse: None,
            strategy: None,
            ops: None,
            optional: None,
            window: None,
            zeros: None,
            act: ActParams::default(),
            epsilon: None,
        }
    }

    fn set(&mut self, cx: &Ctxt, item: &Item) {
        let key = canonical(&item.key()).to_string();
        let kind = self.kind;
        match key.as_str() {
            "units" | "filters" => {
                let what = if key == "units" { "unit count" } else { "filter count" };
                if let Some(v) = options(cx, item, what, |s| positive(cx, s, &format!("`{key}`"))) {
                    self.widths = Some(Sp {
                        value: values(v),
                        tokens: item.value_tokens(),
                    });
                }
            }
            "kernel" => {
                if let Some(v) = options(cx, item, "kernel size", |s| {
                    positive(cx, s, "`kernel`")
                }) {
                    self.kernels = Some(Sp {
                        value: v,
                        tokens: item.value_tokens(),
                    });
                }
            }
            "weight_bits" | "result_bits" => {
                let v = options(cx, item, "bit-width", |s| bits(cx, s, &format!("`{key}`")))
                    .map(values);
                if key == "weight_bits" {
                    self.weight_bits = v;
                } else {
                    self.result_bits = v;
                }
            }
            "reuse" => {
                self.reuse = options(cx, item, "reuse factor", |s| {
                    positive(cx, s, "`reuse`").and_then(|v| {
                        u32::try_from(v).ok().or_else(|| {
                            cx.error_spanned_by(s, "the reuse factor is too large");
                            None
                        })
                    })
                })
                .map(values);
            }
            "strategy" => {
                let allowed = [("latency", Strategy::Latency), ("resource", Strategy::Resource)];
                self.strategy =
                    options(cx, item, "strategy", |s| word(cx, s, "strategy", &allowed))
                        .map(values);
            }
            "op" => {
                let allowed = [("max", PoolOp::Max), ("avg", PoolOp::Avg), ("average", PoolOp::Avg)];
                self.ops = options(cx, item, "operator", |s| word(cx, s, "op", &allowed)).map(values);
            }
            "optional" => match &item.value {
                Value::Flag => self.optional = Some(item.key.to_token_stream()),
                Value::One(Scalar {
                    kind: ScalarKind::Bool(b),
                    tokens,
                }) => {
                    if *b {
                        self.optional = Some(tokens.clone());
                    }
                }
                _ => cx.error_spanned_by(
                    item.value_tokens(),
                    "`optional` takes no value (or `true` / `false`): the search decides whether the layer is on",
                ),
            },
            "stride" => {
                if let Some(s) = single(cx, item, "it changes the shape of every later layer") {
                    self.stride = positive(cx, s, "`stride`");
                }
            }
            "padding" if matches!(kind, Kind::Kernel(_)) => {
                let Some(s) = single(cx, item, "it changes the shape of every later layer") else {
                    return;
                };
                let pad = match &s.kind {
                    ScalarKind::Word(w) | ScalarKind::Str(w) if w == "same" => Some(Pad::Same),
                    ScalarKind::Word(w) | ScalarKind::Str(w) if w == "valid" => Some(Pad::Valid),
                    ScalarKind::Int(_) => {
                        int(cx, s, "`padding`").map(|n| if n == 0 { Pad::Valid } else { Pad::Zeros(n) })
                    }
                    _ => {
                        cx.error_spanned_by(
                            s,
                            format!(
                                "expected `same`, `valid` or a number of zeros for `padding`, found {}",
                                s.describe()
                            ),
                        );
                        None
                    }
                };
                if let Some(p) = pad {
                    self.padding = Some(Sp {
                        value: p,
                        tokens: s.tokens.clone(),
                    });
                }
            }
            "padding" => {
                let one_d = kind == Kind::Reshape(Reshape::ZeroPadding1D);
                let lens: &[usize] = if one_d { &[2] } else { &[2, 4] };
                if let Some(v) = dims(cx, item, lens, 0, "it changes the shape of every later layer") {
                    self.zeros = Some(match (one_d, v.as_slice()) {
                        (true, [n]) => [0, 0, *n, *n],
                        (true, [l, r]) => [0, 0, *l, *r],
                        (_, [n]) => [*n; 4],
                        (_, [h, w]) => [*h, *h, *w, *w],
                        (_, [t, b, l, r]) => [*t, *b, *l, *r],
                        _ => return,
                    });
                }
            }
            "pool" | "size" => {
                let two = matches!(
                    kind,
                    Kind::Pool(Pool { dims: 2, .. }) | Kind::Reshape(Reshape::UpSampling2D)
                );
                let lens: &[usize] = if two { &[2] } else { &[] };
                if let Some(v) = dims(cx, item, lens, 1, "it changes the shape of every later layer") {
                    self.window = Some(match v.as_slice() {
                        [n] if two => [*n, *n],
                        [n] => [1, *n],
                        [h, w] => [*h, *w],
                        _ => return,
                    });
                }
            }
            "alpha" => {
                self.act.alpha = number(cx, item, "it is a fixed hyper-parameter");
            }
            "table_size" => {
                let why = "the lookup table is fixed";
                if let Some(n) = single(cx, item, why).and_then(|s| positive(cx, s, "`table_size`"))
                {
                    if n.is_power_of_two() && (2..=1 << 20).contains(&n) {
                        self.act.table_size = Some(n);
                    } else {
                        cx.error_spanned_by(
                            item.value_tokens(),
                            format!("`table_size` must be a power of two between 2 and 2^20 (got {n})"),
                        );
                    }
                }
            }
            "epsilon" => {
                if let Some(e) = number(cx, item, "it is a fixed hyper-parameter") {
                    if e > 0.0 {
                        self.epsilon = Some(e);
                    } else {
                        cx.error_spanned_by(item.value_tokens(), "`epsilon` must be positive");
                    }
                }
            }
            _ => unreachable!("keys are filtered by Kind::keys"),
        }
    }
}

/// The value of the `#[layer(...)]` key `key` was already given by `prev`.
fn duplicate(cx: &Ctxt, prev: &Item, item: &Item) {
    let key = canonical(&item.key()).to_string();
    let (a, b) = (
        prev.value_tokens().to_string(),
        item.value_tokens().to_string(),
    );
    if key == "padding" && a != b {
        cx.error_spanned_by(
            item.value_tokens(),
            format!("conflicting padding values `{a}` and `{b}`; give one `padding`"),
        );
    } else {
        cx.error_spanned_by(&item.key, format!("duplicate key `{key}`; give it once"));
    }
}

pub fn parse_layer<'a>(cx: &Ctxt, field: &'a syn::Field) -> Option<Layer<'a>> {
    let ident = field.ident.clone()?;
    // The kind, from the type.
    let last = match &field.ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last(),
        _ => None,
    };
    let Some(seg) = last else {
        cx.error_spanned_by(
            &field.ty,
            "expected a layer type such as `Conv2D`, `Dense` or `ReLU`",
        );
        return None;
    };
    if !seg.arguments.is_none() {
        cx.error_spanned_by(
            &seg.arguments,
            "layer types take no generic arguments; give parameters in `#[layer(...)]`",
        );
        return None;
    }
    let name = seg.ident.to_string();
    let Some(kind) = Kind::from_name(&name) else {
        let all: Vec<&str> = Kind::all().map(|k| k.name()).collect();
        let hint = match Kind::suggest(&name) {
            Some(k) => format!("; did you mean `{}`?", k.name()),
            None => format!("; expected one of {}", all.join(", ")),
        };
        cx.error_spanned_by(&seg.ident, format!("unknown layer type `{name}`{hint}"));
        return None;
    };
    let mut layer = Layer::new(field, ident, kind);

    // Its parameters, from `#[layer(...)]`.
    let mut seen: Vec<Item> = Vec::new();
    let mut layer_attr: Option<&syn::Attribute> = None;
    let mut foreign = false;
    for attr in &field.attrs {
        let path = attr.path();
        if path.is_ident("layer") {
            if layer_attr.is_some() {
                cx.error_spanned_by(
                    attr,
                    "duplicate `#[layer(...)]`; put every parameter of the layer in one",
                );
                continue;
            }
            layer_attr = Some(attr);
            let items = match attr.parse_args_with(parse_items) {
                Ok(items) => items,
                Err(e) => {
                    cx.push(e);
                    continue;
                }
            };
            for item in items {
                let key = canonical(&item.key()).to_string();
                if !kind.keys().contains(&key.as_str()) {
                    let msg = if kind.keys().is_empty() {
                        format!(
                            "unknown key `{}`: `{}` takes no parameters",
                            item.key(),
                            kind.name()
                        )
                    } else {
                        format!(
                            "unknown key `{}` for `{}`; expected one of: {}",
                            item.key(),
                            kind.name(),
                            kind.keys().join(", ")
                        )
                    };
                    cx.error_spanned_by(&item.key, msg);
                    continue;
                }
                if let Some(prev) = seen.iter().find(|p| canonical(&p.key()) == key) {
                    duplicate(cx, prev, &item);
                    continue;
                }
                layer.set(cx, &item);
                seen.push(item);
            }
        } else if !is_passthrough(path) {
            foreign = true;
            let name = path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect::<Vec<_>>()
                .join("::");
            cx.error_spanned_by(
                path,
                format!(
                    "unknown attribute `#[{name}]` on a layer: the kind is the field's type \
                     (`{}: {}`) and its parameters go in `#[layer(...)]`",
                    layer.ident,
                    kind.name()
                ),
            );
        }
    }
    // Required parameters (not reported when they were probably given in an unknown attribute).
    let need = |present: bool, key: &str, example: &str| {
        if !present && !foreign {
            cx.error_spanned_by(
                &field.ty,
                format!(
                    "`{}` needs `{key}`: add `#[layer({key} = {example})]`",
                    kind.name()
                ),
            );
        }
    };
    for (key, example) in kind.required() {
        need(had(&seen, key), key, example);
    }
    Some(layer)
}

fn had(seen: &[Item], key: &str) -> bool {
    seen.iter().any(|i| canonical(&i.key()) == key)
}

/// Attributes left on the field as they are (documentation, lints, serde).
fn is_passthrough(path: &syn::Path) -> bool {
    [
        "doc", "allow", "warn", "deny", "expect", "serde", "cfg_attr",
    ]
    .iter()
    .any(|n| path.is_ident(n))
}
