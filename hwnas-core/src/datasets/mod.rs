//! Synthetic data sets for the examples and tests of hwnas.
//!
//! * [`calorimeter`]: electromagnetic showers in an ATLAS-like sampling calorimeter, for
//!   energy regression (the flagship example's task).

pub mod calorimeter;
