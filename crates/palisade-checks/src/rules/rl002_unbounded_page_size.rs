use palisade_core::{Category, RuleMeta, Severity};

/// RL002: list operations honour any page size a client asks for.
pub const RULE: RuleMeta = RuleMeta {
    code: "RL002",
    name: "unbounded-page-size",
    title: "Page size not capped",
    category: Category::RateLimiting,
    default_severity: Severity::Medium,
    owasp: "API4:2023",
    cwe: &[770, 400],
    pci_dss: "6.2.4",
    soc2: "A1.1",
    what: "For a few GET list operations with a page-size query parameter (`limit`, `page_size`, `per_page`, `size`, ...), sends the same request with the parameter at 100 and at 100000 and reports the operation when the large page holds more items than the small one, or its body is several times bigger (or cut at the scan's body cap).",
    why: "An uncapped page size lets one request make the server read, serialise and send its whole table: a cheap denial-of-service, and a one-request scrape of every record the caller can see.",
    example: "GET /api/v1/users?limit=100 -> 100 users (12 KB); GET /api/v1/users?limit=100000 -> 100000 users (7 MB)",
    remediation: "Clamp page-size parameters to a documented maximum on the server (or reject larger values with 400), declare the maximum in the spec (`maximum:` on the parameter), and use cursor pagination for large collections.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/",
        "https://cwe.mitre.org/data/definitions/770.html",
    ],
    active: false,
};
