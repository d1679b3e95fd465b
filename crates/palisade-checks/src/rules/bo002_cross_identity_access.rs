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
    what: "With two or more identities (`--identity NAME='Header: value'`), learns who each identity is (JWT claims; `/me`-like endpoints), harvests objects from every identity's answers (list items, nested objects, links, redirects) and attributes each to an owner: an owner-like field (`owner`, `user_id`, `created_by`, nested `user.id`, ...) equal to the identity's own values, the identity's own id, or a list only that identity is given. Each owned object is then requested at its detail operation (parameters filled by field name) as the owner, as every other identity and anonymously. Fires when another identity gets the owner's object: the owner's very answer, or one that carries the owner's values and is not the caller's own. A 200 with an error envelope, an empty object or the caller's own object is not a finding. The owner's, the caller's and the anonymous exchanges are cited.",
    why: "Broken object-level authorization is the first risk of the OWASP API Top 10: any authenticated user can read (and often change) every other customer's data by swapping an id.",
    example: "GET /books/v1 -> [{\"book_title\":\"t1\",\"owner\":\"alice\"}]; JWT of alice: {\"sub\":\"alice\"}; as bob: GET /books/v1/t1 -> 200 {\"book_title\":\"t1\",\"owner\":\"alice\",\"secret\":…}",
    remediation: "Authorize every object access against the authenticated principal (ownership or tenant check in the data-access layer, not only in the UI), and return 403/404 for objects the caller does not own.",
    references: &["https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/"],
    active: false,
};
