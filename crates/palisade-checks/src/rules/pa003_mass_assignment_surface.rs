use palisade_core::{Category, RuleMeta, Severity};

/// PA003: writable request schemas that accept privileged properties.
pub const RULE: RuleMeta = RuleMeta {
    code: "PA003",
    name: "mass-assignment-surface",
    title: "Request schema accepts privileged properties",
    category: Category::PropertyAuthorization,
    default_severity: Severity::Medium,
    owasp: "API3:2023",
    cwe: &[915],
    pci_dss: "6.2.4",
    soc2: "CC6.1",
    what: "Reads the request-body schemas of write operations in the spec and reports privileged properties a client may set (`role`, `is_admin`, `admin`, `balance`, `owner_id`, `verified`, `permissions`, ... not marked `readOnly`) and schemas that declare `additionalProperties: true`. Nothing is sent: default scans never write; an active mass-assignment probe is out of scope.",
    why: "When a server binds request bodies straight onto its models, a client can promote itself to administrator, credit its balance or take ownership of objects just by adding a property.",
    example: "POST /api/v1/keys requestBody: {\"name\":string,\"is_admin\":boolean,\"owner_id\":integer}",
    remediation: "Bind request bodies to explicit input DTOs that contain only client-writable fields, mark server-owned fields `readOnly`, set `additionalProperties: false`, and ignore or reject privileged fields server-side.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa3-broken-object-property-level-authorization/",
        "https://cheatsheetseries.owasp.org/cheatsheets/Mass_Assignment_Cheat_Sheet.html",
    ],
    active: false,
};
