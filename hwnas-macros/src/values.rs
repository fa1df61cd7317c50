//! Value readers: each checks one value of `#[layer(...)]` and reports at its tokens.

use crate::ast::Sp;
use crate::attr::{Item, Scalar, ScalarKind, Value};
use crate::ctxt::Ctxt;

/// A non-negative integer (`what` names it in messages).
pub fn int(cx: &Ctxt, s: &Scalar, what: &str) -> Option<usize> {
    match s.kind {
        ScalarKind::Int(v) if v < 0 => {
            cx.error_spanned_by(s, format!("{what} cannot be negative (got {v})"));
            None
        }
        ScalarKind::Int(v) => match usize::try_from(v) {
            Ok(v) => Some(v),
            Err(_) => {
                cx.error_spanned_by(s, format!("{what} {v} is too large"));
                None
            }
        },
        _ => {
            cx.error_spanned_by(
                s,
                format!("expected an integer for {what}, found {}", s.describe()),
            );
            None
        }
    }
}

/// An integer >= 1.
pub fn positive(cx: &Ctxt, s: &Scalar, what: &str) -> Option<usize> {
    let v = int(cx, s, what)?;
    if v == 0 {
        cx.error_spanned_by(s, format!("{what} must be at least 1"));
        return None;
    }
    Some(v)
}

/// A bit-width in 1..=32.
pub fn bits(cx: &Ctxt, s: &Scalar, what: &str) -> Option<u32> {
    let v = int(cx, s, what)?;
    if !(1..=32).contains(&v) {
        cx.error_spanned_by(s, format!("{what} must be between 1 and 32 bits (got {v})"));
        return None;
    }
    Some(v as u32)
}

/// A list of options (or one value): not empty, no duplicates, each read by `read`.
pub fn options<T: PartialEq + Clone>(
    cx: &Ctxt,
    item: &Item,
    what: &str,
    read: impl Fn(&Scalar) -> Option<T>,
) -> Option<Vec<Sp<T>>> {
    let scalars: Vec<&Scalar> = match &item.value {
        Value::One(s) => vec![s],
        Value::List(items, tokens) => {
            if items.is_empty() {
                cx.error_spanned_by(
                    tokens,
                    format!(
                        "the option list of `{}` is empty; give at least one {what}",
                        item.key()
                    ),
                );
                return None;
            }
            items.iter().collect()
        }
        Value::Tuple(_, tokens) => {
            cx.error_spanned_by(
                tokens,
                format!(
                    "`{}` takes one {what} or a list of options `[a, b]`, not a tuple",
                    item.key()
                ),
            );
            return None;
        }
        Value::Flag => {
            cx.error_spanned_by(
                &item.key,
                format!("`{}` needs a value: `{} = ...`", item.key(), item.key()),
            );
            return None;
        }
    };
    let mut out: Vec<Sp<T>> = Vec::new();
    let mut ok = true;
    for s in scalars {
        let Some(v) = read(s) else {
            ok = false;
            continue;
        };
        if out.iter().any(|o| o.value == v) {
            cx.error_spanned_by(
                s,
                format!(
                    "duplicate option {} in `{}`; list each option once",
                    s.tokens,
                    item.key()
                ),
            );
            ok = false;
            continue;
        }
        out.push(Sp {
            value: v,
            tokens: s.tokens.clone(),
        });
    }
    ok.then_some(out)
}

pub fn values<T>(v: Vec<Sp<T>>) -> Vec<T> {
    v.into_iter().map(|s| s.value).collect()
}

/// One scalar: lists are refused with `why` (the parameter cannot be searched).
pub fn single<'i>(cx: &Ctxt, item: &'i Item, why: &str) -> Option<&'i Scalar> {
    match &item.value {
        Value::One(s) => Some(s),
        Value::List(_, tokens) => {
            cx.error_spanned_by(
                tokens,
                format!(
                    "`{}` cannot be searched ({why}); give one value, not a list of options",
                    item.key()
                ),
            );
            None
        }
        Value::Tuple(_, tokens) => {
            cx.error_spanned_by(
                tokens,
                format!("`{}` takes one value, not a tuple", item.key()),
            );
            None
        }
        Value::Flag => {
            cx.error_spanned_by(
                &item.key,
                format!("`{}` needs a value: `{} = ...`", item.key(), item.key()),
            );
            None
        }
    }
}

/// `n` or a tuple of `lens` components (each >= `min`); lists are refused (not searchable).
pub fn dims(cx: &Ctxt, item: &Item, lens: &[usize], min: usize, why: &str) -> Option<Vec<usize>> {
    let read = |s: &Scalar| {
        if min == 0 {
            int(cx, s, &format!("`{}`", item.key()))
        } else {
            positive(cx, s, &format!("`{}`", item.key()))
        }
    };
    match &item.value {
        Value::Tuple(_, tokens) if lens.is_empty() => {
            cx.error_spanned_by(
                tokens,
                format!(
                    "`{}` takes one number here (the layer is 1-D), not a tuple",
                    item.key()
                ),
            );
            None
        }
        Value::Tuple(items, tokens) => {
            if !lens.contains(&items.len()) {
                let want: Vec<String> = lens.iter().map(|n| n.to_string()).collect();
                cx.error_spanned_by(
                    tokens,
                    format!(
                        "`{}` takes one number or a tuple of {} numbers, got {}",
                        item.key(),
                        want.join(" or "),
                        items.len()
                    ),
                );
                return None;
            }
            let v: Vec<Option<usize>> = items.iter().map(read).collect();
            v.into_iter().collect()
        }
        _ => {
            let s = single(cx, item, why)?;
            read(s).map(|v| vec![v])
        }
    }
}

/// A number (integer or float).
pub fn number(cx: &Ctxt, item: &Item, why: &str) -> Option<f64> {
    let s = single(cx, item, why)?;
    match s.kind {
        ScalarKind::Int(v) => Some(v as f64),
        ScalarKind::Float(v) => Some(v),
        _ => {
            cx.error_spanned_by(
                s,
                format!(
                    "expected a number for `{}`, found {}",
                    item.key(),
                    s.describe()
                ),
            );
            None
        }
    }
}

/// A word from `allowed` (case-insensitive).
pub fn word<T: Copy>(cx: &Ctxt, s: &Scalar, key: &str, allowed: &[(&str, T)]) -> Option<T> {
    let text = match &s.kind {
        ScalarKind::Word(w) | ScalarKind::Str(w) => w.to_ascii_lowercase(),
        _ => String::new(),
    };
    if let Some((_, v)) = allowed.iter().find(|(n, _)| *n == text) {
        return Some(*v);
    }
    let names: Vec<String> = allowed.iter().map(|(n, _)| format!("`{n}`")).collect();
    cx.error_spanned_by(
        s,
        format!(
            "expected {} for `{key}`, found {}",
            names.join(" or "),
            s.describe()
        ),
    );
    None
}
