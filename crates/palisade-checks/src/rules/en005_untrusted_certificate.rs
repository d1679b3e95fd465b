use palisade_core::{Category, RuleMeta, Severity};

/// EN005: the certificate is self-signed or does not chain to a trusted root.
pub const RULE: RuleMeta = RuleMeta {
    code: "EN005",
    name: "tls-untrusted-certificate",
    title: "TLS certificate self-signed or untrusted",
    category: Category::Encryption,
    default_severity: Severity::Medium,
    owasp: "API8:2023",
    cwe: &[295, 296],
    pci_dss: "4.2.1",
    soc2: "CC6.7",
    what: "On HTTPS targets, verifies the chain the server presents against the Mozilla (webpki) root store plus any CA given with `--ca-cert`, ignoring expiry and hostname (other rules): a self-signed certificate or a chain to an unknown issuer is reported.",
    why: "Clients cannot authenticate a server whose certificate they cannot chain to a trusted root, so they must either fail or disable validation; disabled validation lets anyone on the path impersonate the API and read credentials.",
    example: "TLS handshake with api.example.test:443 -> self-signed leaf 'CN=localhost', issuer unknown to the webpki roots",
    remediation: "Serve a certificate issued by a publicly trusted CA, or for internal APIs by your private CA distributed to every client; always send the full intermediate chain.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/Transport_Layer_Security_Cheat_Sheet.html",
        "https://cwe.mitre.org/data/definitions/295.html",
    ],
    active: false,
};
