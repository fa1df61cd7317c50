//! The runtime side of `#[searchable]`: the [`SearchSpace`] trait, the typed layer choices of
//! [`layers`] that a searchable struct's fields become, and the hidden conversion helpers the
//! macro's expansion calls.
//!
//! Everything here can be written by hand; see [`SearchSpace`] for a hand-written
//! implementation.

use super::{Arch, SpaceSpec};
use crate::Result;
use crate::ir::Network;

/// A search space declared as a Rust struct whose fields are its layers, in order; usually
/// implemented by `#[hwnas::searchable]`.
///
/// A value of the type is one architecture of the space with typed fields
/// (`arch.conv1.filters`). The four required methods are what the macro generates; everything
/// else is a default method built on them and on [`SpaceSpec`].
///
/// The macro only saves the typing; a hand-written implementation for a two-layer space:
///
/// ```
/// use hwnas_core::space::{layers, Arch, Choice, LayerSpec, SearchSpace, SpaceSpec};
///
/// struct Tiny {
///     fc1: layers::Dense,
///     out: layers::Dense,
/// }
///
/// impl SearchSpace for Tiny {
///     fn space() -> hwnas_core::Result<SpaceSpec> {
///         SpaceSpec::builder("tiny", vec![4])
///             .layer(LayerSpec::dense("fc1", &[8, 16]).weight_bits(&[4, 8]))
///             .layer(LayerSpec::dense("out", &[1]))
///             .build()
///     }
///     fn from_arch(arch: &Arch) -> hwnas_core::Result<Self> {
///         let r = hwnas_core::space::__private::Reader::new(&Self::space()?, arch)?;
///         Ok(Tiny {
///             fc1: layers::Dense {
///                 units: r.get("fc1.width")?,
///                 weight_bits: r.get("fc1.weight_bits")?,
///                 ..layers::Dense::fixed(8)
///             },
///             out: layers::Dense::fixed(1),
///         })
///     }
///     fn to_arch(&self) -> Arch {
///         use hwnas_core::space::__private::{IntoChoice, arch};
///         arch(vec![
///             ("fc1.width", self.fc1.units.choice()),
///             ("fc1.weight_bits", self.fc1.weight_bits.choice()),
///         ])
///     }
///     fn baseline() -> Self {
///         Tiny {
///             fc1: layers::Dense { weight_bits: Some(8), ..layers::Dense::fixed(16) },
///             out: layers::Dense::fixed(1),
///         }
///     }
/// }
///
/// let wide = Tiny::baseline();
/// assert_eq!(wide.to_arch().to_string(), "fc1.width=16 fc1.weight_bits=8");
/// assert_eq!(Tiny::from_arch(&wide.to_arch())?.fc1.units, 16);
/// assert_eq!(Tiny::space_size()?, 4.0);
/// assert_eq!(wide.network()?.layers.len(), 2);
/// assert_eq!(Tiny::space()?.default_arch().get("fc1.width"), Some(Choice::Value(8)));
/// # Ok::<(), hwnas_core::Error>(())
/// ```
pub trait SearchSpace: Sized {
    /// The search space: layers, decisions and options (validated by
    /// [`SpaceBuilder::build`](super::SpaceBuilder::build)).
    ///
    /// # Errors
    /// [`Error::InvalidSpace`](crate::Error::InvalidSpace) when the declaration cannot exist
    /// (for instance a kernel larger than its input, which only the builder checks).
    fn space() -> Result<SpaceSpec>;

    /// The typed architecture of `arch` (a search result, a saved JSON file).
    ///
    /// # Errors
    /// [`Error::InvalidArch`](crate::Error::InvalidArch) when `arch` does not belong to
    /// [`space`](Self::space) (missing or unknown decision, value that is not an option).
    fn from_arch(arch: &Arch) -> Result<Self>;

    /// The [`Arch`] of this architecture: one pick per decision of the space, in decision order.
    /// The fields of layers that are not decisions are not read.
    fn to_arch(&self) -> Arch;

