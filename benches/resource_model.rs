//! Benches of the resource model.
//!
//! `cargo bench --bench resource_model` measures:
//! * estimating the 1.8M-parameter DeepCalo CNN (`examples/nets/deepcalo.json`), analysis
//!   included (target: under 1 ms);
//! * building the full expected-cost table ([`CostTable::build`], what the search does once
//!   before training) of the calorimeter default search space of the flagship example, priced
//!   for io_stream on an Alveo U250 (target: under 1 s). The space (`specs/calorimeter.md` 4.2):
//!   input 14x7x4 `ap_fixed<16,6>`; conv1 filters {2,4,6,8} kernel {1,3}; ReLU; max-pool 2x2;
//!   conv2 {4,8,12,16} k {1,3}; ReLU; conv3 {4,8,12,16} k {1,3}; ReLU; max-pool 2x2; conv4
//!   {8,16,24,32} k {1,3}; ReLU; conv5 {8,16,24,32} k {1,3}; ReLU; flatten; dense1 {16,32,48,64};
//!   ReLU; dense2 {16,32,48,64}; ReLU; out dense 1. Every conv and dense layer chooses weight bits
//!   {4,6,8,10,12,16}, result bits {8,10,12,16} and reuse factor {1,2,4} (Latency strategy).
//!   After the bench the table's size and the time of one build are printed.

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use hwnas::core::cost::{CostModel, IoType, LayerConfig, Resources};
use hwnas::hls::resources::{AnalyticModel, Target};
use hwnas::ir::Network;
use hwnas::search::CostTable;
use hwnas::space::{LayerSpec, SpaceSpec};

/// The calorimeter default search space of the flagship example.
fn calorimeter_space() -> SpaceSpec {
    let q = |l: LayerSpec| {
        l.weight_bits(&[4, 6, 8, 10, 12, 16])
            .result_bits(&[8, 10, 12, 16])
            .reuse_factors(&[1, 2, 4])
    };
    SpaceSpec::builder("calo", vec![14, 7, 4])
        .input_type("ap_fixed<16,6>".parse().expect("valid type"))
        .layer(q(LayerSpec::conv2d("conv1", &[2, 4, 6, 8], &[1, 3])))
        .layer(LayerSpec::relu("relu1"))
        .layer(LayerSpec::max_pool2d("pool1", [2, 2]))
        .layer(q(LayerSpec::conv2d("conv2", &[4, 8, 12, 16], &[1, 3])))
        .layer(LayerSpec::relu("relu2"))
        .layer(q(LayerSpec::conv2d("conv3", &[4, 8, 12, 16], &[1, 3])))
        .layer(LayerSpec::relu("relu3"))
        .layer(LayerSpec::max_pool2d("pool2", [2, 2]))
        .layer(q(LayerSpec::conv2d("conv4", &[8, 16, 24, 32], &[1, 3])))
        .layer(LayerSpec::relu("relu4"))
        .layer(q(LayerSpec::conv2d("conv5", &[8, 16, 24, 32], &[1, 3])))
        .layer(LayerSpec::relu("relu5"))
        .layer(LayerSpec::flatten("flat"))
        .layer(q(LayerSpec::dense("dense1", &[16, 32, 48, 64])))
        .layer(LayerSpec::relu("relu6"))
        .layer(q(LayerSpec::dense("dense2", &[16, 32, 48, 64])))
        .layer(LayerSpec::relu("relu7"))
        .layer(q(LayerSpec::dense("out", &[1])))
        .build()
        .expect("valid space")
}

/// A model that prices nothing: what [`CostTable::build`] costs without the resource model
/// (enumerating the combinations, building and analysing each candidate network).
struct Free;

impl CostModel for Free {
    fn layer_cost(&self, _: &LayerConfig) -> Resources {
        Resources::default()
    }
}

fn benches(c: &mut Criterion) {
    let model =
        AnalyticModel::for_part("xcu250-figd2104-2L-e", Target::Csynth).expect("known part");
    let net = Network::load(Path::new("examples/nets/deepcalo.json")).expect("example network");
    let params = net.analyze().expect("valid").total_params();
    let space = calorimeter_space();
    c.bench_function("estimate deepcalo (1.8M parameters)", |b| {
        b.iter(|| {
            black_box(
                model
                    .estimate_network(black_box(&net), IoType::IoStream)
                    .expect("estimate"),
            )
        })
    });
    let mut group = c.benchmark_group("calorimeter default space");
    group.sample_size(10);
    group.bench_function("full cost table (io_stream)", |b| {
        b.iter(|| {
            black_box(CostTable::build(black_box(&space), &model, IoType::IoStream).expect("table"))
        })
    });
    group.finish();

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
    let table = CostTable::build(&space, &model, IoType::IoStream).expect("table");
    let build = t.elapsed().as_secs_f64();
    let t = Instant::now();
    black_box(CostTable::build(&space, &Free, IoType::IoStream).expect("table"));
    let enumerate = t.elapsed().as_secs_f64();
    println!(
        "deepcalo ({params} parameters): {:.3} ms per estimate (target < 1 ms, {:.0}x under)",
        per_estimate * 1e3,
        1e-3 / per_estimate
    );
    println!(
        "calorimeter default space ({} decisions, {:.3e} architectures): {} (layer, option) \
         entries priced in {:.1} ms (target < 1 s, {:.1}x under)",
        space.decisions().len(),
        space.size(),
        table.len(),
        build * 1e3,
        1.0 / build
    );
    println!(
        "  of which the table's own enumeration (networks built and analysed, priced by a free \
         model): {:.1} ms; the resource model: {:.1} ms ({:.2} us per entry)",
        enumerate * 1e3,
        (build - enumerate).max(0.0) * 1e3,
        (build - enumerate).max(0.0) * 1e6 / table.len() as f64
    );
}

criterion_group!(resource_model, benches);
criterion_main!(resource_model);
