use palisade_core::{Category, RuleMeta, Severity};

/// EN007: weak certificate key or signature algorithm.
pub const RULE: RuleMeta = RuleMeta {
    code: "EN007",
    name: "tls-weak-certificate-crypto",
    title: "Weak TLS certificate key or signature",
    category: Category::Encryption,
    default_severity: Severity::Medium,
    owasp: "API8:2023",
    cwe: &[326, 327, 328],
    pci_dss: "4.2.1",
    soc2: "CC6.7",
    what: "On HTTPS targets, reads the certificates the server presents: an RSA/DSA key shorter than 2048 bits, an EC key shorter than 256 bits, or a signature made with MD5 or SHA-1 (on any certificate except a self-signed root) is reported.",
    why: "RSA-1024 keys are within reach of well-funded attackers and SHA-1/MD5 signatures can be forged with chosen-prefix collisions, so such a certificate does not reliably authenticate the API.",
    example: "TLS handshake with api.example.test:443 -> leaf RSA 1024-bit key, signature sha1WithRSAEncryption",
    remediation: "Reissue the certificate with an RSA key of at least 2048 bits (3072 recommended) or an ECDSA P-256/P-384 key, signed with SHA-256 or stronger.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/Transport_Layer_Security_Cheat_Sheet.html",
        "https://csrc.nist.gov/pubs/sp/800/131/a/r2/final",
    ],
    active: false,
};
