//! The one registry of rule codes. A code, once published, is never reused.

use crate::rules::*;
use palisade_core::RuleMeta;

/// Every rule Palisade can report, in code order.
pub static RULES: &[RuleMeta] = &[
    ai001_unauthenticated_ai_endpoint::RULE,
    ai002_model_disclosure::RULE,
    ai003_system_prompt_leak::RULE,
    au001_auth_not_enforced::RULE,
    au002_jwt_alg_none_accepted::RULE,
    au003_jwt_weak_secret::RULE,
    au004_jwt_expiry::RULE,
    au005_jwt_sensitive_claims::RULE,
    au006_api_key_in_query::RULE,
    au007_auth_bypass_variant::RULE,
    au008_www_authenticate_missing::RULE,
    bf001_unauthenticated_state_change::RULE,
    bf002_admin_function_exposed::RULE,
    bf003_role_function_access::RULE,
    bo001_sequential_object_ids::RULE,
    bo002_cross_identity_access::RULE,
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
    en004_certificate_expiry::RULE,
    en005_untrusted_certificate::RULE,
    en006_hostname_mismatch::RULE,
    en007_weak_certificate_crypto::RULE,
    en008_legacy_tls_protocol::RULE,
    en009_plaintext_self_link::RULE,
    in001_spec_exposed::RULE,
    in002_version_banner::RULE,
    in003_docs_ui_exposed::RULE,
    in004_deprecated_operation_live::RULE,
    in005_old_api_version_live::RULE,
    in006_public_metrics::RULE,
    in007_spec_drift::RULE,
    iv001_nosniff::RULE,
    iv002_cors_untrusted_origin::RULE,
    iv003_dangerous_methods::RULE,
    iv004_graphql_introspection::RULE,
    pa001_sensitive_properties::RULE,
    pa002_undeclared_response_properties::RULE,
    pa003_mass_assignment_surface::RULE,
    rl001_no_rate_limit::RULE,
    rl002_unbounded_page_size::RULE,
    ss001_ssrf_confirmed::RULE,
    ss002_open_redirect::RULE,
    uc001_upstream_passthrough::RULE,
    uc002_plaintext_upstream::RULE,
    uc003_unsigned_webhook::RULE,
];

/// Look a rule up by its code (case-insensitive).
pub fn rule(code: &str) -> Option<&'static RuleMeta> {
    RULES.iter().find(|r| r.code.eq_ignore_ascii_case(code))
}
