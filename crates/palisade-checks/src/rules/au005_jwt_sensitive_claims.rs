use palisade_core::{Category, RuleMeta, Severity};

/// AU005: secrets or personal data readable in a JWT's claims.
pub const RULE: RuleMeta = RuleMeta {
    code: "AU005",
    name: "jwt-sensitive-claims",
    title: "Sensitive data in JWT claims",
    category: Category::Authentication,
    default_severity: Severity::Medium,
    owasp: "API3:2023",
    cwe: &[312, 359],
    pci_dss: "3.3.1",
    soc2: "C1.1",
    what: "Decodes the claims of every JWT the scan sees and reports claims named like secrets or regulated data (`password`, `secret`, `api_key`, `ssn`, `card_number`, ...) and claim values the secret/PII detector recognises. Claim values are reported masked.",
    why: "A JWT's payload is only base64url-encoded: every browser, proxy, log and third-party script that sees the token can read its claims. Secrets and regulated personal data there leak with every request.",
    example: "{\"sub\":\"user-2\",\"ssn\":\"512-44-1232\"} inside the access token",
    remediation: "Keep only opaque identifiers and authorisation data in tokens; look sensitive attributes up server-side, or use an encrypted token (JWE) when they must travel with it.",
    references: &["https://datatracker.ietf.org/doc/html/rfc8725#section-3.6"],
    active: false,
};
