use palisade_core::{Category, RuleMeta, Severity};

/// IV008: a write operation accepts a body a browser can send cross-site
/// without a pre-flight (CSRF surface).
pub const RULE: RuleMeta = RuleMeta {
    code: "IV008",
    name: "simple-content-type-write",
    title: "Write operation accepts cross-site form or text bodies",
    category: Category::InputValidation,
    default_severity: Severity::Medium,
    owasp: "API8:2023",
    cwe: &[352],
    pci_dss: "6.2.4",
    soc2: "CC6.6",
    what: "Reads the spec's POST, PUT, PATCH and DELETE operations and reports those whose request body accepts a content type a browser form can send to another site without a CORS pre-flight: `text/plain`, `application/x-www-form-urlencoded` or `multipart/form-data`. Also reads `Accept-Post` and `Accept-Patch` in the OPTIONS answer of the target. High when the operation is authenticated by a cookie (an `apiKey` scheme `in: cookie`), medium with HTTP Basic/Digest, low otherwise. No write request is ever sent, so confidence is medium.",
    why: "Browsers attach cookies to cross-site form posts. When a state-changing endpoint parses form or plain-text bodies, any web page a logged-in user visits can make that user's browser call it (cross-site request forgery); a JSON-only endpoint forces a pre-flight the API can refuse.",
    example: "POST /api/v1/feedback requestBody: application/json, application/x-www-form-urlencoded, text/plain; security: CookieAuth (apiKey in cookie)",
    remediation: "Accept only `application/json` on state-changing operations and answer 415 to anything else; authenticate with headers (bearer tokens) rather than cookies, or set session cookies `SameSite=Strict` and require an anti-CSRF token.",
    references: &[
        "https://owasp.org/www-community/attacks/csrf",
        "https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html",
        "https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS#simple_requests",
    ],
    active: false,
};
