//! Issue 5, part A: CORS, dangerous methods, GraphQL introspection (IV002–IV004),
//! rate limiting (RL001–RL003) and inventory surface (IN004–IN007).
//!
//! Positive and negative fixtures are real servers on 127.0.0.1: the demo API
//! and its hardened twin, and small axum servers started here.

use axum::extract::Query;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use palisade_checks::Rule;
use palisade_core::{Finding, Report, Severity};
use palisade_demo::{DemoConfig, DemoServer};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod finding_snap;
mod support;

const OUR_RULES: &[&str] = &["IV002", "IV003", "IV004", "RL001", "RL002", "RL003", "IN004", "IN005", "IN006", "IN007"];

async fn scan_url(base: &str, spec: Option<&str>) -> Report {
    support::scan(base, spec, Some(OUR_RULES)).await
}

async fn scan_demo(hardened: bool) -> (Report, String) {
    let server = DemoServer::start(DemoConfig { hardened }).await.unwrap();
    let base = server.base_url();
    let report = scan_url(&base, None).await;
    server.shutdown().await;
    (report, base)
}

fn of<'a>(report: &'a Report, rule: &str) -> Vec<&'a Finding> {
    report.findings.iter().filter(|f| f.rule == rule).collect()
}

fn one<'a>(report: &'a Report, rule: &str) -> &'a Finding {
    let found = of(report, rule);
    assert_eq!(found.len(), 1, "{rule}: expected one finding, got {:#?}", found);
    found[0]
}

fn endpoints(report: &Report, rule: &str) -> Vec<String> {
    let mut e: Vec<String> = of(report, rule).iter().map(|f| f.endpoint.clone()).collect();
    e.sort();
    e
}

async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{addr}")
}

// ------------------------------------------------------------ the demo twins

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vulnerable_demo_triggers_every_part_a_rule() {
    let (report, base) = scan_demo(false).await;

    let cors = one(&report, "IV002");
    assert_eq!(cors.severity, Severity::High);
    assert_eq!(cors.detail.as_deref(), Some("reflected-origin-with-credentials"));
    assert_eq!(cors.endpoint, base);
    assert!(cors.evidence.excerpt.contains("palisade-cors-probe.example"), "{}", cors.evidence.excerpt);
    assert!(report.exchange(cors.evidence.exchange.unwrap()).is_some());

    let trace = one(&report, "IV003");
    assert!(trace.message.contains("TRACE"), "{}", trace.message);

    let gql = one(&report, "IV004");
    assert_eq!(gql.endpoint, "GET /graphql");
    assert!(gql.evidence.excerpt.contains("Mutation"), "{}", gql.evidence.excerpt);

    let burst = one(&report, "RL001");
    assert_eq!(burst.severity, Severity::Medium);
    assert_eq!(burst.detail.as_deref(), Some("no-limit"));

    // /api/v1/users honours limit=100000; /api/v1/keys has only a handful of keys (no proof either way).
    assert_eq!(endpoints(&report, "RL002"), ["GET /api/v1/users"]);

    // The admin listing has no paging parameter and answers a list; /api/v1/users and /api/v1/keys take `limit`.
    assert_eq!(endpoints(&report, "RL003"), ["GET /admin/users"]);
    assert_eq!(one(&report, "RL003").severity, Severity::Low);

    assert_eq!(endpoints(&report, "IN004"), ["GET /v1/"]);

    assert_eq!(endpoints(&report, "IN005"), ["GET /api/internal/", "GET /v1/"]);
    let internal = of(&report, "IN005").into_iter().find(|f| f.endpoint == "GET /api/internal/").unwrap();
    assert_eq!(internal.severity, Severity::Medium);

    assert_eq!(endpoints(&report, "IN006"), ["GET /actuator/health", "GET /metrics"]);
    let metrics = of(&report, "IN006").into_iter().find(|f| f.endpoint == "GET /metrics").unwrap();
    assert_eq!(metrics.severity, Severity::Medium);

    // Every documented operation is served: no drift.
    assert!(of(&report, "IN007").is_empty(), "{:#?}", of(&report, "IN007"));

    // Evidence stays masked: the demo's planted secrets never appear whole.
    let json = serde_json::to_string(&report).unwrap();
    assert!(!json.contains("sk_live_"), "unmasked secret in the report");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hardened_demo_triggers_none_of_them() {
    let (report, _) = scan_demo(true).await;
    // The twin's published spec lists exactly what it serves: no drift.
    let found: Vec<String> = report.findings.iter().map(|f| format!("{} {} on {}: {}", f.rule, f.severity, f.endpoint, f.message)).collect();
    assert!(found.is_empty(), "hardened twin reports {found:#?}");
    // The burst met the twin's limiter (429 or counting RateLimit-* headers); none of our checks failed.
    let ours = [
        "input-validation/cors",
        "input-validation/dangerous-methods",
        "input-validation/graphql-introspection",
        "rate-limiting/burst",
        "rate-limiting/page-size",
        "inventory/deprecated-operations",
        "inventory/old-versions",
        "inventory/public-metrics",
    ];
    let failed: Vec<_> = report.health.check_errors.iter().filter(|e| ours.contains(&e.check.as_str())).collect();
    assert!(failed.is_empty(), "{failed:?}");
}

// ------------------------------------------------------------ a loose fixture

const LOOSE_SPEC: &str = r#"{
  "openapi": "3.0.3",
  "info": {"title": "loose fixture", "version": "1"},
  "paths": {
    "/": {"get": {"responses": {"200": {"description": "ok"}}}},
    "/items": {"get": {"parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}], "responses": {"200": {"description": "ok"}}}},
    "/capped": {"get": {"parameters": [{"name": "per_page", "in": "query", "schema": {"type": "integer"}}], "responses": {"200": {"description": "ok"}}}},
    "/api/v2/orders": {"get": {"responses": {"200": {"description": "ok"}}}},
    "/legacy-report": {"get": {"deprecated": true, "responses": {"200": {"description": "ok"}}}},
    "/retired-report": {"get": {"deprecated": true, "responses": {"410": {"description": "gone"}}}},
    "/reports": {"get": {"responses": {"200": {"description": "documented, never deployed"}}}},
    "/exports": {"get": {"operationId": "listExports", "responses": {"200": {"description": "every export at once"}}}},
    "/tags": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "array", "items": {"type": "string"}}}}}}}},
    "/teams": {"get": {"operationId": "listTeams", "parameters": [{"name": "cursor", "in": "query", "schema": {"type": "string"}}], "responses": {"200": {"description": "paged"}}}},
    "/reports/{id}": {"get": {"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}], "responses": {"200": {"description": "ok"}}}}
  }
}"#;

