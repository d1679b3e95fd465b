use palisade_core::{Category, RuleMeta, Severity};

/// PA002: responses carry properties their spec schema does not declare.
pub const RULE: RuleMeta = RuleMeta {
    code: "PA002",
    name: "undeclared-response-property",
    title: "Response returns properties the spec does not declare",
    category: Category::PropertyAuthorization,
    default_severity: Severity::Low,
    owasp: "API3:2023",
    cwe: &[213],
    pci_dss: "6.2.4",
    soc2: "CC8.1",
    what: "For every crawled operation whose spec declares a JSON response schema with `properties`, compares the properties of the real 2xx response (objects and arrays of objects, a few levels deep) with the declared ones, and lists the extra ones. Schemas that allow additional properties are not judged.",
    why: "Properties missing from the contract are usually fields the developer did not mean to expose: internal ids, personal data or authorization state that grew into the serializer unnoticed.",
    example: "spec: {\"id\",\"name\"}; GET /api/v1/users/1 -> {\"id\":1,\"name\":...,\"email\":...,\"ssn\":...,\"role\":...}",
    remediation: "Serialize responses from the documented schema (explicit DTOs), declare `additionalProperties: false`, and validate responses against the spec in tests.",
    references: &["https://owasp.org/API-Security/editions/2023/en/0xa3-broken-object-property-level-authorization/"],
    active: false,
};
