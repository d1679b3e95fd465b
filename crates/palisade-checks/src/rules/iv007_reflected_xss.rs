use palisade_core::{Category, RuleMeta, Severity};

/// IV007: input reflected unescaped in an HTML (or sniffable) response.
pub const RULE: RuleMeta = RuleMeta {
    code: "IV007",
    name: "reflected-xss",
    title: "Input reflected unescaped in an HTML response",
    category: Category::InputValidation,
    default_severity: Severity::High,
    owasp: "API8:2023",
    cwe: &[79],
    pci_dss: "6.2.4",
    soc2: "CC7.1",
    what: "Puts a unique harmless canary tag (`<pls-x…>\"`) in the query and path parameters IV005 samples (and in an unknown query parameter of the target) with GET requests, and reports when the canary comes back unescaped in a response served as `text/html` (high) or without a Content-Type, or as a non-JSON type without `X-Content-Type-Options: nosniff`, which a browser may sniff as HTML (medium). JSON served as `application/json` is never reported.",
    why: "A page that echoes input as markup runs an attacker's script in the API's origin when a victim opens a crafted link: the script can read the victim's data and act with their session. Error pages of APIs are a common place for it because they are rarely reviewed.",
    example: "GET /api/v1/search?q=<pls-x1a2b3c>\" -> 404 Content-Type: text/html ... Nothing matches <b><pls-x1a2b3c>\"</b>",
    remediation: "Serve API answers, errors included, as `application/json` with `X-Content-Type-Options: nosniff`; when HTML must be produced, escape every interpolated value with the template engine's auto-escaping and add a restrictive Content-Security-Policy.",
    references: &[
        "https://owasp.org/www-community/attacks/xss/",
        "https://cheatsheetseries.owasp.org/cheatsheets/Cross_Site_Scripting_Prevention_Cheat_Sheet.html",
    ],
    active: false,
};
