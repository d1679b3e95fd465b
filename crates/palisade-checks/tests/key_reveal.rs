//! DE008: keys revealed on creation. From the spec in every scan; from the
//! real answer when an active scan sends the creation itself.

use axum::http::{header, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use palisade_checks::{active_checks, passive_checks};
use palisade_core::{Category, Finding, Report, Severity};
use palisade_demo::{DemoConfig, DemoServer};
use palisade_http::{Credentials, MethodPolicy};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

mod support;

/// Data Exposure and Property Authorization checks (PA004 is what sends writes in active mode).
async fn scan(base: &str, identities: BTreeMap<String, Credentials>, policy: MethodPolicy, spec: Option<&str>) -> Report {
    let categories = [Category::DataExposure, Category::PropertyAuthorization];
    let mut scanner = support::scanner(base)
        .engine_with(|e| {
            e.policy = policy;
            e.rate_per_sec = 15.0;
        })
        .identities(identities)
        .select_rules(["DE008"])
        .checks(active_checks(Some(&categories)), passive_checks(Some(&categories)));
    if let Some(text) = spec {
        scanner = scanner.spec(support::spec(text));
    }
    support::run(scanner).await
}

fn de008(report: &Report) -> Vec<&Finding> {
    report.findings.iter().filter(|f| f.rule == "DE008").collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_spec_declares_a_key_reveal_and_the_active_scan_proves_it_cacheable() {
    // Read-only scan of the vulnerable twin: the spec-declared reveal only, low, no POST sent.
    let server = DemoServer::start(DemoConfig { hardened: false }).await.unwrap();
    let report = scan(&server.base_url(), BTreeMap::new(), MethodPolicy::read_only(), None).await;
    let log = server.requests();
    server.shutdown().await;
    let found = de008(&report);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!((found[0].endpoint.as_str(), found[0].severity, found[0].detail.as_deref()), ("POST /api/v1/keys", Severity::Low, Some("spec")));
    assert!(found[0].message.contains("'key'"), "{}", found[0].message);
    assert!(log.iter().all(|r| matches!(r.method.as_str(), "GET" | "HEAD" | "OPTIONS")), "a read-only scan wrote");

    // Active scan: the creation is really sent and its answer (raw key, no Cache-Control) is judged.
    let server = DemoServer::start(DemoConfig { hardened: false }).await.unwrap();
    let report = scan(&server.base_url(), BTreeMap::new(), MethodPolicy::active(), None).await;
    let log = server.requests();
    server.shutdown().await;
    assert!(log.iter().any(|r| r.method == "POST" && r.uri == "/api/v1/keys"), "the active scan never created a key");
    let observed: Vec<_> = de008(&report).into_iter().filter(|f| f.detail.as_deref() == Some("observed")).collect();
    assert_eq!(observed.len(), 1, "{:#?}", report.findings);
    assert_eq!((observed[0].endpoint.as_str(), observed[0].severity), ("POST /api/v1/keys", Severity::Medium));
    let exchange = report.exchange(observed[0].evidence.exchange.unwrap()).unwrap();
    assert_eq!((exchange.method.as_str(), exchange.status), ("POST", Some(201)));
    assert!(observed[0].evidence.excerpt.contains("Cache-Control: (absent)"), "{}", observed[0].evidence.excerpt);

    // The hardened twin answers a creation with the key id only and does not declare a key: nothing.
    let server = DemoServer::start(DemoConfig { hardened: true }).await.unwrap();
    let ids = BTreeMap::from([("default".to_string(), Credentials::new().api_key_header("X-API-Key", server.api_key()))]);
    let report = scan(&server.base_url(), ids, MethodPolicy::active(), None).await;
    let log = server.requests();
    server.shutdown().await;
    assert!(log.iter().any(|r| r.method == "POST" && r.uri == "/api/v1/keys"), "the hardened twin was not asked to create a key");
    assert!(de008(&report).is_empty(), "{:#?}", de008(&report));
}

const TOKEN_SPEC: &str = r#"{
  "openapi": "3.0.3",
  "info": {"title": "tokens", "version": "1"},
  "paths": {
    "/tokens": {"post": {"operationId": "createToken",
      "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"name": {"type": "string"}}}}}},
      "responses": {"201": {"description": "created", "content": {"application/json": {"schema": {"type": "object", "properties": {"access_token": {"type": "string"}, "id": {"type": "string"}}}}}}}}},
    "/tokens/{id}": {"get": {"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}], "responses": {"200": {"description": "metadata"}}}}
  }
}"#;

/// A token service that reveals a new token once, with `Cache-Control: no-store`;
/// counts the creations it answered.
fn no_store_router(created: Arc<AtomicUsize>) -> Router {
    Router::new()
        .route(
            "/tokens",
            post(move || async move {
                created.fetch_add(1, Ordering::SeqCst);
                (
                    StatusCode::CREATED,
                    [(header::CACHE_CONTROL, "no-store")],
                    Json(json!({"id": "t1", "access_token": "ghp_4Xq9Lr2Vt7Nc1Zb8Mw3Ks6Pd0Hy5Jf2Ga7Ue"})),
                )
            }),
        )
        .route("/tokens/{id}", get(|| async { Json(json!({"id": "t1", "name": "ci"})) }))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reveal_with_no_store_is_accepted_once_verified() {
    let created = Arc::new(AtomicUsize::new(0));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = no_store_router(created.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    // Read-only: the spec says a token comes back; unverified, so low, and nothing is created.
    let report = scan(&base, BTreeMap::new(), MethodPolicy::read_only(), Some(TOKEN_SPEC)).await;
    let found = de008(&report);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!((found[0].endpoint.as_str(), found[0].severity, found[0].detail.as_deref()), ("POST /tokens", Severity::Low, Some("spec")));
    assert_eq!(created.load(Ordering::SeqCst), 0);
    // Active: the real answer carries the token with no-store: no observed finding.
    let report = scan(&base, BTreeMap::new(), MethodPolicy::active(), Some(TOKEN_SPEC)).await;
    assert!(created.load(Ordering::SeqCst) >= 1, "the token was never created");
    assert!(de008(&report).iter().all(|f| f.detail.as_deref() != Some("observed")), "{:#?}", de008(&report));
}
