//! Benches of the resource model.
//!
//! `cargo bench --bench resource_model` measures:
//! * estimating the 1.8M-parameter DeepCalo CNN (`examples/nets/deepcalo.json`), analysis
//!   included (target: under 1 ms);
//! * building the full cost table of the calorimeter default search space: every
//!   (layer, local option combination) `LayerConfig`, each priced by the model (target: under
//!   1 s). The space (`specs/calorimeter.md` 4.2, DESIGN 2.2): the mini DeepCalo CNN
//!   4x14x7 -> conv 8 -> pool -> conv 16 -> conv 16 -> pool -> conv 32 -> conv 32 -> dense 64 ->
//!   dense 64 -> dense 1, where each conv chooses filters {x0.5, x1, x2}, kernel {1, 3, 5},
//!   weight bits {4, 6, 8, 12, 16}, result bits {8, 12, 16}, reuse factor {1, 2, 4, 8} and
//!   strategy {Latency, Resource}; each dense chooses units {16, 32, 64} (the last is fixed at 1)
//!   with the same bits and knobs; a layer's input width and bits follow the upstream choice.
//!   After the bench the table's size and the time of one build are printed.

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use hwnas::core::cost::{CostModel, IoType, LayerConfig, Resources};
use hwnas::fixed::FixedType;
use hwnas::hls::resources::{AnalyticModel, Target};
use hwnas::ir::{
    Conv2D, Dense, HlsKnobs, LayerTypes, Network, NoParams, Op, Padding, Pool2D, Strategy,
};

const WEIGHT_BITS: [u32; 5] = [4, 6, 8, 12, 16];
const RESULT_BITS: [u32; 3] = [8, 12, 16];
const REUSE: [u32; 4] = [1, 2, 4, 8];
const STRATEGIES: [Strategy; 2] = [Strategy::Latency, Strategy::Resource];

fn fx(w: u32) -> FixedType {
    FixedType::new(w, (w as i32 / 2).max(1), true).expect("valid type")
}

/// One concrete layer of the space.
#[allow(clippy::too_many_arguments)]
fn config(
    op: Op,
    input: Vec<usize>,
    output: Vec<usize>,
    in_bits: u32,
    w_bits: Option<u32>,
    r_bits: u32,
    n_in: usize,
    hls: HlsKnobs,
) -> LayerConfig {
    let input_t = fx(in_bits);
    let weight = w_bits.map(fx);
    let accum = weight.map(|w| {
        FixedType::lossless_accumulator(&input_t, &w, Some(&w), n_in).expect("accumulator")
    });
    LayerConfig {
        op,
        input_shape: input,
        output_shape: output,
        types: LayerTypes {
            input: input_t,
            weight,
            bias: weight,
            accum,
            result: fx(r_bits),
        },
        hls,
        io: IoType::IoParallel,
    }
}

