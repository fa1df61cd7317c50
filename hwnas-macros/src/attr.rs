//! The grammar of the macro's arguments: `key = value` items separated by commas, where a value
//! is a scalar, a list of options `[a, b]` or a tuple `(a, b)`; a bare `key` is a flag.
//!
//! ```text
//! item   := key [ '=' value ]
//! value  := scalar | '[' scalar, ... ']' | '(' scalar, ... ')'
//! scalar := ['-'] integer | ['-'] float | word | "string" | true | false
//! ```
//!
//! Every node keeps its tokens so that later stages point errors at them.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Ident, Lit, Token, bracketed, parenthesized};

/// What a scalar is.
#[derive(Debug, Clone, PartialEq)]
pub enum ScalarKind {
    /// An integer literal, possibly negative.
    Int(i128),
    /// A float literal, possibly negative.
    Float(f64),
    /// A bare word (`same`, `max`, `latency`).
    Word(String),
    /// A string literal.
    Str(String),
    /// `true` or `false`.
    Bool(bool),
}

/// One scalar with its tokens.
#[derive(Clone)]
pub struct Scalar {
    pub kind: ScalarKind,
    pub tokens: TokenStream,
}

impl Scalar {
    /// How the scalar is described in messages (`an integer`, `the word `same``).
    pub fn describe(&self) -> String {
        match &self.kind {
            ScalarKind::Int(v) => format!("the integer {v}"),
            ScalarKind::Float(v) => format!("the number {v}"),
            ScalarKind::Word(w) => format!("`{w}`"),
            ScalarKind::Str(s) => format!("the string {s:?}"),
            ScalarKind::Bool(b) => format!("`{b}`"),
        }
    }
}

impl ToTokens for Scalar {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.extend(self.tokens.clone());
    }
}

impl Parse for Scalar {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut tokens = TokenStream::new();
        if input.peek(Token![-]) {
            let minus: Token![-] = input.parse()?;
            minus.to_tokens(&mut tokens);
            let lit: Lit = input
                .parse()
                .map_err(|e| syn::Error::new(e.span(), "expected a number after `-`"))?;
            lit.to_tokens(&mut tokens);
            let kind = match &lit {
                Lit::Int(i) => ScalarKind::Int(-i.base10_parse::<i128>()?),
                Lit::Float(f) => ScalarKind::Float(-f.base10_parse::<f64>()?),
                _ => return Err(syn::Error::new_spanned(lit, "expected a number after `-`")),
            };
            return Ok(Scalar { kind, tokens });
        }
        if input.peek(Lit) {
            let lit: Lit = input.parse()?;
            lit.to_tokens(&mut tokens);
            let kind = match &lit {
                Lit::Int(i) => ScalarKind::Int(i.base10_parse::<i128>()?),
                Lit::Float(f) => ScalarKind::Float(f.base10_parse::<f64>()?),
                Lit::Str(s) => ScalarKind::Str(s.value()),
                Lit::Bool(b) => ScalarKind::Bool(b.value),
                _ => {
                    return Err(syn::Error::new_spanned(
                        lit,
                        "expected a number, a word such as `same`, or a string",
                    ));
                }
            };
            return Ok(Scalar { kind, tokens });
        }
        if input.peek(Ident::peek_any) {
            let w = Ident::parse_any(input)?;
            w.to_tokens(&mut tokens);
            return Ok(Scalar {
                kind: ScalarKind::Word(w.to_string()),
                tokens,
            });
        }
        Err(input.error("expected a number, a word such as `same`, or a string"))
    }
}

/// A value: one scalar, a list of options, or a tuple.
#[derive(Clone)]
pub enum Value {
    /// `key` alone.
    Flag,
    /// `key = scalar`.
    One(Scalar),
    /// `key = [a, b, ...]`: options.
    List(Vec<Scalar>, TokenStream),
    /// `key = (a, b, ...)`: one value with several components.
    Tuple(Vec<Scalar>, TokenStream),
}

/// `key [= value]`.
#[derive(Clone)]
pub struct Item {
    pub key: Ident,
    pub value: Value,
}

impl Item {
    /// The key as written.
    pub fn key(&self) -> String {
        self.key.unraw().to_string()
    }

    /// The tokens of the value (the key for a flag).
    pub fn value_tokens(&self) -> TokenStream {
        match &self.value {
            Value::Flag => self.key.to_token_stream(),
            Value::One(s) => s.tokens.clone(),
            Value::List(_, t) | Value::Tuple(_, t) => t.clone(),
        }
    }
}

fn scalars(input: ParseStream) -> syn::Result<Vec<Scalar>> {
    Ok(Punctuated::<Scalar, Token![,]>::parse_terminated(input)?
        .into_iter()
        .collect())
}

impl Parse for Item {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let key = Ident::parse_any(input)?;
        let value = if input.peek(Token![=]) {
            let _: Token![=] = input.parse()?;
            if input.peek(syn::token::Bracket) {
                let content;
                let b = bracketed!(content in input);
                let items = scalars(&content)?;
                let mut t = TokenStream::new();
                b.surround(&mut t, |t| {
                    for (i, s) in items.iter().enumerate() {
                        if i > 0 {
                            <Token![,]>::default().to_tokens(t);
                        }
                        s.to_tokens(t);
                    }
                });
                Value::List(items, t)
            } else if input.peek(syn::token::Paren) {
                let content;
                let p = parenthesized!(content in input);
                let items = scalars(&content)?;
                let mut t = TokenStream::new();
                p.surround(&mut t, |t| {
                    for (i, s) in items.iter().enumerate() {
                        if i > 0 {
                            <Token![,]>::default().to_tokens(t);
                        }
                        s.to_tokens(t);
                    }
                });
                Value::Tuple(items, t)
            } else {
                Value::One(input.parse()?)
            }
        } else {
            Value::Flag
        };
        Ok(Item { key, value })
    }
}

/// The items of one argument list (`#[layer(...)]`, `#[searchable(...)]`).
pub fn parse_items(input: ParseStream) -> syn::Result<Vec<Item>> {
    Ok(Punctuated::<Item, Token![,]>::parse_terminated(input)?
        .into_iter()
        .collect())
}
