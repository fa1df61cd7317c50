//! The analytic model: per-layer features (bits of adders, multipliers, multiplexers, memories)
//! turned into resources by the [`Coefficients`].

use hwnas_core::cost::{CostModel, IoType, LayerConfig, Resources};
use hwnas_core::fixed::FixedType;
use hwnas_core::ir::{Network, Op, Strategy};
use serde::{Deserialize, Serialize};

use super::Tool;
use super::coefficients::{Coefficients, FF_FEATURES, LUT_FEATURES, Target};
use crate::devices::{Device, DspKind};
use crate::reuse::effective_reuse_factor;
use crate::{Error, Result};

/// What one layer is made of, before the coefficients price it. LUT and FF are linear in
/// `lut` and `ff`; DSP, BRAM and timing are structural.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Features {
    /// LUT features, in the order of [`LUT_FEATURES`].
    pub lut: [f64; 8],
    /// FF features, in the order of [`FF_FEATURES`].
    pub ff: [f64; 5],
    /// DSP slices (before [`Coefficients::dsp_scale`]).
    pub dsp: f64,
    /// 18 Kb BRAMs (before [`Coefficients::bram_scale`]).
    pub bram18: f64,
    /// Cycles from first input to last output.
    pub latency_cycles: f64,
    /// Cycles between two inputs.
    pub ii: f64,
}

impl Features {
    /// Adds another layer's area features (timing is left alone).
    pub fn add_area(&mut self, o: &Features) {
        for (a, b) in self.lut.iter_mut().zip(o.lut) {
            *a += b;
        }
        for (a, b) in self.ff.iter_mut().zip(o.ff) {
            *a += b;
        }
        self.dsp += o.dsp;
        self.bram18 += o.bram18;
    }

    /// The resources these features cost under `c`.
    pub fn price(&self, c: &Coefficients) -> Resources {
        let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
        Resources {
            lut: dot(&self.lut, &c.lut_vector()),
            ff: dot(&self.ff, &c.ff_vector()),
            bram18: self.bram18 * c.bram_scale,
            dsp: self.dsp * c.dsp_scale,
            uram: 0.0,
            latency_cycles: self.latency_cycles,
            ii: self.ii,
        }
    }
}

const _: () = assert!(LUT_FEATURES.len() == 8 && FF_FEATURES.len() == 5);
pub(crate) const ADDER: usize = 0;
pub(crate) const NZ_ADDER: usize = 1;
pub(crate) const CONST_MULT: usize = 2;
pub(crate) const LUT_MULT: usize = 3;
pub(crate) const MUX: usize = 4;
pub(crate) const ACT: usize = 5;
pub(crate) const ELEM: usize = 6;
pub(crate) const LAYERS: usize = 7;
pub(crate) const FF_ADDER: usize = 0;
pub(crate) const FF_NZ_ADDER: usize = 1;
pub(crate) const FF_OUT: usize = 2;
pub(crate) const FF_ELEM: usize = 3;
pub(crate) const FF_LAYERS: usize = 4;

/// Register bits of a LUT-built constant multiplication relative to a DSP one: the tree stage
/// only, no product register (see [`AnalyticModel::kernel_features`]).
const CONST_LUT_REGISTER_SHARE: f64 = 0.5;
/// Delay of a combinational DSP multiplication in adder levels (about 1.4 ns on UltraScale+,
/// 3 ns on 7-series against 0.7 and 1.5 ns per adder level): a Dense kernel of 16 inputs
/// (2 + 4 tree levels + the bias) fits in one 5 ns cycle at 12.5-27 % uncertainty on
/// UltraScale+, as the hls4ml tutorial's and notebooks' reports (latency 1) show, and a 8-input
/// one on Zynq-7000 at 3.33 ns takes 5 cycles (ArgyKokk).
const DSP_MULT_LEVELS: f64 = 2.0;
/// Cycles a Resource-strategy kernel's weight loop adds per call beyond its pipeline depth:
/// entering the loop and writing the accumulators out (see [`AnalyticModel::kernel_features`]).
const RESOURCE_LOOP_OVERHEAD: f64 = 2.0;
/// The clock uncertainty `hwnas emit` writes into a project (`set_clock_uncertainty 12.5%`).
pub const EMITTED_CLOCK_UNCERTAINTY: f64 = 0.125;
/// hls4ml's default clock period (ns).
pub const DEFAULT_CLOCK_NS: f64 = 5.0;
/// The most weights of a Latency-strategy layer that Vivado HLS and Vitis HLS unroll fully
/// (the hls4ml tutorial's "Vivado-enforced unroll limit of 4096").
pub const UNROLL_LIMIT: usize = 4096;
/// Delay of one adder level of an adder tree (a 16-24 bit carry-chain adder plus local
/// routing, about 0.7 ns on UltraScale+ at speed grade -1/-2): at 5 ns HLS chains six levels per
/// cycle, so a Dense layer with up to 64 inputs sums in one cycle after its multipliers.
const ADDER_LEVEL_NS: f64 = 0.7;
/// The same on 7-series parts, about twice as slow: 1.5 ns. Fitted to the 18 Vitis HLS 2021.1
/// Latency MLPs on xc7z007s of the public corpus (`tests/data/public_corpus`, at 3.33 and 5 ns):
/// their median latency error falls from 70 % at 0.7 ns to 47 % (1.0-1.3 ns give 62 %; 1.5 and
/// 1.8 the same 47 %).
const ADDER_LEVEL_NS_SERIES7: f64 = 1.5;

/// A multiply-accumulate kernel as hls4ml builds it: `n_in x n_out` products computed
/// `positions` times one after the other (1 for Dense, the output pixels for a convolution).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Kernel {
    /// Products summed per output (`kernel * channels` for a convolution).
    pub n_in: usize,
    /// Outputs per position (units, filters).
    pub n_out: usize,
    /// Positions computed one after another.
    pub positions: usize,
    /// Weight width (bits).
    pub weight_bits: u32,
    /// Input width (bits).
    pub input_bits: u32,
    /// Accumulator width (bits).
    pub accum_bits: u32,
    /// Result width (bits).
    pub result_bits: u32,
    /// Requested reuse factor (Resource kernels snap it to a valid one).
    pub reuse_factor: u32,
    /// Latency or Resource kernels.
    pub strategy: Strategy,
    /// What is known of the weight values: zeros (pruning) and hard constants.
    pub weights: WeightShares,
}

