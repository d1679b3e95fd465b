use palisade_core::{Category, RuleMeta, Severity};

/// DE002: personal data (emails, phone numbers, card numbers, SSNs, IBANs, birth dates) in a response.
pub const RULE: RuleMeta = RuleMeta {
    code: "DE002",
    name: "pii-in-response",
    title: "Personal data returned in an API response",
    category: Category::DataExposure,
    default_severity: Severity::Low,
    owasp: "API3:2023",
    cwe: &[359],
    pci_dss: "3.4.1",
    soc2: "P4.1",
    what: "Reports personal data found by the detector in responses: payment card numbers (IIN range and Luhn checked), US SSNs (valid ranges, with context), IBANs (mod-97), e-mail addresses, phone numbers and dates of birth by field name. Severity rises with `--context medical|financial`.",
    why: "APIs often return whole records when the client needs two fields. Every extra field is data an attacker can harvest at API speed, and card numbers or national ids in clear text break PCI-DSS and privacy law.",
    example: "GET /api/v1/users/2 -> {\"email\": \"ana@example.com\", \"ssn\": \"512-44-1234\"}",
    remediation: "Return only the fields the client needs (response DTOs, not ORM objects). Mask card numbers to the last 4 digits and never return national identifiers.",
    references: &["https://owasp.org/API-Security/editions/2023/en/0xa3-broken-object-property-level-authorization/"],
    active: false,
};
