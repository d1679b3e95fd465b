//! One file per rule: its code, metadata and documentation.
//! `docs/rules.md` is generated from these (`palisade checks --markdown`).
pub mod au001_auth_not_enforced;
pub mod bf001_unauthenticated_state_change;
pub mod de001_secret_in_response;
pub mod de002_pii_in_response;
pub mod de003_debug_output;
pub mod de004_internal_details;
pub mod de005_debug_endpoint;
pub mod de006_key_reflection;
pub mod de007_secret_cacheable;
pub mod en001_plaintext_http;
pub mod en002_hsts;
pub mod en003_cookie_flags;
pub mod in001_spec_exposed;
pub mod in002_version_banner;
pub mod in003_docs_ui_exposed;
pub mod iv001_nosniff;