/// What the model knows of a layer's weight values: which are zero (pruned) and which are
/// "hard" constants. HLS builds a multiplication by a constant of one or two canonical-signed-
/// digit terms (`±2^a`, `±2^a ± 2^b`) from shifts and at most one adder in LUTs, and gives a
/// DSP to a constant of three or more terms. On the 18 Vitis HLS 2021.1 designs of the public
/// corpus with committed weights (`ArgyKokk/hls4ml_MLP_estimator`, `tests/data/public_corpus`)
/// that count predicts the published DSP within a few per cent at reuse factors 1 and 2, where
/// a fixed share of DSP constants was off by 2-20x.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct WeightShares {
    /// Share of weights that are exactly zero.
    pub zero: f64,
    /// Share of weights needing three or more CSD terms in their type (`None`: unknown).
    pub hard: Option<f64>,
    /// Adders of the shift-and-add constants of one and two terms (a two-term constant needs
    /// one), per weight (meaningful when `hard` is known).
    pub easy_adders: f64,
    /// Adders of every constant (`terms - 1` each), per weight: all of them shift-and-add.
    pub all_adders: f64,
}

impl From<f64> for WeightShares {
    /// Only the share of zero weights known.
    fn from(zero: f64) -> Self {
        WeightShares {
            zero,
            ..WeightShares::default()
        }
    }
}

/// Non-zero terms of the canonical signed-digit form of `n` (the fewest `±2^k` that sum to it).
pub fn csd_terms(n: i128) -> u32 {
    let mut n = n.unsigned_abs();
    let mut terms = 0;
    while n != 0 {
        if n & 1 == 1 {
            // ...11 ends a run: +1 at its end and -1 at its start (one term for the run's end).
            n = if n & 3 == 3 { n + 1 } else { n - 1 };
            terms += 1;
        }
        n >>= 1;
    }
    terms
}

/// What a layer module's cost function knows of the layer being priced (see
/// `AnalyticModel::layer_features`, which adds the per-layer overhead and io_stream FIFOs).
pub(crate) struct CostCx<'a> {
    pub model: &'a AnalyticModel,
    pub l: &'a LayerConfig,
    /// Coefficients of the layer's strategy.
    pub c: &'a Coefficients,
    pub in_bits: u32,
    pub out_bits: u32,
    /// io_stream.
    pub stream: bool,
    /// `(positions, channels)` of the input and output.
    pub in_pos: usize,
    pub in_ch: usize,
    pub out_pos: usize,
    pub out_ch: usize,
    /// What is known of the weight values.
    pub weights: WeightShares,
}

impl CostCx<'_> {
    /// Values of a tensor of shape `s` (at least 1).
    pub fn elems(s: &[usize]) -> usize {
        s.iter().product::<usize>().max(1)
    }

    /// The layer's multiply-accumulate kernel of `n_in x n_out` products at `positions`.
    pub fn kernel(&self, n_in: usize, n_out: usize, positions: usize) -> Features {
        let k = kernel(self.l, n_in, n_out, positions, self.weights);
        let mut f = self.model.kernel(self.c, &k);
        if !self.stream && k.strategy == Strategy::Resource && positions > 1 {
            // io_parallel convolutions pipeline their pixel loop at II = reuse factor, so the
            // positions of a Resource kernel overlap (hls4ml CI, Conv2D 4x4/4 over 28x28x3 to
            // 7x7x32 at reuse factor 1: latency 51-52, II 49-53 under Vivado HLS 2020.1 and
            // Vitis HLS 2024.1); io_stream ones run one position's weight loop after another.
            let rf = effective_reuse_factor(n_in, n_out, k.reuse_factor, k.strategy) as f64;
            let p = positions as f64;
            let one = f.latency_cycles / p;
            f.latency_cycles = (p - 1.0) * rf + one;
            f.ii = p * rf;
        }
        f
    }
}

/// The analytic FPGA resource model of hls4ml-style designs, for one device and target.
///
/// Per layer it counts multipliers (`ceil(n_in * n_out / RF)`, minus pruned weights where HLS
/// can drop them), maps each multiplication to DSP slices or LUTs by its operand widths and
/// the family's DSP ports, sizes adder trees, multiplexers, BRAM (Resource-strategy weights,
/// io_stream FIFOs and line buffers) and timing, and prices them with [`Coefficients`]
/// (defaults or a calibration).
///
/// ```
/// use hwnas_core::cost::{CostModel, IoType, LayerConfig};
/// use hwnas_core::ir::Network;
/// use hwnas_hls::resources::{AnalyticModel, Target};
///
/// let net = Network::load(std::path::Path::new("../examples/nets/jet_mlp.json"))?;
/// let model = AnalyticModel::for_part("xczu3eg-sbva484-1-e", Target::Csynth)?;
/// let layers = LayerConfig::of_network(&net, IoType::IoParallel)?;
/// let total = model.network_cost(&layers);
/// assert!(total.dsp > 3_000.0 && total.dsp < 4_300.0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct AnalyticModel {
    /// The device (its family fixes the DSP ports).
    pub device: &'static Device,
    /// What the estimate predicts.
    pub target: Target,
    /// Coefficients used for Latency-strategy layers (and layers without a strategy).
    pub latency: Coefficients,
    /// Coefficients used for Resource-strategy layers.
    pub resource: Coefficients,
    /// Coefficients used for io_stream layers (either strategy).
    pub stream: Coefficients,
    /// Target clock period (ns), which sets how many adder levels share one pipeline stage.
    pub clock_ns: f64,
    /// The HLS tool family (which multiplications get DSPs).
    pub tool: Tool,
    /// Whether a Latency kernel's multiplier limit subtracts its zero weights
    /// (`ceil(n / rf) - n_zeros / rf`: hls4ml 0.6 and later, and `hwnas emit`); hls4ml 0.5
    /// wrote `ceil(n / rf)`.
    pub limit_subtracts_zeros: bool,
    /// Share of the clock period kept as uncertainty (default 12.5 %, what `hwnas emit`
    /// writes; hls4ml's own Vitis backend writes 27 %, [`Tool::clock_uncertainty`]).
    pub clock_uncertainty: f64,
}

