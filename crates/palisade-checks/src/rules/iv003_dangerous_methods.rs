use palisade_core::{Category, RuleMeta, Severity};

/// IV003: TRACE/TRACK (and similar debugging methods) advertised as allowed.
pub const RULE: RuleMeta = RuleMeta {
    code: "IV003",
    name: "dangerous-methods-advertised",
    title: "TRACE or TRACK method advertised",
    category: Category::InputValidation,
    default_severity: Severity::Low,
    owasp: "API8:2023",
    cwe: &[749, 693],
    pci_dss: "2.2.4",
    soc2: "CC6.6",
    what: "Reads the `Allow` and `Access-Control-Allow-Methods` headers of OPTIONS answers (the CORS pre-flight and an OPTIONS of the target) and reports `TRACE`, `TRACK` or `DEBUG` when they are advertised. The methods themselves are never sent: a default scan only sends GET, HEAD and OPTIONS, so the finding has medium confidence.",
    why: "TRACE echoes the request, headers included, back to the caller; combined with a cross-origin or injection flaw it lets a script read cookies and `Authorization` headers it should never see (cross-site tracing). Debug methods are unused in production APIs and only widen the attack surface.",
    example: "OPTIONS / -> 204, Access-Control-Allow-Methods: GET, POST, PUT, PATCH, DELETE, OPTIONS, TRACE",
    remediation: "Disable TRACE, TRACK and DEBUG in the web server, proxy and framework (for example `TraceEnable off` in Apache, or a method allowlist in the gateway), and advertise only the methods each route implements.",
    references: &[
        "https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/02-Configuration_and_Deployment_Management_Testing/06-Test_HTTP_Methods",
        "https://cwe.mitre.org/data/definitions/749.html",
    ],
    active: false,
};
