use palisade_core::{Category, RuleMeta, Severity};

/// IN003: interactive API documentation (Swagger UI, ReDoc, GraphiQL) is public.
pub const RULE: RuleMeta = RuleMeta {
    code: "IN003",
    name: "docs-ui-exposed",
    title: "Interactive API documentation publicly exposed",
    category: Category::InventoryManagement,
    default_severity: Severity::Info,
    owasp: "API9:2023",
    cwe: &[200],
    pci_dss: "12.5.1",
    soc2: "CC7.1",
    what: "Requests well-known documentation locations (`/docs`, `/swagger-ui`, `/redoc`, `/graphiql`) without credentials and confirms them by their page markers.",
    why: "An interactive console invites anyone to explore and call the API; on an internal API it is an inventory leak.",
    example: "GET /docs -> 200 <div id=\"swagger-ui\">",
    remediation: "Serve interactive documentation only where the API is meant to be public, or behind authentication.",
    references: &["https://owasp.org/API-Security/editions/2023/en/0xa9-improper-inventory-management/"],
    active: false,
};