/// One row of a network estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayerEstimate {
    /// Layer name.
    pub name: String,
    /// Layer kind (`Dense`, ...).
    pub kind: String,
    /// Effective reuse factor (after snapping to a valid one), for kernels.
    pub reuse_factor: Option<u32>,
    /// The estimate.
    pub resources: Resources,
}

/// A whole-network estimate: one row per layer and the total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkEstimate {
    /// Device base name.
    pub device: String,
    /// Target.
    pub target: Target,
    /// Per-layer rows.
    pub layers: Vec<LayerEstimate>,
    /// Sum (areas and latencies add, the slowest initiation interval wins).
    pub total: Resources,
}

impl AnalyticModel {
    /// The model with default coefficients.
    pub fn new(device: &'static Device, target: Target) -> Self {
        AnalyticModel::for_tool(device, target, Tool::default())
    }

    /// The model of a tool family with its default coefficients
    /// ([`Coefficients::default_for_tool`], for io_parallel and for io_stream layers).
    pub fn for_tool(device: &'static Device, target: Target, tool: Tool) -> Self {
        let c = Coefficients::default_for_tool(target, tool, IoType::IoParallel);
        AnalyticModel {
            device,
            target,
            latency: c.clone(),
            resource: c,
            stream: Coefficients::default_for_tool(target, tool, IoType::IoStream),
            clock_ns: DEFAULT_CLOCK_NS,
            tool,
            clock_uncertainty: EMITTED_CLOCK_UNCERTAINTY,
            limit_subtracts_zeros: true,
        }
    }

    /// The same model for another target clock period (ns; hls4ml's default is 5).
    pub fn with_clock_ns(mut self, clock_ns: f64) -> Self {
        if clock_ns.is_finite() && clock_ns > 0.0 {
            self.clock_ns = clock_ns;
        }
        self
    }

    /// The same model with another clock uncertainty (a share of the period in `[0, 1)`, as
    /// `set_clock_uncertainty` in the project's Tcl); other values are ignored.
    pub fn with_clock_uncertainty(mut self, share: f64) -> Self {
        if (0.0..1.0).contains(&share) {
            self.clock_uncertainty = share;
        }
        self
    }

    /// The model of the project `cfg` describes: its part, tool family and clock period, so
    /// that the search prices a network as the written project will be built.
    ///
    /// ```
    /// use hwnas_hls::emit::HlsConfig;
    /// use hwnas_hls::resources::{AnalyticModel, Target, Tool};
    ///
    /// let cfg = HlsConfig {
    ///     part: "xcu50-fsvh2104-2-e".into(),
    ///     clock_ns: 4.0,
    ///     tool: Tool::VitisHls,
    ///     ..HlsConfig::default()
    /// };
    /// let model = AnalyticModel::for_config(&cfg, Target::Synth)?;
    /// assert_eq!((model.clock_ns, model.tool), (4.0, Tool::VitisHls));
    /// # Ok::<(), hwnas_hls::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::UnknownPart`].
    pub fn for_config(cfg: &crate::emit::HlsConfig, target: Target) -> Result<Self> {
        Ok(
            AnalyticModel::for_tool(Device::lookup(&cfg.part)?, target, cfg.tool)
                .with_clock_ns(cfg.clock_ns),
        )
    }

    /// The model for a part string (`xcvu13p-flga2577-2-e`) with default coefficients.
    ///
    /// # Errors
    /// [`Error::UnknownPart`].
    pub fn for_part(part: &str, target: Target) -> Result<Self> {
        Ok(AnalyticModel::new(Device::lookup(part)?, target))
    }

    /// The same model with these coefficients for every layer.
    pub fn with_coefficients(mut self, c: Coefficients) -> Self {
        self.latency = c.clone();
        self.resource = c.clone();
        self.stream = c;
        self
    }

    /// The coefficients used for an io_parallel layer of a strategy.
    pub fn coefficients(&self, s: Strategy) -> &Coefficients {
        match s {
            Strategy::Latency => &self.latency,
            Strategy::Resource => &self.resource,
        }
    }

    /// The coefficients used for a layer: [`AnalyticModel::stream`] for io_stream layers,
    /// else those of its strategy.
    pub fn coefficients_for(&self, l: &LayerConfig) -> &Coefficients {
        match l.io {
            IoType::IoStream => &self.stream,
            IoType::IoParallel => self.coefficients(l.hls.strategy),
        }
    }

    pub(crate) fn dsp_kind(&self) -> DspKind {
        self.device.family.dsp_kind()
    }

    /// The features of one layer; `weights` says what is known of its weight values (a share
    /// of zero weights alone converts into it; 0 when the weights are unknown).
    pub fn layer_features(&self, l: &LayerConfig, weights: impl Into<WeightShares>) -> Features {
        let weights = weights.into();
        let c = self.coefficients_for(l);
        let t = &l.types;
        let in_bits = t.input.width;
        let out_bits = t.result.width;
        let stream = l.io == IoType::IoStream;
        let (in_pos, in_ch) = spatial(&l.input_shape);
        let (out_pos, out_ch) = spatial(&l.output_shape);
        let cx = CostCx {
            model: self,
            l,
            c,
            in_bits,
            out_bits,
            stream,
            in_pos,
            in_ch,
            out_pos,
            out_ch,
            weights,
        };
        let mut f = crate::layers::cost(&cx);
        // An io_stream Flatten only renames the stream: hls4ml writes no process for it (the
        // tutorial's io_stream CNNs list no Flatten instance and no FIFO of its own).
        if stream && matches!(l.op, Op::Flatten(_)) {
            return f;
        }
        f.lut[LAYERS] += 1.0;
        f.ff[FF_LAYERS] += 1.0;
        if stream {
            let word = out_ch * out_bits as usize;
            // Vivado HLS splits hls4ml's `nnet::array` stream word into one FIFO per element
            // (Vitis HLS packs it into one).
            let fifos = match self.tool {
                Tool::VivadoHls => out_ch,
                Tool::VitisHls => 1,
            };
            fifo(&mut f, out_pos, word, fifos);
            // Vitis HLS registers the word a DATAFLOW process writes into its FIFO; Vivado HLS
            // writes it combinationally (hls4ml CI, Dense 1->64 + ReLU in io_stream: Vitis HLS
            // 2023.1 and 2024.1 report 2,064 FF = 2 x 1,024 + 16, Vivado HLS 2020.1 326).
            if self.tool == Tool::VitisHls {
                f.ff[FF_OUT] = f.ff[FF_OUT].max(word as f64);
            }
        }
        f
    }

