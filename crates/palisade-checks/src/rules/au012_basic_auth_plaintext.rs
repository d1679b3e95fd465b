use palisade_core::{Category, RuleMeta, Severity};

/// AU012: HTTP Basic authentication over plain HTTP.
pub const RULE: RuleMeta = RuleMeta {
    code: "AU012",
    name: "basic-auth-over-http",
    title: "Basic authentication over plain HTTP",
    category: Category::Authentication,
    default_severity: Severity::High,
    owasp: "API2:2023",
    cwe: &[319, 523],
    pci_dss: "4.2.1",
    soc2: "CC6.7",
    what: "Reports an `http://` endpoint that challenges with `WWW-Authenticate: Basic`, or a scan where the user's own credentials are Basic and the target is `http://`. This differs from EN001 (the API is reachable without TLS): here the password itself crosses the network readable.",
    why: "Basic credentials are the user name and password base64-encoded, not encrypted; anyone on the path (Wi-Fi, proxy, ISP) reads and reuses them on every request they see.",
    example: "HTTP/1.1 401 Unauthorized\nWWW-Authenticate: Basic realm=\"api\" (on http://api.example.com)",
    remediation: "Serve the API only over HTTPS (redirect or refuse plain HTTP before any challenge), and prefer tokens to Basic passwords.",
    references: &["https://datatracker.ietf.org/doc/html/rfc7617#section-4", "https://cwe.mitre.org/data/definitions/523.html"],
    active: false,
};