    /// The widest, most precise member: the largest filters, units and kernels, the largest bit
    /// widths, the smallest reuse factor, the `Latency` strategy where it is an option (else the
    /// first), the first pooling operator, and every optional layer on.
    fn baseline() -> Self;

    /// The number of architectures (the product of the option counts).
    ///
    /// # Errors
    /// As [`space`](Self::space).
    fn space_size() -> Result<f64> {
        Ok(Self::space()?.size())
    }

    /// The typed architecture with these option indices (one per decision, as
    /// [`Supernet::argmax_indices`](crate::supernet::Supernet::argmax_indices) or a search result's `indices` give them).
    ///
    /// # Errors
    /// As [`space`](Self::space) and [`SpaceSpec::arch_from_indices`].
    fn from_indices(idx: &[usize]) -> Result<Self> {
        Self::from_arch(&Self::space()?.arch_from_indices(idx)?)
    }

    /// The option index of every decision of this architecture.
    ///
    /// # Errors
    /// As [`space`](Self::space) and [`SpaceSpec::indices_of`] (a field set to a value that is
    /// not one of its options).
    fn indices(&self) -> Result<Vec<usize>> {
        Self::space()?.indices_of(&self.to_arch())
    }

    /// The one-member space of this architecture (a fixed network; layers switched off are
    /// left out), see [`SpaceSpec::restricted_to`].
    ///
    /// # Errors
    /// As [`space`](Self::space) and [`SpaceSpec::restricted_to`].
    fn fixed_space(&self) -> Result<SpaceSpec> {
        Self::space()?.restricted_to(&self.to_arch())
    }

    /// The network IR of this architecture, without weights ([`SpaceSpec::lower`]): shapes,
    /// parameter counts and resource estimates need no training. Integer bits of quantised
    /// types are the defaults of [`SpaceSpec::lower`]; [`derive`](crate::search::derive())
    /// gives the trained network with integer bits chosen from data.
    ///
    /// # Errors
    /// As [`space`](Self::space) and [`SpaceSpec::lower`].
    fn network(&self) -> Result<Network> {
        Self::space()?.lower(&self.to_arch())
    }
}

/// The typed choices of each layer kind: the field types of a `#[searchable]` struct.
///
/// Every parameter that can be a decision is a field, whether the space searches it or not, so
/// that `arch.conv1.filters` reads the same in every space; for a parameter with a single option
/// the field holds that option. Layers without decisions are unit structs.
pub mod layers {
    use serde::{Deserialize, Serialize};

    use crate::ir::Strategy;
    use crate::space::PoolKind;

