use palisade_core::{Category, RuleMeta, Severity};

/// BO002: one identity reads another identity's objects.
pub const RULE: RuleMeta = RuleMeta {
    code: "BO002",
    name: "cross-identity-object-access",
    title: "Object of another user readable (BOLA)",
    category: Category::Bola,
    default_severity: Severity::High,
    owasp: "API1:2023",
    cwe: &[639, 284],
    pci_dss: "7.2.1",
    soc2: "CC6.3",
    what: "With two or more identities (`--identity NAME='Header: value'`), fetches each list operation as every identity, collects the object ids each one owns, then requests the detail operation of one identity's objects with another identity's credentials. Fires when the foreign object is returned (2xx, containing its id) and is not in the caller's own list. Both exchanges are cited.",
    why: "Broken object-level authorization is the first risk of the OWASP API Top 10: any authenticated user can read (and often change) every other customer's data by swapping an id.",
    example: "as alice: GET /api/docs -> [{\"id\":1}]; as bob: GET /api/docs -> [{\"id\":2}]; as bob: GET /api/docs/1 -> 200 {\"id\":1,\"owner\":\"alice\"}",
    remediation: "Authorize every object access against the authenticated principal (ownership or tenant check in the data-access layer, not only in the UI), and return 403/404 for objects the caller does not own.",
    references: &["https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/"],
    active: false,
};
