//! Pool1D and Pool2D (operator options from `op`) and the fixed-operator spellings MaxPool1D,
//! AvgPool1D, MaxPool2D and AvgPool2D.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::Slot;
use crate::ast::{Layer, PoolOp};

/// A pooling layer: its dimensions and, for the `Max`/`Avg` spellings, its fixed operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pool {
    /// 1 or 2.
    pub dims: usize,
    /// The operator fixed by the type's name (`None`: from `op`, default max).
    pub op: Option<PoolOp>,
}

impl Pool {
    pub const ALL: [Pool; 6] = [
        Pool { dims: 1, op: None },
        Pool { dims: 2, op: None },
        Pool {
            dims: 1,
            op: Some(PoolOp::Max),
        },
        Pool {
            dims: 1,
            op: Some(PoolOp::Avg),
        },
        Pool {
            dims: 2,
            op: Some(PoolOp::Max),
        },
        Pool {
            dims: 2,
            op: Some(PoolOp::Avg),
        },
    ];

    /// The spelling in a field's type.
    pub fn name(self) -> &'static str {
        match (self.dims, self.op) {
            (1, None) => "Pool1D",
            (1, Some(PoolOp::Max)) => "MaxPool1D",
            (1, Some(PoolOp::Avg)) => "AvgPool1D",
            (_, None) => "Pool2D",
            (_, Some(PoolOp::Max)) => "MaxPool2D",
            (_, Some(PoolOp::Avg)) => "AvgPool2D",
        }
    }

    /// The type of the field in the generated struct.
    pub fn typed(self) -> &'static str {
        if self.dims == 1 { "Pool1D" } else { "Pool2D" }
    }

    /// The keys its `#[layer(...)]` accepts.
    pub fn keys(self) -> &'static [&'static str] {
        match self.op {
            None => &["pool", "op"],
            Some(_) => &["pool"],
        }
    }

    /// The kind a Keras/PyTorch spelling (lower case, no underscores) means.
    pub fn alias(name: &str) -> Option<Pool> {
        let (dims, op) = match name {
            "maxpooling1d" => (1, PoolOp::Max),
            "averagepooling1d" | "avgpooling1d" => (1, PoolOp::Avg),
            "maxpooling2d" => (2, PoolOp::Max),
            "averagepooling2d" | "avgpooling2d" => (2, PoolOp::Avg),
            _ => return None,
        };
        Some(Pool { dims, op: Some(op) })
    }

    /// The operator options.
    fn ops(self, l: &Layer) -> Vec<PoolOp> {
        match self.op {
            Some(op) => vec![op],
            None => l.ops.clone().unwrap_or_else(|| vec![PoolOp::Max]),
        }
    }

    /// The one slot of the typed struct: the operator.
    pub fn slots(self, l: &Layer, krate: &syn::Path) -> Vec<Slot> {
        let ops = self.ops(l);
        let first = pool_op(krate, ops[0]);
        vec![Slot {
            suffix: "op",
            field: format_ident!("op"),
            count: ops.len(),
            fixed: first.clone(),
            baseline: first,
        }]
    }

    /// The layer's `LayerSpec` expression (window 2 by default).
    pub fn builder(self, l: &Layer, krate: &syn::Path) -> TokenStream {
        let ls = quote!(#krate::space::LayerSpec);
        let name = l.ident.to_string();
        let ops = self.ops(l).into_iter().map(|o| pool_op(krate, o));
        let ops = quote!(&[#(#ops),*]);
        if self.dims == 1 {
            let p = l.window.map_or(2, |w| w[1]);
            quote!(#ls::pool1d(#name, #p, #ops))
        } else {
            let [h, w] = l.window.unwrap_or([2, 2]);
            quote!(#ls::pool2d(#name, [#h, #w], #ops))
        }
    }
}

/// The runtime's pooling operator `p`.
fn pool_op(krate: &syn::Path, p: PoolOp) -> TokenStream {
    match p {
        PoolOp::Max => quote!(#krate::space::PoolKind::Max),
        PoolOp::Avg => quote!(#krate::space::PoolKind::Avg),
    }
}
