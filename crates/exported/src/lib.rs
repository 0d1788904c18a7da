//! The bundled demo exported as egui Rust (`demo.rs`, written by
//! `trellis export demo.trellis.json --to egui -o demo.rs` and checked in),
//! compiled and clippy-checked with the workspace: an exporter change that
//! writes code that does not compile, or that clippy warns about, fails
//! the build. `crates/codegen/tests/egui_export.rs` keeps the file equal to
//! what the exporter writes; this crate's tests run it headless.
//!
//! It depends on egui and `egui_taffy` only, as a user's project would;
//! never on Trellis.

// The file is the exporter's, formatted by it (prettyplease): rustfmt
// would make it differ from a fresh export.
#[rustfmt::skip]
mod demo;

pub use demo::{Demo, DemoEvent};
