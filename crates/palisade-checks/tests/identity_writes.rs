//! Active writes go as an identity (issue 11): with `--identity` and no
//! `--bearer`, PA004 (mass assignment on the caller's own `PATCH
//! /users/me`) and DE008 (a created key revealed without `no-store`) are
//! proven with the identity's credentials, and the server's own log shows
//! every write carried them. A default scan with identities sends only
//! GET/HEAD/OPTIONS. The fixed twin ignores the privileged property and
//! answers the key creation with `Cache-Control: no-store`.
//!
//! Style of this fixture (unlike the demo's): every route needs an
//! `X-Api-Token` header, errors are `{"detail": ...}`, the user object is
//! nested under `"user"`.

use axum::extract::State;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use palisade_checks::Rule;
use palisade_core::Report;
use palisade_http::{Credentials, MethodPolicy};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

mod support;

const ALICE: &str = "tk_alice_9f2c71d04b";
const BOB: &str = "tk_bob_3e8a55c1f7";

const SPEC: &str = r#"{
  "openapi": "3.0.3",
  "info": {"title": "Accounts", "version": "2"},
  "components": {"securitySchemes": {"token": {"type": "apiKey", "in": "header", "name": "X-Api-Token"}}},
  "security": [{"token": []}],
  "paths": {
    "/users/me": {
      "get": {"summary": "The current user", "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object", "properties": {"user": {"type": "object"}}}}}}}},
      "patch": {"summary": "Update the current user",
        "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"display_name": {"type": "string"}, "role": {"type": "string"}}}}}},
        "responses": {"200": {"description": "updated"}}}
    },
    "/api/keys": {
      "post": {"summary": "Create an API key",
        "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"label": {"type": "string"}}}}}},
        "responses": {"201": {"description": "created", "content": {"application/json": {"schema": {"type": "object", "properties": {"key_id": {"type": "string"}, "secret": {"type": "string"}}}}}}}}
    },
    "/api/keys/{key_id}": {
      "get": {"parameters": [{"name": "key_id", "in": "path", "required": true, "schema": {"type": "string"}}], "responses": {"200": {"description": "metadata"}}}
    }
  }
}"#;

#[derive(Clone)]
struct App {
    fixed: bool,
    /// (method, path, who) as the server saw them.
    log: Arc<Mutex<Vec<(String, String, String)>>>,
    /// Each user's role.
    roles: Arc<Mutex<BTreeMap<&'static str, String>>>,
    keys: Arc<Mutex<Vec<(String, &'static str)>>>,
}

fn who(headers: &HeaderMap) -> Option<&'static str> {
    match headers.get("x-api-token").and_then(|v| v.to_str().ok()) {
        Some(ALICE) => Some("alice"),
        Some(BOB) => Some("bob"),
        _ => None,
    }
}

async fn logged(State(app): State<App>, method: Method, uri: Uri, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let caller = who(&headers);
    app.log.lock().unwrap().push((method.to_string(), uri.path().to_string(), caller.unwrap_or("anonymous").to_string()));
    if uri.path() == "/openapi.json" {
        return ([(header::CONTENT_TYPE, "application/json")], SPEC).into_response();
    }
    let Some(user) = caller else {
        return (StatusCode::UNAUTHORIZED, Json(json!({"detail": "Not authenticated"}))).into_response();
    };
    let role = |app: &App| app.roles.lock().unwrap().get(user).cloned().unwrap_or_else(|| "member".into());
    match (method.as_str(), uri.path()) {
        ("GET", "/users/me") => Json(json!({"user": {"username": user, "role": role(&app), "display_name": user.to_uppercase()}})).into_response(),
        ("PATCH", "/users/me") => {
            let patch: Value = serde_json::from_slice(&body).unwrap_or_default();
            if !app.fixed {
                if let Some(new_role) = patch.get("role").and_then(Value::as_str) {
                    app.roles.lock().unwrap().insert(user, new_role.to_string());
                }
            }
            Json(json!({"user": {"username": user, "role": role(&app)}})).into_response()
        }
        ("POST", "/api/keys") => {
            let mut keys = app.keys.lock().unwrap();
            let id = format!("key_{}", keys.len() + 1);
            keys.push((id.clone(), user));
            let created = Json(json!({"key_id": id, "secret": "sk_live_51HqZ9xR2vT8nC4bM7wK3pL6dF0yJ5gA1eU"}));
            if app.fixed {
                (StatusCode::CREATED, [(header::CACHE_CONTROL, "no-store")], created).into_response()
            } else {
                (StatusCode::CREATED, created).into_response()
            }
        }
        ("GET", path) if path.starts_with("/api/keys/") => {
            let key_id = &path["/api/keys/".len()..];
            match app.keys.lock().unwrap().iter().find(|(id, _)| id == key_id) {
                Some((id, owner)) => Json(json!({"key_id": id, "owner": owner})).into_response(),
                None => (StatusCode::NOT_FOUND, Json(json!({"detail": "Not found"}))).into_response(),
            }
        }
        _ => (StatusCode::NOT_FOUND, Json(json!({"detail": "Not found"}))).into_response(),
    }
}