fn page(query: &HashMap<String, String>, key: &str, cap: usize) -> Json<Value> {
    let n = query.get(key).and_then(|v| v.parse::<usize>().ok()).unwrap_or(10).min(cap);
    let items: Vec<Value> = (0..n).map(|i| json!({"id": i, "name": format!("item {i}")})).collect();
    Json(json!({"items": items}))
}

/// Wildcard CORS, decorative rate-limit headers, one uncapped list, an old
/// version twin, one deprecated operation still live, an actuator index.
fn loose_router() -> Router {
    Router::new()
        .route(
            "/",
            get(|| async { Json(json!({"name": "loose"})) }).options(|| async { ([(header::ALLOW, "GET, HEAD, OPTIONS")], StatusCode::NO_CONTENT) }),
        )
        .route("/items", get(|Query(q): Query<HashMap<String, String>>| async move { page(&q, "limit", 5_000) }))
        .route("/capped", get(|Query(q): Query<HashMap<String, String>>| async move { page(&q, "per_page", 50) }))
        .route("/api/v2/orders", get(|| async { Json(json!({"orders": [], "version": 2})) }))
        .route("/api/v1/orders", get(|| async { Json(json!({"orders": [], "version": 1})) }))
        .route("/exports", get(|| async { page(&HashMap::from([("n".to_string(), "1500".to_string())]), "n", 1500) }))
        .route("/tags", get(|| async { Json(json!(["red", "green", "blue"])) }))
        .route("/teams", get(|| async { Json(json!({"teams": [{"id": 1}, {"id": 2}], "next_cursor": "b"})) }))
        .route("/legacy-report", get(|| async { Json(json!({"report": "legacy"})) }))
        .route("/retired-report", get(|| async { (StatusCode::GONE, Json(json!({"error": "gone"}))) }))
        .route("/actuator", get(|| async { Json(json!({"_links": {"self": {"href": "/actuator"}}})) }))
        .route("/actuator/health", get(|| async { Json(json!({"status": "UP"})) }))
        .route("/graphql", get(|| async { (StatusCode::BAD_REQUEST, Json(json!({"errors": [{"message": "introspection disabled"}]}))) }))
        .fallback(|| async { (StatusCode::NOT_FOUND, Json(json!({"error": "not found"}))) })
        .layer(axum::middleware::map_response(|mut r: Response| async move {
            let h = r.headers_mut();
            h.insert("access-control-allow-origin", "*".parse().unwrap());
            h.insert("x-ratelimit-limit", "1000".parse().unwrap());
            h.insert("x-ratelimit-remaining", "1000".parse().unwrap());
            r
        }))
}

