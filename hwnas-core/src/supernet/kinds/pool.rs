//! Pooling in the supernet: max or average over each window, the operator decision as a
//! weighted sum of both.

use crate::backend::TrainBackend;
use burn::tensor::Tensor;

use crate::space::{DecisionKind, PoolKind};
use crate::supernet::net::{Act, Pass, Supernet, bcast4};

pub(super) fn forward<B: TrainBackend>(
    net: &Supernet<B>,
    li: usize,
    act: Act<B>,
    pass: &mut Pass<'_, B>,
) -> Act<B> {
    let l = &net.spec.layers[li];
    let probs = pass.probs;
    let Act::Map(x) = act else {
        unreachable!("validated: pooling needs a map")
    };
    let pool = |kind: PoolKind, x: Tensor<B, 4>| B::pool2d(x, l.pool, kind);
    match net.dec(li, DecisionKind::Operator) {
        None => Act::Map(pool(l.pool_ops[0], x)),
        Some(d) => match probs[d].hot {
            Some(i) => Act::Map(pool(l.pool_ops[i], x)),
            None => {
                let mut acc: Option<Tensor<B, 4>> = None;
                for (i, &k) in l.pool_ops.iter().enumerate() {
                    let p = bcast4(probs[d].t.clone().slice(i..i + 1));
                    let y = pool(k, x.clone()) * p;
                    acc = Some(match acc {
                        Some(a) => a + y,
                        None => y,
                    });
                }
                Act::Map(acc.expect("at least one operator"))
            }
        },
    }
}
