use palisade_core::{Category, RuleMeta, Severity};

/// IV004: GraphQL introspection answered for anyone.
pub const RULE: RuleMeta = RuleMeta {
    code: "IV004",
    name: "graphql-introspection-enabled",
    title: "GraphQL introspection enabled",
    category: Category::InputValidation,
    default_severity: Severity::Medium,
    owasp: "API8:2023",
    cwe: &[200, 16],
    pci_dss: "6.2.4",
    soc2: "CC6.1",
    what: "Sends `GET <graphql endpoint>?query={__schema{types{name}}}` without credentials to `/graphql`, `/api/graphql`, `/v1/graphql` and any GraphQL operation of the spec, and reports an answer whose `data.__schema.types` lists the schema's types. Read-only: an introspection query cannot change state.",
    why: "Introspection hands an attacker the complete schema: every query and mutation, including internal and administrative ones (`deleteUser`, `promoteToAdmin`) and sensitive fields (`passwordHash`) the client never uses. It turns blind probing into a guided tour of the API's attack surface.",
    example: "GET /graphql?query={__schema{types{name}}} -> 200 {\"data\":{\"__schema\":{\"types\":[{\"name\":\"Query\"},{\"name\":\"Mutation\"},...]}}}",
    remediation: "Disable introspection in production (most servers have a switch, e.g. `introspection: false` in Apollo Server), or allow it only for authenticated developers; publish the schema deliberately where it is meant to be public.",
    references: &[
        "https://graphql.org/learn/introspection/",
        "https://cheatsheetseries.owasp.org/cheatsheets/GraphQL_Cheat_Sheet.html",
    ],
    active: false,
};
