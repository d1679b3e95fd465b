use palisade_core::{Category, RuleMeta, Severity};

/// EN004: the server's TLS certificate has expired, is not yet valid, or expires within 30 days.
pub const RULE: RuleMeta = RuleMeta {
    code: "EN004",
    name: "tls-certificate-expiry",
    title: "TLS certificate expired or expiring soon",
    category: Category::Encryption,
    default_severity: Severity::Medium,
    owasp: "API8:2023",
    cwe: &[298, 324],
    pci_dss: "4.2.1",
    soc2: "CC6.7",
    what: "On HTTPS targets, opens one TLS handshake to the target's host and port and reads the leaf certificate's validity window: expired or not yet valid (high), or expiring within 30 days (medium).",
    why: "Clients either refuse an expired certificate (outage) or are configured to ignore certificate errors, which also makes them accept an attacker's certificate. A certificate about to expire is an outage and an incentive to disable validation.",
    example: "TLS handshake with api.example.test:443 -> leaf certificate notAfter 2024-01-01 (expired 400 days ago)",
    remediation: "Renew the certificate before it expires and automate renewal (ACME, e.g. Let's Encrypt / cert-manager) with monitoring that alerts at least 30 days ahead.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/Transport_Layer_Security_Cheat_Sheet.html",
        "https://datatracker.ietf.org/doc/html/rfc5280#section-4.1.2.5",
    ],
    active: false,
};
