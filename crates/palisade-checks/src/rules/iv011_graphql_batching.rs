use palisade_core::{Category, RuleMeta, Severity};

/// IV011: GraphQL accepts batches of operations in one request.
pub const RULE: RuleMeta = RuleMeta {
    code: "IV011",
    name: "graphql-batching",
    title: "GraphQL query batching enabled",
    category: Category::InputValidation,
    default_severity: Severity::Low,
    owasp: "API4:2023",
    cwe: &[770, 307],
    pci_dss: "6.2.4",
    soc2: "CC7.1",
    what: "Only when the method policy allows POST (`--allow-method POST` or `--active`; a default scan skips this rule): POSTs one JSON array of two `{__typename}` queries to each GraphQL endpoint found by IV004's locations and reports an answer that is a JSON array with a result per query.",
    why: "Batching lets one HTTP request carry hundreds of operations, so rate limits and brute-force protections that count requests (login, OTP or coupon guessing) are bypassed, and a single request can exhaust the server.",
    example: "POST /graphql [{\"query\":\"{__typename}\"},{\"query\":\"{__typename}\"}] -> 200 [{\"data\":{\"__typename\":\"Query\"}},{\"data\":{\"__typename\":\"Query\"}}]",
    remediation: "Disable array batching, or cap the number of operations per request (and count each operation against rate limits); add query cost and depth limits.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/GraphQL_Cheat_Sheet.html#batching-attacks",
        "https://lab.wallarm.com/graphql-batching-attack/",
    ],
    active: true,
};
