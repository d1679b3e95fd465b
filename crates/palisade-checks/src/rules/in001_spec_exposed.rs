use palisade_core::{Category, RuleMeta, Severity};

/// IN001: the API description is publicly readable.
pub const RULE: RuleMeta = RuleMeta {
    code: "IN001",
    name: "api-spec-exposed",
    title: "API specification publicly exposed",
    category: Category::InventoryManagement,
    default_severity: Severity::Low,
    owasp: "API9:2023",
    cwe: &[200],
    pci_dss: "12.5.1",
    soc2: "CC7.1",
    what: "Requests well-known spec locations (`/openapi.json`, `/swagger.json`, `/v3/api-docs`, ...) without credentials and reports a document that parses as OpenAPI or Swagger. Higher when the spec lists operations tagged or named internal/admin.",
    why: "A public spec is a map of every operation, parameter and auth scheme, including the ones nobody meant to publish. It is fine for a public API, a gift to attackers for an internal one.",
    example: "GET /openapi.json -> 200 {\"openapi\": \"3.0.3\", \"paths\": {…}}",
    remediation: "Publish the spec deliberately (a public developer portal) or put it behind authentication; strip internal operations from published specs.",
    references: &["https://owasp.org/API-Security/editions/2023/en/0xa9-improper-inventory-management/"],
    active: false,
};
