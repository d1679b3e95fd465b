use palisade_core::{Category, RuleMeta, Severity};

/// AU002: the server accepts an unsigned (`alg: none`) copy of the user's JWT.
pub const RULE: RuleMeta = RuleMeta {
    code: "AU002",
    name: "jwt-alg-none-accepted",
    title: "JWT with alg none accepted",
    category: Category::Authentication,
    default_severity: Severity::Critical,
    owasp: "API2:2023",
    cwe: &[347, 287],
    pci_dss: "8.3.1",
    soc2: "CC6.1",
    what: "Only when the user gave a JWT (`--bearer`): re-sends a bounded number of GET requests that succeeded with the token, once without any credential (must be refused) and once with the same claims re-encoded under `{\"alg\":\"none\"}` and an empty signature. The rule fires when the unsigned token is answered like the real one (2xx, same JSON shape) while the anonymous request is refused.",
    why: "A server that trusts `alg: none` trusts any claims a client writes: anyone can become any user or an administrator by editing the token's payload, with no key at all.",
    example: "GET /api/v1/me with `Authorization: Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1c2VyLTIifQ.` -> 200 {\"claims\":{\"sub\":\"user-2\"}}",
    remediation: "Pin the accepted algorithms when verifying (e.g. only HS256 or RS256), reject `none` in every case, and use a maintained JWT library instead of hand-written verification.",
    references: &[
        "https://datatracker.ietf.org/doc/html/rfc8725#section-3.1",
        "https://owasp.org/API-Security/editions/2023/en/0xa2-broken-authentication/",
    ],
    active: false,
};
