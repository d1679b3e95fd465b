use palisade_core::{Category, RuleMeta, Severity};

/// EN002: Strict-Transport-Security missing or weak on an HTTPS API.
pub const RULE: RuleMeta = RuleMeta {
    code: "EN002",
    name: "hsts-missing-or-weak",
    title: "HSTS missing or weak",
    category: Category::Encryption,
    default_severity: Severity::Low,
    owasp: "API8:2023",
    cwe: &[319, 523],
    pci_dss: "4.2.1",
    soc2: "CC6.7",
    what: "On HTTPS targets, checks `Strict-Transport-Security`: present, `max-age` of at least one year, `includeSubDomains`.",
    why: "Without HSTS the first request of a client can be downgraded to HTTP and intercepted (SSL stripping).",
    example: "GET https://api.example.test/ -> 200 (no Strict-Transport-Security)",
    remediation: "Send `Strict-Transport-Security: max-age=31536000; includeSubDomains` on every HTTPS response.",
    references: &["https://cheatsheetseries.owasp.org/cheatsheets/HTTP_Strict_Transport_Security_Cheat_Sheet.html"],
    active: false,
};
