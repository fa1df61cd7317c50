//! The model's coefficients: what calibration fits, with defaults from published facts.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use hwnas_core::cost::IoType;

use super::Tool;
use crate::{Error, Result};

/// Which "truth" an estimate predicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// The HLS estimate of `<top>_csynth.xml` (Vivado HLS / Vitis HLS C synthesis).
    #[default]
    Csynth,
    /// Vivado post-synthesis utilisation (`vivado_synth.rpt`): LUT is typically about half the
    /// HLS estimate, FF about three quarters, DSP and BRAM nearly equal.
    Synth,
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Target::Csynth => "csynth",
            Target::Synth => "synth",
        })
    }
}

impl FromStr for Target {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csynth" | "hls" => Ok(Target::Csynth),
            "synth" | "vivado" | "synthesis" => Ok(Target::Synth),
            other => Err(Error::Calibration(format!(
                "unknown target `{other}`; use `csynth` (HLS estimate) or `synth` \
                 (post-synthesis)"
            ))),
        }
    }
}

/// Every coefficient of the analytic model. LUT and FF are linear in per-layer features (bits
/// of adders, multipliers, multiplexers, activations; see [`LUT_FEATURES`] and
/// [`FF_FEATURES`]); calibration refits them by least squares.
///
/// Defaults ([`Coefficients::csynth_default`]) come from published facts, never from a fit:
/// 1 LUT per adder bit (a carry chain), about 1.2 LUT per bit-product of a LUT multiplier
/// (Xilinx LUT multiplier: 365-401 LUT for 18x18) and half that for a constant multiplier
/// (canonical-signed-digit shift-and-add), 0.5 LUT per bit of a 2:1 multiplexer
/// (LUT6_2), 1.75 LUT per bit of ReLU (hls4ml tutorial csynth, `specs/resource-model.md`),
/// 92 % of constant multiplications in DSPs (same source, 3.3), and the csynth-to-synthesis
/// ratios of 3.4 (LUT x0.48, FF x0.75).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coefficients {
    /// Fraction of constant multiplications (Latency, RF 1) that end in DSPs; the rest are
    /// simplified by HLS into LUT logic (powers of two, short constants).
    pub dsp_fraction_constant: f64,
    /// A multiplication goes to a DSP when `weight_bits * input_bits` reaches this many
    /// bit-products, else to LUTs (7x7 stays in LUTs, 8x8 shared and 7x16 go to DSPs).
    pub dsp_threshold_bit_products: f64,
    /// DSP count scale (1 for csynth; about 0.98 after synthesis).
    pub dsp_scale: f64,
    /// LUT per accumulator bit per product, zero weights included (HLS builds the adder tree
    /// before it removes constants).
    pub lut_adder_bit: f64,
    /// LUT per accumulator bit per non-zero product.
    pub lut_nonzero_adder_bit: f64,
    /// LUT per bit-product of a multiplication by a constant mapped to LUTs (Latency strategy,
    /// one weight per multiplier): shift-and-add of the constant's digits, about half a generic
    /// multiplier.
    pub lut_const_mult_bit_product: f64,
    /// LUT per bit-product of a shared (reused or Resource-strategy) multiplier mapped to LUTs.
    pub lut_mult_bit_product: f64,
    /// LUT per bit per extra input of a multiplexer (products sharing a multiplier, window
    /// selection).
    pub lut_mux_bit: f64,
    /// LUT per bit of an element-wise activation (ReLU; LeakyReLU counts twice).
    pub lut_activation_bit: f64,
    /// LUT per bit of a comparator or adder in pooling and element-wise layers.
    pub lut_elementwise_bit: f64,
    /// LUT per layer (control, handshake).
    pub lut_per_layer: f64,
    /// FF per accumulator bit per product, zero weights included. Products of LUT-built
    /// constant multipliers (Latency) count half: they have no product register, only the
    /// adder-tree stage, where a DSP multiplication has both.
    pub ff_adder_bit: f64,
    /// FF per accumulator bit per non-zero product (LUT-built constant multipliers count half,
    /// as for [`Coefficients::ff_adder_bit`]).
    pub ff_nonzero_adder_bit: f64,
    /// FF per output bit (registered results).
    pub ff_output_bit: f64,
    /// FF per bit of an element-wise operation (activations, pooling).
    pub ff_elementwise_bit: f64,
    /// FF per layer (control, handshake).
    pub ff_per_layer: f64,
    /// BRAM count scale.
    pub bram_scale: f64,
}

/// Names of the LUT features, in the order of [`Coefficients::lut_vector`].
pub const LUT_FEATURES: [&str; 8] = [
    "adder_bits",
    "nonzero_adder_bits",
    "const_mult_bit_products",
    "lut_mult_bit_products",
    "mux_bits",
    "activation_bits",
    "elementwise_bits",
    "layers",
];

/// Names of the FF features, in the order of [`Coefficients::ff_vector`].
pub const FF_FEATURES: [&str; 5] = [
    "adder_bits",
    "nonzero_adder_bits",
    "output_bits",
    "elementwise_bits",
    "layers",
];

impl Coefficients {
    /// Defaults for the HLS estimate (see the type's documentation for their sources).
    pub fn csynth_default() -> Self {
        Coefficients {
            dsp_fraction_constant: 0.92,
            dsp_threshold_bit_products: 56.0,
            dsp_scale: 1.0,
            lut_adder_bit: 0.5,
            lut_nonzero_adder_bit: 0.5,
            lut_const_mult_bit_product: 0.6,
            lut_mult_bit_product: 1.2,
            lut_mux_bit: 0.5,
            lut_activation_bit: 1.75,
            lut_elementwise_bit: 1.0,
            lut_per_layer: 40.0,
            ff_adder_bit: 0.3,
            ff_nonzero_adder_bit: 0.3,
            ff_output_bit: 1.0,
            ff_elementwise_bit: 1.0,
            ff_per_layer: 20.0,
            bram_scale: 1.0,
        }
    }

