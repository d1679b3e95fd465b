use palisade_core::{Category, RuleMeta, Severity};

/// IV009: GraphQL errors suggest field names ("Did you mean ...").
pub const RULE: RuleMeta = RuleMeta {
    code: "IV009",
    name: "graphql-field-suggestions",
    title: "GraphQL field suggestions enabled",
    category: Category::InputValidation,
    default_severity: Severity::Low,
    owasp: "API8:2023",
    cwe: &[209, 200],
    pci_dss: "6.2.4",
    soc2: "CC6.1",
    what: "On the GraphQL endpoints IV004 probes that answer `GET ?query={__typename}`, sends `GET ?query={usr produc accoun}` (misspelled common field names) without credentials and reports an error message that contains `Did you mean`.",
    why: "Suggestions let an attacker rebuild the schema field by field even when introspection is disabled (tools such as Clairvoyance automate it), exposing internal queries and mutations.",
    example: "GET /graphql?query={usr produc accoun} -> 400 {\"errors\":[{\"message\":\"Cannot query field \\\"usr\\\" on type \\\"Query\\\". Did you mean \\\"users\\\"?\"}]}",
    remediation: "Disable field suggestions in production (for example graphql-js `hideSuggestions`, Apollo's `ApolloServerPluginDisableSuggestions`, graphql-java `setSuggestionsEnabled(false)`), together with introspection.",
    references: &[
        "https://cheatsheetseries.owasp.org/cheatsheets/GraphQL_Cheat_Sheet.html",
        "https://github.com/nikitastupin/clairvoyance",
    ],
    active: false,
};
