//! Authentication (AU002–AU006), BOLA (BO001–BO002), BFLA (BF002) and
//! Property Authorization (PA001–PA003) against real loopback servers: the
//! vulnerable demo / vulnerable fixture (positive) and the hardened twin /
//! fixed fixture (negative).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use palisade_checks::Rule;
use palisade_core::Report;
use palisade_demo::{DemoConfig, DemoServer};
use palisade_http::{Credentials, Engine, EngineConfig, ProbeRequest, Url};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

mod finding_snap;
mod support;

const MINE: &[&str] = &["AU002", "AU003", "AU004", "AU005", "AU006", "BO001", "BO002", "BF002", "PA001", "PA002", "PA003"];

async fn scan(base: &str, identities: BTreeMap<String, Credentials>) -> Report {
    support::run(support::scanner(base).identities(identities).select_rules(MINE.iter().copied())).await
}

fn rules_of(report: &Report) -> BTreeSet<&str> {
    report.findings.iter().map(|f| f.rule.as_str()).collect()
}

fn endpoints_of<'a>(report: &'a Report, rule: &str) -> BTreeSet<&'a str> {
    report.findings.iter().filter(|f| f.rule == rule).map(|f| f.endpoint.as_str()).collect()
}

/// The demo's access token, fetched through our own engine (loopback only).
async fn demo_token(server: &DemoServer, api_key: Option<&str>) -> String {
    let url = Url::parse(&format!("{}/api/v1/token", server.base_url())).unwrap();
    let engine = Engine::new(EngineConfig::for_target(&url)).unwrap();
    let mut req = ProbeRequest::get(url);
    if let Some(k) = api_key {
        req = req.header("X-API-Key", k);
    }
    let resp = engine.send(req).await.unwrap();
    assert_eq!(resp.status, 200);
    resp.json().unwrap()["access_token"].as_str().unwrap().to_string()
}