/// The loose variants of the part A rules. Also IN007's fixture pair: the
/// demo serves every operation it documents, so spec drift cannot show
/// there. Positive: the loose fixture, whose spec documents `/reports`,
/// never deployed; negative: the same fixture serving `/reports` too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loose_fixture_findings_and_non_findings() {
    let base = serve(loose_router()).await;
    let report = scan_url(&base, Some(LOOSE_SPEC)).await;

    let cors = one(&report, "IV002");
    assert_eq!((cors.severity, cors.detail.as_deref()), (Severity::Low, Some("wildcard-origin")));

    let burst = one(&report, "RL001");
    assert_eq!((burst.severity, burst.detail.as_deref()), (Severity::Low, Some("inconsistent-headers")));
    assert!(burst.message.contains("nothing is counted"), "{}", burst.message);

    // /items honours any size (item counts prove it); /capped stops at 50.
    assert_eq!(endpoints(&report, "RL002"), ["GET /items"]);
    assert!(one(&report, "RL002").evidence.excerpt.contains("5000 items"));

    // Collections without paging: 1500 exports in one answer (oversized), a short tag list;
    // /teams takes a cursor, /items a limit.
    assert_eq!(endpoints(&report, "RL003"), ["GET /exports", "GET /tags"]);
    let exports = of(&report, "RL003").into_iter().find(|f| f.endpoint == "GET /exports").unwrap();
    assert_eq!((exports.severity, exports.detail.as_deref()), (Severity::Medium, Some("oversized")));
    assert!(exports.evidence.excerpt.contains("1500 items"), "{}", exports.evidence.excerpt);
    let tags = of(&report, "RL003").into_iter().find(|f| f.endpoint == "GET /tags").unwrap();
    assert_eq!(tags.severity, Severity::Low);

    // The 410 deprecated operation is fine; the 200 one is not.
    assert_eq!(endpoints(&report, "IN004"), ["GET /legacy-report"]);

    // The undocumented v1 twin of a v2 spec path answers.
    assert_eq!(endpoints(&report, "IN005"), ["GET /api/v1/orders"]);

    // The actuator index is reported; a bare {"status":"UP"} health is not.
    assert_eq!(endpoints(&report, "IN006"), ["GET /actuator"]);

    // /reports is documented but 404s; /reports/{id} 404s too, but a sample id proves nothing.
    let drift = support::assert_fires(&report, Rule::IN007);
    assert_eq!(endpoints(&report, "IN007"), ["GET /reports"]);
    assert_eq!(drift[0].severity, Severity::Info);
    insta::assert_snapshot!("IN007_documented_operation_missing", finding_snap::render(&report.findings, "IN007", &[(base.as_str(), "<origin>")]));

    // No TRACE advertised, introspection refused.
    assert!(of(&report, "IV003").is_empty());
    assert!(of(&report, "IV004").is_empty());

    // Fixed: `/reports` deployed as documented; the spec and the server agree.
    let fixed = serve(loose_router().route("/reports", get(|| async { Json(json!({"reports": []})) }))).await;
    let report = support::scan(&fixed, Some(LOOSE_SPEC), Some(&[Rule::IN007.code()])).await;
    support::assert_quiet(&report, Rule::IN007);
}

// ------------------------------------------------------------ a strict fixture

/// Allows 8 requests per second, then 429 with Retry-After: 1. Trusts the
/// `null` origin with credentials. Nothing else to find.
fn strict_router() -> Router {
    let window: Arc<Mutex<(Instant, u32)>> = Arc::new(Mutex::new((Instant::now(), 0)));
    Router::new()
        .route("/", get(|| async { Json(json!({"name": "strict"})) }))
        .fallback(|| async { (StatusCode::NOT_FOUND, Json(json!({"error": "not found"}))) })
        .layer(axum::middleware::from_fn(move |req: axum::extract::Request, next: axum::middleware::Next| {
            let window = window.clone();
            async move {
                let null_origin = req.headers().get(header::ORIGIN).is_some_and(|o| o == "null");
                let count = {
                    let mut w = window.lock().unwrap();
                    if w.0.elapsed() >= Duration::from_secs(1) {
                        *w = (Instant::now(), 0);
                    }
                    w.1 += 1;
                    w.1
                };
                let mut r = if count > 8 {
                    let mut h = HeaderMap::new();
                    h.insert(header::RETRY_AFTER, "1".parse().unwrap());
                    (StatusCode::TOO_MANY_REQUESTS, h, "slow down").into_response()
                } else {
                    next.run(req).await
                };
                if null_origin {
                    r.headers_mut().insert("access-control-allow-origin", "null".parse().unwrap());
                    r.headers_mut().insert("access-control-allow-credentials", "true".parse().unwrap());
                }
                r
            }
        }))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strict_fixture_is_rate_limited_but_trusts_null_origin() {
    let base = serve(strict_router()).await;
    let report = scan_url(&base, None).await;
    // 429s with Retry-After: the burst is refused, RL001 stays quiet.
    assert!(of(&report, "RL001").is_empty(), "{:#?}", of(&report, "RL001"));
    assert!(report.health.rate_limited > 0, "the fixture should have answered 429");
    let cors = one(&report, "IV002");
    assert_eq!((cors.severity, cors.detail.as_deref()), (Severity::High, Some("null-origin-with-credentials")));
    for rule in ["IV003", "IV004", "RL002", "IN004", "IN005", "IN006"] {
        assert!(of(&report, rule).is_empty(), "{rule}: {:#?}", of(&report, rule));
    }
}
