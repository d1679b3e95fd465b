//! BF003 (role-based function access), AU007 (authentication bypassed by a
//! request variant) and AU008 (401 without WWW-Authenticate) against small
//! axum servers on 127.0.0.1: a vulnerable fixture (positive) and a fixed
//! one (negative).

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use palisade_checks::Rule;
use palisade_core::Report;
use palisade_http::Credentials;
use serde_json::json;
use std::collections::BTreeMap;

mod finding_snap;
mod support;

const MINE: &[&str] = &["BF003", "AU007", "AU008"];
const ADMIN_TOKEN: &str = "tok-admin-7f3a91";
const USER_TOKEN: &str = "tok-user-2b8c44";

async fn scan(base: &str, identities: BTreeMap<String, Credentials>) -> Report {
    support::run(support::scanner(base).identities(identities).select_rules(MINE.iter().copied())).await
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

fn no_secrets(report: &Report) {
    let json = serde_json::to_string(report).unwrap();
    for t in [ADMIN_TOKEN, USER_TOKEN] {
        assert!(!json.contains(t), "identity token leaked into the report");
    }
}

// ---- BF003 + AU008: an admin API with admin and user tokens ----

#[derive(Clone, Copy)]
struct Fixed(bool);

fn role(headers: &HeaderMap) -> Option<&'static str> {
    match headers.get("authorization").and_then(|v| v.to_str().ok()) {
        Some(v) if v == format!("Bearer {ADMIN_TOKEN}") => Some("admin"),
        Some(v) if v == format!("Bearer {USER_TOKEN}") => Some("user"),
        _ => None,
    }
}

fn unauthorized(fixed: bool) -> Response {
    let mut r = (StatusCode::UNAUTHORIZED, Json(json!({"error": "unauthorized"}))).into_response();
    if fixed {
        r.headers_mut().insert("www-authenticate", "Bearer realm=\"fixture\"".parse().unwrap());
    }
    r
}

async fn admin_users(State(Fixed(fixed)): State<Fixed>, headers: HeaderMap) -> Response {
    match role(&headers) {
        None => unauthorized(fixed),
        Some("user") if fixed => (StatusCode::FORBIDDEN, Json(json!({"error": "admins only"}))).into_response(),
        Some(_) => Json(json!({"users": [
            {"id": 1, "name": "Root", "role": "admin"},
            {"id": 2, "name": "Alice", "role": "user"}
        ]}))
        .into_response(),
    }
}

async fn admin_app(fixed: bool) -> (String, tokio::task::JoinHandle<()>) {
    let app = Router::new()
        .route("/", get(|| async { Json(json!({"service": "admin fixture"})) }))
        .route("/admin/users", get(admin_users))
        .with_state(Fixed(fixed));
    serve(app).await
}

fn roles() -> BTreeMap<String, Credentials> {
    BTreeMap::from([
        ("admin:root".to_string(), Credentials::new().bearer(ADMIN_TOKEN)),
        ("user:alice".to_string(), Credentials::new().bearer(USER_TOKEN)),
    ])
}

