use palisade_core::{Category, RuleMeta, Severity};

/// IV001: responses without X-Content-Type-Options: nosniff.
pub const RULE: RuleMeta = RuleMeta {
    code: "IV001",
    name: "missing-nosniff",
    title: "X-Content-Type-Options: nosniff missing",
    category: Category::InputValidation,
    default_severity: Severity::Low,
    owasp: "API8:2023",
    cwe: &[693],
    pci_dss: "6.4.1",
    soc2: "CC7.1",
    what: "Reports once per target when responses with a body lack `X-Content-Type-Options: nosniff`.",
    why: "Without it, browsers may sniff a JSON or text response as HTML or script, turning reflected input into cross-site scripting.",
    example: "GET /api/v1/resource -> 200 Content-Type: application/json (no X-Content-Type-Options)",
    remediation: "Send `X-Content-Type-Options: nosniff` on every response, with a correct Content-Type.",
    references: &["https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/X-Content-Type-Options"],
    active: false,
};
