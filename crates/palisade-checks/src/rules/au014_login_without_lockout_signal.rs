use palisade_core::{Category, RuleMeta, Severity};

/// AU014: login / token endpoints with no sign of lockout or rate limiting.
pub const RULE: RuleMeta = RuleMeta {
    code: "AU014",
    name: "login-without-rate-limit-signal",
    title: "Login or token endpoint without lockout or rate-limit signals",
    category: Category::Authentication,
    default_severity: Severity::Low,
    owasp: "API2:2023",
    cwe: &[307],
    pci_dss: "8.3.4",
    soc2: "CC6.1",
    what: "Finds spec operations named for login, sign-in, tokens, authentication or password reset (path segments and operationId), then reports those whose spec declares no 429 response and whose read-only answer (GET where the spec defines it, OPTIONS otherwise) carries no `RateLimit-*`, `X-RateLimit-*` or `Retry-After` header. Credentials are never sent: no POST, no login attempt.",
    why: "An authentication endpoint without attempt limits lets an attacker try passwords, leaked credential lists or reset codes at full speed; it is the usual entry point of credential stuffing.",
    example: "POST /api/login (spec responses: 200, 401; OPTIONS /api/login -> 204 without RateLimit headers)",
    remediation: "Limit attempts per account and per client (lockout or exponential back-off, CAPTCHA after failures), answer 429 with `Retry-After` when the limit is hit, declare it in the spec, and send `RateLimit` headers.",
    references: &["https://cwe.mitre.org/data/definitions/307.html", "https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/"],
    active: false,
};
