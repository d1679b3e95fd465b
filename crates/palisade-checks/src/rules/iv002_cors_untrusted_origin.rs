use palisade_core::{Category, RuleMeta, Severity};

/// IV002: the CORS policy trusts origins it should not (reflected, `null`, `*`).
pub const RULE: RuleMeta = RuleMeta {
    code: "IV002",
    name: "cors-untrusted-origin",
    title: "CORS policy trusts arbitrary origins",
    category: Category::InputValidation,
    default_severity: Severity::Medium,
    owasp: "API8:2023",
    cwe: &[942, 346],
    pci_dss: "6.2.4",
    soc2: "CC6.6",
    what: "Sends a GET and an OPTIONS pre-flight with `Origin: https://palisade-cors-probe.example` (a reserved name nothing connects to) and a GET with `Origin: null` to the target and a few crawled operations, then reads `Access-Control-Allow-Origin` and `Access-Control-Allow-Credentials`. A foreign origin reflected together with `Allow-Credentials: true` is high; a reflected or `null` origin without credentials is medium; a wildcard `*` is low. One finding per target, the worst case found.",
    why: "When the API reflects any origin and allows credentials, any web page a logged-in user visits can call the API with the user's cookies or HTTP credentials and read the answers: account data, API keys and tokens leave through the victim's browser. `null` is the origin of sandboxed iframes and local files, so trusting it is the same hole.",
    example: "GET / with Origin: https://palisade-cors-probe.example -> 200, Access-Control-Allow-Origin: https://palisade-cors-probe.example, Access-Control-Allow-Credentials: true",
    remediation: "Compare the Origin header against an explicit allowlist of your own front-end origins and answer only those; never echo the request's Origin, never allow `null`, and never combine a permissive origin with `Access-Control-Allow-Credentials: true`. Send `Vary: Origin` when the answer depends on it.",
    references: &[
        "https://developer.mozilla.org/en-US/docs/Web/HTTP/CORS",
        "https://portswigger.net/web-security/cors",
        "https://cwe.mitre.org/data/definitions/942.html",
    ],
    active: false,
};
