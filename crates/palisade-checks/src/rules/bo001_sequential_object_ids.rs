use palisade_core::{Category, RuleMeta, Severity};

/// BO001: objects addressed by guessable sequential integer ids.
pub const RULE: RuleMeta = RuleMeta {
    code: "BO001",
    name: "sequential-object-ids",
    title: "Objects reachable by sequential integer ids",
    category: Category::Bola,
    default_severity: Severity::Medium,
    owasp: "API1:2023",
    cwe: &[639],
    pci_dss: "7.2.1",
    soc2: "CC6.1",
    what: "For GET operations whose last path segment is an id parameter, requests ids 1 and 2 and a huge id. The rule fires when 1 and 2 both answer 2xx with JSON objects of the same shape but different content while the huge id answers not-found: objects are enumerable by counting.",
    why: "Sequential ids let anyone walk the whole collection. Unless every object access is checked against the caller, enumeration becomes mass data theft (the most common API breach pattern).",
    example: "GET /api/v1/users/1 -> 200 {\"id\":1,...}; GET /api/v1/users/2 -> 200 {\"id\":2,...}; GET /api/v1/users/987654321 -> 404",
    remediation: "Check on every request that the caller may access the object; additionally expose random, non-enumerable identifiers (UUIDv4) instead of database row numbers.",
    references: &["https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/"],
    active: false,
};
