use palisade_core::{Category, RuleMeta, Severity};

/// AU010: a JWT without `iss` or `aud`.
pub const RULE: RuleMeta = RuleMeta {
    code: "AU010",
    name: "jwt-missing-issuer-audience",
    title: "JWT without issuer or audience claim",
    category: Category::Authentication,
    default_severity: Severity::Low,
    owasp: "API2:2023",
    cwe: &[287],
    pci_dss: "8.3.1",
    soc2: "CC6.1",
    what: "Decodes the claims of every JWT the scan sees and of the user's own token (no verification) and reports one that carries neither `iss` nor `aud`, or lacks one of them. Nothing is sent.",
    why: "Without `iss` and `aud` a service cannot tell a token minted for it from one minted by another issuer or for another API sharing the same key, so a token for a low-value service may be replayed against this one.",
    example: "{\"sub\":\"user-2\",\"role\":\"user\",\"exp\":1764003600} (no iss, no aud)",
    remediation: "Put `iss` and `aud` in every token and reject tokens whose issuer and audience are not the expected values.",
    references: &["https://datatracker.ietf.org/doc/html/rfc8725#section-3.9", "https://datatracker.ietf.org/doc/html/rfc7519#section-4.1.3"],
    active: false,
};
