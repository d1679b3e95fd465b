//! `--auth-command`: an identity whose token expires mid-scan is refreshed by
//! a user command, the failed request is re-sent, identity-based findings
//! stay intact, and the expired-session 401 is never a finding. Against an
//! in-process axum server on 127.0.0.1 whose token for alice expires after
//! two requests.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

const ALICE_OLD: &str = "tok-alice-old-5e81c2";
const ALICE_FRESH: &str = "tok-alice-fresh-9a07d4";
const BOB: &str = "tok-bob-33f6b0";
/// Requests alice's first token is good for.
const OLD_TOKEN_USES: u32 = 2;

#[derive(Default)]
struct Server {
    old_uses: u32,
    /// (path, token, status) of every authenticated request.
    log: Vec<(String, String, u16)>,
}

type Shared = Arc<Mutex<Server>>;

/// The caller, or the response to send instead. An expired token gets a 401
/// *without* `WWW-Authenticate` (AU008 would report it if a check saw it).
#[allow(clippy::result_large_err)]
fn caller(state: &Shared, headers: &HeaderMap, path: &str) -> Result<&'static str, Response> {
    let token = headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")).unwrap_or("").to_string();
    let mut s = state.lock().unwrap();
    let who = match token.as_str() {
        ALICE_OLD => {
            s.old_uses += 1;
            (s.old_uses <= OLD_TOKEN_USES).then_some("alice").ok_or("expired")
        }
        ALICE_FRESH => Ok("alice"),
        BOB => Ok("bob"),
        "" => Err("missing"),
        _ => Err("invalid"),
    };
    let status = if who.is_ok() { 200 } else { 401 };
    if !token.is_empty() {
        s.log.push((path.to_string(), token, status));
    }
    match who {
        Ok(w) => Ok(w),
        Err("expired") => Err((StatusCode::UNAUTHORIZED, Json(json!({"error": "token expired"}))).into_response()),
        Err(_) => {
            Err((StatusCode::UNAUTHORIZED, [("www-authenticate", "Bearer realm=\"docs\"")], Json(json!({"error": "unauthorized"}))).into_response())
        }
    }
}

fn owner_of(id: u32) -> &'static str {
    if id <= 2 {
        "alice"
    } else {
        "bob"
    }
}

async fn list(State(state): State<Shared>, headers: HeaderMap) -> Response {
    let who = match caller(&state, &headers, "/api/docs") {
        Ok(w) => w,
        Err(r) => return r,
    };
    let docs: Vec<Value> = (1..=4).filter(|i| owner_of(*i) == who).map(|i| json!({"id": i, "owner": who})).collect();
    Json(json!({"docs": docs})).into_response()
}

/// Vulnerable on purpose: any valid token reads any document (BO002).
async fn detail(State(state): State<Shared>, headers: HeaderMap, Path(id): Path<u32>) -> Response {
    if let Err(r) = caller(&state, &headers, &format!("/api/docs/{id}")) {
        return r;
    }
    match id {
        1..=4 => Json(json!({"id": id, "owner": owner_of(id), "title": format!("doc {id}")})).into_response(),
        _ => (StatusCode::NOT_FOUND, Json(json!({"error": "not found"}))).into_response(),
    }
}

fn spec() -> Value {
    let ok = json!({"200": {"description": "ok"}});
    json!({
        "openapi": "3.0.3", "info": {"title": "docs", "version": "1"},
        "paths": {
            "/api/docs": {"get": {"operationId": "listDocs", "responses": ok}},
            "/api/docs/{id}": {"get": {"operationId": "getDoc", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}], "responses": ok}}
        }
    })
}

async fn start() -> (String, Shared, tokio::task::JoinHandle<()>) {
    let state: Shared = Arc::default();
    let app = Router::new()
        .route("/", get(|| async { Json(json!({"ok": true})) }))
        .route("/openapi.json", get(|| async { Json(spec()) }))
        .route("/api/docs", get(list))
        .route("/api/docs/{id}", get(detail))
        .with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let handle = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (base, state, handle)
}

async fn palisade(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_palisade"))
            .args(&args)
            .env("NO_COLOR", "1")
            .env_remove("PALISADE_HEADER")
            .env_remove("PALISADE_BEARER")
            .output()
            .expect("run palisade")
    })
    .await
    .unwrap()
}

fn scan_args(base: &str, extra: &[String]) -> Vec<String> {
    let mut a: Vec<String> =
        ["scan", base, "-f", "json", "--no-progress", "--max-time", "60", "--checks", "BO002,AU008"].iter().map(|s| s.to_string()).collect();
    a.push("--identity".into());
    a.push(format!("alice=Authorization: Bearer {ALICE_OLD}"));
    a.push("--identity".into());
    a.push(format!("bob=Authorization: Bearer {BOB}"));
    a.extend(extra.iter().cloned());
    a
}

