use palisade_core::{Category, RuleMeta, Severity};

/// DE005: debug consoles, environment files and diagnostics endpoints reachable without credentials.
pub const RULE: RuleMeta = RuleMeta {
    code: "DE005",
    name: "debug-endpoint-exposed",
    title: "Debug console or sensitive file reachable",
    category: Category::DataExposure,
    default_severity: Severity::High,
    owasp: "API8:2023",
    cwe: &[215, 538],
    pci_dss: "6.2.4",
    soc2: "CC7.1",
    what: "Requests a short list of well-known debug and configuration locations (`/console`, `/.env`, `/actuator/env`, `/server-status`, `/phpinfo.php`, key-metadata lists such as `/api-keys`) without credentials, and confirms each by the content it must contain, after soft-404 calibration so catch-all servers do not cause false findings.",
    why: "A Werkzeug console is code execution; a `.env` file or `/actuator/env` holds database passwords and API keys; an unauthenticated key list is the seed's raw-key exposure.",
    example: "GET /console -> 200 <title>Console // Werkzeug Debugger</title>",
    remediation: "Remove debug tooling from production builds, keep configuration files outside the web root, and put diagnostics behind authentication on an internal interface.",
    references: &["https://werkzeug.palletsprojects.com/en/stable/debug/#debugger-pin"],
    active: false,
};
