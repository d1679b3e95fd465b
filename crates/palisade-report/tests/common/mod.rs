//! A deterministic sample report and a small rule catalogue shared by the tests.
#![allow(dead_code)]

use palisade_core::report::{InventorySummary, ToolInfo};
use palisade_core::scoring::{self, Context};
use palisade_core::{Category, CheckError, Confidence, Evidence, Exchange, Finding, Report, RuleMeta, ScanHealth, Severity, SkippedOperation};

pub const TARGET: &str = "http://127.0.0.1:8080";

/// Planted in exchange request headers and body: no writer but JSON (the full,
/// already-masked record) may print them.
pub const REQUEST_HEADER_SENTINEL: &str = "PLANTED-REQUEST-HEADER-0001";
pub const EXCHANGE_BODY_SENTINEL: &str = "PLANTED-EXCHANGE-BODY-0002";

const fn rule(
    code: &'static str,
    name: &'static str,
    title: &'static str,
    category: Category,
    default_severity: Severity,
    owasp: &'static str,
    cwe: &'static [u32],
) -> RuleMeta {
    RuleMeta {
        code,
        name,
        title,
        category,
        default_severity,
        owasp,
        cwe,
        pci_dss: "6.2.4",
        soc2: "CC6.1",
        what: "Looks at every response for the condition named in the title.",
        why: "Attackers find this quickly and use it to reach data or accounts.",
        example: "GET /api/v1/config -> 200 {\"aws_secret_access_key\": \"wJal…EKEY\"}",
        remediation: "Fix the condition at its source and add a regression test.",
        references: &["https://owasp.org/API-Security/editions/2023/en/0x11-t10/", "OWASP ASVS V8.3"],
        active: false,
    }
}

/// The catalogue the writers look rules up in (the lead's registry in production).
pub fn rules() -> Vec<RuleMeta> {
    let mut bola = rule("BO001", "sequential-object-ids", "Object reachable by guessing its id", Category::Bola, Severity::High, "API1:2023", &[639]);
    bola.active = true;
    let mut de001 =
        rule("DE001", "secret-in-response-body", "Secret in response body", Category::DataExposure, Severity::Critical, "API3:2023", &[200, 312]);
    de001.pci_dss = "3.5.1";
    de001.soc2 = "CC6.7";
    vec![
        de001,
        rule("DE002", "stack-trace-in-error", "Stack trace in error response", Category::DataExposure, Severity::Medium, "API8:2023", &[209]),
        rule(
            "AU001",
            "missing-authentication",
            "Endpoint answers without authentication",
            Category::Authentication,
            Severity::High,
            "API2:2023",
            &[306],
        ),
        rule("AU002", "token-in-url", "Credential accepted in the query string", Category::Authentication, Severity::Medium, "API2:2023", &[598]),
        rule("EN001", "missing-hsts", "Strict-Transport-Security header missing", Category::Encryption, Severity::Low, "API8:2023", &[319]),
        rule("EN002", "cookie-without-secure", "Cookie set without Secure", Category::Encryption, Severity::Medium, "API8:2023", &[614]),
        rule(
            "IN001",
            "deprecated-operation-served",
            "Deprecated operation still served",
            Category::InventoryManagement,
            Severity::Info,
            "API9:2023",
            &[1059],
        ),
        bola,
    ]
}

fn by_code(rules: &[RuleMeta], code: &str) -> RuleMeta {
    rules.iter().find(|r| r.code == code).cloned().expect("rule in sample catalogue")
}

fn finding(rules: &[RuleMeta], code: &str, endpoint: &str, message: &str, fingerprint: &str, evidence: Evidence) -> Finding {
    let mut f = Finding::new(&by_code(rules, code), endpoint, message, fingerprint).evidence(evidence);
    // Fixed fingerprints: independent of PALISADE_FINGERPRINT_KEY in the environment.
    f.fingerprint = fingerprint.to_string();
    f
}

