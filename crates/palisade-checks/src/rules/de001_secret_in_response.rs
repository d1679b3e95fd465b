use palisade_core::{Category, RuleMeta, Severity};

/// DE001: a secret (API key, token, private key, password) in a response.
pub const RULE: RuleMeta = RuleMeta {
    code: "DE001",
    name: "secret-in-response",
    title: "Secret returned in an API response",
    category: Category::DataExposure,
    default_severity: Severity::High,
    owasp: "API3:2023",
    cwe: &[200, 312, 522],
    pci_dss: "8.3.2",
    soc2: "CC6.1",
    what: "Runs the secret detector over every response body and header the scan receives (crawl and probes alike, each once). A match is a value in a known provider format (AWS, Stripe, GitHub, ...), a private key, a credential URL, or a high-entropy value under a field whose name says key, secret, token or password.",
    why: "A key in a response is a key in every cache, proxy log, browser history and client bundle that touches it. Whoever reads any of those can act as its owner. Live-format cloud and payment keys reachable without authentication are critical.",
    example: "GET /api/v1/keys -> 200 {\"key\": \"9f86d081884c7d65…\", \"key_id\": \"ak_live_abc123\"}",
    remediation: "Never return stored secrets. Return an opaque identifier (key_id) and at most the last 4 characters. Show a newly created key once, on creation, with Cache-Control: no-store, and store only its hash.",
    references: &["https://owasp.org/API-Security/editions/2023/en/0xa3-broken-object-property-level-authorization/", "https://cwe.mitre.org/data/definitions/200.html"],
    active: false,
};
