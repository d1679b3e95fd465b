use palisade_core::{Category, RuleMeta, Severity};

/// IV005: a quote, type mismatch or template marker produces a database,
/// NoSQL or template-engine error, or a template expression is evaluated.
pub const RULE: RuleMeta = RuleMeta {
    code: "IV005",
    name: "injection-error-signal",
    title: "Injection signal: input reaches a query or template engine",
    category: Category::InputValidation,
    default_severity: Severity::High,
    owasp: "API8:2023",
    cwe: &[89, 943, 1336],
    pci_dss: "6.2.4",
    soc2: "CC7.1",
    what: "For up to 8 safe GET operations and up to 3 query or path parameters each (string query parameters first, pagination last; URL and credential parameters, GraphQL and AI endpoints are left out), sends three read-only variants of the parameter's normal value: one with a quote (`'\"`), one with a type mismatch (a string for a number, the NoSQL operator object `{\"$gt\":\"\"}` for a string), and one with template markers (`{{7331*1337}}`, `${7331*1337}`, `<%=7331*1337%>`). Reports when a variant's answer carries a SQL error (recognised by the Data Exposure detector's SQL rules), a NoSQL or template-engine error, or the evaluated product `9801547`, none of which the baseline answer (the normal value) had. Never sends time-based, stacked or state-changing payloads.",
    why: "An error that names the database or template engine when a quote or a marker is added shows that input is pasted into a query or a template instead of being passed as data. That is the precondition of SQL/NoSQL injection (reading or altering any row of the database) and of server-side template injection, which usually means remote code execution on the server.",
    example: "GET /api/v1/products?category=books'\" -> 500 {\"error\": \"sqlite3.OperationalError: unrecognized token: ...\"} (baseline ?category=books -> 200)",
    remediation: "Pass input to the database only as bound parameters (prepared statements, ORM filters), never by string concatenation; allowlist identifiers such as sort columns; reject operator objects where a string is expected (NoSQL); render templates from fixed files and pass input as template data, never as template source. Return generic error messages and log the details server-side.",
    references: &[
        "https://owasp.org/www-community/attacks/SQL_Injection",
        "https://cheatsheetseries.owasp.org/cheatsheets/SQL_Injection_Prevention_Cheat_Sheet.html",
        "https://portswigger.net/web-security/server-side-template-injection",
    ],
    active: false,
};
