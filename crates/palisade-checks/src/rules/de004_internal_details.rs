use palisade_core::{Category, RuleMeta, Severity};

/// DE004: internal file paths, private addresses and host names in responses.
pub const RULE: RuleMeta = RuleMeta {
    code: "DE004",
    name: "internal-detail-in-response",
    title: "Internal implementation detail disclosed",
    category: Category::DataExposure,
    default_severity: Severity::Low,
    owasp: "API8:2023",
    cwe: &[200, 497],
    pci_dss: "6.2.4",
    soc2: "CC7.1",
    what: "Reports absolute server file paths, private IP addresses and internal host names found in responses.",
    why: "Paths and internal addresses map the system for an attacker: where the code lives, which hosts sit behind the API, what an SSRF should aim at.",
    example: "GET /api/v1/keys -> {\"store\": \"/srv/app/keys/store.py\", \"db\": \"10.0.3.12\"}",
    remediation: "Remove internal paths and addresses from responses and error messages; return opaque identifiers.",
    references: &["https://cwe.mitre.org/data/definitions/497.html"],
    active: false,
};
