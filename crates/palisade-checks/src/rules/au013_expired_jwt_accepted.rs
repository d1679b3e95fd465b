use palisade_core::{Category, RuleMeta, Severity};

/// AU013: a JWT whose `exp` has passed is still accepted.
pub const RULE: RuleMeta = RuleMeta {
    code: "AU013",
    name: "expired-jwt-accepted",
    title: "Expired JWT accepted",
    category: Category::Authentication,
    default_severity: Severity::High,
    owasp: "API2:2023",
    cwe: &[613],
    pci_dss: "8.2.8",
    soc2: "CC6.1",
    what: "Only with the user's own token (`--bearer` / `--identity`) and only when AU003 cracked its HS* secret offline: re-signs a copy with `exp` an hour in the past (and `iat` before it) and replays it with GET on an endpoint where the real token succeeded and no credentials failed. Reported when the expired copy gets the same successful answer shape; both exchanges are cited.",
    why: "A server that does not check `exp` turns every token ever issued, leaked or logged into a permanent credential.",
    example: "GET /api/v1/me with exp=now-3600 -> HTTP 200 {\"claims\":…}",
    remediation: "Validate `exp` (and `nbf`) on every request with a small clock-skew allowance, using a JWT library with expiry checks on, and rotate the weak signing secret.",
    references: &["https://datatracker.ietf.org/doc/html/rfc7519#section-4.1.4", "https://cwe.mitre.org/data/definitions/613.html"],
    active: false,
};
