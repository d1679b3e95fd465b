//! SSRF, Unsafe Consumption and LLM/AI rules against real loopback servers:
//! the vulnerable demo (positive), the hardened twin (negative), and small
//! axum servers on 127.0.0.1:0 for spec-only rules.

use axum::routing::get;
use axum::Router;
use palisade_checks::{active_checks, passive_checks, Rule};
use palisade_core::{Category, Report, Severity};
use palisade_demo::{DemoConfig, DemoServer};
use palisade_engine::SpecInput;

mod finding_snap;
mod support;

const MINE: &[Category] = &[Category::Ssrf, Category::UnsafeConsumption, Category::LlmSecurity];

async fn scan_url(base: &str, spec: Option<SpecInput>) -> Report {
    let mut scanner = support::scanner(base).checks(active_checks(Some(MINE)), passive_checks(Some(MINE)));
    if let Some(spec) = spec {
        scanner = scanner.spec(spec);
    }
    support::run(scanner).await
}

fn find<'a>(report: &'a Report, rule: &str, endpoint: &str) -> Option<&'a palisade_core::Finding> {
    report.findings.iter().find(|f| f.rule == rule && f.endpoint == endpoint)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vulnerable_demo_triggers_ssrf_unsafe_consumption_and_ai_rules() {
    let server = DemoServer::start(DemoConfig { hardened: false }).await.unwrap();
    let report = scan_url(&server.base_url(), None).await;

    let ss001 = find(&report, "SS001", "GET /api/v1/fetch").expect("SS001 on /api/v1/fetch");
    assert_eq!(ss001.severity, Severity::Critical, "{}", ss001.message);
    assert!(ss001.evidence.excerpt.contains("/palisade-oob/pal_canary_ss_"), "{}", ss001.evidence.excerpt);
    assert!(find(&report, "SS002", "GET /redirect").is_some(), "SS002 on /redirect");
    assert!(find(&report, "UC001", "GET /api/v1/weather").is_some(), "UC001 on /api/v1/weather");
    assert!(report.findings.iter().any(|f| f.rule == "UC002" && f.message.contains("http://weather-backend.internal:8080")));
    let ai001 = find(&report, "AI001", "POST /api/v1/chat").expect("AI001 on /api/v1/chat");
    assert_eq!(ai001.severity, Severity::High, "spec declares ApiKeyAuth the server ignores");
    assert!(find(&report, "AI002", "POST /api/v1/chat").is_some(), "AI002 on /api/v1/chat");
    let ai003 = find(&report, "AI003", "POST /api/v1/chat").expect("AI003 on /api/v1/chat");
    assert!(ai003.evidence.excerpt.contains("You are AcmeBot"), "{}", ai003.evidence.excerpt);
    // The leaked prompt's secret (the staff discount code) is never written.
    let json = serde_json::to_string(&report).unwrap();
    assert!(!json.contains("STAFF-7Q2Z-40OFF"), "leaked system-prompt secret in the report");

    // Only the LLM probes POST, only to the AI endpoint, within the bound.
    let posts: Vec<_> = server.requests().into_iter().filter(|r| r.method != "GET" && r.method != "HEAD" && r.method != "OPTIONS").collect();
    assert!(!posts.is_empty());
    assert!(posts.iter().all(|r| r.method == "POST" && r.uri == "/api/v1/chat"), "{posts:?}");
    assert!(posts.len() <= palisade_checks::checks::llm::prompts::MAX_PROMPTS_PER_ENDPOINT);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hardened_twin_triggers_none_of_them() {
    let server = DemoServer::start(DemoConfig { hardened: true }).await.unwrap();
    let report = scan_url(&server.base_url(), None).await;
    if let Some(f) = report.findings.first() {
        panic!("hardened twin reports {} on {}: {}", f.rule, f.endpoint, f.message);
    }
    assert!(report.health.check_errors.is_empty(), "{:?}", report.health.check_errors);
    server.shutdown().await;
}

fn spec(servers: &str, webhook_props: serde_json::Value) -> Vec<u8> {
    serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "hooks", "version": "1"},
        "servers": [{"url": servers}],
        "paths": {
            "/webhooks": {"post": {
                "operationId": "registerWebhook",
                "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": webhook_props}}}},
                "responses": {"201": {"description": "created"}}
            }},
            "/health": {"get": {"responses": {"200": {"description": "ok"}}}}
        }
    })
    .to_string()
    .into_bytes()
}

async fn small_server() -> (String, tokio::task::JoinHandle<()>) {
    let app = Router::new().route("/health", get(|| async { "ok" })).route("/", get(|| async { "hello" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (base, task)
}

/// The demo's spec has no webhook registration, so UC003 cannot show there:
/// spec fixtures for an axum server, one registering webhooks without a
/// signing secret (positive) and one with it (negative).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsigned_webhook_registration_and_plain_http_servers_come_from_the_spec() {
    let (base, task) = small_server().await;
    // Only strings: nothing connects to the declared server, requests go to the loopback target.
    let bad = spec("http://api.partner.example/v1", serde_json::json!({"url": {"type": "string", "format": "uri"}, "events": {"type": "array"}}));
    let report = scan_url(&base, Some(SpecInput::Bytes { bytes: bad, source: "bad.json".into() })).await;
    let uc003 = support::assert_fires(&report, Rule::UC003);
    assert!(uc003.iter().any(|f| f.endpoint == "POST /webhooks"), "{:?}", report.findings);
    assert!(report.findings.iter().any(|f| f.rule == "UC002" && f.message.contains("http://api.partner.example")));
    insta::assert_snapshot!("UC003_unsigned_webhook_registration", finding_snap::render(&report.findings, "UC003", &[(base.as_str(), "<origin>")]));

    let good =
        spec("https://api.partner.example/v1", serde_json::json!({"url": {"type": "string", "format": "uri"}, "signing_secret": {"type": "string"}}));
    let report = scan_url(&base, Some(SpecInput::Bytes { bytes: good, source: "good.json".into() })).await;
    support::assert_quiet(&report, Rule::UC003);
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    task.abort();
}