/// BF003 needs an `admin:`-role identity and another role (`--identity
/// ROLE:NAME=...`), which the plain demo scan does not have: an axum fixture
/// with two roles (positive) and the same fixture answering 403 to the user
/// role (negative). Also on the demo, with its admin key and a user key:
/// `access3::a_user_key_reading_the_demo_admin_audit_log_is_bf003_on_the_vulnerable_twin_only`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_role_reading_admin_users_is_reported_and_not_when_it_gets_403() {
    let (base, handle) = admin_app(false).await;
    let report = scan(&base, roles()).await;
    handle.abort();
    let bf = support::assert_fires(&report, Rule::BF003);
    assert_eq!(bf.len(), 1, "{:?}", report.findings);
    let f = bf[0];
    assert_eq!(f.endpoint, "GET /admin/users");
    assert_eq!(f.severity, palisade_core::Severity::High);
    assert!(f.message.contains("'alice'") && f.message.contains("'user'"), "{}", f.message);
    let user_x = report.exchange(f.evidence.exchange.unwrap()).expect("user exchange recorded");
    assert_eq!(user_x.status, Some(200));
    assert_eq!(f.evidence.related.len(), 1, "the admin's exchange is cited too");
    assert!(report.exchange(f.evidence.related[0]).is_some());
    no_secrets(&report);
    insta::assert_snapshot!("BF003_user_role_reads_admin_users", finding_snap::render(&report.findings, "BF003", &[(base.as_str(), "<origin>")]));

    let (base, handle) = admin_app(true).await;
    let report = scan(&base, roles()).await;
    handle.abort();
    support::assert_quiet(&report, Rule::BF003);

    // Identities without roles (or without an admin) prove nothing about roles.
    let (base, handle) = admin_app(false).await;
    let plain = BTreeMap::from([
        ("root".to_string(), Credentials::new().bearer(ADMIN_TOKEN)),
        ("user:alice".to_string(), Credentials::new().bearer(USER_TOKEN)),
    ]);
    let report = scan(&base, plain).await;
    handle.abort();
    support::assert_quiet(&report, Rule::BF003);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_401_without_www_authenticate_is_reported_and_not_when_challenged() {
    let (base, handle) = admin_app(false).await;
    let report = scan(&base, BTreeMap::new()).await;
    handle.abort();
    let au = findings(&report, "AU008");
    assert!(au.iter().any(|f| f.endpoint == "GET /admin/users"), "{:?}", report.findings);
    assert!(au.iter().all(|f| f.severity == palisade_core::Severity::Low && f.evidence.exchange.is_some()));

    let (base, handle) = admin_app(true).await;
    let report = scan(&base, BTreeMap::new()).await;
    handle.abort();
    assert!(findings(&report, "AU008").is_empty(), "{:?}", report.findings);
}

// ---- AU007: authentication on the raw path, routing on a normalised one ----

const SPEC: &str = r#"{"openapi": "3.0.3", "info": {"title": "reports", "version": "1"},
 "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
 "paths": {
  "/api/reports/summary": {"get": {"operationId": "getSummary", "security": [{"bearer": []}],
     "responses": {"200": {"description": "ok"}, "401": {"description": "no"}}}},
  "/api/status": {"get": {"operationId": "status", "responses": {"200": {"description": "ok"}}}}
 }}"#;

const PROTECTED: &str = "/api/reports/summary";

/// The router: lower-cases, drops one trailing slash and a `.json` suffix,
/// and honours X-Original-URL / X-Rewrite-URL, as some proxies and frameworks do.
fn route_of(req: &Request) -> String {
    let rewritten = ["x-original-url", "x-rewrite-url"].iter().find_map(|h| req.headers().get(*h).and_then(|v| v.to_str().ok()));
    let raw = rewritten.unwrap_or_else(|| req.uri().path());
    let p = raw.split('?').next().unwrap_or("").to_ascii_lowercase();
    let p = p.strip_suffix(".json").unwrap_or(&p).to_string();
    if p.len() > 1 {
        p.trim_end_matches('/').to_string()
    } else {
        p
    }
}

/// Where the auth gate looks.
#[derive(Clone, Copy)]
enum Gate {
    /// The raw request path (vulnerable to every path spelling).
    RawPath,
    /// The normalised path, but not the rewrite headers the router honours.
    IgnoresRewriteHeaders,
    /// The normalised route, for GET only.
    GetOnly,
    /// The normalised route, every method (fixed).
    Route,
}

async fn reports(State(gate): State<Gate>, req: Request) -> Response {
    let route = route_of(&req);
    let own_path = {
        let p = req.uri().path().to_ascii_lowercase();
        let p = p.strip_suffix(".json").unwrap_or(&p).to_string();
        if p.len() > 1 {
            p.trim_end_matches('/').to_string()
        } else {
            p
        }
    };
    let gated = match gate {
        Gate::RawPath => req.uri().path() == PROTECTED,
        Gate::IgnoresRewriteHeaders => own_path == PROTECTED,
        Gate::GetOnly => route == PROTECTED && req.method() == axum::http::Method::GET,
        Gate::Route => route == PROTECTED,
    };
    if gated && role(req.headers()).is_none() {
        let mut r = (StatusCode::UNAUTHORIZED, Json(json!({"error": "unauthorized"}))).into_response();
        r.headers_mut().insert("www-authenticate", "Bearer realm=\"fixture\"".parse().unwrap());
        return r;
    }
    match route.as_str() {
        "/openapi" => ([("content-type", "application/json")], SPEC).into_response(),
        PROTECTED => Json(json!({"quarter": "Q3", "revenue": 1200, "accounts": 48})).into_response(),
        "/api/status" => Json(json!({"status": "ok"})).into_response(),
        "/" => Json(json!({"service": "reports fixture"})).into_response(),
        _ => (StatusCode::NOT_FOUND, Json(json!({"error": "not found"}))).into_response(),
    }
}

