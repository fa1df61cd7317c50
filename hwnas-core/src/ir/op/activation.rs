//! Activations: every element-wise (or, for Softmax, per-row) non-linearity, in one place.
//!
//! An activation is one variant of [`Activation`]; this module holds everything the core needs
//! of it: its hyper-parameters (serde), its IR rules (shape, weights, types) and its float
//! forward pass for the supernet. Adding an activation means adding a variant here, its arm in
//! the matches below, and its firmware in `hwnas-hls` (see `docs/architecture.md`).

use burn::tensor::backend::Backend;
use burn::tensor::{Tensor, activation as act};
use serde::{Deserialize, Serialize};

use super::NoParams;
use super::rules::{OpRules, ShapeResult, TypeCx, same_shape};
use crate::fixed::{FixedType, Overflow, Rounding};
use crate::ir::analysis::LayerTypes;
use crate::ir::preset::{TypePreset, hls4ml_constant_type, hwnas_alpha_type};

/// One activation layer. In JSON it is a layer object like any other (`{"kind": "Sigmoid"}`),
/// its hyper-parameters beside the `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum Activation {
    /// `y = max(x, 0)`.
    ReLU(NoParams),
    /// See [`LeakyReLU`].
    LeakyReLU(LeakyReLU),
    /// See [`Elu`].
    ELU(Elu),
    /// `y = x > 0 ? x : alpha[c] * x`, with a trained slope per channel (the last axis), as
    /// Keras' `PReLU(shared_axes=<the spatial axes>)`; weights `alpha` of shape `[channels]`.
    PReLU(NoParams),
    /// `1 / (1 + exp(-x))` by hls4ml's lookup table over `[-8, 8)` (see [`Table`]).
    Sigmoid(Table),
    /// `tanh(x)` by hls4ml's lookup table over `[-4, 4)` (see [`Table`]).
    Tanh(Table),
    /// `ln(1 + exp(x))` by hls4ml's lookup table over `[-8, 8)` (see [`Table`]).
    Softplus(Table),
    /// `x / (1 + |x|)` by hls4ml's lookup table over `[-8, 8)` (see [`Table`]).
    Softsign(Table),
    /// See [`Softmax`].
    Softmax(Softmax),
}

/// Leaky ReLU: `y = x` for `x >= 0`, else `alpha * x`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeakyReLU {
    /// Slope for negative inputs (default 0.3, as Keras).
    #[serde(default = "leaky_alpha")]
    pub alpha: f64,
}

/// ELU: `y = x` for `x >= 0`, else `alpha * (exp(x) - 1)`, the exponential read from hls4ml's
/// table over `(-8, 0]` (inputs below -8 read the last entry).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Elu {
    /// Scale of the negative branch (default 1.0, as Keras).
    #[serde(default = "one")]
    pub alpha: f64,
    /// Entries of the lookup table (default 1024, hls4ml's).
    #[serde(default = "table_size")]
    pub table_size: usize,
    /// Type of the entries (default `ap_fixed<18,8>`, hls4ml's).
    #[serde(default = "table_t")]
    pub table_t: FixedType,
}

impl Default for Elu {
    fn default() -> Self {
        Elu {
            alpha: 1.0,
            table_size: table_size(),
            table_t: table_t(),
        }
    }
}

impl Elu {
    /// The lookup table of `exp(x) - 1`.
    pub fn table(&self) -> Table {
        Table {
            table_size: self.table_size,
            table_t: self.table_t,
        }
    }
}

/// The lookup table of a table-based activation, as hls4ml's `table_size` and `table_t`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    /// Entries (default 1024, hls4ml's).
    #[serde(default = "table_size")]
    pub table_size: usize,
    /// Type of the entries (default `ap_fixed<18,8>`, hls4ml's).
    #[serde(default = "table_t")]
    pub table_t: FixedType,
}

impl Default for Table {
    fn default() -> Self {
        Table {
            table_size: table_size(),
            table_t: table_t(),
        }
    }
}

