//! Issue 5, part C: backup, source and VCS files (IN008), no API versioning
//! (IN009) and request schemas without size bounds (RL004).
//!
//! Positive and negative fixtures are real servers on 127.0.0.1: the demo API
//! and its hardened twin, and small axum servers started here.

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use palisade_checks::Rule;
use palisade_core::{Finding, Report, Severity};
use palisade_demo::{DemoConfig, DemoServer};
use serde_json::json;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

mod finding_snap;
mod support;

const OUR_RULES: &[&str] = &["IN008", "IN009", "RL004"];

async fn scan_url(base: &str, spec: Option<&str>) -> Report {
    support::scan(base, spec, Some(OUR_RULES)).await
}

fn of<'a>(report: &'a Report, rule: &str) -> Vec<&'a Finding> {
    report.findings.iter().filter(|f| f.rule == rule).collect()
}

fn endpoints(report: &Report, rule: &str) -> Vec<String> {
    let mut e: Vec<String> = of(report, rule).iter().map(|f| f.endpoint.clone()).collect();
    e.sort();
    e
}

fn find<'a>(report: &'a Report, rule: &str, endpoint: &str) -> &'a Finding {
    of(report, rule).into_iter().find(|f| f.endpoint == endpoint).unwrap_or_else(|| panic!("{rule} on {endpoint} missing"))
}

