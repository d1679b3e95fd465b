use palisade_core::{Category, RuleMeta, Severity};

/// BF003: an administrative operation answered to a non-admin identity.
pub const RULE: RuleMeta = RuleMeta {
    code: "BF003",
    name: "admin-function-non-admin-role",
    title: "Administrative function reachable by a non-admin role",
    category: Category::Bfla,
    default_severity: Severity::High,
    owasp: "API5:2023",
    cwe: &[285, 269, 863],
    pci_dss: "7.2.2",
    soc2: "CC6.3",
    what: "Needs identities with roles (`--identity admin:root='Authorization: ...'` and e.g. `--identity user:alice='...'`). Every read-only administrative operation (spec path, tag or operationId naming admin/internal/manage, plus the built-in admin paths) that the admin identity reads with 2xx is replayed with each non-admin identity; fires when that identity also gets 2xx with the same JSON shape (same property names) or the same body. Only GET is sent; at most 30 operations.",
    why: "Checking that a caller is logged in but not what role it holds lets every ordinary user list all users, read configuration and reach privileged data through the admin API.",
    example: "as admin: GET /admin/users -> 200 {\"users\":[...]}; as user alice: GET /admin/users -> 200 {\"users\":[...]}",
    remediation: "Authorize every administrative route by role in one place (deny by default, e.g. a route-group middleware that requires the admin role), and test that ordinary users get 403 on each.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa5-broken-function-level-authorization/",
        "https://cheatsheetseries.owasp.org/cheatsheets/Authorization_Cheat_Sheet.html",
    ],
    active: false,
};