/// Every (layer, option combination) of the calorimeter default space, priced: the table the
/// search builds once before training. Returns the number of entries and their sum (so the
/// work cannot be optimised away).
fn cost_table(model: &AnalyticModel) -> (usize, Resources) {
    let mut n = 0usize;
    let mut sum = Resources::default();
    let mut price = |c: &LayerConfig| {
        sum += model.layer_cost(c);
        n += 1;
    };
    // (filters base, spatial size of the input [h, w]) of the five convolutions; pools halve.
    let convs: [(usize, [usize; 2]); 5] = [
        (8, [14, 7]),
        (16, [7, 3]),
        (16, [7, 3]),
        (32, [3, 1]),
        (32, [3, 1]),
    ];
    let widths = |base: usize| [base / 2, base, base * 2];
    let mut upstream: Vec<usize> = vec![4]; // input channels
    for (i, (base, [h, w])) in convs.iter().enumerate() {
        for &c_in in &upstream {
            for &in_bits in if i == 0 {
                &[10u32][..]
            } else {
                &RESULT_BITS[..]
            } {
                for f in widths(*base) {
                    for k in [1usize, 3, 5] {
                        for wb in WEIGHT_BITS {
                            for rb in RESULT_BITS {
                                for rf in REUSE {
                                    for s in STRATEGIES {
                                        let op = Op::Conv2D(Conv2D {
                                            filters: f,
                                            kernel: [k, k],
                                            stride: [1, 1],
                                            padding: Padding::Same,
                                            use_bias: true,
                                        });
                                        let hls = HlsKnobs {
                                            reuse_factor: rf,
                                            strategy: s,
                                        };
                                        price(&config(
                                            op,
                                            vec![*h, *w, c_in],
                                            vec![*h, *w, f],
                                            in_bits,
                                            Some(wb),
                                            rb,
                                            k * k * c_in,
                                            hls,
                                        ));
                                    }
                                }
                            }
                        }
                    }
                }
                // The ReLU after it, per width and bits.
                for f in widths(*base) {
                    for rb in RESULT_BITS {
                        price(&config(
                            Op::ReLU(NoParams {}),
                            vec![*h, *w, f],
                            vec![*h, *w, f],
                            rb,
                            None,
                            rb,
                            0,
                            HlsKnobs::default(),
                        ));
                    }
                }
            }
        }
        upstream = widths(*base).to_vec();
        if i == 0 || i == 2 {
            for &c in &upstream {
                for rb in RESULT_BITS {
                    let op = Op::MaxPool2D(Pool2D {
                        pool: [2, 2],
                        stride: None,
                        padding: Padding::Valid,
                    });
                    price(&config(
                        op,
                        vec![*h, *w, c],
                        vec![h / 2, w / 2, c],
                        rb,
                        None,
                        rb,
                        0,
                        HlsKnobs::default(),
                    ));
                }
            }
        }
    }
    // Flatten (3 x 1 x c) then dense 64 -> dense 64 -> dense 1.
    let mut n_in: Vec<usize> = upstream.iter().map(|c| 3 * c).collect();
    for (j, units) in [&[16usize, 32, 64][..], &[16, 32, 64][..], &[1][..]]
        .iter()
        .enumerate()
    {
        for &ni in &n_in {
            for in_bits in RESULT_BITS {
                for &u in *units {
                    for wb in WEIGHT_BITS {
                        for rb in RESULT_BITS {
                            for rf in REUSE {
                                for s in STRATEGIES {
                                    let hls = HlsKnobs {
                                        reuse_factor: rf,
                                        strategy: s,
                                    };
                                    price(&config(
                                        Op::Dense(Dense {
                                            units: u,
                                            use_bias: true,
                                        }),
                                        vec![ni],
                                        vec![u],
                                        in_bits,
                                        Some(wb),
                                        rb,
                                        ni,
                                        hls,
                                    ));
                                }
                            }
                        }
                    }
                }
            }
        }
        n_in = units.to_vec();
        let _ = j;
    }
    (n, sum)
}

fn benches(c: &mut Criterion) {
    let model =
        AnalyticModel::for_part("xcvu13p-flga2577-2-e", Target::Csynth).expect("known part");
    let net = Network::load(Path::new("examples/nets/deepcalo.json")).expect("example network");
    let params = net.analyze().expect("valid").total_params();
    c.bench_function("estimate deepcalo (1.8M parameters)", |b| {
        b.iter(|| {
            black_box(
                model
                    .estimate_network(black_box(&net), IoType::IoStream)
                    .expect("estimate"),
            )
        })
    });
    c.bench_function("calorimeter default space: full cost table", |b| {
        b.iter(|| black_box(cost_table(&model)))
    });

    let t = Instant::now();
    let runs = 20;
    for _ in 0..runs {
        black_box(
            model
                .estimate_network(&net, IoType::IoStream)
                .expect("estimate"),
        );
    }
    let per_estimate = t.elapsed().as_secs_f64() / runs as f64;
    let t = Instant::now();
    let (entries, _) = cost_table(&model);
    let table = t.elapsed().as_secs_f64();
    println!(
        "deepcalo ({params} parameters): {:.3} ms per estimate (target < 1 ms, {:.0}x under)",
        per_estimate * 1e3,
        1e-3 / per_estimate
    );
    println!(
        "calorimeter default space: {entries} (layer, option) entries priced in {:.1} ms (target < 1 s, {:.0}x under)",
        table * 1e3,
        1.0 / table
    );
}

criterion_group!(resource_model, benches);
criterion_main!(resource_model);
