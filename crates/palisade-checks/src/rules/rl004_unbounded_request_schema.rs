use palisade_core::{Category, RuleMeta, Severity};

/// RL004: write operations whose JSON request schema sets no size bounds.
pub const RULE: RuleMeta = RuleMeta {
    code: "RL004",
    name: "unbounded-request-schema",
    title: "Request size not bounded in the spec",
    category: Category::RateLimiting,
    default_severity: Severity::Low,
    owasp: "API4:2023",
    cwe: &[770, 1284],
    pci_dss: "6.2.4",
    soc2: "A1.1",
    what: "Reads the JSON request schema of every write operation in the spec (POST, PUT, PATCH, DELETE with a body) and lists the fields that have no size bound: strings without `maxLength` (an `enum`, `const` or a fixed-size format such as `uuid` or `date-time` counts as bounded), arrays without `maxItems`, and open objects (`additionalProperties` true or absent, with no `maxProperties`). One finding per operation naming up to five field paths. No request is sent.",
    why: "A schema without bounds is a promise to accept any size: unless every layer below enforces its own limit, a single request with a 50 MB string or a million-item array costs memory, CPU, storage and downstream calls, and generated validators and clients inherit the missing limits. Declared bounds are also the contract that lets a gateway reject oversized requests early.",
    example: "POST /api/v1/keys requestBody {\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"scopes\":{\"type\":\"array\"}}} -> name (string, no maxLength), scopes (array, no maxItems), (body) (open object)",
    remediation: "Give every string a `maxLength`, every array a `maxItems`, every object `additionalProperties: false` (or a `maxProperties`), enforce the schema on the server, and cap the request body size at the gateway.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa4-unrestricted-resource-consumption/",
        "https://cwe.mitre.org/data/definitions/770.html",
    ],
    active: false,
};
