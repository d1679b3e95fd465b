//! The one registry of rule codes, generated from `src/rules/` by
//! `build.rs`. A code, once published, is never reused.

pub use crate::rules::{Rule, RULES};

/// Look a rule up by its code (case-insensitive).
pub fn rule(code: &str) -> Option<&'static palisade_core::RuleMeta> {
    RULES.iter().find(|r| r.code.eq_ignore_ascii_case(code))
}
