use palisade_core::{Category, RuleMeta, Severity};

/// IV010: GraphQL mutations executed over GET (CSRF).
pub const RULE: RuleMeta = RuleMeta {
    code: "IV010",
    name: "graphql-mutation-over-get",
    title: "GraphQL mutations accepted over GET",
    category: Category::InputValidation,
    default_severity: Severity::Medium,
    owasp: "API8:2023",
    cwe: &[352, 650],
    pci_dss: "6.2.4",
    soc2: "CC6.6",
    what: "On GraphQL endpoints that answer `GET ?query={__typename}` (queries over GET, which the GraphQL-over-HTTP spec allows and which is therefore not reported on its own), sends the harmless `GET ?query=mutation{__typename}`, which selects no mutation field and so changes nothing, and reports an answer whose `data.__typename` is present: the server executes mutation operations from GET requests.",
    why: "A GET can be triggered cross-site by an image tag or a link, with the victim's cookies and without any CORS pre-flight; if mutations run over GET, any page a logged-in user visits can change their data (cross-site request forgery), and mutations end up in logs, proxies and browser history.",
    example: "GET /graphql?query=mutation{__typename} -> 200 {\"data\":{\"__typename\":\"Mutation\"}}",
    remediation: "Execute mutations only for POST requests with `Content-Type: application/json` (answer 405 to mutation operations over GET, as the GraphQL-over-HTTP spec requires), and require a CSRF-preventing header or token for cookie-authenticated clients.",
    references: &[
        "https://graphql.github.io/graphql-over-http/draft/#sec-GET",
        "https://cheatsheetseries.owasp.org/cheatsheets/GraphQL_Cheat_Sheet.html",
    ],
    active: false,
};
