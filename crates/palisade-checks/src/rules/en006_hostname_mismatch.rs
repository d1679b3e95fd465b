use palisade_core::{Category, RuleMeta, Severity};

/// EN006: the certificate does not name the host the API is reached at.
pub const RULE: RuleMeta = RuleMeta {
    code: "EN006",
    name: "tls-hostname-mismatch",
    title: "TLS certificate hostname mismatch",
    category: Category::Encryption,
    default_severity: Severity::Medium,
    owasp: "API8:2023",
    cwe: &[297],
    pci_dss: "4.2.1",
    soc2: "CC6.7",
    what: "On HTTPS targets, checks that the leaf certificate's subjectAltName entries cover the target's host name or IP address (wildcards per RFC 6125).",
    why: "A certificate for another name fails validation in every correct client; clients that still connect have hostname checks disabled and accept any valid certificate, including one an attacker obtained for their own domain.",
    example: "TLS handshake with api.example.test:443 -> certificate names only www.example.test",
    remediation: "Issue the certificate for every name clients use (subjectAltName DNS/IP entries) and route each host name to a certificate that names it (SNI).",
    references: &[
        "https://datatracker.ietf.org/doc/html/rfc6125",
        "https://cwe.mitre.org/data/definitions/297.html",
    ],
    active: false,
};
