//! Validation of a space: names, option lists, and the settings each layer kind uses.

use super::decision::{Choice, DecisionKind};
use super::layer::LayerKind;
use super::spec::SpaceSpec;
use crate::ir::Padding;
use crate::{Error, Result};

impl SpaceSpec {
    pub(super) fn validate(&self) -> Result<()> {
        if self.layers.is_empty() {
            return Err(Error::InvalidSpace {
                layer: self.name.clone(),
                reason: "the space has no layers; add at least one".into(),
            });
        }
        if !crate::ir::is_c_identifier(&self.name) {
            return Err(Error::InvalidSpace {
                layer: self.name.clone(),
                reason: "the space name must be a C identifier".into(),
            });
        }
        for (i, l) in self.layers.iter().enumerate() {
            if !crate::ir::is_c_identifier(&l.name) {
                return Err(self.fail(i, "the name must be a C identifier"));
            }
            if let Some(why) = crate::ir::layer_name_problem(&l.name) {
                return Err(self.fail(
                    i,
                    format!("the name cannot be used: {why}; rename the layer"),
                ));
            }
            if self.layers[..i].iter().any(|o| o.name == l.name) {
                return Err(self.fail(i, "another layer has this name; names must be unique"));
            }
            for (kind, opts) in l.slots() {
                if opts.is_empty()
                    && !matches!(kind, DecisionKind::WeightBits | DecisionKind::ResultBits)
                {
                    return Err(self.fail(i, format!("the {} option list is empty", kind.suffix())));
                }
                for (j, o) in opts.iter().enumerate() {
                    if opts[..j].contains(o) {
                        return Err(self.fail(
                            i,
                            format!("the {} option {o} is listed twice", kind.suffix()),
                        ));
                    }
                    if let Choice::Value(v) = o {
                        let bad = match kind {
                            DecisionKind::WeightBits | DecisionKind::ResultBits => {
                                *v == 0 || *v > 32
                            }
                            _ => *v == 0,
                        };
                        if bad {
                            return Err(self.fail(
                                i,
                                format!(
                                    "{} = {v} is out of range (bits 1..=32, sizes >= 1)",
                                    kind.suffix()
                                ),
                            ));
                        }
                    }
                }
            }
            self.check_layout(i)?;
            if matches!(l.kind, LayerKind::Conv1D | LayerKind::Conv2D) {
                if l.kernels.len() > 1 && l.padding != Padding::Same {
                    return Err(self.fail(
                        i,
                        "a kernel-size decision needs `same` padding (so that shapes do not depend \
                         on the choice)",
                    ));
                }
                if l.padding == Padding::Same && l.kernels.iter().any(|k| k % 2 == 0) {
                    return Err(self.fail(i, "kernels must be odd with `same` padding"));
                }
            }
        }
        self.shapes().map(|_| ())
    }

    /// Checks the stride, upsampling size and zero padding of layer `i`: set only where the
    /// kind uses them, and in range.
    fn check_layout(&self, i: usize) -> Result<()> {
        let l = &self.layers[i];
        let conv = matches!(l.kind, LayerKind::Conv1D | LayerKind::Conv2D);
        if conv && l.stride == 0 {
            return Err(self.fail(
                i,
                "stride = 0 is invalid; a convolution's stride must be at least 1 (leave it \
                 out for 1)",
            ));
        }
        if !conv && l.stride != 1 {
            return Err(self.fail(
                i,
                format!(
                    "stride = {} is set on a {} layer; only Conv1D and Conv2D have a stride, \
                     remove it",
                    l.stride,
                    l.kind_name()
                ),
            ));
        }
        match l.kind {
            LayerKind::UpSampling1D if l.size[0] != 1 || l.size[1] == 0 => {
                return Err(self.fail(
                    i,
                    format!(
                        "upsampling size {} is invalid; the repetition factor must be at least 1",
                        l.size[1]
                    ),
                ));
            }
            LayerKind::UpSampling2D if l.size.contains(&0) => {
                return Err(self.fail(
                    i,
                    format!(
                        "upsampling size {:?} is invalid; both repetition factors must be at \
                         least 1",
                        l.size
                    ),
                ));
            }
            LayerKind::UpSampling1D | LayerKind::UpSampling2D => {}
            _ if l.size != [1, 1] => {
                return Err(self.fail(
                    i,
                    format!(
                        "upsampling size {:?} is set on a {} layer; only UpSampling layers \
                         have a size, remove it",
                        l.size,
                        l.kind_name()
                    ),
                ));
            }
            _ => {}
        }
        match l.kind {
            LayerKind::ZeroPadding1D if l.pad[..2] != [0, 0] => Err(self.fail(
                i,
                format!(
                    "ZeroPadding1D pads only the length: pad must be [0, 0, left, right], got \
                     {:?}",
                    l.pad
                ),
            )),
            LayerKind::ZeroPadding1D | LayerKind::ZeroPadding2D => Ok(()),
            _ if l.pad != [0; 4] => Err(self.fail(
                i,
                format!(
                    "zero padding {:?} is set on a {} layer; only ZeroPadding layers pad, use \
                     a ZeroPadding layer before it",
                    l.pad,
                    l.kind_name()
                ),
            )),
            _ => Ok(()),
        }
    }
}
