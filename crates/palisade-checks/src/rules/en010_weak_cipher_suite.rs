use palisade_core::{Category, RuleMeta, Severity};

/// EN010: the server chooses a weak TLS cipher suite when a client offers only weak ones.
pub const RULE: RuleMeta = RuleMeta {
    code: "EN010",
    name: "tls-weak-cipher-suite",
    title: "Weak TLS cipher suite accepted",
    category: Category::Encryption,
    default_severity: Severity::Medium,
    owasp: "API8:2023",
    cwe: &[326, 327],
    pci_dss: "4.2.1",
    soc2: "CC6.7",
    what: "On HTTPS targets, sends two minimal TLS 1.2 ClientHellos (at most two extra connections, closed after the server's first answer, no HTTP sent): one offering only broken suites (NULL, EXPORT, anonymous DH/ECDH, single DES, RC4, 3DES), one offering only CBC suites with SHA-1 MACs. Reports the suite the server's ServerHello chooses, by name. Severity: high for NULL, EXPORT, anonymous and single-DES suites, medium for RC4 and 3DES, low for CBC with SHA-1. A server that answers with an alert accepts none of them.",
    why: "NULL suites do not encrypt, EXPORT and single-DES keys are breakable in hours, anonymous suites let anyone in the middle impersonate the server, RC4 is biased (RFC 7465 forbids it), 3DES is exposed to SWEET32, and CBC with SHA-1 is the MAC-then-encrypt design behind Lucky13 and POODLE-style padding oracles. A client that can be downgraded to one of them gets no real protection.",
    example: "TLS 1.2 ClientHello offering only weak suites to api.example.test:443 -> ServerHello choosing TLS_RSA_WITH_3DES_EDE_CBC_SHA (0x000a)",
    remediation: "Offer only AEAD suites: TLS 1.3 and, for TLS 1.2, ECDHE with AES-GCM or ChaCha20-Poly1305 (e.g. Mozilla's \"intermediate\" configuration); remove RC4, 3DES, DES, NULL, EXPORT, anonymous and CBC-SHA1 suites from every listener and load balancer.",
    references: &[
        "https://datatracker.ietf.org/doc/html/rfc7465",
        "https://sweet32.info/",
        "https://wiki.mozilla.org/Security/Server_Side_TLS",
        "https://cheatsheetseries.owasp.org/cheatsheets/Transport_Layer_Security_Cheat_Sheet.html",
    ],
    active: false,
};
