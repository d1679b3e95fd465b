//! The one registry of rule codes. A code, once published, is never reused.

use crate::rules::*;
use palisade_core::RuleMeta;

/// Every rule Palisade can report, in code order.
pub static RULES: &[RuleMeta] = &[
    au001_auth_not_enforced::RULE,
    bf001_unauthenticated_state_change::RULE,
    de001_secret_in_response::RULE,
    de002_pii_in_response::RULE,
    de003_debug_output::RULE,
    de004_internal_details::RULE,
    de005_debug_endpoint::RULE,
    de006_key_reflection::RULE,
    de007_secret_cacheable::RULE,
    en001_plaintext_http::RULE,
    en002_hsts::RULE,
    en003_cookie_flags::RULE,
    in001_spec_exposed::RULE,
    in002_version_banner::RULE,
    in003_docs_ui_exposed::RULE,
    iv001_nosniff::RULE,
];

/// Look a rule up by its code (case-insensitive).
pub fn rule(code: &str) -> Option<&'static RuleMeta> {
    RULES.iter().find(|r| r.code.eq_ignore_ascii_case(code))
}
