use palisade_core::{Category, RuleMeta, Severity};

/// PA001: password hashes, secrets and privilege flags in response objects.
pub const RULE: RuleMeta = RuleMeta {
    code: "PA001",
    name: "sensitive-property-exposed",
    title: "Sensitive object property in response",
    category: Category::PropertyAuthorization,
    default_severity: Severity::Medium,
    owasp: "API3:2023",
    cwe: &[213, 200],
    pci_dss: "8.3.2",
    soc2: "CC6.1",
    what: "Walks the JSON of every successful response and reports properties whose name marks them as internal: password hashes and passwords (high), secrets, salts and private keys, and privilege/internal flags such as `is_admin`, `is_superuser` or `permissions` (medium). Names are a maintained list; values are reported masked.",
    why: "Returning a whole database row leaks what the client never needed: a password hash can be cracked offline, and privilege flags show attackers which accounts to target and which properties to try to write (mass assignment).",
    example: "GET /admin/users -> {\"users\":[{\"email\":...,\"password_hash\":\"$2b$12$…\",\"is_admin\":true}]}",
    remediation: "Serialize responses through explicit per-role DTOs or allow-lists of properties; never return credential material, and only expose privilege flags to administrators.",
    references: &["https://owasp.org/API-Security/editions/2023/en/0xa3-broken-object-property-level-authorization/"],
    active: false,
};
