//! One file per rule: its code, metadata and documentation.
//!
//! The file list is the registry: `build.rs` declares every
//! `<code>_<name>.rs` here as a module and generates [`RULES`] and [`Rule`]
//! from them. `docs/rules.md` is generated from the same data
//! (`palisade checks --markdown`).

include!(concat!(env!("OUT_DIR"), "/rules.rs"));
