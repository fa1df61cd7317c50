//! Procedural macros of hwnas.
//!
//! This crate will hold `#[searchable]`, the attribute that turns a Rust struct into a search
//! space; it is re-exported by the `hwnas` facade. It has no items yet.