    /// The features of a multiply-accumulate kernel.
    pub fn kernel_features(&self, k: &Kernel) -> Features {
        self.kernel(self.coefficients(k.strategy), k)
    }

    pub(crate) fn kernel(&self, c: &Coefficients, k: &Kernel) -> Features {
        let rf = effective_reuse_factor(k.n_in, k.n_out, k.reuse_factor, k.strategy) as f64;
        let n = (k.n_in * k.n_out) as f64;
        let keep = 1.0 - k.weights.zero.clamp(0.0, 1.0);
        let hard = k.weights.hard.map(|h| h.clamp(0.0, 1.0) * n);
        let nz = n * keep;
        let per_cycle = (n / rf).ceil();
        let resource = k.strategy == Strategy::Resource;
        // hls4ml's `multiplier_limit` for Latency kernels: `ceil(n / rf) - zeros / rf`
        // (integer division), the ALLOCATION limit on `mul` operations.
        let limit = if resource || !self.limit_subtracts_zeros {
            per_cycle
        } else {
            (per_cycle - ((n - nz).round() / rf).floor()).max(1.0)
        };
        // Latency kernels drop multiplications by zero; Resource kernels read every weight
        // from memory and keep them.
        let mults = if resource { per_cycle } else { nz.min(limit) };
        let bit_products = (k.weight_bits * k.input_bits) as f64;
        // A Latency multiplier that serves a single weight multiplies by a constant. Vitis HLS
        // keeps every known weight a constant even when the multiplier limit binds: the easy
        // ones stay shifts and adders in LUTs and only the hard ones share the `limit` DSPs
        // (ArgyKokk, Vitis HLS 2021.1, ARRHYTHMIA fc1 274x8: 119 DSP and 26.6k LUT in 9 cycles
        // at reuse factor 1, 13 DSP and 24.9k LUT in 15 cycles at 100).
        let shared_constants = self.tool == Tool::VitisHls && hard.is_some();
        let constant = !resource && (nz <= limit || shared_constants);
        let mult = if constant { CONST_MULT } else { LUT_MULT };
        let mut f = Features::default();
        let in_dsp = if bit_products >= c.dsp_threshold_bit_products {
            // Constant multiplications (Latency) are partly simplified by HLS into LUT logic
            // (powers of two, short constants). A simplified one is priced as a LUT multiplier
            // at the mapping threshold, so wider operands never make a layer cheaper.
            let in_dsp = if resource {
                mults
            } else if let Some(hard) = hard {
                // Known weights: the constants of three or more CSD terms (see WeightShares).
                hard.min(limit)
            } else {
                (c.dsp_fraction_constant * nz).min(limit)
            };
            let slices = self
                .dsp_kind()
                .slices_per_product(k.weight_bits, k.input_bits) as f64;
            f.dsp = in_dsp * slices;
            f.lut[mult] = match hard {
                // Known constants: the easy ones are shifts (free) and single adders.
                Some(_) if constant => {
                    k.weights.easy_adders * n * (k.weight_bits + k.input_bits) as f64
                }
                _ => (mults - in_dsp).max(0.0) * c.dsp_threshold_bit_products,
            };
            in_dsp
        } else {
            f.lut[mult] = match hard {
                Some(_) if constant => {
                    k.weights.all_adders * n * (k.weight_bits + k.input_bits) as f64
                }
                _ => mults * bit_products,
            };
            0.0
        };
        // Every Latency weight is a constant, shared multiplier or not: the easy ones are
        // shifts and adders whatever the reuse factor (ArgyKokk: fewer FF at reuse factor 2 and
        // 100 than at 1). Known constants count per product (the hard ones through a DSP,
        // shared or not), others per multiplier.
        let (dsp_products, products) = match hard {
            Some(h) if constant => (h.min(nz), nz),
            _ => (in_dsp, mults),
        };
        let reg_share = if products > 0.0 && !resource {
            (dsp_products + CONST_LUT_REGISTER_SHARE * (products - dsp_products).max(0.0))
                / products
        } else {
            1.0
        };
        // Products that share a multiplier are multiplexed onto it: operands and constants
        // (Latency), operands only (Resource: weights come from memory).
        f.lut[MUX] = if resource {
            (n - mults).max(0.0) * k.input_bits as f64
        } else if constant {
            // Only the hard constants beyond the limit share a DSP.
            (hard.unwrap_or(0.0).min(nz) - limit).max(0.0) * (k.input_bits + k.weight_bits) as f64
        } else {
            (nz - mults).max(0.0) * (k.input_bits + k.weight_bits) as f64
        };
        let in_bram = resource && rf > 1.0;
        if in_bram {
            // Weights reshaped into `ceil(n / rf)`-wide words, `rf` deep, bound to BRAM.
            f.bram18 = bram18(rf as usize, per_cycle as usize * k.weight_bits as usize);
        }
        // Timing. One position is a chain of operations: the multiplication (a DSP
        // multiplication is worth [`DSP_MULT_LEVELS`] adder levels; a constant built in LUTs
        // one; a shared LUT multiplier core is a partial-product tree of `ceil(log2(min(w, a)))` levels and a carry-propagate adder),
        // the adder tree over the non-zero products of one output (`ceil(log2)` levels, zero
        // weights having been propagated away) and the bias addition. HLS chains as many levels
        // per cycle as fit in the clock period less its uncertainty and registers the rest: a
        // chain that fits in one cycle costs no cycle at all (the Dense 1->64 kernels of the
        // hls4ml CI report a latency of 0). A BRAM weight read adds one cycle.
        let tree_levels = (k.n_in as f64 * keep).max(1.0).log2().ceil();
        let narrow = k.weight_bits.min(k.input_bits).max(1) as f64;
        let lut_core = narrow.log2().ceil() + 1.0;
        let mult_levels = if in_dsp > 0.0 {
            DSP_MULT_LEVELS
        } else if bit_products <= 0.0 {
            0.0
        } else {
            match (self.tool, constant) {
                // Vitis HLS decomposes a constant into its shifts and an adder or two (the
                // ArgyKokk designs forced into LUTs are faster than their DSP twins) and
                // leaves a shared multiplication in LUTs only where that is no slower than a
                // DSP.
                (Tool::VitisHls, true) => 1.0,
                (Tool::VitisHls, false) => lut_core.min(DSP_MULT_LEVELS),
                // Vivado HLS binds every multiplication, constant or not, to a LUT multiplier
                // core (hls4ml tutorial, 7-bit QKeras weights: 15 cycles where the same
                // network in DSPs takes 13).
                (Tool::VivadoHls, _) => lut_core,
            }
        };
        let stages = self.chain_registers(mult_levels + tree_levels + 1.0);
        let positions = k.positions.max(1) as f64;
        let depth = stages + if in_bram { 1.0 } else { 0.0 };
        // Cycles of one position's schedule.
        let mut one = depth;
        if resource {
            // A Resource kernel is its own pipelined loop over the `rf` weight words, entered
            // and left once per position (loop entry, the accumulator's final write): the
            // positions do not overlap. Published Resource kernels (Vivado HLS 2019.1,
            // `uw-acme/HLS4ML_VS_MANUAL`): Dense rf + 4 cycles, Conv2D rf + 5-6 per pixel.
            // A single call (Dense) accepts its next input after `rf` cycles.
            let per_position = rf + depth.max(1.0) + RESOURCE_LOOP_OVERHEAD;
            f.latency_cycles = positions * per_position;
            f.ii = if positions > 1.0 {
                f.latency_cycles
            } else {
                rf
            };
        } else if rf > 1.0 {
            // The `mul` operations (the hard constants; every product of a shared multiplier)
            // are scheduled `limit` per cycle. Vitis HLS does not pad a schedule shorter than
            // `rf`: the position is done when its last product is summed, and the next starts
            // one cycle later (the ArgyKokk Vitis HLS 2021.1 projects: the same latency at
            // reuse factors 1 and 2; II 16 and 24, latency 15 and 23 at 100). Vivado HLS spreads
            // the products over the whole II (hls4ml tutorial, Vivado HLS 2019.2: one cycle
            // more per layer at reuse factor 2).
            let real = if constant {
                hard.unwrap_or(nz * c.dsp_fraction_constant).min(nz)
            } else {
                nz
            };
            let mut cycles = (real / limit).ceil().max(1.0);
            if self.tool == Tool::VivadoHls {
                cycles = cycles.max(rf);
            }
            one = cycles - 1.0 + depth;
            let ii_one = rf.min(one + 1.0);
            f.ii = positions * ii_one;
            f.latency_cycles = (positions - 1.0) * ii_one + one;
        } else {
            f.ii = positions;
            f.latency_cycles = positions - 1.0 + depth;
        }
        // Pipeline registers: every stage boundary of one position's schedule holds the
        // partial sums that cross it; where HLS puts the boundaries depends on the tool
        // ([`register_stages`]); no boundary, no registers. A multiplication in a DSP
        // is a registered operation in the Vivado HLS schedule (the M stage, counted as fabric
        // FF by csynth), so its products pass one boundary more than a LUT-built constant
        // multiplication does (see `CONST_LUT_REGISTER_SHARE`).
        let terms = (k.n_in as f64 * keep).max(1.0);
        // Cycles a multiplier limit adds hold only the multipliers' own results: Vivado HLS,
        // which spreads the products over the II, registers at most one boundary more than the
        // chain has; Vitis HLS none (the ArgyKokk designs at reuse factor 2 and 100 report
        // fewer FF than at 1).
        let padded = match self.tool {
            Tool::VivadoHls => one.min(depth + 1.0),
            Tool::VitisHls => depth,
        };
        let boundaries = register_stages(padded, self.levels_per_cycle(), terms, self.tool);
        // A kernel that takes cycles registers its results at the call boundary; a
        // combinational one (latency 0, io_parallel) registers nothing.
        if one + positions > 1.0 || resource {
            f.ff[FF_OUT] = (k.n_out * k.result_bits as usize) as f64;
        }
        let acc = k.accum_bits as f64;
        if resource {
            f.lut[ADDER] = mults * acc;
            f.lut[NZ_ADDER] = mults * acc;
            f.ff[FF_ADDER] = mults * acc;
            f.ff[FF_NZ_ADDER] = mults * acc;
        } else {
            f.lut[ADDER] = n * acc;
            f.lut[NZ_ADDER] = nz * acc;
            f.ff[FF_ADDER] = reg_share * boundaries * n * acc;
            f.ff[FF_NZ_ADDER] = reg_share * boundaries * nz * acc;
        }
        f
    }

