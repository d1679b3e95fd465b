use palisade_core::{Category, RuleMeta, Severity};

/// AU007: a protected operation answers a variant of its request without credentials.
pub const RULE: RuleMeta = RuleMeta {
    code: "AU007",
    name: "auth-bypass-variant",
    title: "Authentication bypassed by a request variant",
    category: Category::Authentication,
    default_severity: Severity::High,
    owasp: "API2:2023",
    cwe: &[288, 287, 178],
    pci_dss: "8.2.1",
    soc2: "CC6.1",
    what: "For read-only operations that answer 401 or 403 without credentials, sends the same request without credentials in read-only variants: trailing slash, upper-cased path, `.json` suffix, `HEAD`, `X-HTTP-Method-Override: GET`, and `X-Original-URL` / `X-Rewrite-URL` naming the path on a request for `/`. Fires when a variant answers 2xx with content that is not the calibrated soft-404 answer (for `HEAD`: 2xx with a non-empty Content-Length). Bounded to 10 operations x 7 variants.",
    why: "Authentication enforced on the exact path string, method or front-end route, while the router or framework normalises the request differently, lets anyone reach the protected handler by spelling the request another way.",
    example: "GET /admin/users -> 401; GET /admin/users/ (no credentials) -> 200 {\"users\":[...]}",
    remediation: "Enforce authentication after routing, on the handler or route group (deny by default), not by matching raw path strings or methods; normalise paths once before both authorization and routing, and ignore X-Original-URL / X-Rewrite-URL / method-override headers from clients.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa2-broken-authentication/",
        "https://cwe.mitre.org/data/definitions/288.html",
    ],
    active: false,
};
