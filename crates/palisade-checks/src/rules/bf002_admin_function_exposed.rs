use palisade_core::{Category, RuleMeta, Severity};

/// BF002: administrative functions answered without credentials.
pub const RULE: RuleMeta = RuleMeta {
    code: "BF002",
    name: "admin-function-unauthenticated",
    title: "Administrative function reachable without credentials",
    category: Category::Bfla,
    default_severity: Severity::High,
    owasp: "API5:2023",
    cwe: &[285, 862],
    pci_dss: "7.2.2",
    soc2: "CC6.3",
    what: "Calls, without any credential, the read-only operations the spec names or tags admin/internal/manage/management, plus a short built-in list of administrative paths (`/admin`, `/admin/users`, `/api/admin`, `/internal`, ...). Fires when one answers 2xx with content that is not a login page and not the calibrated soft-404 answer.",
    why: "Administrative endpoints expose every user's data and privileged actions; reachable anonymously they are a full compromise of the API's function-level authorization.",
    example: "GET /admin/users (no credentials) -> 200 {\"users\":[{\"email\":...,\"is_admin\":true}]}",
    remediation: "Require authentication and an administrator role on every administrative route (deny by default, enforced in one middleware), and keep internal tooling off the public interface.",
    references: &["https://owasp.org/API-Security/editions/2023/en/0xa5-broken-function-level-authorization/"],
    active: false,
};