    macro_rules! kernel_layer {
        ($(#[$doc:meta])* $name:ident, $width:ident, $width_doc:literal $(, $kernel:ident)?) => {
            $(#[$doc])*
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
            pub struct $name {
                #[doc = $width_doc]
                pub $width: usize,
                $(
                    /// Kernel size (square for 2-D convolutions).
                    pub $kernel: usize,
                )?
                /// Weight bit-width (`None`: float weights, no quantisation).
                pub weight_bits: Option<u32>,
                /// Result bit-width (`None`: the space's default type).
                pub result_bits: Option<u32>,
                /// HLS reuse factor.
                pub reuse_factor: u32,
                /// HLS strategy.
                pub strategy: Strategy,
                /// Whether the layer is on (always `true` unless declared `optional`).
                pub enabled: bool,
            }
        };
    }

    kernel_layer!(
        /// The choices of a fully connected layer.
        Dense, units, "Output units."
    );
    kernel_layer!(
        /// The choices of a 1-D convolution.
        Conv1D, filters, "Output channels.", kernel
    );
    kernel_layer!(
        /// The choices of a 2-D convolution.
        Conv2D, filters, "Output channels.", kernel
    );

    impl Dense {
        /// `units` units, float, reuse factor 1, `Latency`, on: the defaults of an undecided
        /// layer, for struct-update syntax.
        pub fn fixed(units: usize) -> Self {
            Dense {
                units,
                weight_bits: None,
                result_bits: None,
                reuse_factor: 1,
                strategy: Strategy::Latency,
                enabled: true,
            }
        }
    }

    impl Conv1D {
        /// `filters` filters of size `kernel`, float, reuse factor 1, `Latency`, on.
        pub fn fixed(filters: usize, kernel: usize) -> Self {
            Conv1D {
                filters,
                kernel,
                weight_bits: None,
                result_bits: None,
                reuse_factor: 1,
                strategy: Strategy::Latency,
                enabled: true,
            }
        }
    }

    impl Conv2D {
        /// `filters` filters of size `kernel x kernel`, float, reuse factor 1, `Latency`, on.
        pub fn fixed(filters: usize, kernel: usize) -> Self {
            Conv2D {
                filters,
                kernel,
                weight_bits: None,
                result_bits: None,
                reuse_factor: 1,
                strategy: Strategy::Latency,
                enabled: true,
            }
        }
    }

    /// The choice of a 1-D pooling layer (`MaxPool1D`, `AvgPool1D` or `Pool1D` with `op`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub struct Pool1D {
        /// Max or average.
        pub op: PoolKind,
    }

    /// The choice of a 2-D pooling layer (`MaxPool2D`, `AvgPool2D` or `Pool2D` with `op`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
    pub struct Pool2D {
        /// Max or average.
        pub op: PoolKind,
    }

    macro_rules! unit_layer {
        ($($name:ident: $doc:literal),* $(,)?) => {$(
            #[doc = $doc]
            #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
            pub struct $name;
        )*};
    }

    unit_layer!(
        BatchNorm: "A batch normalisation (no decisions).",
        Activation: "An activation (no decisions; its hyper-parameters are fixed).",
        Flatten: "A flatten (no decisions).",
        UpSampling1D: "A 1-D upsampling (no decisions).",
        UpSampling2D: "A 2-D upsampling (no decisions).",
        ZeroPadding1D: "A 1-D zero padding (no decisions).",
        ZeroPadding2D: "A 2-D zero padding (no decisions).",
    );
}

/// Helpers called by the expansion of `#[searchable]`; not a public API (they may change in
/// any release).
#[doc(hidden)]
pub mod __private {
    pub use crate::Error;
    pub use crate::fixed::FixedType;
    pub use crate::ir::{Activation, Elu, LeakyReLU, NoParams, Padding, Softmax, Strategy, Table};
    pub use crate::space::LayerSpec;

    use crate::Result;
    use crate::space::arch::Pick;
    use crate::space::{Arch, Choice, PoolKind, SpaceSpec};

    /// Parses a fixed-point type given as a string in the macro's arguments.
    pub fn fixed_type(text: &str) -> Result<FixedType> {
        text.parse()
    }

    /// An [`Arch`] from `(decision, choice)` pairs in decision order.
    pub fn arch(picks: Vec<(&str, Choice)>) -> Arch {
        Arch {
            picks: picks
                .into_iter()
                .map(|(decision, value)| Pick {
                    decision: decision.into(),
                    value,
                })
                .collect(),
        }
    }

    /// Reads typed values out of an architecture checked against its space.
    #[derive(Debug)]
    pub struct Reader<'a> {
        arch: &'a Arch,
    }

    impl<'a> Reader<'a> {
        /// Checks that `arch` belongs to `space`.
        pub fn new(space: &SpaceSpec, arch: &'a Arch) -> Result<Self> {
            space.indices_of(arch)?;
            Ok(Reader { arch })
        }

        /// The value of `decision`, converted to the field's type.
        pub fn get<T: FromChoice>(&self, decision: &str) -> Result<T> {
            let c = self.arch.get(decision).ok_or_else(|| {
                Error::InvalidArch(format!("the architecture lacks `{decision}`"))
            })?;
            T::from_choice(c).ok_or_else(|| {
                Error::InvalidArch(format!("`{decision}` = {c} has the wrong type of value"))
            })
        }
    }

    /// A field type read from a [`Choice`].
    pub trait FromChoice: Sized {
        /// `None` for a choice of another type.
        fn from_choice(c: Choice) -> Option<Self>;
    }

    /// A field type written as a [`Choice`].
    pub trait IntoChoice {
        /// The choice of this value.
        fn choice(&self) -> Choice;
    }

