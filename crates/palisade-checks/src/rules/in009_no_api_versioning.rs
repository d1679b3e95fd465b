use palisade_core::{Category, RuleMeta, Severity};

/// IN009: the API shows no version anywhere: paths, servers, headers or media types.
pub const RULE: RuleMeta = RuleMeta {
    code: "IN009",
    name: "no-api-versioning",
    title: "No API versioning",
    category: Category::InventoryManagement,
    default_severity: Severity::Info,
    owasp: "API9:2023",
    cwe: &[1059],
    pci_dss: "12.5.1",
    soc2: "CC8.1",
    what: "Looks for a version in every place an API usually carries one: spec and discovered paths (`/v1/...`, `/api/v2/...`, `/2024-01-01/...`, `/1.0/...`), `servers[].url` (path or host label such as `v1.api.example.com`), version parameters in the spec (`api-version`, `Accept-Version`, `X-API-Version`), version headers in the answers (`API-Version`, `X-API-Version`, `Stripe-Version`, ...) and media-type parameters (`application/vnd.acme.v2+json`, `; version=2`). Reported once when the scan has a spec with at least two operations and none of these shows a version; without a spec nothing is concluded.",
    why: "Without a version, every change is a change to the one live API: clients break on a breaking change, or old behaviour is kept forever, and there is no way to run, inventory and retire an old version on purpose. Unversioned APIs are where forgotten, unpatched behaviour lives on (API9: improper inventory management).",
    example: "spec paths /users, /orders, servers [\"https://api.example.test/\"]; answers carry no API-Version header -> no version anywhere",
    remediation: "Version the API explicitly (a `/v1` path prefix, a date-based version header, or a versioned media type), document the version in the spec and in `servers`, and publish a deprecation and retirement policy for old versions.",
    references: &[
        "https://owasp.org/API-Security/editions/2023/en/0xa9-improper-inventory-management/",
        "https://cheatsheetseries.owasp.org/cheatsheets/REST_Security_Cheat_Sheet.html",
    ],
    active: false,
};
