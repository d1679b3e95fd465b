use palisade_core::{Category, RuleMeta, Severity};

/// EN001: the API is served over plain HTTP.
pub const RULE: RuleMeta = RuleMeta {
    code: "EN001",
    name: "plaintext-http",
    title: "API served over plain HTTP",
    category: Category::Encryption,
    default_severity: Severity::Medium,
    owasp: "API8:2023",
    cwe: &[319],
    pci_dss: "4.2.1",
    soc2: "CC6.7",
    what: "Reports a target whose scheme is `http` and that answers with content instead of redirecting to HTTPS. Severity rises to high when credentials are sent or secrets were seen in responses.",
    why: "Everything on plain HTTP, API keys in headers included, can be read and changed by anyone on the network path.",
    example: "GET http://api.example.test/ -> 200 (no redirect to https)",
    remediation: "Serve the API only over HTTPS (TLS 1.2+), redirect or refuse plain HTTP, and send HSTS.",
    references: &["https://cwe.mitre.org/data/definitions/319.html"],
    active: false,
};
