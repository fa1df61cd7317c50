//! Code generation: the rewritten struct and `impl SearchSpace` (builder calls and field
//! conversions only; every behaviour is a default method of the trait).

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::ast::{Kind, Layer, Pad, PoolOp, Space, Strategy};

/// One slot of a kernel layer, in the runtime's decision order.
struct Slot {
    /// Decision suffix (`width`, `kernel`, ...).
    suffix: &'static str,
    /// Field of the typed struct.
    field: Ident,
    /// Number of options.
    count: usize,
    /// The value of a fixed slot (one option), as an expression.
    fixed: TokenStream,
    /// The baseline value.
    baseline: TokenStream,
}

fn some_u32(v: Option<u32>) -> TokenStream {
    match v {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    }
}

fn strategy(krate: &syn::Path, s: Strategy) -> TokenStream {
    match s {
        Strategy::Latency => quote!(#krate::space::__private::Strategy::Latency),
        Strategy::Resource => quote!(#krate::space::__private::Strategy::Resource),
    }
}

fn pool_op(krate: &syn::Path, p: PoolOp) -> TokenStream {
    match p {
        PoolOp::Max => quote!(#krate::space::PoolKind::Max),
        PoolOp::Avg => quote!(#krate::space::PoolKind::Avg),
    }
}

impl Layer<'_> {
    fn widths(&self) -> Vec<usize> {
        self.widths
            .as_ref()
            .map(|w| w.value.clone())
            .unwrap_or_default()
    }

    fn kernels(&self) -> Vec<usize> {
        self.kernels
            .as_ref()
            .map(|k| k.value.iter().map(|k| k.value).collect())
            .unwrap_or_default()
    }

    fn reuse(&self) -> Vec<u32> {
        self.reuse.clone().unwrap_or_else(|| vec![1])
    }

    fn strategies(&self) -> Vec<Strategy> {
        self.strategy
            .clone()
            .unwrap_or_else(|| vec![Strategy::Latency])
    }

    fn ops(&self) -> Vec<PoolOp> {
        match self.kind {
            Kind::MaxPool1D | Kind::MaxPool2D => vec![PoolOp::Max],
            Kind::AvgPool1D | Kind::AvgPool2D => vec![PoolOp::Avg],
            _ => self.ops.clone().unwrap_or_else(|| vec![PoolOp::Max]),
        }
    }

    /// The slots of the typed struct, in decision order (`SpaceSpec` order: width, kernel,
    /// weight bits, result bits, operator, on/off, reuse factor, strategy).
    fn slots(&self, krate: &syn::Path) -> Vec<Slot> {
        let mut out = Vec::new();
        let has_kernel = matches!(self.kind, Kind::Dense | Kind::Conv1D | Kind::Conv2D);
        if has_kernel {
            let w = self.widths();
            out.push(Slot {
                suffix: "width",
                field: format_ident!(
                    "{}",
                    if self.kind == Kind::Dense {
                        "units"
                    } else {
                        "filters"
                    }
                ),
                count: w.len(),
                fixed: first(&w),
                baseline: max(&w),
            });
            if self.kind != Kind::Dense {
                let k = self.kernels();
                out.push(Slot {
                    suffix: "kernel",
                    field: format_ident!("kernel"),
                    count: k.len(),
                    fixed: first(&k),
                    baseline: max(&k),
                });
            }
            for (suffix, bits) in [
                ("weight_bits", &self.weight_bits),
                ("result_bits", &self.result_bits),
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
        }
        if matches!(
            self.kind,
            Kind::Pool1D
                | Kind::Pool2D
                | Kind::MaxPool1D
                | Kind::AvgPool1D
                | Kind::MaxPool2D
                | Kind::AvgPool2D
        ) {
            let ops = self.ops();
            let first = pool_op(krate, ops[0]);
            out.push(Slot {
                suffix: "op",
                field: format_ident!("op"),
                count: ops.len(),
                fixed: first.clone(),
                baseline: first,
            });
        }
        if has_kernel {
            out.push(Slot {
                suffix: "on",
                field: format_ident!("enabled"),
                count: if self.optional.is_some() { 2 } else { 1 },
                fixed: quote!(true),
                baseline: quote!(true),
            });
            let r = self.reuse();
            let min = r.iter().copied().min().unwrap_or(1);
            out.push(Slot {
                suffix: "reuse_factor",
                field: format_ident!("reuse_factor"),
                count: r.len(),
                fixed: {
                    let v = r[0];
                    quote!(#v)
                },
                baseline: quote!(#min),
            });
            let s = self.strategies();
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
        }
        out
    }

    fn typed(&self, krate: &syn::Path) -> TokenStream {
        let t = format_ident!("{}", self.kind.typed());
        quote!(#krate::space::layers::#t)
    }

    /// `LayerSpec` builder calls: the layer itself, preceded by a zero-padding layer for
    /// `padding = n`.
    fn builder(&self, krate: &syn::Path) -> Vec<TokenStream> {
        let ls = quote!(#krate::space::LayerSpec);
        let name = self.ident.to_string();
        let pool_ops = |ops: Vec<PoolOp>| {
            let ops = ops.into_iter().map(|o| pool_op(krate, o));
            quote!(&[#(#ops),*])
        };
        let mut out = Vec::new();
        let mut layer = match self.kind {
            Kind::Dense => {
                let w = self.widths();
                quote!(#ls::dense(#name, &[#(#w),*]))
            }
            Kind::Conv1D | Kind::Conv2D => {
                let (w, k) = (self.widths(), self.kernels());
                let pad = self.padding.as_ref().map(|p| p.value);
                if let Some(Pad::Zeros(n)) = pad {
                    let pname = format!("{name}_pad");
                    out.push(if self.kind == Kind::Conv1D {
                        quote!(#ls::zero_padding1d(#pname, [#n, #n]))
                    } else {
                        quote!(#ls::zero_padding2d(#pname, [#n, #n, #n, #n]))
                    });
                }
                let ctor = if self.kind == Kind::Conv1D {
                    quote!(conv1d)
                } else {
                    quote!(conv2d)
                };
                let mut c = quote!(#ls::#ctor(#name, &[#(#w),*], &[#(#k),*]));
                if matches!(pad, Some(Pad::Valid | Pad::Zeros(_))) {
                    c = quote!(#c.padding(#krate::space::__private::Padding::Valid));
                }
                if let Some(s) = self.stride {
                    c = quote!(#c.stride(#s));
                }
                c
            }
            Kind::Pool1D | Kind::MaxPool1D | Kind::AvgPool1D => {
                let p = self.window.map_or(2, |w| w[1]);
                let ops = pool_ops(self.ops());
                quote!(#ls::pool1d(#name, #p, #ops))
            }
            Kind::Pool2D | Kind::MaxPool2D | Kind::AvgPool2D => {
                let [h, w] = self.window.unwrap_or([2, 2]);
                let ops = pool_ops(self.ops());
                quote!(#ls::pool2d(#name, [#h, #w], #ops))
            }
            Kind::BatchNorm => match self.epsilon {
                Some(e) => quote!(#ls { epsilon: #e, ..#ls::batch_norm(#name) }),
                None => quote!(#ls::batch_norm(#name)),
            },
            Kind::Activation(a) => a.expand(&quote!(#krate::space::__private), &name, self.act),
            Kind::Flatten => quote!(#ls::flatten(#name)),
            Kind::UpSampling1D => {
                let s = self.window.map_or(2, |w| w[1]);
                quote!(#ls::upsampling1d(#name, #s))
            }
            Kind::UpSampling2D => {
                let [h, w] = self.window.unwrap_or([2, 2]);
                quote!(#ls::upsampling2d(#name, [#h, #w]))
            }
            Kind::ZeroPadding1D => {
                let [_, _, l, r] = self.zeros.unwrap_or([0, 0, 1, 1]);
                quote!(#ls::zero_padding1d(#name, [#l, #r]))
            }
            Kind::ZeroPadding2D => {
                let [t, b, l, r] = self.zeros.unwrap_or([1; 4]);
                quote!(#ls::zero_padding2d(#name, [#t, #b, #l, #r]))
            }
        };
        if let Some(b) = &self.weight_bits {
            layer = quote!(#layer.weight_bits(&[#(#b),*]));
        }
        if let Some(b) = &self.result_bits {
            layer = quote!(#layer.result_bits(&[#(#b),*]));
        }
        if let Some(r) = &self.reuse {
            layer = quote!(#layer.reuse_factors(&[#(#r),*]));
        }
        if let Some(s) = &self.strategy {
            let s = s.iter().map(|&s| strategy(krate, s));
            layer = quote!(#layer.strategies(&[#(#s),*]));
        }
        if self.optional.is_some() {
            layer = quote!(#layer.optional());
        }
        out.push(layer);
        out
    }
}

fn first<T: quote::ToTokens>(v: &[T]) -> TokenStream {
    let f = &v[0];
    quote!(#f)
}

fn max<T: quote::ToTokens + Ord>(v: &[T]) -> TokenStream {
    let m = v.iter().max().expect("options are never empty here");
    quote!(#m)
}

/// The generated items.
pub fn expand(space: &Space) -> TokenStream {
    let krate = &space.krate;
    let input = space.input;
    let ident = &input.ident;
    let vis = &input.vis;
    let attrs = &input.attrs;

    // The struct, with typed fields and the helper attributes removed.
    let fields = space.layers.iter().map(|l| {
        let f = l.field;
        let fattrs = f.attrs.iter().filter(|a| !a.path().is_ident("layer"));
        let fvis = &f.vis;
        let name = &l.ident;
        let ty = l.typed(krate);
        quote!(#(#fattrs)* #fvis #name: #ty)
    });
    let struct_def = quote! {
        #(#attrs)*
        #vis struct #ident {
            #(#fields,)*
        }
    };

    // space()
    let name = &space.name;
    let shape = space
        .shape
        .as_ref()
        .map(|s| s.value.clone())
        .unwrap_or_default();
    let mut setup = Vec::new();
    if let Some(t) = &space.input_type {
        setup.push(quote!(let __b = __b.input_type(#krate::space::__private::fixed_type(#t)?);));
    }
    if let Some(t) = &space.default_type {
        setup.push(quote!(let __b = __b.default_type(#krate::space::__private::fixed_type(#t)?);));
    }
    let layer_calls = space.layers.iter().flat_map(|l| l.builder(krate));

    // from_arch, to_arch, baseline
    let mut read = Vec::new();
    let mut write = Vec::new();
    let mut base = Vec::new();
    for l in &space.layers {
        let fname = &l.ident;
        let ty = l.typed(krate);
        let slots = l.slots(krate);
        if slots.is_empty() {
            read.push(quote!(#fname: #ty));
            base.push(quote!(#fname: #ty));
            continue;
        }
        let mut r = Vec::new();
        let mut b = Vec::new();
        for s in &slots {
            let field = &s.field;
            let decision = format!("{}.{}", l.ident, s.suffix);
            if s.count > 1 {
                r.push(quote!(#field: __r.get(#decision)?));
                write.push(quote!((#decision, #krate::space::__private::IntoChoice::choice(&self.#fname.#field))));
            } else {
                let v = &s.fixed;
                r.push(quote!(#field: #v));
            }
            let v = &s.baseline;
            b.push(quote!(#field: #v));
        }
        read.push(quote!(#fname: #ty { #(#r),* }));
        base.push(quote!(#fname: #ty { #(#b),* }));
    }

    let all_fields: Vec<&Ident> = space.layers.iter().map(|l| &l.ident).collect();
    let result = quote!(::core::result::Result);
    let error = quote!(#krate::space::__private::Error);
    quote! {
        #struct_def

        #[automatically_derived]
        impl #krate::space::SearchSpace for #ident {
            fn space() -> #result<#krate::space::SpaceSpec, #error> {
                let __b = #krate::space::SpaceSpec::builder(#name, ::std::vec![#(#shape),*]);
                #(#setup)*
                __b #(.layer(#layer_calls))* .build()
            }

            fn from_arch(arch: &#krate::space::Arch) -> #result<Self, #error> {
                let __space = <Self as #krate::space::SearchSpace>::space()?;
                let __r = #krate::space::__private::Reader::new(&__space, arch)?;
                let _ = &__r;
                #result::Ok(Self { #(#read),* })
            }

            fn to_arch(&self) -> #krate::space::Arch {
                let _ = (#(&self.#all_fields,)*);
                #krate::space::__private::arch(::std::vec![#(#write),*])
            }

            fn baseline() -> Self {
                Self { #(#base),* }
            }
        }
    }
}
