use palisade_core::{Category, RuleMeta, Severity};

/// DE008: a newly created key or token is revealed in a response caches may keep.
pub const RULE: RuleMeta = RuleMeta {
    code: "DE008",
    name: "key-reveal-cacheable",
    title: "Credential revealed on creation without Cache-Control: no-store",
    category: Category::DataExposure,
    default_severity: Severity::Medium,
    owasp: "API3:2023",
    cwe: &[525, 200],
    pci_dss: "3.3.1",
    soc2: "CC6.1",
    what: "Two ways. From the spec: POST/PUT operations whose success response schema returns key material (`key`, `api_key`, `secret`, `client_secret`, `token`, `access_token`, `private_key`, ...), reported at low severity as a reveal to verify. From traffic: every write the scan sends (only with `--active` or `--allow-method`) whose 2xx answer carries a secret is checked for `Cache-Control: no-store` (or `private, no-cache`); without it the reveal is reported at medium with the exchange.",
    why: "Showing a new API key once, at creation, is the accepted pattern, but only if nothing on the way keeps a copy: without no-store, browser caches, CDNs, proxies and response-logging middleware hold the key long after the user copied it (the seed's \"if this response is logged, cached ... the secret is compromised\"). RFC 6749 requires no-store on token responses for the same reason.",
    example: "POST /api/v1/keys -> 201 (no Cache-Control) {\"key\": \"3f9a…\", \"key_id\": \"ak_live_abc123\"}",
    remediation: "Prefer returning only an opaque key id and showing the secret through a one-time, authenticated channel; if the creation response must carry the key, send `Cache-Control: no-store` (and `Pragma: no-cache` for HTTP/1.0 caches) and exclude the body from request/response logging.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa3-broken-object-property-level-authorization/",
        "https://www.rfc-editor.org/rfc/rfc6749#section-5.1",
        "https://cwe.mitre.org/data/definitions/525.html",
    ],
    active: false,
};
