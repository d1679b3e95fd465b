use palisade_core::{Category, RuleMeta, Severity};

/// EN008: the server still negotiates TLS 1.0 or TLS 1.1.
pub const RULE: RuleMeta = RuleMeta {
    code: "EN008",
    name: "tls-legacy-protocol",
    title: "TLS 1.0 or 1.1 accepted",
    category: Category::Encryption,
    default_severity: Severity::Medium,
    owasp: "API8:2023",
    cwe: &[326, 327],
    pci_dss: "4.2.1",
    soc2: "CC6.7",
    what: "On HTTPS targets, sends one minimal TLS 1.0 and one TLS 1.1 ClientHello (at most two extra connections, closed after the server's first answer, no HTTP sent) and reports the versions the server answers with a ServerHello instead of an alert.",
    why: "TLS 1.0 and 1.1 lack modern AEAD cipher suites, depend on SHA-1/MD5 in the handshake and are exposed to downgrade and CBC attacks (BEAST, POODLE-style); RFC 8996 deprecates them and PCI DSS forbids early TLS.",
    example: "TLS 1.0 ClientHello to api.example.test:443 -> ServerHello version 0x0301 (TLS 1.0), cipher TLS_RSA_WITH_AES_128_CBC_SHA",
    remediation: "Disable TLS 1.0 and 1.1 on every listener and load balancer (e.g. nginx `ssl_protocols TLSv1.2 TLSv1.3;`); keep TLS 1.2 with AEAD suites and TLS 1.3.",
    references: &["https://datatracker.ietf.org/doc/html/rfc8996", "https://cheatsheetseries.owasp.org/cheatsheets/Transport_Layer_Security_Cheat_Sheet.html"],
    active: false,
};
