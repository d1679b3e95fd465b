use palisade_core::{Category, RuleMeta, Severity};

/// RL003: a list operation returns its whole collection, with no way to page it.
pub const RULE: RuleMeta = RuleMeta {
    code: "RL003",
    name: "unpaginated-list",
    title: "List operation without pagination",
    category: Category::RateLimiting,
    default_severity: Severity::Low,
    owasp: "API4:2023",
    cwe: &[770, 400],
    pci_dss: "6.2.4",
    soc2: "A1.1",
    what: "For spec GET operations that return a collection (a JSON array at the top level or one level down, or an operation named list/search/all) and declare no paging parameter (`limit`, `page`, `cursor`, `offset`, `per_page`, ...), fetches the operation once (usually a cache hit from the crawl) and reports it when the answer is a list. Low when the list is small; medium when one answer already holds at least 1000 items or 1 MiB (an oversized response).",
    why: "A collection without pagination grows with the data: every call reads, serialises and sends the whole table, so a busy client or an attacker turns normal traffic into a denial of service and scrapes every record in one request.",
    example: "GET /admin/users (spec: no limit/page/cursor parameter) -> 200 {\"users\": [ …all 12000 users… ]}",
    remediation: "Page every collection on the server (cursor or limit/offset with a documented default and maximum), declare the parameters in the spec, and cap the response size.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/",
        "https://cwe.mitre.org/data/definitions/770.html",
    ],
    active: false,
};