/// Softmax over the last axis, by hls4ml's `stable` implementation: `exp(x - max)` read from a
/// table addressed by the top bits of `max - x`, summed in `accum_t`, the sum inverted by a
/// second table addressed by its top bits, each exponential multiplied by the inverse. Defaults
/// are hls4ml 1.3's. The sum's type is the layer's `precision.accum`: unset, hls4ml's
/// `ap_fixed<18,8,AP_RND,AP_SAT>` under the `hwnas` preset and the default type under `name`
/// and `model` (what hls4ml's configuration gives it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Softmax {
    /// Entries of each table (default 1024). The exponential table is capped at `2^(W-1)`
    /// entries for a signed `W`-bit input, as hls4ml does.
    #[serde(default = "table_size")]
    pub table_size: usize,
    /// Type of the exponential table (default `ap_fixed<18,8,AP_RND,AP_SAT>`).
    #[serde(default = "softmax_t")]
    pub exp_table_t: FixedType,
    /// Type of the inverse table (default `ap_fixed<18,8,AP_RND,AP_SAT>`).
    #[serde(default = "softmax_t")]
    pub inv_table_t: FixedType,
    /// Type the sum is cast to before addressing the inverse table (default
    /// `ap_fixed<18,8,AP_RND,AP_SAT>`).
    #[serde(default = "softmax_t")]
    pub inv_inp_t: FixedType,
}

impl Default for Softmax {
    fn default() -> Self {
        Softmax {
            table_size: table_size(),
            exp_table_t: softmax_t(),
            inv_table_t: softmax_t(),
            inv_inp_t: softmax_t(),
        }
    }
}

impl Softmax {
    /// hls4ml's `inp_norm_t` for an input of type `input`: `ap_ufixed<W - s, I - s>` (`s` = 1
    /// for a signed input), the type of `max - x`.
    pub fn norm_type(input: &FixedType) -> FixedType {
        let s = u32::from(input.signed);
        FixedType {
            width: input.width - s,
            integer: input.integer - s as i32,
            signed: false,
            rounding: Rounding::Trn,
            overflow: Overflow::Wrap,
            saturation_bits: 0,
        }
    }

    /// Entries of the exponential table for an input of type `input`: `table_size`, capped at
    /// `2^(W-1)` for a signed input (hls4ml's `exp_table_size`).
    pub fn exp_table_size(&self, input: &FixedType) -> usize {
        if input.signed && input.width - 1 < usize::BITS - 1 {
            self.table_size.min(1usize << (input.width - 1))
        } else {
            self.table_size
        }
    }
}

impl Activation {
    /// The `kind` names of the activations.
    pub const KINDS: &[&str] = &[
        "ReLU",
        "LeakyReLU",
        "ELU",
        "PReLU",
        "Sigmoid",
        "Tanh",
        "Softplus",
        "Softsign",
        "Softmax",
    ];

