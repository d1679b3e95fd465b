use palisade_core::{Category, RuleMeta, Severity};

/// UC002: the API talks to (or advertises) services over plain HTTP.
pub const RULE: RuleMeta = RuleMeta {
    code: "UC002",
    name: "plaintext-upstream",
    title: "Plain-HTTP upstream or server URL",
    category: Category::UnsafeConsumption,
    default_severity: Severity::Low,
    owasp: "API10:2023",
    cwe: &[319],
    pci_dss: "4.2.1",
    soc2: "CC6.7",
    what: "Reports `http://` URLs of other hosts that the API reveals it uses: values of upstream/backend headers, JSON string values in responses, and `servers` entries of the spec. The target's own origin, loopback addresses and well-known XML/HTML namespace URLs are ignored.",
    why: "Data exchanged with an upstream over plain HTTP can be read and altered by anyone on the network path, so the API may consume forged data or leak its own credentials to the upstream.",
    example: "X-Upstream: http://weather-backend.internal:8080   or   \"servers\": [{\"url\": \"http://api.partner.example/v1\"}]",
    remediation: "Call upstream services over HTTPS only, verify their certificates, and publish only HTTPS server URLs in the API description.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xaa-unsafe-consumption-of-apis/",
        "https://cwe.mitre.org/data/definitions/319.html",
    ],
    active: false,
};
