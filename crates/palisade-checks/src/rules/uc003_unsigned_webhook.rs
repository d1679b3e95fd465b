use palisade_core::{Category, RuleMeta, Severity};

/// UC003: webhook/callback registration without a signing secret.
pub const RULE: RuleMeta = RuleMeta {
    code: "UC003",
    name: "unsigned-webhook-registration",
    title: "Webhook registration without a signing secret",
    category: Category::UnsafeConsumption,
    default_severity: Severity::Low,
    owasp: "API10:2023",
    cwe: &[345],
    pci_dss: "6.2.4",
    soc2: "CC6.1",
    what: "Reads the spec (nothing is sent): operations that register a webhook or callback (path, operationId or parameters named webhook/callback, or a request body with a callback URL field) whose request schema has no field for a signing secret or signature (secret, signing_secret, signature, hmac, ...).",
    why: "Without a shared secret the receiver cannot tell the API's deliveries from forged ones, and the registration endpoint becomes an SSRF primitive that posts to any URL a caller names.",
    example: "POST /webhooks {\"url\": \"https://hooks.example/cb\", \"events\": [\"order.paid\"]}  (no `secret` in the schema)",
    remediation: "Generate or accept a per-subscription secret at registration, sign every delivery (HMAC over timestamp and body in a header), document verification, and validate callback URLs against an allowlist.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xaa-unsafe-consumption-of-apis/",
        "https://www.standardwebhooks.com/",
    ],
    active: false,
};
