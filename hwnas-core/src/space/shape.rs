//! Shape inference through the layers of a space (channels-last, widest options).

use super::layer::LayerKind;
use super::spec::SpaceSpec;
use crate::ir::{Padding, check_elements, padded, upsampled};
use crate::{Error, Result};

/// Channels-last shapes of one layer of a space, at the widest options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerShape {
    /// Input shape (`[n]`, `[length, c]` or `[h, w, c]`).
    pub input: Vec<usize>,
    /// Output shape.
    pub output: Vec<usize>,
}

impl SpaceSpec {
    /// Channels-last `(input, output)` shapes of every layer at the widest options.
    ///
    /// # Errors
    /// [`Error::InvalidSpace`] when shapes do not flow (cannot happen for a built space).
    pub fn layer_shapes(&self) -> Result<Vec<LayerShape>> {
        self.shapes()
    }

    /// The output length of a convolution along one axis of length `input`, checking that
    /// every kernel option of a kernel decision shares one (centred) padding so that the
    /// supernet's sub-kernel masks compute exactly the smaller kernels.
    fn conv_axis(&self, i: usize, axis: &str, input: usize) -> Result<usize> {
        let l = &self.layers[i];
        let kmax = l.max_kernel();
        let w = l.padding.resolve(input, kmax, l.stride).ok_or_else(|| {
            self.fail(
                i,
                match l.padding {
                    Padding::Valid => format!(
                        "the kernel of {kmax} does not fit the {axis} of {input} with `valid` \
                         padding; use a smaller kernel, `same` padding or a ZeroPadding layer \
                         before it"
                    ),
                    Padding::Same => format!(
                        "the kernel of {kmax} with stride {} needs more `same` padding on the \
                         {axis} of {input} than usize holds; use a smaller kernel",
                        l.stride
                    ),
                },
            )
        })?;
        for &k in &l.kernels {
            let Some(wk) = l.padding.resolve(input, k, l.stride) else {
                continue;
            };
            if wk.pad_begin + (kmax - k) / 2 != w.pad_begin {
                return Err(self.fail(
                    i,
                    format!(
                        "with stride {} and `same` padding the kernel {k} needs no padding on \
                         the {axis} of {input} while the kernel {kmax} does, so the kernel \
                         options cannot share weights; drop kernels smaller than the stride or \
                         use stride 1",
                        l.stride
                    ),
                ));
            }
        }
        Ok(w.out)
    }

    /// Shapes with the widest options; checks that shapes flow and on/off is allowed.
    pub(crate) fn shapes(&self) -> Result<Vec<LayerShape>> {
        let mut s = self.input_shape.clone();
        if s.is_empty() || s.len() > 3 || s.contains(&0) {
            return Err(Error::InvalidSpace {
                layer: self.name.clone(),
                reason: format!(
                    "the input shape {s:?} must be [n], [length, channels] or [height, width, \
                     channels] with no zero"
                ),
            });
        }
        check_elements(&s).map_err(|why| Error::InvalidSpace {
            layer: self.name.clone(),
            reason: format!("the input shape {s:?} {why}"),
        })?;
        // Whether the current channel count is set by a width decision.
        let mut width_varies = false;
        let mut out = Vec::new();
        for (i, l) in self.layers.iter().enumerate() {
            let input = s.clone();
            let up = |axis: &str, n: usize, size: usize| {
                upsampled(axis, n, size).map_err(|why| self.fail(i, why))
            };
            let pad = |axis: &str, n: usize, before: usize, after: usize, fields: &str| {
                padded(axis, n, before, after, fields).map_err(|why| self.fail(i, why))
            };
            let need = |rank: usize, what: &str| {
                if input.len() == rank {
                    Ok(())
                } else {
                    Err(self.fail(
                        i,
                        format!("{what} needs a rank-{rank} input, got shape {input:?}"),
                    ))
                }
            };
            match l.kind {
                LayerKind::Dense => {
                    need(1, "Dense")?;
                    s = vec![l.max_width()];
                }
                LayerKind::Conv1D => {
                    need(2, "Conv1D")?;
                    let len = self.conv_axis(i, "length", input[0])?;
                    s = vec![len, l.max_width()];
                }
                LayerKind::Conv2D => {
                    need(3, "Conv2D")?;
                    let h = self.conv_axis(i, "height", input[0])?;
                    let w = self.conv_axis(i, "width", input[1])?;
                    s = vec![h, w, l.max_width()];
                }
                LayerKind::UpSampling1D => {
                    need(2, "UpSampling1D")?;
                    s = vec![up("length", input[0], l.size[1])?, input[1]];
                }
                LayerKind::UpSampling2D => {
                    need(3, "UpSampling2D")?;
                    s = vec![
                        up("height", input[0], l.size[0])?,
                        up("width", input[1], l.size[1])?,
                        input[2],
                    ];
                }
                LayerKind::ZeroPadding1D => {
                    need(2, "ZeroPadding1D")?;
                    s = vec![
                        pad("length", input[0], l.pad[2], l.pad[3], "left`/`right")?,
                        input[1],
                    ];
                }
                LayerKind::ZeroPadding2D => {
                    need(3, "ZeroPadding2D")?;
                    s = vec![
                        pad("height", input[0], l.pad[0], l.pad[1], "top`/`bottom")?,
                        pad("width", input[1], l.pad[2], l.pad[3], "left`/`right")?,
                        input[2],
                    ];
                }
                LayerKind::Pool1D => {
                    need(2, "Pool1D")?;
                    if l.pool[1] == 0 || l.pool[1] > input[0] {
                        return Err(self.fail(i, "the pool window does not fit the input"));
                    }
                    s = vec![input[0] / l.pool[1], input[1]];
                }
                LayerKind::Pool2D => {
                    need(3, "Pool2D")?;
                    if l.pool.contains(&0) || l.pool[0] > input[0] || l.pool[1] > input[1] {
                        return Err(self.fail(i, "the pool window does not fit the input"));
                    }
                    s = vec![input[0] / l.pool[0], input[1] / l.pool[1], input[2]];
                }
                // The input passed the element check below (or the input shape's).
                LayerKind::Flatten => s = vec![input.iter().product()],
                LayerKind::BatchNorm | LayerKind::ReLU | LayerKind::LeakyReLU => {}
            }
            // The same limit as the IR's (the lowered networks must pass Network::analyze).
            check_elements(&s)
                .map_err(|why| self.fail(i, format!("the output shape {s:?} {why}")))?;
            if l.optional {
                let ok = l.has_kernel()
                    && l.widths.len() == 1
                    && !width_varies
                    && s == input
                    && (l.kind == LayerKind::Dense || l.padding == Padding::Same);
                if !ok {
                    return Err(self.fail(
                        i,
                        "only a Dense or `same` convolution whose single width equals its fixed \
                         input width can be switched off (the identity must have the same shape)",
                    ));
                }
            }
            if l.has_kernel() {
                width_varies = l.widths.len() > 1;
            }
            out.push(LayerShape {
                input,
                output: s.clone(),
            });
        }
        Ok(out)
    }
}
