//! Flatten, UpSampling and ZeroPadding in the supernet: data movement only.

use crate::backend::TrainBackend;
use burn::tensor::ops::PadMode;

use super::Channels;
use crate::space::{LayerKind, LayerSpec};
use crate::supernet::net::{Act, Pass, Supernet, flatten_hwc, upsample};

pub(super) fn forward<B: TrainBackend>(
    l: &LayerSpec,
    act: Act<B>,
    pass: &mut Pass<'_, B>,
) -> Act<B> {
    match l.kind {
        LayerKind::Flatten => {
            // A width mask does not survive the reordering to `h, w, c`.
            pass.mask = None;
            match act {
                Act::Map(x) => Act::Flat(flatten_hwc(x)),
                flat => flat,
            }
        }
        LayerKind::UpSampling1D | LayerKind::UpSampling2D => {
            let Act::Map(x) = act else {
                unreachable!("validated: upsampling needs a map")
            };
            Act::Map(upsample(x, l.size))
        }
        _ => {
            let Act::Map(x) = act else {
                unreachable!("validated: zero padding needs a map")
            };
            let [top, bottom, left, right] = l.pad;
            Act::Map(x.pad([(top, bottom), (left, right)], PadMode::Constant(0.0)))
        }
    }
}

/// After a Flatten, the derived channels are the flattened positions: `h, w, c` order over the
/// chosen channels of the widest map.
pub(super) fn export_flatten<B: TrainBackend>(net: &Supernet<B>, li: usize, ch: &mut Channels) {
    let cmax = *net.shapes[li].0.last().unwrap_or(&1);
    let chan = std::mem::take(&mut ch.chan);
    ch.chan = (0..ch.spatial)
        .flat_map(|p| chan.iter().map(move |&c| p * cmax + c))
        .collect();
}