/// Serves `router`, recording every request's method and path.
async fn serve(router: Router) -> (String, Arc<Mutex<Vec<(String, String)>>>) {
    let log: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let seen = log.clone();
    let router = router.layer(axum::middleware::from_fn(move |req: Request, next: axum::middleware::Next| {
        let seen = seen.clone();
        async move {
            seen.lock().unwrap().push((req.method().to_string(), req.uri().path().to_string()));
            next.run(req).await
        }
    }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (format!("http://{addr}"), log)
}

fn read_only(log: &[(String, String)]) {
    let writes: Vec<_> = log.iter().filter(|(m, _)| !matches!(m.as_str(), "GET" | "HEAD" | "OPTIONS")).collect();
    assert!(writes.is_empty(), "non-read-only requests: {writes:?}");
}

// ------------------------------------------------------------ the demo twins

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vulnerable_demo_serves_a_dump_and_a_source_backup_and_unbounded_bodies_and_the_hardened_twin_does_not() {
    let server = DemoServer::start(DemoConfig { hardened: false }).await.unwrap();
    let report = scan_url(&server.base_url(), None).await;
    let log = server.requests();
    server.shutdown().await;

    assert_eq!(endpoints(&report, "IN008"), ["GET /app.py.bak", "GET /backup.sql"]);
    let dump = find(&report, "IN008", "GET /backup.sql");
    assert_eq!(dump.severity, Severity::High);
    assert_eq!(dump.detail.as_deref(), Some("database-dump"));
    assert!(dump.evidence.excerpt.starts_with("CREATE TABLE"), "{}", dump.evidence.excerpt);
    assert!(report.exchange(dump.evidence.exchange.unwrap()).is_some());
    let source = find(&report, "IN008", "GET /app.py.bak");
    assert_eq!(source.detail.as_deref(), Some("source-copy"));
    assert_eq!(source.severity, Severity::High);

    // The key-creation body: unbounded name and scopes, extra properties allowed.
    let keys = find(&report, "RL004", "POST /api/v1/keys");
    assert_eq!(keys.severity, Severity::Low);
    for field in ["(body) (open object)", "name (string, no maxLength)", "scopes (array, no maxItems)", "scopes[] (string, no maxLength)"] {
        assert!(keys.message.contains(field), "{field} missing: {}", keys.message);
    }
    assert!(keys.evidence.exchange.is_none(), "RL004 is read from the spec");

    // The demo is versioned (/api/v1/...).
    assert!(of(&report, "IN009").is_empty(), "{:#?}", of(&report, "IN009"));

    // Probes are anonymous GETs; RL004 sends nothing (the only POSTs of a default scan are the AI prompts).
    let posts: HashSet<&str> =
        log.iter().filter(|r| r.method != "GET" && r.method != "HEAD" && r.method != "OPTIONS").map(|r| r.uri.as_str()).collect();
    assert!(posts.iter().all(|u| *u == "/api/v1/chat"), "{posts:?}");
    let probes = log.iter().filter(|r| r.uri == "/backup.sql" || r.uri == "/app.py.bak").count();
    assert!(probes >= 2, "{probes}");
    assert!(log.iter().filter(|r| r.uri == "/backup.sql").all(|r| !r.headers.iter().any(|(n, _)| n == "x-api-key")));

    let server = DemoServer::start(DemoConfig { hardened: true }).await.unwrap();
    let hardened = scan_url(&server.base_url(), None).await;
    server.shutdown().await;
    let found: Vec<String> = hardened.findings.iter().map(|f| format!("{} {} on {}: {}", f.rule, f.severity, f.endpoint, f.message)).collect();
    assert!(found.is_empty(), "hardened twin reports {found:#?}");
    let ours = ["inventory/backup-files", "inventory/no-versioning", "rate-limiting/request-schema-bounds"];
    let failed: Vec<_> = hardened.health.check_errors.iter().filter(|e| ours.contains(&e.check.as_str())).collect();
    assert!(failed.is_empty(), "{failed:?}");
}

// ------------------------------------------------------------ IN008 fixtures

const SPA_PAGE: &str = "<!doctype html><html><head><title>Shop</title></head><body><div id=app></div></body></html>";

/// A single-page app that answers 200 with its index for every unknown path,
/// plus some real leftovers and some look-alikes.
fn leftovers_router(leak: bool) -> Router {
    let spa = || async { ([(header::CONTENT_TYPE, "text/html")], SPA_PAGE) };
    let mut r = Router::new()
        .route("/", get(|| async { Json(json!({"name": "shop"})) }))
        // Status alone never counts: a 200 JSON answer at a dump's path.
        .route("/dump.sql", get(|| async { Json(json!({"status": "ok"})) }))
        // Right magic at the wrong status is nothing either.
        .route("/db.sqlite", get(|| async { (StatusCode::FORBIDDEN, b"SQLite format 3\0rest".to_vec()).into_response() }));
    if leak {
        r = r
            .route("/backup.zip", get(|| async { ([(header::CONTENT_TYPE, "application/zip")], b"PK\x03\x04\x14\0\0\0\x08\0backup/".to_vec()) }))
            .route("/.git/HEAD", get(|| async { "ref: refs/heads/main\n" }))
            .route("/.DS_Store", get(|| async { b"\0\0\0\x01Bud1\0\0\x10\0\0\0\x08\0\0\0\x10".to_vec() }))
            .route("/package.json", get(|| async { Json(json!({"name": "shop", "version": "1.0.0", "dependencies": {"express": "4.17.1"}})) }));
    }
    r.fallback(spa)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leftover_files_are_judged_by_content_behind_a_catch_all_page() {
    let (base, log) = serve(leftovers_router(true)).await;
    let report = scan_url(&base, None).await;
    assert_eq!(endpoints(&report, "IN008"), ["GET /.DS_Store", "GET /.git/HEAD", "GET /backup.zip", "GET /package.json"]);
    assert_eq!(find(&report, "IN008", "GET /backup.zip").severity, Severity::High);
    assert_eq!(find(&report, "IN008", "GET /backup.zip").detail.as_deref(), Some("backup-archive"));
    assert!(find(&report, "IN008", "GET /backup.zip").evidence.excerpt.contains("zip archive"));
    assert_eq!(find(&report, "IN008", "GET /.git/HEAD").severity, Severity::High);
    assert_eq!(find(&report, "IN008", "GET /.git/HEAD").evidence.excerpt, "ref: refs/heads/main");
    assert_eq!(find(&report, "IN008", "GET /.DS_Store").severity, Severity::Medium);
    let manifest = find(&report, "IN008", "GET /package.json");
    assert_eq!(manifest.severity, Severity::Low);
    assert_eq!(manifest.detail.as_deref(), Some("dependency-manifest"));
    insta::assert_snapshot!("IN008_leftover_files", finding_snap::render(&report.findings, "IN008", &[(base.as_str(), "<origin>")]));
    let log = log.lock().unwrap().clone();
    read_only(&log);
    let probes = log.iter().filter(|(_, p)| p.ends_with(".bak") || p.ends_with(".sql") || p.starts_with("/.")).count();
    assert!(probes <= palisade_checks::checks::inventory::files::FILE_PROBE_MAX_REQUESTS, "{probes} probes");

    // Fixed: the leftovers are gone; the catch-all page and the look-alikes stay.
    let (base, _) = serve(leftovers_router(false)).await;
    let report = scan_url(&base, None).await;
    assert!(of(&report, "IN008").is_empty(), "{:#?}", of(&report, "IN008"));
}

// ------------------------------------------------------------ IN009 and RL004: a spec fixture

/// A small API; `paths` decides whether it is versioned. `/orders` takes an
/// unbounded body, `/users` a bounded one.
fn spec(prefix: &str, extra_header_param: bool) -> String {
    let version_param = if extra_header_param {
        r#""parameters": [{"name": "Api-Version", "in": "header", "schema": {"type": "string", "enum": ["2024-01-01"]}}],"#
    } else {
        ""
    };
    format!(
        r#"{{
  "openapi": "3.0.3",
  "info": {{"title": "shop", "version": "3.2.0"}},
  "servers": [{{"url": "/"}}],
  "paths": {{
    "{prefix}/users": {{
      "get": {{{version_param} "responses": {{"200": {{"description": "ok"}}}}}},
      "post": {{"requestBody": {{"content": {{"application/json": {{"schema": {{
        "type": "object", "additionalProperties": false,
        "properties": {{
          "id": {{"type": "string", "format": "uuid"}},
          "name": {{"type": "string", "maxLength": 80}},
          "role": {{"type": "string", "enum": ["user", "viewer"]}},
          "tags": {{"type": "array", "maxItems": 5, "items": {{"type": "string", "maxLength": 20}}}}
        }}}}}}}}}}, "responses": {{"201": {{"description": "created"}}}}}}
    }},
    "{prefix}/orders": {{
      "get": {{"responses": {{"200": {{"description": "ok"}}}}}},
      "post": {{"requestBody": {{"content": {{"application/json": {{"schema": {{
        "type": "object",
        "properties": {{
          "note": {{"type": "string"}},
          "items": {{"type": "array", "items": {{"type": "object", "additionalProperties": false,
            "properties": {{"sku": {{"type": "string"}}, "qty": {{"type": "integer"}}}}}}}},
          "meta": {{"type": "object", "additionalProperties": {{"type": "string"}}}},
          "coupon": {{"type": "string", "maxLength": 16}}
        }}}}}}}}}}, "responses": {{"201": {{"description": "created"}}}}}},
      "put": {{"requestBody": {{"content": {{"text/plain": {{"schema": {{"type": "string"}}}}}}}}, "responses": {{"204": {{"description": "ok"}}}}}}
    }}
  }}
}}"#
    )
}

fn shop_router(prefix: &str, version_header: bool) -> Router {
    let users = format!("{prefix}/users");
    let orders = format!("{prefix}/orders");
    let r = Router::new()
        .route("/", get(|| async { Json(json!({"name": "shop"})) }))
        .route(&users, get(|| async { Json(json!([{"id": 1}])) }).post(|| async { StatusCode::CREATED }))
        .route(&orders, get(|| async { Json(json!([{"id": 7}])) }).post(|| async { StatusCode::CREATED }))
        .fallback(|| async { (StatusCode::NOT_FOUND, Json(json!({"error": "not found"}))) });
    if version_header {
        r.layer(axum::middleware::map_response(|mut resp: Response| async move {
            resp.headers_mut().insert("api-version", "2024-01-01".parse().unwrap());
            resp
        }))
    } else {
        r
    }
}

/// The demo is versioned (`/api/v1`, `/v1`, `/v2`), so IN009 cannot show
/// there: an unversioned axum shop with its spec (positive) and the same
/// shop under `/v1` (negative; the other ways to declare a version are in
/// `a_version_in_the_path_a_header_or_a_spec_parameter_is_enough`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unversioned_api_is_reported_and_unbounded_request_schemas_are_listed() {
    let (base, log) = serve(shop_router("", false)).await;
    let report = scan_url(&base, Some(&spec("", false))).await;

    let none = support::assert_fires(&report, Rule::IN009);
    assert_eq!(none.len(), 1, "{none:#?}");
    assert_eq!(none[0].severity, Severity::Info);
    assert_eq!(none[0].endpoint, base);
    assert!(none[0].evidence.excerpt.contains("/users"), "{}", none[0].evidence.excerpt);
    insta::assert_snapshot!("IN009_no_api_versioning", finding_snap::render(&report.findings, "IN009", &[(base.as_str(), "<origin>")]));

    // /users is bounded (maxLength, uuid, enum, maxItems, closed); the text/plain PUT is not JSON.
    assert_eq!(endpoints(&report, "RL004"), ["POST /orders"]);
    let orders = find(&report, "RL004", "POST /orders");
    for field in [
        "(body) (open object)",
        "note (string, no maxLength)",
        "items (array, no maxItems)",
        "items[].sku (string, no maxLength)",
        "meta (open object)",
    ] {
        assert!(orders.message.contains(field), "{field} missing: {}", orders.message);
    }
    assert!(orders.message.contains("and 1 more"), "{}", orders.message);
    assert!(!orders.message.contains("coupon") && !orders.message.contains("qty"), "{}", orders.message);
    insta::assert_snapshot!("RL004_unbounded_request_schema", finding_snap::render(&report.findings, "RL004", &[(base.as_str(), "<origin>")]));

    // Nothing was posted: RL004 reads the spec only.
    read_only(&log.lock().unwrap());

    // Fixed: the same shop versioned in its paths.
    let (base, _) = serve(shop_router("/v1", false)).await;
    let report = scan_url(&base, Some(&spec("/v1", false))).await;
    support::assert_quiet(&report, Rule::IN009);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_version_in_the_path_a_header_or_a_spec_parameter_is_enough() {
    // /v1 in the paths.
    let (base, _) = serve(shop_router("/v1", false)).await;
    let report = scan_url(&base, Some(&spec("/v1", false))).await;
    assert!(of(&report, "IN009").is_empty(), "path: {:#?}", of(&report, "IN009"));
    // The same RL004 finding under the versioned path.
    assert_eq!(endpoints(&report, "RL004"), ["POST /v1/orders"]);

    // A date version header on every answer.
    let (base, _) = serve(shop_router("", true)).await;
    let report = scan_url(&base, Some(&spec("", false))).await;
    assert!(of(&report, "IN009").is_empty(), "header: {:#?}", of(&report, "IN009"));

    // A version header parameter declared in the spec.
    let (base, _) = serve(shop_router("", false)).await;
    let report = scan_url(&base, Some(&spec("", true))).await;
    assert!(of(&report, "IN009").is_empty(), "parameter: {:#?}", of(&report, "IN009"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_request_schemas_are_walked_within_bounds() {
    // 40 levels of nesting (the spec parser refuses ~128), 3000 properties, odd `type` values: bounded work, a clear finding, no panic.
    let mut deep = json!({"type": "string"});
    for _ in 0..40 {
        deep = json!({"type": "object", "additionalProperties": false, "properties": {"d": deep}});
    }
    let wide: serde_json::Map<String, serde_json::Value> = (0..3000).map(|i| (format!("f{i}"), json!({"type": "string"}))).collect();
    let spec = json!({
        "openapi": "3.0.3",
        "info": {"title": "hostile", "version": "1"},
        "paths": {
            "/v1/deep": {"post": {"requestBody": {"content": {"application/json": {"schema": deep}}}, "responses": {"204": {"description": "ok"}}}},
            "/v1/wide": {"post": {"requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": wide}}}}, "responses": {"204": {"description": "ok"}}}},
            "/v1/odd": {"post": {"requestBody": {"content": {"application/json": {"schema": {"type": 5, "properties": [1, 2], "items": "x", "allOf": {"a": 1}}}}}, "responses": {"204": {"description": "ok"}}}},
            "/v1/ok": {"get": {"responses": {"200": {"description": "ok"}}}}
        }
    });
    let (base, log) = serve(Router::new().fallback(|| async { (StatusCode::NOT_FOUND, Json(json!({"error": "not found"}))) })).await;
    let report = scan_url(&base, Some(&spec.to_string())).await;
    let wide = find(&report, "RL004", "POST /v1/wide");
    assert!(wide.message.contains("and ") && wide.message.contains(" more."), "{}", wide.message);
    assert!(wide.evidence.excerpt.chars().count() <= 201, "{}", wide.evidence.excerpt);
    // The deep chain is closed at every level it was walked; past the depth bound nothing is claimed.
    assert!(of(&report, "RL004").iter().all(|f| f.endpoint != "POST /v1/deep"), "{:#?}", of(&report, "RL004"));
    let ours = ["rate-limiting/request-schema-bounds"];
    assert!(report.health.check_errors.iter().all(|e| !ours.contains(&e.check.as_str())), "{:?}", report.health.check_errors);
    read_only(&log.lock().unwrap());
}
