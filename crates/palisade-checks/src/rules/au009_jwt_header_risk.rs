use palisade_core::{Category, RuleMeta, Severity};

/// AU009: JWT header parameters that let the token choose its own key.
pub const RULE: RuleMeta = RuleMeta {
    code: "AU009",
    name: "jwt-header-key-risk",
    title: "JWT header points to or carries its own verification key",
    category: Category::Authentication,
    default_severity: Severity::Medium,
    owasp: "API2:2023",
    cwe: &[347],
    pci_dss: "8.3.1",
    soc2: "CC6.1",
    what: "Decodes the header of every JWT the scan sees and of the user's own token (no verification): a `jku` or `x5u` key URL (high when it is plain http or on another host than the target, medium otherwise), a `kid` carrying path traversal, SQL or shell characters (`../`, `'`, `|`, `;`, `` ` ``), or an embedded `jwk` / `x5c` key. Nothing is sent.",
    why: "A verifier that follows `jku`/`x5u`, trusts an embedded `jwk`/`x5c`, or looks `kid` up in a file path or SQL query lets an attacker pick the key that checks their forged token (CVE-2018-0114 and many library bugs), which is a full authentication bypass.",
    example: "{\"alg\":\"RS256\",\"jku\":\"http://keys.example.net/jwks.json\",\"kid\":\"../../dev/null\"}",
    remediation: "Verify tokens only with keys the server already holds (a pinned JWKS URL or key set), ignore `jku`/`x5u`/`jwk`/`x5c` from the token, and treat `kid` as an opaque lookup key validated against that set.",
    references: &[
        "https://datatracker.ietf.org/doc/html/rfc8725#section-3.10",
        "https://portswigger.net/web-security/jwt#jwt-header-parameter-injections",
    ],
    active: false,
};