    /// Adder levels HLS chains in one cycle: the clock period less its uncertainty, over the
    /// delay of one carry-chain adder level with its routing.
    fn levels_per_cycle(&self) -> f64 {
        let level = match self.device.family {
            crate::devices::Family::Series7 => ADDER_LEVEL_NS_SERIES7,
            _ => ADDER_LEVEL_NS,
        };
        (self.clock_ns * (1.0 - self.clock_uncertainty) / level)
            .floor()
            .max(1.0)
    }

    /// Cycles of `levels` chained adder levels (at least one: the result is registered).
    pub(crate) fn adder_cycles(&self, levels: f64) -> f64 {
        (levels / self.levels_per_cycle()).ceil().max(1.0)
    }

    /// Registers HLS inserts into a chain of `levels` adder levels: none when it fits in
    /// one cycle.
    pub(crate) fn chain_registers(&self, levels: f64) -> f64 {
        ((levels / self.levels_per_cycle()).ceil() - 1.0).max(0.0)
    }

    /// Window selection (io_parallel) or line buffers (io_stream) of a convolution.
    pub(crate) fn window(
        &self,
        f: &mut Features,
        l: &LayerConfig,
        kernel: &[usize],
        n_in: usize,
        in_bits: u32,
        positions: usize,
    ) {
        if l.io == IoType::IoStream {
            line_buffer(f, &l.input_shape, kernel, in_bits);
        } else {
            // The input array is fully partitioned; each window is multiplexed out of it.
            f.lut[MUX] += (n_in * in_bits as usize * positions.saturating_sub(1)) as f64;
        }
    }