async fn reports_app(gate: Gate) -> (String, tokio::task::JoinHandle<()>) {
    serve(Router::new().fallback(reports).with_state(gate)).await
}

/// The demo's authentication does not depend on how a path is spelled, so
/// AU007 cannot show there: an axum fixture whose gate checks the raw path
/// (positive) and the same fixture gating the normalised route (negative).
/// Rewrite headers and HEAD past partial gates are in
/// `rewrite_headers_and_head_past_a_partial_gate_are_reported`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trailing_slash_past_a_raw_path_auth_gate_is_reported_and_not_when_normalised() {
    let (base, handle) = reports_app(Gate::RawPath).await;
    let report = scan(&base, BTreeMap::new()).await;
    handle.abort();
    let au = support::assert_fires(&report, Rule::AU007);
    assert_eq!(au.len(), 1, "{:?}", report.findings);
    let f = au[0];
    assert_eq!(f.endpoint, "GET /api/reports/summary");
    assert_eq!(f.severity, palisade_core::Severity::High);
    assert!(f.message.contains("answers HTTP 401") && f.message.contains("trailing slash"), "{}", f.message);
    let variant = report.exchange(f.evidence.exchange.unwrap()).expect("variant exchange recorded");
    assert_eq!(variant.status, Some(200));
    let refused = report.exchange(f.evidence.related[0]).expect("refused exchange recorded");
    assert_eq!(refused.status, Some(401));
    // Public operations are not "bypassed".
    assert!(!au.iter().any(|f| f.endpoint.contains("/api/status")));
    insta::assert_snapshot!("AU007_trailing_slash_bypass", finding_snap::render(&report.findings, "AU007", &[(base.as_str(), "<origin>")]));

    let (base, handle) = reports_app(Gate::Route).await;
    let report = scan(&base, BTreeMap::new()).await;
    handle.abort();
    support::assert_quiet(&report, Rule::AU007);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rewrite_headers_and_head_past_a_partial_gate_are_reported() {
    for (gate, variant) in [(Gate::IgnoresRewriteHeaders, "X-Original-URL"), (Gate::GetOnly, "HEAD instead of GET")] {
        let (base, handle) = reports_app(gate).await;
        let report = scan(&base, BTreeMap::new()).await;
        handle.abort();
        let au = findings(&report, "AU007");
        assert_eq!(au.len(), 1, "{variant}: {:?}", report.findings);
        assert!(au[0].message.contains(variant), "{}", au[0].message);
        assert!(report.exchange(au[0].evidence.exchange.unwrap()).is_some());
    }
}

/// A single-page app answers every unknown path (and `/`) with the same
/// 200 HTML shell: the variants reach that shell, not the protected handler.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_catch_all_page_behind_the_variants_is_not_a_bypass() {
    let shell = "<html><body><div id=\"app\">Loading the shop</div></body></html>";
    let seen: std::sync::Arc<std::sync::Mutex<Vec<String>>> = Default::default();
    let log = seen.clone();
    let app = Router::new()
        .route("/openapi.json", get(|| async { ([("content-type", "application/json")], SPEC) }))
        .route(
            PROTECTED,
            get(|| async { (StatusCode::UNAUTHORIZED, [("www-authenticate", "Bearer realm=\"fixture\"")], Json(json!({"error": "unauthorized"}))) }),
        )
        .fallback(move |req: Request| {
            log.lock().unwrap().push(req.uri().path().to_string());
            async move { ([("content-type", "text/html")], shell) }
        });
    let (base, handle) = serve(app).await;
    let report = scan(&base, BTreeMap::new()).await;
    handle.abort();
    // The variants were sent and answered by the shell ...
    let seen = seen.lock().unwrap().clone();
    for variant in ["/api/reports/summary/", "/API/REPORTS/SUMMARY", "/api/reports/summary.json"] {
        assert!(seen.iter().any(|p| p == variant), "{variant} not sent: {seen:?}");
    }
    // ... and recognised as the catch-all page.
    assert!(findings(&report, "AU007").is_empty(), "{:?}", report.findings);
}
