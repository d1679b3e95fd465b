//! BO003 (path traversal in id parameters) and PA004 (active mass
//! assignment) against real servers on 127.0.0.1: the vulnerable demo
//! (positive), its hardened twin scanned with its API key (negative), and for
//! BO003 an axum fixture that only reads the last path component (negative:
//! the control request tells it apart from traversal). PA004 is proven to
//! send no write in a default scan, from the demo's own request log. BF003
//! on the demo's admin audit log, with an admin key and a user key.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use palisade_checks::{active_checks, passive_checks, Rule};
use palisade_core::{Category, Report};
use palisade_demo::{DemoConfig, DemoServer};
use palisade_engine::SpecInput;
use palisade_http::{Credentials, MethodPolicy};
use serde_json::json;
use std::collections::BTreeMap;

mod finding_snap;
mod support;

async fn scan(base: &str, identities: BTreeMap<String, Credentials>, rules: &[&str]) -> Report {
    scan_with(base, identities, rules, MethodPolicy::read_only()).await
}

/// A scan of only `rules`' categories; the hardened demo allows 20 requests/s, so stay below.
async fn scan_with(base: &str, identities: BTreeMap<String, Credentials>, rules: &[&str], policy: MethodPolicy) -> Report {
    scan_full(base, identities, rules, policy, None).await
}

async fn scan_full(base: &str, identities: BTreeMap<String, Credentials>, rules: &[&str], policy: MethodPolicy, spec: Option<SpecInput>) -> Report {
    let categories: Vec<Category> = rules.iter().filter_map(|r| palisade_checks::rule(r)).map(|r| r.category).collect();
    let mut scanner = support::scanner(base)
        .engine_with(|e| {
            e.policy = policy;
            e.rate_per_sec = 15.0;
        })
        .identities(identities)
        .select_rules(rules.iter().copied())
        .checks(active_checks(Some(&categories)), passive_checks(Some(&categories)));
    if let Some(spec) = spec {
        scanner = scanner.spec(spec);
    }
    support::run(scanner).await
}

fn findings<'a>(report: &'a Report, rule: &str) -> Vec<&'a palisade_core::Finding> {
    report.findings.iter().filter(|f| f.rule == rule).collect()
}

async fn serve(app: Router) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}"), handle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn encoded_traversal_in_a_document_id_is_reported_on_the_vulnerable_demo_and_not_on_the_hardened_twin() {
    let server = DemoServer::start(DemoConfig { hardened: false }).await.unwrap();
    let base = server.base_url();
    let report = scan(&base, BTreeMap::new(), &["BO003"]).await;
    let log = server.requests();
    server.shutdown().await;
    let bo = findings(&report, "BO003");
    assert_eq!(bo.len(), 1, "{:#?}", report.findings);
    let f = bo[0];
    assert_eq!(f.endpoint, "GET /api/v1/vault/documents/{id}");
    assert!(f.message.contains("/api/v1/vault/documents/1/..%2f2") || f.message.contains("..%2f"), "{}", f.message);
    // The cited exchange is the traversal request, answered with the other document.
    let ex = report.exchange(f.evidence.exchange.unwrap()).expect("cited exchange kept");
    assert!(ex.url.contains("..%2f"), "{}", ex.url);
    assert_eq!(ex.status, Some(200));
    assert_eq!(f.evidence.related.len(), 2);
    // Read-only, on the demo's host, with the traversal spelled as sent and a control without `..`.
    assert!(log.iter().all(|r| matches!(r.method.as_str(), "GET" | "HEAD" | "OPTIONS")));
    assert!(log.iter().any(|r| r.uri.starts_with("/api/v1/vault/documents/") && r.uri.contains("..%2f")));
    assert!(log.iter().any(|r| r.uri.starts_with("/api/v1/vault/documents/") && r.uri.contains("palisade%2f")), "control sent");
    assert!(!log.iter().any(|r| r.uri.contains("/../")), "a literal ../ is never sent");

    // Hardened twin, scanned with its key so the documents are really served: nothing.
    let server = DemoServer::start(DemoConfig { hardened: true }).await.unwrap();
    let ids = BTreeMap::from([("default".to_string(), Credentials::new().api_key_header("X-API-Key", server.api_key()))]);
    let report = scan(&server.base_url(), ids, &["BO003"]).await;
    let log = server.requests();
    server.shutdown().await;
    assert!(findings(&report, "BO003").is_empty(), "{:#?}", report.findings);
    // It did get to the traversal probes (the two documents were readable).
    assert!(
        log.iter().any(|r| r.uri.starts_with("/api/v1/vault/documents/") && r.uri.contains("..%2f")),
        "hardened twin was probed: {:?}",
        log.iter().filter(|r| r.uri.contains("documents")).map(|r| &r.uri).collect::<Vec<_>>()
    );
}