    /// Defaults for post-synthesis: the csynth defaults scaled by the published
    /// csynth-to-synthesis ratios (LUT x0.48, FF x0.75, DSP x0.98, BRAM x1).
    pub fn synth_default() -> Self {
        Coefficients::csynth_default().after_synthesis()
    }

    /// These csynth coefficients carried to post-synthesis by the published csynth-to-synthesis
    /// ratios (LUT x0.48, FF x0.75, DSP x0.98, BRAM x1; `specs/resource-model.md` 3.4).
    pub fn after_synthesis(&self) -> Self {
        let mut s = self.clone();
        s.set_lut_vector(self.lut_vector().map(|v| v * 0.48));
        s.set_ff_vector(self.ff_vector().map(|v| v * 0.75));
        s.dsp_scale = self.dsp_scale * 0.98;
        s
    }

    /// Defaults for a target (Vitis HLS).
    pub fn default_for(target: Target) -> Self {
        match target {
            Target::Csynth => Coefficients::csynth_default(),
            Target::Synth => Coefficients::synth_default(),
        }
    }

    /// The published-fact defaults for a target and tool family (the tool decides which
    /// multiplications it binds to DSP slices, [`Tool::dsp_threshold_bit_products`]): the
    /// prior that calibration pulls towards.
    pub fn published_for_tool(target: Target, tool: Tool) -> Self {
        let mut c = Coefficients::default_for(target);
        c.dsp_threshold_bit_products = tool.dsp_threshold_bit_products();
        c
    }

    /// The coefficients a model of this target and tool uses by default for layers of `io`:
    /// the fit to the public corpus of published hls4ml designs ([`super::CorpusBands::fit`])
    /// where the corpus has enough reports of that target and io type; for post-synthesis
    /// without a fit of its own, the csynth fit carried over by the published ratios
    /// ([`Coefficients::after_synthesis`]); else [`Coefficients::published_for_tool`].
    pub fn default_for_tool(target: Target, tool: Tool, io: IoType) -> Self {
        let bands = super::CorpusBands::builtin();
        if let Some(f) = bands.fit(target, tool, io) {
            return f.coefficients.clone();
        }
        match (target, bands.fit(Target::Csynth, tool, io)) {
            (Target::Synth, Some(f)) => f.coefficients.after_synthesis(),
            _ => Coefficients::published_for_tool(target, tool),
        }
    }

    /// LUT coefficients in the order of [`LUT_FEATURES`].
    pub fn lut_vector(&self) -> [f64; 8] {
        [
            self.lut_adder_bit,
            self.lut_nonzero_adder_bit,
            self.lut_const_mult_bit_product,
            self.lut_mult_bit_product,
            self.lut_mux_bit,
            self.lut_activation_bit,
            self.lut_elementwise_bit,
            self.lut_per_layer,
        ]
    }

    /// Sets the LUT coefficients (order of [`LUT_FEATURES`]).
    pub fn set_lut_vector(&mut self, v: [f64; 8]) {
        [
            self.lut_adder_bit,
            self.lut_nonzero_adder_bit,
            self.lut_const_mult_bit_product,
            self.lut_mult_bit_product,
            self.lut_mux_bit,
            self.lut_activation_bit,
            self.lut_elementwise_bit,
            self.lut_per_layer,
        ] = v;
    }

    /// FF coefficients in the order of [`FF_FEATURES`].
    pub fn ff_vector(&self) -> [f64; 5] {
        [
            self.ff_adder_bit,
            self.ff_nonzero_adder_bit,
            self.ff_output_bit,
            self.ff_elementwise_bit,
            self.ff_per_layer,
        ]
    }

    /// Sets the FF coefficients (order of [`FF_FEATURES`]).
    pub fn set_ff_vector(&mut self, v: [f64; 5]) {
        [
            self.ff_adder_bit,
            self.ff_nonzero_adder_bit,
            self.ff_output_bit,
            self.ff_elementwise_bit,
            self.ff_per_layer,
        ] = v;
    }

    /// Checks that every coefficient is finite and non-negative, the DSP fraction in `(0, 1]`.
    ///
    /// # Errors
    /// [`Error::Calibration`] naming the bad coefficient.
    pub fn validate(&self) -> Result<()> {
        let named = [
            ("dsp_fraction_constant", self.dsp_fraction_constant),
            (
                "dsp_threshold_bit_products",
                self.dsp_threshold_bit_products,
            ),
            ("dsp_scale", self.dsp_scale),
            ("bram_scale", self.bram_scale),
        ];
        let lut = LUT_FEATURES.iter().copied().zip(self.lut_vector());
        let ff = FF_FEATURES.iter().copied().zip(self.ff_vector());
        for (name, v) in named.into_iter().chain(lut).chain(ff) {
            if !v.is_finite() || v < 0.0 {
                return Err(Error::Calibration(format!(
                    "coefficient `{name}` is {v}; coefficients must be finite and non-negative \
                     (refit the calibration or delete the entry to use the defaults)"
                )));
            }
        }
        if self.dsp_fraction_constant <= 0.0 || self.dsp_fraction_constant > 1.0 {
            return Err(Error::Calibration(format!(
                "dsp_fraction_constant is {}; it must lie in (0, 1]",
                self.dsp_fraction_constant
            )));
        }
        Ok(())
    }
}