fn bearer(token: &str) -> BTreeMap<String, Credentials> {
    BTreeMap::from([("default".to_string(), Credentials::new().bearer(token))])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_rules_fire_on_the_vulnerable_demo_and_not_on_the_hardened_twin() {
    let server = DemoServer::start(DemoConfig { hardened: false }).await.unwrap();
    let report = scan(&server.base_url(), BTreeMap::new()).await;
    let token = demo_token(&server, None).await;
    server.shutdown().await;
    let fired = rules_of(&report);
    for code in ["AU003", "AU004", "AU005", "AU006", "BO001", "BF002", "PA001", "PA002", "PA003"] {
        assert!(fired.contains(code), "{code} did not fire on the vulnerable demo: {fired:?}");
    }
    assert!(endpoints_of(&report, "AU006").contains("GET /api/v1/resource"));
    assert!(endpoints_of(&report, "BO001").contains("GET /api/v1/users/{id}"));
    assert!(endpoints_of(&report, "BF002").contains("GET /admin/users"));
    assert!(endpoints_of(&report, "PA001").contains("GET /admin/users"));
    assert!(endpoints_of(&report, "PA002").contains("GET /api/v1/users/{id}"));
    assert!(endpoints_of(&report, "PA003").contains("POST /api/v1/keys"));
    let ssn = report.findings.iter().find(|f| f.rule == "AU005").unwrap();
    assert_eq!(ssn.detail.as_deref(), Some("ssn"));
    let hash = report.findings.iter().find(|f| f.rule == "PA001" && f.detail.as_deref() == Some("password_hash")).unwrap();
    assert_eq!(hash.severity, palisade_core::Severity::High);
    // Never leak: neither the token, its signature, nor a password hash appears whole.
    let json = serde_json::to_string(&report).unwrap();
    let signature = token.rsplit('.').next().unwrap();
    assert!(!json.contains(&token) && !json.contains(signature), "token leaked in the report");
    assert!(!json.contains("512-44-1232"), "claim value leaked");
    for f in &report.findings {
        assert!(!serde_json::to_string(f).unwrap().contains("$2b$12$"), "password hash leaked in {} {}", f.rule, f.endpoint);
    }
    let cracked = report.findings.iter().find(|f| f.rule == "AU003").unwrap();
    assert!(!cracked.evidence.excerpt.contains("secret secret") && cracked.evidence.excerpt.contains("******"));

    let hardened = DemoServer::start(DemoConfig { hardened: true }).await.unwrap();
    let report = scan(&hardened.base_url(), BTreeMap::new()).await;
    hardened.shutdown().await;
    assert!(report.findings.is_empty(), "hardened twin: {:?}", report.findings.iter().map(|f| (&f.rule, &f.endpoint)).collect::<Vec<_>>());
}

/// AU002 is only tried with the user's own token (`--bearer`), and the
/// plain demo scan has none: the vulnerable demo scanned with its token
/// (positive) and the hardened twin with its own (negative).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alg_none_copy_of_the_users_token_is_accepted_by_the_vulnerable_demo_only() {
    let server = DemoServer::start(DemoConfig { hardened: false }).await.unwrap();
    let token = demo_token(&server, None).await;
    let report = scan(&server.base_url(), bearer(&token)).await;
    let base = server.base_url();
    server.shutdown().await;
    let au002 = support::assert_fires(&report, Rule::AU002);
    assert_eq!(endpoints_of(&report, "AU002"), BTreeSet::from(["GET /api/v1/me"]), "{:?}", rules_of(&report));
    let f = au002[0];
    assert_eq!(f.evidence.related.len(), 2, "baseline and anonymous exchanges are cited");
    let json = serde_json::to_string(&report).unwrap();
    assert!(!json.contains(&token));
    let payload = token.split('.').nth(1).unwrap();
    assert!(!json.contains(payload), "the forged token's payload must be masked too");
    insta::assert_snapshot!("AU002_alg_none_accepted", finding_snap::render(&report.findings, "AU002", &[(base.as_str(), "<origin>")]));

    let hardened = DemoServer::start(DemoConfig { hardened: true }).await.unwrap();
    let token = demo_token(&hardened, Some(hardened.api_key())).await;
    let report = scan(&hardened.base_url(), bearer(&token)).await;
    hardened.shutdown().await;
    support::assert_quiet(&report, Rule::AU002);
    // Nor do the other rules judging the token itself.
    for rule in [Rule::AU003, Rule::AU004, Rule::AU005] {
        support::assert_quiet(&report, rule);
    }
}

// ------------------------------------------------------------ two-user fixture

#[derive(Clone)]
struct Docs {
    fixed: bool,
}

const SPEC: &str = r#"{"openapi":"3.0.3","info":{"title":"docs","version":"1"},
 "components":{"securitySchemes":{"Bearer":{"type":"http","scheme":"bearer"}}},
 "security":[{"Bearer":[]}],
 "paths":{
  "/api/docs":{"get":{"operationId":"listDocs","responses":{"200":{"description":"ok"}}}},
  "/api/docs/{doc_id}":{"get":{"operationId":"getDoc","parameters":[{"name":"doc_id","in":"path","required":true,"schema":{"type":"integer"}}],"responses":{"200":{"description":"ok"}}}}
 }}"#;

/// (id, owner, title)
const DOCS: &[(u32, &str, &str)] = &[(11, "alice", "alice plan"), (12, "alice", "alice notes"), (21, "bob", "bob budget")];

fn caller(headers: &HeaderMap) -> Option<&'static str> {
    match headers.get("authorization").and_then(|v| v.to_str().ok()) {
        Some("Bearer tok-alice-0001") => Some("alice"),
        Some("Bearer tok-bob-0002") => Some("bob"),
        _ => None,
    }
}

