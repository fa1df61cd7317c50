//! Code generation: the rewritten struct and `impl SearchSpace` (builder calls and field
//! conversions only; every behaviour is a default method of the trait).

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::ast::{Layer, Space};

impl Layer<'_> {
    /// The type of the field in the generated struct.
    fn typed(&self, krate: &syn::Path) -> TokenStream {
        let t = format_ident!("{}", self.kind.typed());
        quote!(#krate::space::layers::#t)
    }
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
    let layer_calls = space.layers.iter().flat_map(|l| l.kind.builder(l, krate));

    // from_arch, to_arch, baseline
    let mut read = Vec::new();
    let mut write = Vec::new();
    let mut base = Vec::new();
    for l in &space.layers {
        let fname = &l.ident;
        let ty = l.typed(krate);
        let slots = l.kind.slots(l, krate);
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
