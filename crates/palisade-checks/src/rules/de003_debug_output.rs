use palisade_core::{Category, RuleMeta, Severity};

/// DE003: stack traces, framework debug pages and database errors in responses.
pub const RULE: RuleMeta = RuleMeta {
    code: "DE003",
    name: "debug-output-in-response",
    title: "Debug output or stack trace in a response",
    category: Category::DataExposure,
    default_severity: Severity::Medium,
    owasp: "API8:2023",
    cwe: &[209, 215, 489],
    pci_dss: "6.2.4",
    soc2: "CC7.1",
    what: "Recognises Python tracebacks, the Werkzeug interactive debugger, Django and Flask debug pages, Java/Spring, .NET, Node, PHP, Ruby and Go error output, and SQL error messages in any response. The Werkzeug debugger is critical: it is a remote Python console.",
    why: "Debug pages show source code, file paths, configuration and local variables: the seed case is an API key from the X-API-Key header printed in a Werkzeug traceback. The Werkzeug console lets anyone who unlocks it run code on the server.",
    example: "GET /api/v1/resource -> 500 <title>KeyError // Werkzeug Debugger</title> ... api_key = '3f9c…'",
    remediation: "Disable debug mode in production (Flask: app.debug = False, never DebuggedApplication; Django: DEBUG = False) and return generic JSON errors; log details server-side with secrets redacted.",
    references: &["https://werkzeug.palletsprojects.com/en/stable/debug/", "https://cwe.mitre.org/data/definitions/209.html"],
    active: false,
};
