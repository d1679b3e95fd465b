use palisade_core::{Category, RuleMeta, Severity};

/// PA004: a privileged property sent on write is stored (active mode only).
pub const RULE: RuleMeta = RuleMeta {
    code: "PA004",
    name: "mass-assignment-confirmed",
    title: "Privileged property accepted on write (mass assignment, active)",
    category: Category::PropertyAuthorization,
    default_severity: Severity::High,
    owasp: "API3:2023",
    cwe: &[915],
    pci_dss: "6.2.4",
    soc2: "CC6.1",
    what: "Active mode only (`--active`, which needs `--confirm-target`); default scans never send it. For spec write operations (POST, then PUT/PATCH on an object it created) with a JSON request schema and a GET operation to read the object back, sends a valid body built from the schema plus ONE extra privileged property (`role: \"admin\"`, `is_admin: true`, `verified: true`, ... chosen from the privileged fields the spec's schemas mention, else `is_admin`), then GETs the object and fires when the property came back with the value sent. Objects it created are deleted afterwards when the spec declares a DELETE for them. Both the write and the read-back exchange are cited.",
    why: "A server that binds request bodies straight onto its models lets any client make itself administrator, verify its own account or credit its balance by adding one property: PA003 shows the surface, this rule proves the server stores it.",
    example: "POST /api/v1/accounts {\"username\":\"palisade-probe\",\"role\":\"admin\"} -> 201; GET /api/v1/accounts/7 -> 200 {\"id\":7,\"username\":\"palisade-probe\",\"role\":\"admin\"}",
    remediation: "Bind request bodies to explicit input DTOs holding only client-writable fields (allow-lists, not block-lists), set server-owned fields (role, flags, balances, owners) only in server code, and reject or ignore unknown properties (`additionalProperties: false`).",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa3-broken-object-property-level-authorization/",
        "https://cheatsheetseries.owasp.org/cheatsheets/Mass_Assignment_Cheat_Sheet.html",
    ],
    active: true,
};
