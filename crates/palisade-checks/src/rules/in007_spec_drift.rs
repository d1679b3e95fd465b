use palisade_core::{Category, RuleMeta, Severity};

/// IN007: the spec and the server disagree: documented operations not served, or served operations not documented.
pub const RULE: RuleMeta = RuleMeta {
    code: "IN007",
    name: "spec-runtime-drift",
    title: "Spec and server disagree (spec drift)",
    category: Category::InventoryManagement,
    default_severity: Severity::Info,
    owasp: "API9:2023",
    cwe: &[1059],
    pci_dss: "12.5.1",
    soc2: "CC8.1",
    what: "Looks at the answers the crawl got from the spec's GET operations without path parameters (no new requests: the crawl's answers are reused) and reports each one that answered 404 itself (a redirect that ends in a 404 does not count). Operations with path parameters are skipped, because a 404 there usually means the sample record does not exist, not that the route is missing. When the operation requires credentials and the scan has none, the finding has medium confidence (some APIs hide routes behind 404). In the other direction, it reports what content discovery found served but undocumented: an API-like answer (JSON, metrics, environment) or sensitive content at a path the spec does not list, judged by content against a soft-404 calibration of the same directory and extension (info; low when the content is sensitive). Without a spec nothing is reported in that direction.",
    why: "A spec that does not match what is deployed is an inventory problem: reviews, gateways, monitoring and tests are based on the document, so what they check is not what runs. Drift in one direction (documented, not served) usually comes with drift in the other (served, not documented), where forgotten endpoints live.",
    example: "spec: GET /api/v1/reports; GET /api/v1/reports -> 404 {\"error\":\"not found\"}  |  not in the spec: GET /debug -> 200 {\"environment\": {...}}",
    remediation: "Generate the spec from the code or test the deployed API against it in CI (contract tests), remove retired operations from the document (or mark them deprecated and answer 410 Gone), and version the document with the deployment.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa9-improper-inventory-management/",
        "https://cwe.mitre.org/data/definitions/1059.html",
    ],
    active: false,
};
