use palisade_core::{Category, RuleMeta, Severity};

/// BF001: a state-changing operation declared without any authentication.
pub const RULE: RuleMeta = RuleMeta {
    code: "BF001",
    name: "unauthenticated-state-change",
    title: "State-changing operation declared without authentication",
    category: Category::Bfla,
    default_severity: Severity::Medium,
    owasp: "API5:2023",
    cwe: &[306, 862],
    pci_dss: "7.2.1",
    soc2: "CC6.1",
    what: "Reads the spec (without calling anything) for operations that change state (write methods, or GETs whose path, operationId or description say reset, delete, purge, init, ...) and declare no security requirement. GET operations of that kind are also listed as skipped in the report, because a default scan never calls them.",
    why: "A public operation that creates, deletes or resets is a function anyone can invoke; a state-changing GET can even be triggered by a link or an image tag.",
    example: "GET /api/admin/reset-db (security: [])",
    remediation: "Require authentication and an authorisation check on every state-changing operation; never change state on GET.",
    references: &["https://owasp.org/API-Security/editions/2023/en/0xa5-broken-function-level-authorization/"],
    active: false,
};