    /// A pooling layer; `padded`: some window reaches into `same` padding.
    pub(crate) fn pool(
        &self,
        l: &LayerConfig,
        pool: &[usize],
        average: bool,
        padded: bool,
    ) -> Features {
        let stream = l.io == IoType::IoStream;
        let bits = l.types.input.width as usize;
        let p: usize = pool.iter().product();
        let (out_pos, out_ch) = spatial(&l.output_shape);
        let (in_pos, _) = spatial(&l.input_shape);
        let outputs = if stream { out_ch } else { out_pos * out_ch };
        let mut f = Features::default();
        // Per output, `p - 1` operations over the window: an average's additions (the division
        // by a power-of-two window is a shift) cost a carry chain, one LUT per bit; a maximum's
        // comparisons a carry chain and a 2:1 multiplexer, two per bit (hls4ml CI, Vitis HLS
        // 2024.1, 2x2 windows of 16-bit values: 51 LUT per average, 117 per maximum).
        let per_op = if average { 1 } else { 2 };
        f.lut[ELEM] = (outputs * p.saturating_sub(1) * per_op * bits) as f64;
        f.ff[FF_ELEM] = (outputs * bits) as f64;
        // A comparator (or adder) tree over the window, chained like an adder tree; an
        // io_parallel one that fits in a cycle is combinational (hls4ml CI: latency 0).
        let levels = (p.max(1) as f64).log2().ceil();
        if stream {
            line_buffer(&mut f, &l.input_shape, pool, bits as u32);
            timing(&mut f, in_pos, self.adder_cycles(levels));
        } else {
            let depth = self.chain_registers(levels + 1.0);
            timing(&mut f, 0, depth);
            if depth == 0.0 {
                f.ff[FF_ELEM] = 0.0;
            }
            if average && padded && self.tool == Tool::VivadoHls {
                rescale_dividers(&mut f, outputs, bits);
            }
        }
        f
    }

    /// The resources of one layer with what is known of its weights (a share of zero weights
    /// alone converts into [`WeightShares`]).
    pub fn layer_resources(&self, l: &LayerConfig, weights: impl Into<WeightShares>) -> Resources {
        self.layer_features(l, weights)
            .price(self.coefficients_for(l))
    }

    /// The resources of an hls4ml softmax (`stable`, default tables) over `n` values, as a
    /// Softmax layer of the IR is priced (for whole-design reports whose network is given
    /// without its softmax).
    pub fn softmax(&self, n: usize) -> Resources {
        crate::layers::activation::softmax_features(self, n, 1).price(&self.latency)
    }

    /// The features of every layer of `net` with its configuration; `None` for a BatchNorm
    /// directly after a Dense or Conv layer, which hls4ml fuses into it. Zero and hard weights
    /// are counted when the network carries weights ([`weight_shares`]).
    ///
    /// # Errors
    /// The errors of [`Network::analyze`].
    pub fn network_layer_features(
        &self,
        net: &Network,
        io: IoType,
    ) -> Result<Vec<(LayerConfig, Option<Features>)>> {
        let configs = LayerConfig::of_network(net, io).map_err(Error::Core)?;
        Ok(net
            .layers
            .iter()
            .zip(configs)
            .enumerate()
            .map(|(i, (layer, cfg))| {
                let fused = matches!(layer.op, Op::BatchNorm(_))
                    && i > 0
                    && net.layers[i - 1].op.has_kernel();
                let f = (!fused)
                    .then(|| self.layer_features(&cfg, weight_shares(net, &layer.name, &cfg)));
                (cfg, f)
            })
            .collect())
    }

    /// The summed area features of a whole network's layers (what calibration fits
    /// coefficients to; the top function's own registers, [`AnalyticModel::interface`], are
    /// not among them).
    ///
    /// # Errors
    /// The errors of [`Network::analyze`].
    pub fn network_features(&self, net: &Network, io: IoType) -> Result<Features> {
        let mut total = Features::default();
        for (_, f) in self.network_layer_features(net, io)? {
            if let Some(f) = f {
                total.add_area(&f);
            }
        }
        Ok(total)
    }

    /// What the top function itself holds, one FF per bit (no coefficient: these are plain
    /// registers): an io_parallel top registers its whole input array (the hls4ml CI's
    /// pooling designs, combinational with latency 0, report `121 x 3 x 16 + 2` and
    /// `18 x 15 x 3 x 16 + 2` FF); io_stream inputs arrive through a FIFO, priced with the
    /// first layer.
    ///
    /// # Errors
    /// The errors of [`Network::analyze`].
    pub fn interface(&self, net: &Network, io: IoType) -> Result<Resources> {
        let mut r = Resources::default();
        if io == IoType::IoParallel {
            let a = net.analyze().map_err(Error::Core)?;
            let elems: usize = a.input_shape.iter().product();
            r.ff = (elems * a.input_type.width as usize) as f64;
        }
        Ok(r)
    }

    /// What the model knows it does not capture for `net`, one sentence per layer concerned:
    /// Latency-strategy kernels of more than [`UNROLL_LIMIT`] weights, which HLS does not unroll
    /// fully (the public corpus's HAR MLPs, 561x20 and 196x56 weights under Vitis HLS 2021.1:
    /// 192 and 48 cycles for a layer the model, which assumes a full unroll, gives 5-10, and
    /// 3-4 times its FF).
    ///
    /// # Errors
    /// The errors of [`Network::analyze`].
    pub fn unmodelled(&self, net: &Network, io: IoType) -> Result<Vec<String>> {
        let configs = LayerConfig::of_network(net, io).map_err(Error::Core)?;
        Ok(net
            .layers
            .iter()
            .zip(&configs)
            .filter_map(|(layer, cfg)| {
                let (n_in, n_out) = kernel_dims(cfg)?;
                let weights = n_in * n_out;
                (cfg.hls.strategy == Strategy::Latency && weights > UNROLL_LIMIT).then(|| {
                    format!(
                        "layer `{}` has {weights} weights under the Latency strategy, over the \
                         {UNROLL_LIMIT} that HLS unrolls fully; its latency and FF may be several \
                         times the estimate (use the Resource strategy, or split the layer)",
                        layer.name
                    )
                })
            })
            .collect())
    }

