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
use hwnas::space::SpaceSpec;

// The flagship example's own `#[searchable]` declaration of the calorimeter spaces, so the
// bench prices exactly the space the example searches.
#[path = "../examples/calorimeter/space.rs"]
#[allow(dead_code)]
mod space;

/// The calorimeter default search space of the flagship example.
fn calorimeter_space() -> SpaceSpec {
    use hwnas::SearchSpace;
    space::Calo::space().expect("valid space")
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
    // One-shot timings on a shared machine are noisy: a ratio against the same enumeration
    // priced by a model that does nothing, measured in the same run, says what the resource
    // model costs without a subtraction of two noisy numbers.
    println!(
        "  same enumeration priced by a free model: {:.1} ms; with the resource model: {:.2}x \
         that ({} threads)",
        enumerate * 1e3,
        build / enumerate,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
}

criterion_group!(resource_model, benches);
criterion_main!(resource_model);
