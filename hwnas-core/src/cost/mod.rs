//! Hardware cost as the search sees it: [`Resources`], the [`CostModel`] trait and the
//! [`LayerConfig`] it prices. The models themselves live in `hwnas-hls`.

mod model;
mod resources;

pub use model::{CostModel, IoType, LayerConfig};
pub use resources::Resources;
