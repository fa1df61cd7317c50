//! The search (DESIGN 2.4): the precomputed [`CostTable`] and the exact expected cost, the
//! user's [`Metric`] and [`Budget`]s, the [`Search`] loop with checkpoints, [`derive()`] of the
//! winning network, and the trainer shared by fine-tuning and baseline training
//! ([`train_fixed`]); progress goes to an [`Observer`] the caller supplies.

mod checkpoint;
mod data;
mod derive;
mod metric;
mod observe;
mod pareto;
mod run;
mod stream;
mod table;
mod train;

pub use checkpoint::checkpoint_epochs;
pub use data::{Dataset, Loss, Metrics, Samples};
pub use derive::{
    Around, derive, network_indices, space_around, supernet_around, supernet_from_network,
};
pub use metric::{Budget, Metric};
pub use observe::{Control, EpochEvent, Observer, Stage, StepEvent};
pub use pareto::pareto_front;
pub use run::{EpochRecord, Search, SearchConfig, SearchResult, write_history};
pub use stream::StreamedDataset;
pub use table::{CostTable, LayerTable};
pub use train::{
    FixedTrainer, TrainConfig, TrainRecord, evaluate, predict, train_fixed, train_fixed_observed,
};
