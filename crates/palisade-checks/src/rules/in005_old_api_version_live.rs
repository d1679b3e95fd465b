use palisade_core::{Category, RuleMeta, Severity};

/// IN005: older, beta or internal API versions reachable next to the current one.
pub const RULE: RuleMeta = RuleMeta {
    code: "IN005",
    name: "old-api-version-live",
    title: "Old, beta or internal API version reachable",
    category: Category::InventoryManagement,
    default_severity: Severity::Low,
    owasp: "API9:2023",
    cwe: &[1059],
    pci_dss: "12.5.1",
    soc2: "CC8.1",
    what: "Requests a bounded list of version roots (`/v1/` to `/v3/`, `/api/v1/` to `/api/v3/`), non-production roots (`/beta/`, `/old/`, `/legacy/`, `/internal/` and their `/api/` forms) and older-version twins of versioned spec paths, without credentials. Reports an older version that answers 2xx while a newer one does too (low), and a beta, old, legacy or internal root that answers 2xx (low; internal: medium). Soft-404 pages and redirects do not count.",
    why: "Old and pre-release versions run next to the current API with weaker controls (no authentication, no rate limits, leaky responses) and are rarely monitored; attackers go straight for `/v1/` once `/v2/` is hardened. Internal roots reachable from outside expose operations never meant for clients.",
    example: "GET /v2/ -> 200 {\"version\":\"v2\"}; GET /v1/ -> 200 {\"version\":\"v1\",\"status\":\"deprecated\",\"auth\":\"none\"}",
    remediation: "Keep an inventory of every deployed API version and host, retire old versions (410 Gone) on a schedule, and expose beta and internal APIs only on internal networks or behind authentication.",
    references: &["https://owasp.org/API-Security/editions/2023/en/0xa9-improper-inventory-management/"],
    active: false,
};
