use palisade_core::{Category, RuleMeta, Severity};

/// DE007: a response carrying secrets may be stored by caches.
pub const RULE: RuleMeta = RuleMeta {
    code: "DE007",
    name: "sensitive-response-cacheable",
    title: "Response with secrets lacks Cache-Control: no-store",
    category: Category::DataExposure,
    default_severity: Severity::Medium,
    owasp: "API8:2023",
    cwe: &[524, 525],
    pci_dss: "3.3.1",
    soc2: "CC6.1",
    what: "For every response in which DE001 found a secret, checks that `Cache-Control` contains `no-store` (or `private` with `no-cache`).",
    why: "Without no-store, browsers, CDNs and corporate proxies may keep the key on disk long after the session ends.",
    example: "GET /api/v1/keys -> 200 (no Cache-Control) {\"key\": \"…\"}",
    remediation: "Send `Cache-Control: no-store` on every response that carries credentials or personal data.",
    references: &["https://cwe.mitre.org/data/definitions/525.html"],
    active: false,
};
