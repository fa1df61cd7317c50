//! Shape inference through the layers of a space (channels-last, widest options).

use super::kinds::{At, rules};
use super::layer::LayerKind;
use super::spec::SpaceSpec;
use crate::ir::{Padding, check_elements};
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
            // The IR's shape rule of the layer at its widest options.
            let rules = rules(l.kind);
            let op = rules.op(l, At::widest(l));
            let (output, windows) = op
                .rules()
                .infer_shape(&input)
                .map_err(|why| self.fail(i, why))?;
            rules
                .check_windows(l, &input, &windows)
                .map_err(|why| self.fail(i, why))?;
            s = output;
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
