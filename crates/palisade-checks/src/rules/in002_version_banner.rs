use palisade_core::{Category, RuleMeta, Severity};

/// IN002: server or framework version disclosed in headers.
pub const RULE: RuleMeta = RuleMeta {
    code: "IN002",
    name: "version-banner",
    title: "Server or framework version disclosed",
    category: Category::InventoryManagement,
    default_severity: Severity::Low,
    owasp: "API8:2023",
    cwe: &[200, 497],
    pci_dss: "6.3.2",
    soc2: "CC7.1",
    what: "Reads `Server`, `X-Powered-By`, `X-AspNet-Version`, `X-AspNetMvc-Version` and `X-Generator` headers and reports products with a version number (e.g. `Werkzeug/2.0.1 Python/3.8.5`).",
    why: "A version number tells an attacker which public exploits to try, and shows the stack is not hidden behind a hardened proxy.",
    example: "Server: Werkzeug/2.0.1 Python/3.8.5",
    remediation: "Remove or genericise version banners at the application and proxy (e.g. `server_tokens off`, custom WSGI server header).",
    references: &["https://cwe.mitre.org/data/definitions/497.html"],
    active: false,
};