/// Answers `/files/{*rest}` with the object named by the last path component:
/// sloppy, but no traversal, so BO003 must stay quiet (its control request
/// `A/palisade%2fB` gets B too).
async fn last_component(Path(rest): Path<String>) -> axum::response::Response {
    let last = rest.rsplit(['/', '\\', ';']).next().unwrap_or("").to_string();
    match last.parse::<u32>() {
        Ok(n @ 1..=3) => Json(json!({"id": n, "name": format!("file-{n}")})).into_response(),
        _ => (StatusCode::NOT_FOUND, Json(json!({"error": "not found"}))).into_response(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_reading_only_the_last_component_is_not_a_traversal() {
    let spec = json!({
        "openapi": "3.0.3", "info": {"title": "files", "version": "1"},
        "paths": {"/files/{id}": {"get": {"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}], "responses": {"200": {"description": "ok"}}}}}
    });
    let app = Router::new()
        .route("/", get(|| async { Json(json!({"ok": true})) }))
        .route("/openapi.json", get(move || async move { Json(spec) }))
        .route("/files/{*rest}", get(last_component));
    let (base, handle) = serve(app).await;
    let report = scan(&base, BTreeMap::new(), &["BO003", "BO001"]).await;
    handle.abort();
    // The files are there and enumerable (BO001 proves the scan reached them) but BO003 is not reported.
    assert_eq!(findings(&report, "BO001").len(), 1, "{:#?}", report.findings);
    assert!(findings(&report, "BO003").is_empty(), "{:#?}", report.findings);
}

/// `/download?file=…` that resolves `..` in the (decoded) name: traversal through a query parameter.
async fn download(axum::extract::Query(q): axum::extract::Query<std::collections::HashMap<String, String>>) -> axum::response::Response {
    let name = q.get("file").cloned().unwrap_or_default().replace("%2f", "/").replace("%2F", "/");
    let mut stack: Vec<&str> = Vec::new();
    for seg in name.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                stack.pop();
            }
            s => stack.push(s),
        }
    }
    match stack.as_slice() {
        [one] => match one.parse::<u32>() {
            Ok(n @ 1..=3) => Json(json!({"id": n, "name": format!("report-{n}.pdf"), "size": n * 1000})).into_response(),
            _ => (StatusCode::NOT_FOUND, Json(json!({"error": "no such file"}))).into_response(),
        },
        _ => (StatusCode::NOT_FOUND, Json(json!({"error": "no such file"}))).into_response(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn traversal_through_an_id_like_query_parameter_is_reported() {
    let spec = json!({
        "openapi": "3.0.3", "info": {"title": "files", "version": "1"},
        "paths": {"/download": {"get": {"parameters": [{"name": "file", "in": "query", "required": true, "schema": {"type": "string"}, "example": "2"}], "responses": {"200": {"description": "ok"}}}}}
    });
    let app = Router::new()
        .route("/", get(|| async { Json(json!({"ok": true})) }))
        .route("/openapi.json", get(move || async move { Json(spec) }))
        .route("/download", get(download));
    let (base, handle) = serve(app).await;
    let report = scan(&base, BTreeMap::new(), &["BO003"]).await;
    handle.abort();
    let bo = findings(&report, "BO003");
    assert_eq!(bo.len(), 1, "{:#?}", report.findings);
    assert_eq!(bo[0].endpoint, "GET /download");
    let ex = report.exchange(bo[0].evidence.exchange.unwrap()).unwrap();
    assert!(ex.url.contains("file=2/..") || ex.url.contains("file=2%2f.."), "{}", ex.url);
}

// ---- PA004: active mass assignment ----

fn summary(log: &[palisade_demo::RecordedRequest], prefix: &str) -> Vec<String> {
    log.iter().filter(|r| r.uri.starts_with(prefix)).map(|r| format!("{} {}", r.method, r.uri)).collect()
}

/// PA004 is active mode only (`--active`): a default demo scan never writes,
/// so the demo snapshot cannot show it. This test runs the active scan on
/// both twins: the vulnerable demo (positive) and the hardened twin
/// (negative), and proves the default scan sends no write.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mass_assignment_is_proven_only_in_active_mode_and_not_on_the_hardened_twin() {
    // Default (read-only) scan: no write leaves, nothing is reported.
    let server = DemoServer::start(DemoConfig { hardened: false }).await.unwrap();
    let report = scan(&server.base_url(), BTreeMap::new(), &["PA004"]).await;
    let log = server.requests();
    server.shutdown().await;
    support::assert_quiet(&report, Rule::PA004);
    let writes: Vec<String> =
        log.iter().filter(|r| !matches!(r.method.as_str(), "GET" | "HEAD" | "OPTIONS")).map(|r| format!("{} {}", r.method, r.uri)).collect();
    assert!(writes.is_empty(), "default scan wrote: {writes:?}");

    // Active scan of the vulnerable twin: POST with one extra property, GET it back, DELETE it.
    let server = DemoServer::start(DemoConfig { hardened: false }).await.unwrap();
    let report = scan_with(&server.base_url(), BTreeMap::new(), &["PA004"], MethodPolicy::active()).await;
    let vbase = server.base_url();
    let log = server.requests();
    server.shutdown().await;
    let pa = support::assert_fires(&report, Rule::PA004);
    assert_eq!(pa.len(), 1, "{:#?}", report.findings);
    assert_eq!(pa[0].endpoint, "POST /api/v1/signups");
    assert_eq!(pa[0].detail.as_deref(), Some("role"));
    assert!(pa[0].message.contains("deleted again"), "{}", pa[0].message);
    let seq = summary(&log, "/api/v1/signups");
    let post = seq.iter().position(|l| l == "POST /api/v1/signups").unwrap_or_else(|| panic!("no POST: {seq:?}"));
    let id_path = seq[post + 1..].iter().find(|l| l.starts_with("GET /api/v1/signups/")).expect("read back").trim_start_matches("GET ").to_string();
    let get = post + 1 + seq[post + 1..].iter().position(|l| *l == format!("GET {id_path}")).unwrap();
    let delete = seq.iter().position(|l| *l == format!("DELETE {id_path}")).expect("cleanup DELETE");
    assert!(post < get && get < delete, "{seq:?}");
    assert_eq!(seq.iter().filter(|l| l.starts_with("POST ")).count(), 1, "one create: {seq:?}");
    let posted = report.exchange(pa[0].evidence.related[0]).unwrap();
    assert_eq!((posted.method.as_str(), posted.status), ("POST", Some(201)));
    let read = report.exchange(pa[0].evidence.exchange.unwrap()).unwrap();
    assert!(read.body_excerpt.contains("\"role\":\"admin\""), "{}", read.body_excerpt);
    insta::assert_snapshot!("PA004_mass_assignment_role", finding_snap::render(&report.findings, "PA004", &[(vbase.as_str(), "<origin>")]));

    // Active scan of the hardened twin (with its key): the same write is sent, the property is ignored.
    let server = DemoServer::start(DemoConfig { hardened: true }).await.unwrap();
    let ids = BTreeMap::from([("default".to_string(), Credentials::new().api_key_header("X-API-Key", server.api_key()))]);
    let report = scan_with(&server.base_url(), ids, &["PA004"], MethodPolicy::active()).await;
    let log = server.requests();
    server.shutdown().await;
    support::assert_quiet(&report, Rule::PA004);
    let seq = summary(&log, "/api/v1/signups");
    assert!(seq.iter().any(|l| l == "POST /api/v1/signups") && seq.iter().any(|l| l.starts_with("DELETE /api/v1/signups/")), "{seq:?}");
}

// ---- BF003 on the demo: the admin audit log read with a user key ----

fn role_identities(server: &DemoServer) -> BTreeMap<String, Credentials> {
    BTreeMap::from([
        ("admin:root".to_string(), Credentials::new().api_key_header("X-API-Key", server.api_key())),
        ("user:bob".to_string(), Credentials::new().api_key_header("X-API-Key", &server.user_key())),
    ])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_key_reading_the_demo_admin_audit_log_is_bf003_on_the_vulnerable_twin_only() {
    let server = DemoServer::start(DemoConfig { hardened: false }).await.unwrap();
    let report = scan(&server.base_url(), role_identities(&server), &["BF003"]).await;
    server.shutdown().await;
    let bf = support::assert_fires(&report, Rule::BF003);
    assert_eq!(bf.len(), 1, "{:#?}", report.findings);
    assert_eq!(bf[0].endpoint, "GET /api/v1/staff/audit");
    assert!(bf[0].message.contains("identity 'bob' (role 'user')"), "{}", bf[0].message);

    // The hardened twin hides the operation from its spec: scan it with the vulnerable twin's spec
    // so BF003 does probe it, as admin, anonymously and as the user (who gets 403).
    let server = DemoServer::start(DemoConfig { hardened: true }).await.unwrap();
    let spec = SpecInput::Bytes { bytes: palisade_demo::openapi_json(false).as_bytes().to_vec(), source: "vulnerable-spec".into() };
    let user_key = server.user_key();
    let report = scan_full(&server.base_url(), role_identities(&server), &["BF003"], MethodPolicy::read_only(), Some(spec)).await;
    let log = server.requests();
    server.shutdown().await;
    support::assert_quiet(&report, Rule::BF003);
    let probed_as_user = log.iter().any(|r| r.uri == "/api/v1/staff/audit" && r.headers.iter().any(|(k, v)| k == "x-api-key" && *v == user_key));
    assert!(probed_as_user, "the user identity was tried on the hardened twin");
    assert!(!palisade_demo::openapi_json(true).contains("/api/v1/staff/audit"), "hardened spec lists no admin operation");
}
