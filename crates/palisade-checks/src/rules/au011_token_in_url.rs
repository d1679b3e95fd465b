use palisade_core::{Category, RuleMeta, Severity};

/// AU011: tokens travelling in URL query strings.
pub const RULE: RuleMeta = RuleMeta {
    code: "AU011",
    name: "token-in-url",
    title: "Access token in a URL query string",
    category: Category::Authentication,
    default_severity: Severity::Medium,
    owasp: "API2:2023",
    cwe: &[598],
    pci_dss: "8.3.2",
    soc2: "CC6.1",
    what: "Looks at URLs the API hands out (links in JSON bodies, `Location` headers) and the target URL the user gave: a JWT or an `access_token=`/`id_token=`/`token=` value in the query string. Values are masked in the evidence. Nothing extra is sent.",
    why: "URLs are written to server and proxy access logs, browser history and `Referer` headers; a bearer token in one is readable by anyone with access to those, and works until it expires.",
    example: "Location: /dashboard?access_token=eyJh…",
    remediation: "Send tokens only in the `Authorization` header (or a `Secure; HttpOnly` cookie), use the authorization-code flow instead of tokens in redirects, and rotate tokens that were ever placed in URLs.",
    references: &["https://datatracker.ietf.org/doc/html/rfc6750#section-5.3", "https://cwe.mitre.org/data/definitions/598.html"],
    active: false,
};
