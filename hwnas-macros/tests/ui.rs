//! Compile-fail tests of `#[searchable]`: one file per mistake in `tests/ui/`, each with the
//! expected compiler output (`.stderr`) pointing at the offending token. The files use the macro
//! crate alone (on error only `compile_error!`s are emitted), so no runtime crate is built.
//!
//! Regenerate the `.stderr` files after a deliberate change of a message with
//! `TRYBUILD=overwrite cargo test -p hwnas-macros --test ui`, then read every diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