    /// The `kind` name (`"Sigmoid"`).
    pub fn kind(&self) -> &'static str {
        match self {
            Activation::ReLU(_) => "ReLU",
            Activation::LeakyReLU(_) => "LeakyReLU",
            Activation::ELU(_) => "ELU",
            Activation::PReLU(_) => "PReLU",
            Activation::Sigmoid(_) => "Sigmoid",
            Activation::Tanh(_) => "Tanh",
            Activation::Softplus(_) => "Softplus",
            Activation::Softsign(_) => "Softsign",
            Activation::Softmax(_) => "Softmax",
        }
    }

    /// The IR rules of this activation.
    pub(super) fn rules(&self) -> &dyn OpRules {
        match self {
            Activation::ReLU(_) => &Plain,
            Activation::LeakyReLU(x) => x,
            Activation::ELU(x) => x,
            Activation::PReLU(_) => &PerChannel,
            Activation::Sigmoid(x)
            | Activation::Tanh(x)
            | Activation::Softplus(x)
            | Activation::Softsign(x) => x,
            Activation::Softmax(x) => x,
        }
    }

    /// The trained per-channel tensors of the activation, `(IR name, initial value)`, in the
    /// order of [`OpRules::weight_shapes`].
    pub(crate) fn channel_params(&self) -> &'static [(&'static str, f32)] {
        match self {
            Activation::PReLU(_) => &[("alpha", 0.25)],
            _ => &[],
        }
    }

    /// Whether `f(0) = 0`, so that channels masked to zero stay zero without masking again.
    fn keeps_zero(&self) -> bool {
        !matches!(
            self,
            Activation::Sigmoid(_) | Activation::Softplus(_) | Activation::Softmax(_)
        )
    }

    /// The float forward pass (the supernet's). `channel` is the channel axis of `x`, `params`
    /// the tensors of [`Activation::channel_params`] (one value per channel) and `mask` the
    /// channel mask of a width decision: masked channels come out zero, and a Softmax
    /// normalises over the unmasked ones only.
    pub(crate) fn forward<B: Backend, const D: usize>(
        &self,
        x: Tensor<B, D>,
        channel: usize,
        params: &[Tensor<B, 1>],
        mask: Option<Tensor<B, 1>>,
    ) -> Tensor<B, D> {
        let along = |v: Tensor<B, 1>| {
            let mut shape = [1usize; D];
            shape[channel] = v.dims()[0];
            v.reshape(shape)
        };
        let mask = mask.filter(|_| !self.keeps_zero()).map(along);
        let y = match self {
            Activation::ReLU(_) => act::relu(x),
            Activation::LeakyReLU(l) => act::leaky_relu(x, l.alpha),
            Activation::ELU(e) => {
                let neg = x.clone().clamp_max(0.0).exp().sub_scalar(1.0);
                x.clamp_min(0.0) + neg.mul_scalar(e.alpha)
            }
            Activation::PReLU(_) => {
                x.clone().clamp_min(0.0) + x.clamp_max(0.0) * along(params[0].clone())
            }
            Activation::Sigmoid(_) => act::sigmoid(x),
            Activation::Tanh(_) => x.tanh(),
            Activation::Softplus(_) => act::softplus(x, 1.0),
            Activation::Softsign(_) => act::softsign(x),
            Activation::Softmax(_) => {
                let max = x.clone().detach().max_dim(channel);
                let mut e = (x - max).exp();
                if let Some(m) = &mask {
                    e = e * m.clone();
                }
                let sum = e.clone().sum_dim(channel);
                return e / sum;
            }
        };
        match mask {
            Some(m) => y * m,
            None => y,
        }
    }
}

/// Why an activation refuses weight, bias and accumulator types.
const ONLY_RESULT: &str = "an activation only has a result type";

/// An activation without hyper-parameters or tables (ReLU).
struct Plain;

impl OpRules for Plain {
    fn infer_shape(&self, s: &[usize]) -> ShapeResult {
        same_shape(s)
    }

    fn resolve_types(&self, cx: &TypeCx<'_>) -> Result<LayerTypes, String> {
        cx.result_only(ONLY_RESULT)?;
        Ok(cx.plain(cx.precision.result.unwrap_or(cx.default)))
    }
}

/// The type a scalar slope is quantised to (hls4ml's `param_t` under the `name` preset).
fn slope_type(cx: &TypeCx<'_>, alpha: f64) -> FixedType {
    match cx.preset {
        TypePreset::Hwnas => hwnas_alpha_type(alpha),
        TypePreset::Name => hls4ml_constant_type(alpha),
        TypePreset::Model => cx.default,
    }
}

fn finite(name: &str, v: f64) -> Result<(), String> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(format!("`{name}` must be a finite number, got {v}"))
    }
}

impl OpRules for LeakyReLU {
    fn infer_shape(&self, s: &[usize]) -> ShapeResult {
        finite("alpha", self.alpha)?;
        same_shape(s)
    }

    fn resolve_types(&self, cx: &TypeCx<'_>) -> Result<LayerTypes, String> {
        cx.result_only(ONLY_RESULT)?;
        Ok(LayerTypes {
            param: Some(slope_type(cx, self.alpha)),
            ..cx.plain(cx.precision.result.unwrap_or(cx.default))
        })
    }
}

impl Table {
    /// Refuses a table hls4ml could not index.
    fn check(&self) -> Result<(), String> {
        if self.table_size < 2 || !self.table_size.is_power_of_two() || self.table_size > 1 << 20 {
            return Err(format!(
                "`table_size` must be a power of two between 2 and 2^20, got {}",
                self.table_size
            ));
        }
        Ok(())
    }
}

