use palisade_core::{Category, RuleMeta, Severity};

/// EN003: a cookie set without Secure, HttpOnly or SameSite.
pub const RULE: RuleMeta = RuleMeta {
    code: "EN003",
    name: "cookie-without-security-flags",
    title: "Cookie set without Secure, HttpOnly or SameSite",
    category: Category::Encryption,
    default_severity: Severity::Low,
    owasp: "API8:2023",
    cwe: &[614, 1004, 1275],
    pci_dss: "4.2.1",
    soc2: "CC6.7",
    what: "Parses every `Set-Cookie` the scan receives and reports, per cookie name, the missing attributes among `Secure`, `HttpOnly` and `SameSite`. Session-like names (session, sid, token, auth) are medium.",
    why: "Without Secure the cookie travels over plain HTTP; without HttpOnly any injected script reads it; without SameSite it rides along on cross-site requests (CSRF).",
    example: "Set-Cookie: session=abc…; Path=/",
    remediation: "Set `Secure; HttpOnly; SameSite=Lax` (or Strict) on every cookie that carries a session or credential.",
    references: &["https://owasp.org/www-community/controls/SecureCookieAttribute"],
    active: false,
};