    /// Per-layer estimate of a whole network: BatchNorm directly after a Dense or Conv layer is
    /// fused into it (cost zero), zero weights are counted when the network carries weights.
    ///
    /// Areas add up. Timing depends on how hls4ml connects the layers: io_parallel layers run
    /// one after the other in one pipeline (latencies add, the slowest II wins); io_stream
    /// layers are the processes of a DATAFLOW region connected by FIFOs, so they overlap: the
    /// network takes as long as its slowest process plus the pipeline depth of every process
    /// (see [`latency_share`]).
    ///
    /// # Errors
    /// The errors of [`Network::analyze`].
    pub fn estimate_network(&self, net: &Network, io: IoType) -> Result<NetworkEstimate> {
        let rows = self.network_layer_features(net, io)?;
        let mut layers = Vec::with_capacity(rows.len());
        let mut total = self.interface(net, io)?;
        for (layer, (cfg, f)) in net.layers.iter().zip(&rows) {
            let r = f.map_or_else(Resources::default, |f| f.price(self.coefficients_for(cfg)));
            total = total.then(r);
            layers.push(LayerEstimate {
                name: layer.name.clone(),
                kind: layer.op.kind().to_string(),
                reuse_factor: kernel_dims(cfg).map(|(a, b)| {
                    effective_reuse_factor(a, b, cfg.hls.reuse_factor, cfg.hls.strategy)
                }),
                resources: r,
            });
        }
        let stages: Vec<Resources> = layers
            .iter()
            .zip(&rows)
            .filter(|(_, (_, f))| f.is_some())
            .map(|(l, _)| l.resources)
            .collect();
        (total.latency_cycles, total.ii) = self.network_timing(&stages, io);
        Ok(NetworkEstimate {
            device: self.device.name.to_string(),
            target: self.target,
            layers,
            total,
        })
    }
}

/// What one layer adds to the network's latency (the rule of the model's
/// [`CostModel::network_timing`]): an io_parallel
/// call that takes cycles registers its result once more at the call boundary (one cycle), a
/// combinational one (latency 0) is chained into its neighbours for free (hls4ml notebook
/// reports, Vivado HLS 2019.2 and Vitis HLS 2024.1: four Dense layers of latency 1 and a
/// softmax of 4 give 13-14 cycles; the CI's Dense + ReLU of latency 0 give 0). A DATAFLOW
/// process adds its pipeline depth (`latency - II`): each starts on the first values its
/// producer writes into the FIFO, and the slowest process's II is added once for the network.
pub fn latency_share(layer: &Resources, io: IoType) -> f64 {
    match io {
        IoType::IoParallel => {
            layer.latency_cycles
                + if layer.latency_cycles >= 1.0 {
                    1.0
                } else {
                    0.0
                }
        }
        IoType::IoStream => (layer.latency_cycles - layer.ii).max(0.0),
    }
}

impl CostModel for AnalyticModel {
    fn layer_cost(&self, layer: &LayerConfig) -> Resources {
        self.layer_resources(layer, 0.0)
    }

    /// As hls4ml connects the layers ([`crate::resources::latency_share`]).
    fn latency_share(&self, layer: &Resources, io: IoType) -> f64 {
        latency_share(layer, io)
    }

    /// io_stream layers are a DATAFLOW pipeline.
    fn latency_adds_slowest_ii(&self, io: IoType) -> bool {
        io == IoType::IoStream
    }

    /// A Vitis HLS DATAFLOW top does not start its next call before the current one is done
    /// (hls4ml CI, io_stream Dense + activation: Vitis HLS 2023.1 and 2024.1 report
    /// II = latency, 2 and 4; Vivado HLS 2020.1 II 1 for the same designs).
    fn ii_waits_for_latency(&self, io: IoType) -> bool {
        io == IoType::IoStream && self.tool == Tool::VitisHls
    }
}

/// `(n_in, n_out)` of a Dense or Conv layer's kernel.
pub fn kernel_dims(l: &LayerConfig) -> Option<(usize, usize)> {
    let (_, in_ch) = spatial(&l.input_shape);
    match &l.op {
        Op::Dense(d) => Some((l.input_shape.iter().product(), d.units)),
        Op::Conv1D(c) => Some((c.kernel * in_ch, c.filters)),
        Op::Conv2D(c) => Some((c.kernel[0] * c.kernel[1] * in_ch, c.filters)),
        _ => None,
    }
}

/// What `<layer>.weight` (or a PReLU's `<layer>.alpha`) of `net` says of the weights (nothing
/// when the network has no weights): the share of exact zeros, and the shares of values that
/// need three or more CSD terms, and of adders, once quantised to the layer's weight type as
/// the firmware loads them.
pub fn weight_shares(net: &Network, layer: &str, cfg: &LayerConfig) -> WeightShares {
    // A kernel's weights, or a PReLU's slopes.
    let Some(t) = ["weight", "alpha"]
        .iter()
        .filter_map(|k| net.weights.get(&format!("{layer}.{k}")))
        .find(|t| !t.data.is_empty())
    else {
        return WeightShares::default();
    };
    let n = t.data.len() as f64;
    let zero = t.data.iter().filter(|v| **v == 0.0).count() as f64 / n;
    let Some(wt) = cfg.types.weight.or(cfg.types.param) else {
        return WeightShares::from(zero);
    };
    let (mut hard, mut easy, mut all) = (0u64, 0u64, 0u64);
    for &v in &t.data {
        let terms = csd_terms(wt.quantize_printed(v)) as u64;
        if terms >= 3 {
            hard += 1;
        } else {
            easy += terms.saturating_sub(1);
        }
        all += terms.saturating_sub(1);
    }
    WeightShares {
        zero,
        hard: Some(hard as f64 / n),
        easy_adders: easy as f64 / n,
        all_adders: all as f64 / n,
    }
}

pub(crate) fn kernel(
    l: &LayerConfig,
    n_in: usize,
    n_out: usize,
    positions: usize,
    weights: WeightShares,
) -> Kernel {
    let t = &l.types;
    let w = t.weight.map_or(t.result.width, |w| w.width);
    let acc = t
        .accum
        .or_else(|| {
            FixedType::lossless_accumulator(&t.input, &w_type(t), t.bias.as_ref(), n_in).ok()
        })
        .map_or(t.result.width, |a| a.width);
    Kernel {
        n_in,
        n_out,
        positions,
        weight_bits: w,
        input_bits: t.input.width,
        accum_bits: acc,
        result_bits: t.result.width,
        reuse_factor: l.hls.reuse_factor,
        strategy: l.hls.strategy,
        weights,
    }
}

fn w_type(t: &hwnas_core::ir::LayerTypes) -> FixedType {
    t.weight.unwrap_or(t.result)
}

