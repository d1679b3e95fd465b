use palisade_core::{Category, RuleMeta, Severity};

/// AU008: a 401 answer without a WWW-Authenticate challenge.
pub const RULE: RuleMeta = RuleMeta {
    code: "AU008",
    name: "www-authenticate-missing",
    title: "401 response without WWW-Authenticate",
    category: Category::Authentication,
    default_severity: Severity::Low,
    owasp: "API8:2023",
    cwe: &[287, 16],
    pci_dss: "6.2.4",
    soc2: "CC6.1",
    what: "Passive: looks at every 401 Unauthorized response the scan receives and reports an operation whose 401 carries no `WWW-Authenticate` header (RFC 9110 section 11.6.1 requires at least one challenge). At most 10 operations are reported per scan.",
    why: "Without a challenge, clients and gateways cannot tell which scheme the API expects, and the 401 is often produced by hand-rolled checks scattered through handlers rather than one authentication layer, which is where inconsistently enforced authentication hides.",
    example: "GET /api/v1/resource (no credentials) -> 401 \"Unauthorized\" (no WWW-Authenticate header)",
    remediation: "Answer every 401 from one authentication layer with a `WWW-Authenticate` challenge naming the scheme, e.g. `WWW-Authenticate: Bearer realm=\"api\"`, and use 403 for authenticated callers that lack permission.",
    references: &[
        "https://www.rfc-editor.org/rfc/rfc9110#name-401-unauthorized",
        "https://owasp.org/API-Security/editions/2023/en/0xa8-security-misconfiguration/",
    ],
    active: false,
};
