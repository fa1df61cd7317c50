//! Search spaces: ordered layers whose hyper-parameters may be lists of options
//! ([`SpaceSpec`]), the decisions they define ([`Decision`]) and one choice per decision
//! ([`Arch`]).
//!
//! A space is built in code with [`SpaceSpec::builder`] (the `#[searchable]` macro expands to the
//! same calls):
//!
//! ```
//! use hwnas_core::space::{LayerSpec, SpaceSpec};
//!
//! let space = SpaceSpec::builder("calo", vec![14, 7, 4])
//!     .layer(LayerSpec::conv2d("conv1", &[8, 16], &[3, 5]).weight_bits(&[4, 8]))
//!     .layer(LayerSpec::relu("relu1"))
//!     .layer(LayerSpec::max_or_avg_pool2d("pool1", [2, 2]))
//!     .layer(LayerSpec::flatten("flat"))
//!     .layer(LayerSpec::dense("out", &[1]))
//!     .build()?;
//! assert_eq!(space.decisions().len(), 4);
//! assert_eq!(space.size(), 2.0 * 2.0 * 2.0 * 2.0);
//! let arch = space.default_arch();
//! assert_eq!(arch.to_string(), "conv1.width=8 conv1.kernel=3 conv1.weight_bits=4 pool1.op=max");
//! # Ok::<(), hwnas_core::Error>(())
//! ```

mod arch;
mod decision;
mod kinds;
mod layer;
mod lower;
mod quant;
mod searchable;
mod shape;
mod spec;
mod validate;

pub use arch::Arch;
pub use decision::{Choice, Decision, DecisionKind};
pub use layer::{LayerKind, LayerSpec, PoolKind};
pub use quant::QuantSpec;
#[doc(hidden)]
pub use searchable::__private;
pub use searchable::{SearchSpace, layers};
pub use shape::LayerShape;
pub use spec::{SpaceBuilder, SpaceSpec};
