use palisade_core::{Category, RuleMeta, Severity};

/// UC001: upstream responses (headers or error pages) passed through unfiltered.
pub const RULE: RuleMeta = RuleMeta {
    code: "UC001",
    name: "upstream-passthrough",
    title: "Upstream response passed through to the client",
    category: Category::UnsafeConsumption,
    default_severity: Severity::Medium,
    owasp: "API10:2023",
    cwe: &[20, 209],
    pci_dss: "6.2.4",
    soc2: "CC7.1",
    what: "Looks at every response for signs that the API relays a third-party or backend service's answer untouched: headers naming the upstream (`X-Upstream`, `X-Backend-Server`, `X-Upstream-*`, ...), and 502/503/504 answers whose body is another server's HTML error page (application-server error pages, stack traces) while the API itself speaks JSON.",
    why: "An API that trusts and forwards what its upstream returns exposes the upstream's internals (hosts, stack traces, versions) and lets a compromised or misbehaving upstream inject content straight into clients.",
    example: "GET /api/v1/weather -> 502 X-Upstream: http://weather-backend.internal:8080, body <title>HTTP Status 500 – Internal Server Error</title> … Apache Tomcat/9.0.41",
    remediation: "Treat upstream responses as untrusted input: validate them against the expected schema, map upstream failures to your own generic error (e.g. `{\"error\": \"upstream unavailable\"}`), and strip upstream headers before answering.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xaa-unsafe-consumption-of-apis/",
    ],
    active: false,
};
