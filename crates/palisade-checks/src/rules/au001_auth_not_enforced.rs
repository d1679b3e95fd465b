use palisade_core::{Category, RuleMeta, Severity};

/// AU001: the spec requires credentials, the server answers without them.
pub const RULE: RuleMeta = RuleMeta {
    code: "AU001",
    name: "declared-auth-not-enforced",
    title: "Declared authentication not enforced",
    category: Category::Authentication,
    default_severity: Severity::High,
    owasp: "API2:2023",
    cwe: &[306, 287],
    pci_dss: "8.2.1",
    soc2: "CC6.1",
    what: "For every read-only operation whose spec declares a security requirement, sends the request with no credentials and reports a success answer with content (not a soft-404, not a redirect to a login page).",
    why: "The spec says a key is needed, so clients, reviewers and gateways assume so; the server hands the data to anyone.",
    example: "GET /api/v1/keys (no X-API-Key) -> 200 [{\"key_id\": …}]",
    remediation: "Enforce authentication in one middleware applied to every route by default, with explicit opt-outs for public routes; test that each secured route answers 401 without credentials.",
    references: &["https://owasp.org/API-Security/editions/2023/en/0xa2-broken-authentication/"],
    active: false,
};