    impl FromChoice for usize {
        fn from_choice(c: Choice) -> Option<Self> {
            match c {
                Choice::Value(v) => Some(v),
                _ => None,
            }
        }
    }

    impl FromChoice for u32 {
        fn from_choice(c: Choice) -> Option<Self> {
            usize::from_choice(c).and_then(|v| u32::try_from(v).ok())
        }
    }

    impl FromChoice for Option<u32> {
        fn from_choice(c: Choice) -> Option<Self> {
            u32::from_choice(c).map(Some)
        }
    }

    impl FromChoice for bool {
        fn from_choice(c: Choice) -> Option<Self> {
            match c {
                Choice::On(on) => Some(on),
                _ => None,
            }
        }
    }

    impl FromChoice for PoolKind {
        fn from_choice(c: Choice) -> Option<Self> {
            match c {
                Choice::Pool(p) => Some(p),
                _ => None,
            }
        }
    }

    impl FromChoice for Strategy {
        fn from_choice(c: Choice) -> Option<Self> {
            match c {
                Choice::Strategy(s) => Some(s),
                _ => None,
            }
        }
    }

    impl IntoChoice for usize {
        fn choice(&self) -> Choice {
            Choice::Value(*self)
        }
    }

    impl IntoChoice for u32 {
        fn choice(&self) -> Choice {
            Choice::Value(*self as usize)
        }
    }

    /// `None` (float) is no bit-width option; it becomes 0, which [`SpaceSpec::indices_of`]
    /// reports as not an option.
    impl IntoChoice for Option<u32> {
        fn choice(&self) -> Choice {
            Choice::Value(self.unwrap_or(0) as usize)
        }
    }

    impl IntoChoice for bool {
        fn choice(&self) -> Choice {
            Choice::On(*self)
        }
    }

    impl IntoChoice for PoolKind {
        fn choice(&self) -> Choice {
            Choice::Pool(*self)
        }
    }

    impl IntoChoice for Strategy {
        fn choice(&self) -> Choice {
            Choice::Strategy(*self)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::__private::{FromChoice, IntoChoice, Reader, arch};
    use super::*;
    use crate::ir::Strategy;
    use crate::space::{Choice, LayerSpec, PoolKind};

    fn space() -> SpaceSpec {
        SpaceSpec::builder("t", vec![4])
            .layer(
                LayerSpec::dense("fc1", &[8, 16])
                    .strategies(&[Strategy::Latency, Strategy::Resource]),
            )
            .build()
            .unwrap()
    }

    #[test]
    fn choices_round_trip_through_every_field_type() {
        assert_eq!(usize::from_choice(7usize.choice()), Some(7));
        assert_eq!(u32::from_choice(7u32.choice()), Some(7));
        assert_eq!(Option::<u32>::from_choice(Some(6).choice()), Some(Some(6)));
        assert_eq!(bool::from_choice(false.choice()), Some(false));
        assert_eq!(
            PoolKind::from_choice(PoolKind::Avg.choice()),
            Some(PoolKind::Avg)
        );
        assert_eq!(
            Strategy::from_choice(Strategy::Resource.choice()),
            Some(Strategy::Resource)
        );
        assert_eq!(bool::from_choice(Choice::Value(1)), None);
        assert_eq!(None::<u32>.choice(), Choice::Value(0));
    }

    #[test]
    fn reader_checks_the_arch_against_the_space() {
        let s = space();
        let a = arch(vec![
            ("fc1.width", Choice::Value(16)),
            ("fc1.strategy", Choice::Strategy(Strategy::Resource)),
        ]);
        let r = Reader::new(&s, &a).unwrap();
        assert_eq!(r.get::<usize>("fc1.width").unwrap(), 16);
        assert_eq!(
            r.get::<Strategy>("fc1.strategy").unwrap(),
            Strategy::Resource
        );
        let e = r.get::<bool>("fc1.width").unwrap_err().to_string();
        assert!(e.contains("wrong type"), "{e}");
        let bad = arch(vec![("fc1.width", Choice::Value(16))]);
        assert!(Reader::new(&s, &bad).is_err());
    }
}