impl OpRules for Table {
    fn infer_shape(&self, s: &[usize]) -> ShapeResult {
        self.check()?;
        same_shape(s)
    }

    fn resolve_types(&self, cx: &TypeCx<'_>) -> Result<LayerTypes, String> {
        cx.result_only(ONLY_RESULT)?;
        Ok(cx.plain(cx.precision.result.unwrap_or(cx.default)))
    }
}

impl OpRules for Elu {
    fn infer_shape(&self, s: &[usize]) -> ShapeResult {
        finite("alpha", self.alpha)?;
        self.table().infer_shape(s)
    }

    fn resolve_types(&self, cx: &TypeCx<'_>) -> Result<LayerTypes, String> {
        cx.result_only(ONLY_RESULT)?;
        Ok(LayerTypes {
            param: Some(slope_type(cx, self.alpha)),
            ..cx.plain(cx.precision.result.unwrap_or(cx.default))
        })
    }
}

/// PReLU: one trained slope per channel.
struct PerChannel;

impl OpRules for PerChannel {
    fn infer_shape(&self, s: &[usize]) -> ShapeResult {
        if s.is_empty() {
            return Err("PReLU needs an input with at least one axis (its channels)".into());
        }
        same_shape(s)
    }

    fn weight_shapes(&self, input: &[usize]) -> Vec<(&'static str, Vec<usize>)> {
        vec![("alpha", vec![*input.last().unwrap_or(&1)])]
    }

    fn macs(&self, _input: &[usize], outputs: usize) -> Result<usize, String> {
        Ok(outputs)
    }

    fn resolve_types(&self, cx: &TypeCx<'_>) -> Result<LayerTypes, String> {
        let p = cx.precision;
        cx.refuse(
            "bias/accum",
            p.bias.is_some() || p.accum.is_some(),
            "PReLU only has slopes (`weight`) and a result",
        )?;
        // hls4ml 1.3 gives the slopes the input's type (`param_t`) unless configured.
        let slope = match cx.preset {
            TypePreset::Name => cx.input,
            TypePreset::Hwnas | TypePreset::Model => cx.default,
        };
        Ok(LayerTypes {
            weight: Some(p.weight.unwrap_or(slope)),
            ..cx.plain(p.result.unwrap_or(cx.default))
        })
    }
}

impl OpRules for Softmax {
    fn infer_shape(&self, s: &[usize]) -> ShapeResult {
        Table {
            table_size: self.table_size,
            table_t: self.exp_table_t,
        }
        .check()?;
        if s.last().is_none_or(|&n| n < 2) {
            return Err(format!(
                "Softmax normalises the last axis, which needs at least 2 values; the input \
                 has shape {s:?}"
            ));
        }
        same_shape(s)
    }

    fn resolve_types(&self, cx: &TypeCx<'_>) -> Result<LayerTypes, String> {
        let p = cx.precision;
        cx.refuse(
            "weight/bias",
            p.weight.is_some() || p.bias.is_some(),
            "Softmax only has a sum (`accum`) and a result type",
        )?;
        if cx.input.width < 2 {
            return Err(format!(
                "Softmax addresses its tables with the top bits of its input, which needs at \
                 least 2 bits; the input type is {}",
                cx.input
            ));
        }
        let accum = p.accum.unwrap_or(match cx.preset {
            TypePreset::Hwnas => softmax_t(),
            TypePreset::Name | TypePreset::Model => cx.default,
        });
        Ok(LayerTypes {
            accum: Some(accum),
            ..cx.plain(p.result.unwrap_or(cx.default))
        })
    }
}

fn leaky_alpha() -> f64 {
    0.3
}

fn one() -> f64 {
    1.0
}

fn table_size() -> usize {
    1024
}

fn table_t() -> FixedType {
    FixedType::new(18, 8, true).expect("ap_fixed<18,8> is valid")
}

fn softmax_t() -> FixedType {
    table_t()
        .with_rounding(Rounding::Rnd)
        .with_overflow(Overflow::Sat)
}
