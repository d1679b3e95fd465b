use palisade_core::{Category, RuleMeta, Severity};

/// AU004: a JWT without `exp`, or valid for years.
pub const RULE: RuleMeta = RuleMeta {
    code: "AU004",
    name: "jwt-missing-or-long-expiry",
    title: "JWT without expiry or with a far-future expiry",
    category: Category::Authentication,
    default_severity: Severity::Low,
    owasp: "API2:2023",
    cwe: &[613],
    pci_dss: "8.2.8",
    soc2: "CC6.1",
    what: "Decodes the claims of every JWT the scan sees (no verification) and reports a token with no `exp` claim (medium) or one that expires more than a year after the scan (low).",
    why: "A stolen token that never expires, or expires in decades, stays a working credential long after the user logged out or the leak was noticed; revocation then depends entirely on server-side state most APIs do not keep.",
    example: "{\"sub\":\"user-2\",\"iat\":1764000000,\"exp\":4102444800} (expires in 2100)",
    remediation: "Issue short-lived access tokens (minutes to an hour) with an `exp` claim, use refresh tokens for long sessions, and reject tokens without `exp`.",
    references: &["https://datatracker.ietf.org/doc/html/rfc7519#section-4.1.4"],
    active: false,
};
