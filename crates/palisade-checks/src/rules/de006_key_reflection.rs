use palisade_core::{Category, RuleMeta, Severity};

/// DE006: an API key sent by the client comes back in the response.
pub const RULE: RuleMeta = RuleMeta {
    code: "DE006",
    name: "api-key-reflected",
    title: "API key reflected in a response",
    category: Category::DataExposure,
    default_severity: Severity::High,
    owasp: "API3:2023",
    cwe: &[200, 209, 532],
    pci_dss: "8.3.2",
    soc2: "CC6.1",
    what: "Sends a unique canary key in the usual places (X-API-Key, Authorization: Bearer, `api_key`/`apikey`/`key`/`token` query parameters) on a sample of operations, with read-only requests, and reports where the canary comes back: in a body, a header, an error page or a traceback.",
    why: "Echoing the caller's key puts it in every log, cache and error tracker that stores responses, and in debug pages shown to whoever triggers them: the seed's `invalid key '…'` and traceback cases.",
    example: "GET /api/v1/resource (X-API-Key: pal_canary_…) -> 401 {\"error\": \"invalid key 'pal_canary_…'\"}",
    remediation: "Never include credentials in responses or error messages; say `invalid key` without the key. Disable debug tracebacks.",
    references: &["https://cwe.mitre.org/data/definitions/209.html"],
    active: false,
};