async fn list_docs(headers: HeaderMap) -> Response {
    let Some(user) = caller(&headers) else { return StatusCode::UNAUTHORIZED.into_response() };
    let docs: Vec<Value> = DOCS.iter().filter(|d| d.1 == user).map(|(id, owner, title)| json!({"id": id, "owner": owner, "title": title})).collect();
    Json(json!({"docs": docs})).into_response()
}

async fn get_doc(State(app): State<Docs>, headers: HeaderMap, Path(id): Path<String>) -> Response {
    let Some(user) = caller(&headers) else { return StatusCode::UNAUTHORIZED.into_response() };
    let Some((id, owner, title)) = DOCS.iter().find(|d| d.0.to_string() == id) else {
        return (StatusCode::NOT_FOUND, Json(json!({"error": "not found"}))).into_response();
    };
    if app.fixed && *owner != user {
        return (StatusCode::FORBIDDEN, Json(json!({"error": "forbidden"}))).into_response();
    }
    Json(json!({"id": id, "owner": owner, "title": title})).into_response()
}

async fn serve_docs(fixed: bool) -> (String, tokio::task::JoinHandle<()>) {
    let app = Router::new()
        .route("/openapi.json", get(|| async { ([("content-type", "application/json")], SPEC) }))
        .route("/api/docs", get(list_docs))
        .route("/api/docs/{doc_id}", get(get_doc))
        .with_state(Docs { fixed });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}"), handle)
}

fn alice_and_bob() -> BTreeMap<String, Credentials> {
    BTreeMap::from([
        ("alice".to_string(), Credentials::new().bearer("tok-alice-0001")),
        ("bob".to_string(), Credentials::new().bearer("tok-bob-0002")),
    ])
}

/// BO002 needs two identities (`--identity`), which the plain demo scan does
/// not have: a two-user axum fixture serving any user's documents
/// (positive) and the same fixture checking the owner (negative).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_identity_access_is_proven_with_two_users_and_not_reported_when_fixed() {
    let (base, handle) = serve_docs(false).await;
    let report = scan(&base, alice_and_bob()).await;
    handle.abort();
    let bola = support::assert_fires(&report, Rule::BO002);
    assert_eq!(bola.len(), 2, "alice reads bob's doc and bob reads alice's: {bola:?}");
    for f in &bola {
        assert_eq!(f.endpoint, "GET /api/docs/{doc_id}");
        assert_eq!(f.severity, palisade_core::Severity::High);
        let cited = f.evidence.exchange.unwrap();
        assert!(report.exchange(cited).is_some() && f.evidence.related.iter().all(|id| report.exchange(*id).is_some()));
        assert_eq!(f.evidence.related.len(), 2, "owner's own access and owner's list are cited");
    }
    let json = serde_json::to_string(&report).unwrap();
    assert!(!json.contains("tok-alice-0001") && !json.contains("tok-bob-0002"), "identity tokens leaked");
    insta::assert_snapshot!("BO002_cross_identity_access", finding_snap::render(&report.findings, "BO002", &[(base.as_str(), "<origin>")]));

    let (base, handle) = serve_docs(true).await;
    let report = scan(&base, alice_and_bob()).await;
    handle.abort();
    support::assert_quiet(&report, Rule::BO002);

    // One identity proves nothing: no BO002 without a second one.
    let (base, handle) = serve_docs(false).await;
    let one = BTreeMap::from([("alice".to_string(), Credentials::new().bearer("tok-alice-0001"))]);
    let report = scan(&base, one).await;
    handle.abort();
    support::assert_quiet(&report, Rule::BO002);
}

/// A catch-all server answers every path with the same 200 page: /admin is
/// not an exposed admin function, and ids are not objects.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catch_all_pages_are_not_admin_functions() {
    let app = Router::new().fallback(|| async { ([("content-type", "text/html")], "<html><body>Welcome to our shop</body></html>") });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let report = scan(&format!("http://{addr}"), BTreeMap::new()).await;
    handle.abort();
    assert!(!rules_of(&report).contains("BF002"), "{:?}", report.findings);
}
