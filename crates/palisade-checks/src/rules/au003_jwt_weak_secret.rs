use palisade_core::{Category, RuleMeta, Severity};

/// AU003: an HMAC-signed JWT whose secret is in a public wordlist.
pub const RULE: RuleMeta = RuleMeta {
    code: "AU003",
    name: "jwt-weak-hmac-secret",
    title: "JWT signed with a guessable secret",
    category: Category::Authentication,
    default_severity: Severity::High,
    owasp: "API2:2023",
    cwe: &[521, 798, 347],
    pci_dss: "8.3.6",
    soc2: "CC6.1",
    what: "Every JWT the scan sees (in response bodies and headers, and the user's own `--bearer` token) that is signed with HS256, HS384 or HS512 is checked offline, on all cores within `--jwt-crack-time` (default 3 s), against the empty secret, mutations of the target's own words (spec title, host name, `iss`/`aud`: `acme_jwt_secret`, `AcmeKey2025`...) and a built-in list of about 175,000 common secrets (JWT-specific ones such as `secret`, `changeme`, `your-256-bit-secret` and framework defaults, then common passwords by popularity, then dictionary words). No request is sent; the secret found is reported masked, with a fingerprint.",
    why: "Whoever knows the HMAC secret can mint valid tokens for any user and any role. Wordlist secrets are cracked in seconds by anyone holding a single token.",
    example: "GET /api/v1/token -> {\"access_token\":\"eyJhbGciOiJIUzI1NiJ9...\"} whose signature verifies with the secret `secret`",
    remediation: "Sign with a random secret of at least 256 bits from a secrets manager (or switch to an asymmetric algorithm), rotate the secret now, and invalidate every token signed with the old one.",
    references: &[
        "https://datatracker.ietf.org/doc/html/rfc8725#section-3.5",
        "https://cheatsheetseries.owasp.org/cheatsheets/JSON_Web_Token_for_Java_Cheat_Sheet.html",
    ],
    active: false,
};