/// `(positions, channels)` of a channels-last shape; a 1-D shape is one position.
pub(crate) fn spatial(shape: &[usize]) -> (usize, usize) {
    match shape {
        [] => (1, 1),
        [n] => (1, *n),
        [rest @ .., c] => (rest.iter().product::<usize>().max(1), *c),
    }
}

pub(crate) fn timing(f: &mut Features, positions: usize, depth: f64) {
    f.latency_cycles = positions as f64 + depth.max(0.0);
    f.ii = positions.max(1) as f64;
}

/// hls4ml's io_parallel average pooling over `same` padding rescales every output by
/// `pool_size / img_overlap` (`img_overlap`: an `unsigned` counted in the unrolled window loop,
/// `nnet_pooling.h`). Vitis HLS folds the count into constants; Vivado HLS builds one
/// pipelined divider per output: `data_T` (`bits` wide) over a 32-bit `unsigned`, one quotient
/// bit per stage, each stage a 33-bit subtractor holding the partial remainder and the
/// quotient. For `ap_fixed<16,6>`: 17 stages, 21 cycles with the divider's entry and exit
/// (hls4ml CI, Vivado HLS 2020.1, AveragePooling1D and 2D with `same` padding over 121 and
/// 18x15 inputs: latency 21, 750-840 FF and 490-520 LUT per output; valid padding: latency 0).
fn rescale_dividers(f: &mut Features, outputs: usize, bits: usize) {
    const DIVISOR_BITS: usize = 33;
    const ENTRY_EXIT_CYCLES: f64 = 4.0;
    let stages = bits + 1;
    f.lut[ELEM] += (outputs * stages * DIVISOR_BITS) as f64;
    f.ff[FF_ELEM] += (outputs * stages * (DIVISOR_BITS + stages)) as f64;
    f.latency_cycles = f.latency_cycles.max(stages as f64 + ENTRY_EXIT_CYCLES);
}

/// Register boundaries of a product-and-sum chain with `stages` registers when `lpc` adder
/// levels fit in a cycle, each weighted by the share of the `terms` products per output whose
/// (partial) sums cross it. Vivado HLS registers from the inputs on: the products first (the
/// DSP's M stage), then every `lpc` levels half as many partial sums per level: `1 + 2^-lpc +
/// 2^-2lpc ...`. Vitis HLS moves the registers towards the narrow end of the tree: one
/// boundary holds the sums only (`1 / terms`), the next `2^lpc / terms` and so on (hls4ml
/// notebook reports at 5 ns, one cycle per Dense layer: Vitis HLS 2024.1 registers 993 FF for
/// a 16x64 layer, about its 64 sums; Vivado HLS 2019.2 12,065, about its 1,024 products).
fn register_stages(stages: f64, lpc: f64, terms: f64, tool: Tool) -> f64 {
    (0..stages.max(0.0) as u32)
        .map(|k| match tool {
            Tool::VivadoHls => 0.5f64.powf(k as f64 * lpc),
            Tool::VitisHls => (2f64.powf(k as f64 * lpc) / terms).min(1.0),
        })
        .sum()
}

/// 18 Kb BRAMs for a memory of `depth` words of `width` bits: the cheapest aspect ratio of
/// RAMB18 (512x36, 1Kx18, 2Kx9, 4Kx4, 8Kx2, 16Kx1).
pub fn bram18(depth: usize, width: usize) -> f64 {
    if depth == 0 || width == 0 {
        return 0.0;
    }
    [
        (512, 36),
        (1024, 18),
        (2048, 9),
        (4096, 4),
        (8192, 2),
        (16384, 1),
    ]
    .iter()
    .map(|&(d, w)| depth.div_ceil(d) * width.div_ceil(w))
    .min()
    .unwrap_or(0) as f64
}

/// Memories smaller than this many bits (or shallower than [`SRL_DEPTH`]) become shift
/// registers / LUT RAM instead of BRAM.
const SMALL_MEMORY_BITS: usize = 1024;
/// Deepest FIFO implemented in shift registers.
const SRL_DEPTH: usize = 64;

fn memory(f: &mut Features, depth: usize, width: usize) {
    if depth == 0 || width == 0 {
        return;
    }
    if depth <= SRL_DEPTH || depth * width < SMALL_MEMORY_BITS {
        // SRL32: one LUT per bit per 32 entries, read combinationally (no data register; the
        // hls4ml CI's io_stream Dense 1->64 under Vivado HLS reports 326 FF with a 1,024-bit
        // FIFO).
        f.lut[ELEM] += (width * depth.div_ceil(32)) as f64;
    } else {
        f.bram18 += bram18(depth, width);
    }
}

/// The io_stream FIFOs after a layer, `fifos` FIFOs sharing a `width`-bit word: hls4ml's
/// default depth is one entry per output pixel. Each FIFO has its own control registers: the
/// read pointer (`ceil(log2(depth + 1)) + 1` bits), the empty and full flags and the write
/// strobe, about as many LUT of pointer and flag logic (hls4ml CI, Vivado HLS 2020.1: a Dense
/// 1->64 of 16-bit values in io_stream, one 64-element FIFO word, 326 FF; with two outputs
/// 51 FF; the tutorial's io_stream CNN: about 5.5k FF and 14k LUT outside its ~400
/// one-element FIFOs' layer instances).
fn fifo(f: &mut Features, depth: usize, width: usize, fifos: usize) {
    if depth == 0 || width == 0 {
        return;
    }
    let fifos = fifos.max(1);
    let element = width.div_ceil(fifos);
    for _ in 0..fifos {
        memory(f, depth, element);
    }
    let control = 4.0 + ((depth + 1) as f64).log2().ceil();
    f.ff[FF_ELEM] += fifos as f64 * control;
    f.lut[ELEM] += fifos as f64 * control;
}

/// Line buffers of a streaming window: `kernel_h - 1` rows of the input (or `kernel - 1`
/// elements in 1-D), plus the window registers.
fn line_buffer(f: &mut Features, input_shape: &[usize], kernel: &[usize], bits: u32) {
    let (_, ch) = spatial(input_shape);
    let window: usize = kernel.iter().product();
    f.ff[FF_ELEM] += (window * ch * bits as usize) as f64;
    if let (Some(kh), [_, w, _]) = (kernel.first(), input_shape)
        && kernel.len() == 2
        && *kh > 1
    {
        for _ in 0..kh - 1 {
            memory(f, *w, ch * bits as usize);
        }
    }
}
