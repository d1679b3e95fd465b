use palisade_core::{Category, RuleMeta, Severity};

/// IN004: operations the spec marks deprecated still answer.
pub const RULE: RuleMeta = RuleMeta {
    code: "IN004",
    name: "deprecated-operation-live",
    title: "Deprecated operation still answers",
    category: Category::InventoryManagement,
    default_severity: Severity::Low,
    owasp: "API9:2023",
    cwe: &[1059, 477],
    pci_dss: "6.3.2",
    soc2: "CC8.1",
    what: "Lists the GET operations the spec marks `deprecated: true` and reports those that still answer 2xx with a body (soft-404 pages excluded) to the scan's read-only request.",
    why: "Deprecated operations are the ones nobody maintains: they keep old authentication schemes, old validation and old data shapes, and security fixes land in their successors only. While they answer, every flaw they had is still exploitable.",
    example: "spec: GET /v1/ deprecated: true; GET /v1/ -> 200 {\"version\":\"v1\",\"status\":\"deprecated\",\"auth\":\"none\"}",
    remediation: "Set a retirement date for every deprecated operation, announce it (`Deprecation`/`Sunset` headers), and then remove it or answer 410 Gone; keep the spec in step with what is deployed.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa9-improper-inventory-management/",
        "https://www.rfc-editor.org/rfc/rfc8594",
    ],
    active: false,
};