async fn serve(fixed: bool) -> (String, App) {
    let app = App {
        fixed,
        log: Arc::default(),
        roles: Arc::new(Mutex::new(BTreeMap::from([("alice", "member".to_string()), ("bob", "member".to_string())]))),
        keys: Arc::default(),
    };
    let router = Router::new().fallback(logged).with_state(app.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (format!("http://{addr}"), app)
}

fn identities() -> BTreeMap<String, Credentials> {
    BTreeMap::from([
        ("alice".to_string(), Credentials::new().header("X-Api-Token", ALICE)),
        ("bob".to_string(), Credentials::new().header("X-Api-Token", BOB)),
    ])
}

async fn scan(base: &str, policy: MethodPolicy) -> Report {
    let spec = support::spec(SPEC);
    support::run(support::scanner(base).spec(spec).identities(identities()).engine_with(|e| e.policy = policy).select_rules(["PA004", "DE008"])).await
}

fn writes(app: &App) -> Vec<(String, String, String)> {
    app.log.lock().unwrap().iter().filter(|(m, _, _)| !matches!(m.as_str(), "GET" | "HEAD" | "OPTIONS")).cloned().collect()
}

fn no_secrets(report: &Report) {
    let json = serde_json::to_string(report).unwrap();
    for secret in [ALICE, BOB, "sk_live_51HqZ9xR2vT8nC4bM7wK3pL6dF0yJ5gA1eU"] {
        assert!(!json.contains(secret), "{secret} leaked into the report");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn active_writes_carry_the_identity_and_prove_mass_assignment_and_key_reveal() {
    let (base, app) = serve(false).await;
    let report = scan(&base, MethodPolicy::active()).await;
    let sent = writes(&app);
    assert!(!sent.is_empty(), "the active scan sent no write");
    // Every write went as one identity: alice, the first (and least-privileged) one.
    assert!(sent.iter().all(|(_, _, who)| who == "alice"), "writes without the identity's credentials: {sent:?}");
    assert!(sent.iter().any(|(m, p, _)| m == "PATCH" && p == "/users/me"), "{sent:?}");
    assert!(sent.iter().any(|(m, p, _)| m == "POST" && p == "/api/keys"), "{sent:?}");

    let pa = support::assert_fires(&report, Rule::PA004);
    let on_me: Vec<_> = pa.iter().filter(|f| f.endpoint == "PATCH /users/me").collect();
    assert_eq!(on_me.len(), 1, "{pa:#?}");
    assert_eq!(on_me[0].detail.as_deref(), Some("role"));
    // What was changed was put back, and the finding says so; the server agrees.
    assert!(on_me[0].message.contains("put back to \"member\""), "{}", on_me[0].message);
    assert_eq!(app.roles.lock().unwrap().get("alice").map(String::as_str), Some("member"), "alice's role was not restored");

    let de = support::assert_fires(&report, Rule::DE008);
    assert!(de.iter().any(|f| f.detail.as_deref() == Some("observed") && f.endpoint == "POST /api/keys"), "{de:#?}");
    assert!(report.health.notes.is_empty(), "{:?}", report.health.notes);
    no_secrets(&report);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fixed_twin_is_quiet_and_a_default_scan_with_identities_never_writes() {
    let (base, app) = serve(true).await;
    let report = scan(&base, MethodPolicy::active()).await;
    assert!(writes(&app).iter().all(|(_, _, who)| who == "alice"), "{:?}", writes(&app));
    support::assert_quiet(&report, Rule::PA004);
    assert!(!report.findings.iter().any(|f| f.rule == "DE008" && f.detail.as_deref() == Some("observed")), "{:#?}", report.findings);

    // Read-only (default) scan with identities: GET/HEAD/OPTIONS only, and as the identities.
    let (base, app) = serve(false).await;
    let report = support::run(support::scanner(&base).spec(support::spec(SPEC)).identities(identities())).await;
    assert!(writes(&app).is_empty(), "a default scan wrote: {:?}", writes(&app));
    let log = app.log.lock().unwrap().clone();
    for name in ["alice", "bob"] {
        assert!(log.iter().any(|(m, p, who)| m == "GET" && p == "/users/me" && who == name), "/users/me never read as {name}");
    }
    no_secrets(&report);
}
