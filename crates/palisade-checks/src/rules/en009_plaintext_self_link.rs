use palisade_core::{Category, RuleMeta, Severity};

/// EN009: an HTTPS response links back to the API over plain HTTP (mixed content).
pub const RULE: RuleMeta = RuleMeta {
    code: "EN009",
    name: "plaintext-self-link",
    title: "HTTPS response links to the API over plain HTTP",
    category: Category::Encryption,
    default_severity: Severity::Low,
    owasp: "API8:2023",
    cwe: &[319],
    pci_dss: "4.2.1",
    soc2: "CC6.7",
    what: "Passive: in HTTPS responses (Location, Content-Location and Link headers, and text/JSON/HTML/XML bodies other than the API description itself), looks for `http://` URLs whose host is the target's own host.",
    why: "Pagination `next` links, resource `href`s and redirects that point back to the API over plain HTTP make clients follow them in cleartext, sending cookies, tokens and data where anyone on the path can read or alter them (mixed content).",
    example: "GET https://api.example.test/items -> {\"next\": \"http://api.example.test/items?page=2\"}",
    remediation: "Build absolute links from the external scheme (honour `X-Forwarded-Proto` behind TLS terminators) or use relative links, and redirect HTTP to HTTPS with HSTS.",
    references: &[
        "https://developer.mozilla.org/en-US/docs/Web/Security/Mixed_content",
        "https://cheatsheetseries.owasp.org/cheatsheets/Transport_Layer_Security_Cheat_Sheet.html",
    ],
    active: false,
};