/// Statuses of every exchange the report keeps (only those findings cite).
/// Statuses of the cited exchanges that carried credentials (BO002 also
/// cites its anonymous replay, whose 401 is the expected answer).
fn cited_statuses(report: &Value) -> Vec<(String, u64)> {
    let authenticated = |e: &&Value| {
        e["request_headers"].as_array().into_iter().flatten().any(|h| h[0].as_str().is_some_and(|n| n.eq_ignore_ascii_case("authorization")))
    };
    report["exchanges"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(authenticated)
        .map(|e| (e["url"].as_str().unwrap_or("").to_string(), e["status"].as_u64().unwrap_or(0)))
        .collect()
}

fn bo002_callers(report: &Value) -> Vec<String> {
    report["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == "BO002").map(|f| f["message"].as_str().unwrap().to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_identity_is_refreshed_by_the_auth_command_and_the_401_is_never_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    let runs_file = dir.path().join("runs");
    std::fs::write(&token_file, format!("Authorization: Bearer {ALICE_FRESH}\n")).unwrap();
    let command = format!("alice=echo run >> '{}'; cat '{}'", runs_file.display(), token_file.display());

    // With --auth-command.
    let (base, state, handle) = start().await;
    let out = palisade(scan_args(&base, &["--auth-command".into(), command])).await;
    let log = std::mem::take(&mut state.lock().unwrap().log);
    handle.abort();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    for t in [ALICE_OLD, ALICE_FRESH, BOB] {
        assert!(!stdout.contains(t) && !stderr.contains(t), "token printed");
    }
    // The command ran exactly once; the expired token was refused once and replaced.
    assert_eq!(std::fs::read_to_string(&runs_file).unwrap().lines().count(), 1);
    assert!(stderr.contains("note: credentials of identity 'alice' refreshed 1 time(s) by --auth-command"), "{stderr}");
    let expired: Vec<&(String, String, u16)> = log.iter().filter(|(_, t, s)| t == ALICE_OLD && *s == 401).collect();
    assert_eq!(expired.len(), 1, "{log:?}");
    // The request that failed was re-sent with the fresh token, right after.
    let at = log.iter().position(|(_, t, s)| t == ALICE_OLD && *s == 401).unwrap();
    let retried = log[at + 1..].iter().find(|(_, t, _)| t != BOB).unwrap();
    assert_eq!((&retried.0, retried.1.as_str(), retried.2), (&expired[0].0, ALICE_FRESH, 200), "{log:?}");
    assert!(!log[at + 1..].iter().any(|(_, t, _)| t == ALICE_OLD), "old token used after the refresh: {log:?}");

    // Identity-based findings intact in both directions; no finding cites a 401; AU008 not reported.
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let bo = bo002_callers(&report);
    assert!(bo.iter().any(|m| m.starts_with("Identity 'alice' read an object of identity 'bob'")), "{bo:?}");
    assert!(bo.iter().any(|m| m.starts_with("Identity 'bob' read an object of identity 'alice'")), "{bo:?}");
    assert!(!report["findings"].as_array().unwrap().iter().any(|f| f["rule"] == "AU008"), "{stdout}");
    assert!(cited_statuses(&report).iter().all(|(_, s)| *s != 401), "{:?}", cited_statuses(&report));

    // Control: the same scan without --auth-command loses alice's proof and reports the expired 401.
    let (base, _state, handle) = start().await;
    let out = palisade(scan_args(&base, &[])).await;
    handle.abort();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let bo = bo002_callers(&report);
    assert!(!bo.iter().any(|m| m.starts_with("Identity 'alice' read")), "{bo:?}");
    assert!(report["findings"].as_array().unwrap().iter().any(|f| f["rule"] == "AU008"), "control should see the expired 401");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_command_errors_are_clear() {
    let (base, _state, handle) = start().await;
    // An unknown identity is a usage error before any request.
    let out = palisade(scan_args(&base, &["--auth-command".into(), "carol=echo x".into()])).await;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--auth-command names identity 'carol', which is not configured"), "{stderr}");

    // A command that prints garbage: the scan completes, the failure is a warning, alice's 401 stays a 401.
    let out = palisade(scan_args(&base, &["--auth-command".into(), "alice=echo not a header".into()])).await;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    handle.abort();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("warning: --auth-command for identity 'alice' failed: printed an invalid line"), "{stderr}");

    // From palisade.toml too.
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("palisade.toml");
    std::fs::write(&cfg, "[scan]\nauth-command = [\"nobody=echo x\"]\n").unwrap();
    let (base, _state, handle) = start().await;
    let out = palisade(scan_args(&base, &["--config".into(), cfg.to_string_lossy().into_owned()])).await;
    handle.abort();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("identity 'nobody', which is not configured"), "{stderr}");
}
