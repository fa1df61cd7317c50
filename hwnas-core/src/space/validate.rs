//! Validation of a space: names, option lists, and the settings each layer kind uses.

use super::decision::{Choice, DecisionKind};
use super::kinds::{Setting, rules};
use super::spec::SpaceSpec;
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
            let rules = rules(l.kind);
            for setting in Setting::ALL {
                if !setting.is_default(l) && !rules.settings(l).contains(&setting) {
                    return Err(self.fail(i, setting.unused(l)));
                }
            }
            rules.check(l).map_err(|why| self.fail(i, why))?;
        }
        self.shapes().map(|_| ())
    }
}
