use palisade_core::{Category, RuleMeta, Severity};

/// SS002: a redirect parameter sends the client to any foreign origin.
pub const RULE: RuleMeta = RuleMeta {
    code: "SS002",
    name: "open-redirect",
    title: "Open redirect to a foreign origin",
    category: Category::Ssrf,
    default_severity: Severity::Medium,
    owasp: "API7:2023",
    cwe: &[601],
    pci_dss: "6.2.4",
    soc2: "CC6.6",
    what: "Sets redirect-style query parameters of read-only operations (next, redirect, redirect_uri, return_to, continue, goto, dest, ...) to a URL on a reserved, never-resolving name (`https://palisade-redirect-probe.example/`) with redirects not followed, and reports the parameter when the answer is a 3xx whose `Location` points at that foreign origin.",
    why: "An open redirect on a trusted domain makes phishing links look legitimate, leaks OAuth codes and tokens when used as a `redirect_uri`, and is a common step in SSRF chains where a server-side fetcher follows redirects past its allowlist.",
    example: "GET /redirect?next=https://palisade-redirect-probe.example/ -> 302 Location: https://palisade-redirect-probe.example/",
    remediation: "Only accept relative paths (starting with a single `/`, not `//` or `/\\`) or compare the full target against an allowlist of origins; otherwise redirect to a fixed default page.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html",
        "https://cwe.mitre.org/data/definitions/601.html",
    ],
    active: false,
};
