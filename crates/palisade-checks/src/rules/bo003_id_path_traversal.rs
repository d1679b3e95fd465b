use palisade_core::{Category, RuleMeta, Severity};

/// BO003: path traversal in an object id parameter selects another object.
pub const RULE: RuleMeta = RuleMeta {
    code: "BO003",
    name: "id-path-traversal",
    title: "Path traversal in an id parameter returns another object",
    category: Category::Bola,
    default_severity: Severity::High,
    owasp: "API1:2023",
    cwe: &[22, 639],
    pci_dss: "6.2.4",
    soc2: "CC6.1",
    what: "For GET operations with an object id in the last path segment or in an id-like query parameter (from the spec, or discovered paths ending in a number), fetches two objects A and B, then asks for A followed by a read-only traversal to B in encoded spellings a proxy or framework may decode after routing: `A/..%2fB`, `A/%2e%2e%2fB`, `A/..;/B`, `A/..%252fB` (double-encoded), `A%2f..%2fB`, `A/..%5cB`. Fires when a spelling returns B (same body, or same id and shape) and not A, while the answer is no 404/403/soft-404 and a control request of the same form without `..` does not return B. Literal `../` is never sent as such: URL normalisation would turn it into a plain request for B.",
    why: "When the authorization check runs on the raw path (object A, which the caller may read) and the backend resolves the decoded path (object B), traversal reaches objects, files or internal routes the caller was never granted. It is the classic gap between a gateway or middleware and the application behind it.",
    example: "GET /api/v1/documents/2 -> 200 {\"id\":2,...}; GET /api/v1/documents/2/..%2f1 -> 200 {\"id\":1,...} (the same as GET /api/v1/documents/1)",
    remediation: "Decode a request path exactly once, before routing and authorization, and reject ids containing `/`, `\\`, `..`, `;` or percent-escapes after decoding; validate ids against their expected format (integer, UUID) and authorize the object actually loaded, not the path that was asked for.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/",
        "https://owasp.org/www-community/attacks/Path_Traversal",
        "https://cwe.mitre.org/data/definitions/22.html",
    ],
    active: false,
};
