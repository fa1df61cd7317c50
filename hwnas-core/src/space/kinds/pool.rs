//! Pool1D and Pool2D: max or average pooling (the operator possibly a decision), stride equal
//! to the window.

use super::{At, KindRules, LowerStep, Lowered, Slot};
use crate::Result;
use crate::ir::{Op, Padding, Pool1D, Pool2D};
use crate::space::decision::{Choice, DecisionKind};
use crate::space::layer::{LayerKind, LayerSpec, PoolKind};

pub(super) struct Pool;

impl LayerSpec {
    /// 2-D max pooling (stride = window).
    pub fn max_pool2d(name: &str, pool: [usize; 2]) -> Self {
        Self::pool2d(name, pool, &[PoolKind::Max])
    }

    /// 2-D pooling whose operator (max or average) is a decision.
    pub fn max_or_avg_pool2d(name: &str, pool: [usize; 2]) -> Self {
        Self::pool2d(name, pool, &[PoolKind::Max, PoolKind::Avg])
    }

    /// 2-D pooling with these operator options.
    pub fn pool2d(name: &str, pool: [usize; 2], ops: &[PoolKind]) -> Self {
        LayerSpec {
            pool,
            pool_ops: ops.to_vec(),
            ..Self::new(name, LayerKind::Pool2D)
        }
    }

    /// 1-D pooling with these operator options.
    pub fn pool1d(name: &str, pool: usize, ops: &[PoolKind]) -> Self {
        LayerSpec {
            pool: [1, pool],
            pool_ops: ops.to_vec(),
            ..Self::new(name, LayerKind::Pool1D)
        }
    }
}

/// The fixed layer of a pooling op (stride equal to the window, no padding).
pub(super) fn from_op(n: &str, op: &Op) -> std::result::Result<LayerSpec, String> {
    let fits = |stride_is_window: bool, padding: Padding| {
        if stride_is_window && padding == Padding::Valid {
            Ok(())
        } else {
            Err("pool stride or padding".to_string())
        }
    };
    let kind = match op {
        Op::AvgPool1D(_) | Op::AvgPool2D(_) => PoolKind::Avg,
        _ => PoolKind::Max,
    };
    match op {
        Op::MaxPool2D(p) | Op::AvgPool2D(p) => {
            fits(p.stride.is_none_or(|s| s == p.pool), p.padding)?;
            Ok(LayerSpec::pool2d(n, p.pool, &[kind]))
        }
        Op::MaxPool1D(p) | Op::AvgPool1D(p) => {
            fits(p.stride.is_none_or(|s| s == p.pool), p.padding)?;
            Ok(LayerSpec::pool1d(n, p.pool, &[kind]))
        }
        other => unreachable!("kinds::from_op sends {} elsewhere", other.kind()),
    }
}

impl KindRules for Pool {
    fn op(&self, l: &LayerSpec, at: At) -> Op {
        if l.kind == LayerKind::Pool1D {
            let p = Pool1D {
                pool: l.pool[1],
                stride: None,
                padding: Padding::Valid,
            };
            match at.pool {
                PoolKind::Max => Op::MaxPool1D(p),
                PoolKind::Avg => Op::AvgPool1D(p),
            }
        } else {
            let p = Pool2D {
                pool: l.pool,
                stride: None,
                padding: Padding::Valid,
            };
            match at.pool {
                PoolKind::Max => Op::MaxPool2D(p),
                PoolKind::Avg => Op::AvgPool2D(p),
            }
        }
    }

    fn slots(&self, l: &LayerSpec) -> Vec<Slot> {
        vec![(
            DecisionKind::Operator,
            l.pool_ops.iter().map(|&p| Choice::Pool(p)).collect(),
        )]
    }

    /// Average pooling keeps its input's type (hls4ml's default result type would widen it).
    fn lower(&self, _l: &LayerSpec, step: &LowerStep<'_>) -> Result<Lowered> {
        Ok(match step.at().pool {
            PoolKind::Avg => Lowered::result_as_input(step.current),
            PoolKind::Max => Lowered::keep(step.current),
        })
    }
}
