use palisade_core::{Category, RuleMeta, Severity};

/// IV006: an always-true and an always-false condition appended to a
/// parameter are answered differently (boolean-based injection).
pub const RULE: RuleMeta = RuleMeta {
    code: "IV006",
    name: "boolean-injection-differential",
    title: "Injection signal: boolean conditions change the answer",
    category: Category::InputValidation,
    default_severity: Severity::High,
    owasp: "API8:2023",
    cwe: &[89, 943],
    pci_dss: "6.2.4",
    soc2: "CC7.1",
    what: "On the same parameters as IV005, appends a pair of conditions of equal length to the normal value, one always true and one always false: `' OR '1'='1` / `' OR '1'='2`, `' AND '1'='1` / `' AND '1'='2`, and for numbers ` OR 1=1` / ` OR 1=2`, ` AND 1=1` / ` AND 1=2`. Reports when the two answers differ materially (status, JSON shape or length) while one of them resembles the baseline, the baseline is stable, the same conditions spelled with other literals (`'3'='3`, `'3'='4`) are answered like the first pair (so a search that merely matches the digits is not reported), and the same difference is seen again when the pair is repeated (so a noisy endpoint is not reported). Evidence is the pair of exchanges. Read-only GETs; no time-based or stacked payloads.",
    why: "When the answer depends on the truth of a condition the caller appended, the condition is being evaluated by the backend's query language: an attacker can read the database one yes/no question at a time (blind injection), or widen a filter to every tenant's rows.",
    example: "GET /api/v1/products?category=books' OR '1'='1 -> 200 (6 products); ...books' OR '1'='2 -> 200 (2 products, like ?category=books)",
    remediation: "Use bound parameters for every value that reaches a query (prepared statements, ORM filters) and validate types and formats at the edge; never build query text from input.",
    references: &[
        "https://owasp.org/www-community/attacks/Blind_SQL_Injection",
        "https://cheatsheetseries.owasp.org/cheatsheets/SQL_Injection_Prevention_Cheat_Sheet.html",
    ],
    active: false,
};
