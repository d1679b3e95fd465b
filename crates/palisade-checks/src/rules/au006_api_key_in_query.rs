use palisade_core::{Category, RuleMeta, Severity};

/// AU006: API keys or tokens passed in the URL query string.
pub const RULE: RuleMeta = RuleMeta {
    code: "AU006",
    name: "api-key-in-query-string",
    title: "API key accepted in the query string",
    category: Category::Authentication,
    default_severity: Severity::Medium,
    owasp: "API2:2023",
    cwe: &[598],
    pci_dss: "8.3.2",
    soc2: "CC6.1",
    what: "Reads the spec: an `apiKey` security scheme declared `in: query`, or an operation with a query parameter named like a credential (`api_key`, `apikey`, `access_token`, `token`, ...). No request is sent.",
    why: "URLs are written to server and proxy access logs, browser history and `Referer` headers, so a credential in the query string leaks to everyone who can read those.",
    example: "GET /api/v1/resource?api_key=9f2c…",
    remediation: "Accept credentials only in a header (`Authorization` or `X-API-Key`), reject them in the query string, and rotate keys that were ever sent in URLs.",
    references: &[
        "https://cwe.mitre.org/data/definitions/598.html",
        "https://owasp.org/www-community/vulnerabilities/Information_exposure_through_query_strings_in_url",
    ],
    active: false,
};