/// Six findings in four assessed categories, two exchanges, skipped
/// operations and a check error. Deterministic.
pub fn sample_report() -> Report {
    let rules = rules();
    let findings = vec![
        finding(
            &rules,
            "DE001",
            "GET /api/v1/config",
            "The response body contains an AWS secret access key.",
            "0a1b2c3d4e5f6071",
            Evidence {
                exchange: Some(1),
                related: vec![],
                location: "response.body".into(),
                excerpt: "\"aws_secret_access_key\": \"wJal…EKEY\"".into(),
            },
        )
        .detail("aws-secret-access-key"),
        finding(
            &rules,
            "AU001",
            "GET /api/v1/users/{id}",
            "Without credentials the endpoint returned the same user record as with them.",
            "1b2c3d4e5f607182",
            Evidence {
                exchange: Some(2),
                related: vec![1],
                location: "response.status".into(),
                excerpt: "200 OK (anonymous) vs 200 OK (authenticated), bodies identical".into(),
            },
        ),
        finding(
            &rules,
            "DE002",
            "GET /api/v1/orders",
            "An error response includes a Python traceback with file paths.",
            "2c3d4e5f60718293",
            Evidence {
                exchange: Some(2),
                related: vec![],
                location: "response.body".into(),
                excerpt: "Traceback (most recent call last):\n  File \"/srv/app/orders.py\", line 42, in list_orders".into(),
            },
        )
        .confidence(Confidence::Medium),
        finding(
            &rules,
            "AU002",
            "GET /api/v1/search",
            "The api_key query parameter is accepted, so keys end up in logs and browser history.",
            "3d4e5f6071829304",
            Evidence { exchange: None, related: vec![], location: "request.query.api_key".into(), excerpt: "api_key=sup…123".into() },
        )
        .confidence(Confidence::Low),
        finding(
            &rules,
            "EN001",
            TARGET,
            "No Strict-Transport-Security header on any response.",
            "4e5f607182930415",
            Evidence {
                exchange: Some(1),
                related: vec![],
                location: "response.header.Strict-Transport-Security".into(),
                excerpt: "(header absent)".into(),
            },
        ),
        finding(
            &rules,
            "IN001",
            "GET /api/v0/users",
            "The spec marks this operation deprecated but it still answers 200.",
            "5f60718293041526",
            Evidence { exchange: None, related: vec![], location: "spec".into(), excerpt: "deprecated: true".into() },
        ),
    ];
    let assessed = [Category::Authentication, Category::DataExposure, Category::Encryption, Category::InventoryManagement];
    let score = scoring::score(&findings, &assessed, Context::General);
    Report {
        schema_version: palisade_core::report::REPORT_SCHEMA_VERSION.to_string(),
        tool: ToolInfo { name: "Palisade".into(), version: "0.1.0".into() },
        target: TARGET.into(),
        started_at: "2026-01-15T10:00:00Z".into(),
        duration_ms: 12_345,
        context: Context::General,
        score: score.score,
        grade: score.grade,
        categories: score.categories,
        findings,
        skipped: vec![
            SkippedOperation {
                method: "POST".into(),
                path: "/api/v1/orders".into(),
                reason: "POST is not sent by the default safe-method policy".into(),
            },
            SkippedOperation {
                method: "DELETE".into(),
                path: "/api/v1/users/{id}".into(),
                reason: "DELETE is not sent by the default safe-method policy".into(),
            },
        ],
        health: ScanHealth {
            requests_sent: 42,
            cache_hits: 7,
            timeouts: 1,
            connection_errors: 0,
            rate_limited: 2,
            server_errors: 3,
            dropped: 0,
            refused: 2,
            check_errors: vec![CheckError { check: "bola".into(), message: "no second identity configured; object-level checks skipped".into() }],
            aborted: None,
            notes: Vec::new(),
        },
        inventory: InventorySummary {
            endpoints: 9,
            spec_source: Some("openapi.yaml".into()),
            spec_version: Some("3.1.0".into()),
            title: Some("Shop API".into()),
        },
        coverage: palisade_core::Coverage {
            operations: 9,
            undocumented: 1,
            crawled: 6,
            tested: 7,
            probed: vec![
                palisade_core::coverage::CategoryCoverage { category: Category::Authentication, operations: 4 },
                palisade_core::coverage::CategoryCoverage { category: Category::DataExposure, operations: 2 },
            ],
            skipped: vec![
                palisade_core::coverage::SkippedCount { reason: palisade_core::coverage::SkipKind::OverBudget, operations: 1 },
                palisade_core::coverage::SkippedCount { reason: palisade_core::coverage::SkipKind::NeedsWrite, operations: 2 },
            ],
            identities: vec!["default".into(), "alice".into()],
            crawl_requests: 12,
        },
        exchanges: vec![
            Exchange {
                id: 1,
                method: "GET".into(),
                url: format!("{TARGET}/api/v1/config"),
                request_headers: vec![("accept".into(), "application/json".into()), ("x-debug-token".into(), REQUEST_HEADER_SENTINEL.into())],
                status: Some(200),
                response_headers: vec![("content-type".into(), "application/json".into())],
                duration_ms: 12,
                body_len: 96,
                truncated: false,
                body_excerpt: format!("{{\"aws_secret_access_key\": \"wJal…EKEY\", \"note\": \"{EXCHANGE_BODY_SENTINEL}\"}}"),
                error: None,
            },
            Exchange {
                id: 2,
                method: "GET".into(),
                url: format!("{TARGET}/api/v1/users/1"),
                request_headers: vec![("accept".into(), "application/json".into())],
                status: Some(200),
                response_headers: vec![("content-type".into(), "application/json".into())],
                duration_ms: 9,
                body_len: 41,
                truncated: false,
                body_excerpt: "{\"id\": 1, \"name\": \"Ada\"}".into(),
                error: None,
            },
        ],
    }
}

/// Render with colour off and no cap.
pub fn render(format: palisade_report::Format, report: &Report) -> String {
    palisade_report::render_to_string(format, report, &rules(), &palisade_report::WriteOptions::default()).expect("render")
}
