//! Two-identity BO002 from a `palisade.toml` (`[scan] identity = [...]`)
//! works exactly as from `--identity` flags, and a fixed server gives no
//! BO002 either way (in-process axum server on 127.0.0.1).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::process::{Command, Output};

const ALICE: &str = "tok-alice-cfg-71d2e9";
const BOB: &str = "tok-bob-cfg-0c4a58";

/// (id, owner)
const DOCS: &[(u32, &str)] = &[(1, "alice"), (2, "alice"), (3, "bob"), (4, "bob")];

fn caller(headers: &HeaderMap) -> Option<&'static str> {
    match headers.get("authorization").and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")) {
        Some(ALICE) => Some("alice"),
        Some(BOB) => Some("bob"),
        _ => None,
    }
}

fn unauthorized() -> Response {
    (StatusCode::UNAUTHORIZED, [("www-authenticate", "Bearer realm=\"docs\"")], Json(json!({"error": "unauthorized"}))).into_response()
}

async fn list(headers: HeaderMap) -> Response {
    let Some(who) = caller(&headers) else { return unauthorized() };
    let docs: Vec<Value> = DOCS.iter().filter(|d| d.1 == who).map(|(id, owner)| json!({"id": id, "owner": owner})).collect();
    Json(json!({"docs": docs})).into_response()
}

async fn detail(State(fixed): State<bool>, headers: HeaderMap, Path(id): Path<u32>) -> Response {
    let Some(who) = caller(&headers) else { return unauthorized() };
    let Some((id, owner)) = DOCS.iter().find(|d| d.0 == id) else {
        return (StatusCode::NOT_FOUND, Json(json!({"error": "not found"}))).into_response();
    };
    if fixed && *owner != who {
        return (StatusCode::FORBIDDEN, Json(json!({"error": "forbidden"}))).into_response();
    }
    Json(json!({"id": id, "owner": owner, "title": format!("doc {id}")})).into_response()
}

async fn start(fixed: bool) -> (String, tokio::task::JoinHandle<()>) {
    let ok = json!({"200": {"description": "ok"}});
    let spec = json!({
        "openapi": "3.0.3", "info": {"title": "docs", "version": "1"},
        "paths": {
            "/api/docs": {"get": {"operationId": "listDocs", "responses": ok}},
            "/api/docs/{id}": {"get": {"operationId": "getDoc", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}], "responses": ok}}
        }
    });
    let app = Router::new()
        .route("/", get(|| async { Json(json!({"ok": true})) }))
        .route("/openapi.json", get(move || async move { Json(spec) }))
        .route("/api/docs", get(list))
        .route("/api/docs/{id}", get(detail))
        .with_state(fixed);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let handle = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (base, handle)
}

/// Run the binary off the async runtime so the in-process server keeps serving.
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

fn args(base: &str, extra: &[&str]) -> Vec<String> {
    let mut a: Vec<String> =
        ["scan", base, "-f", "json", "--no-progress", "--max-time", "60", "--checks", "BO002"].iter().map(|s| s.to_string()).collect();
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

/// (endpoint, message) of every BO002 finding; asserts no token was printed.
fn bo002(out: &Output) -> BTreeSet<(String, String)> {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    for tok in [ALICE, BOB] {
        assert!(!stdout.contains(tok) && !stderr.contains(tok), "token printed");
    }
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout} {stderr}"));
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "BO002")
        .map(|f| (f["endpoint"].as_str().unwrap().to_string(), f["message"].as_str().unwrap().to_string()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_identities_from_palisade_toml_prove_bo002_like_the_flags_do() {
    let alice = format!("alice=Authorization: Bearer {ALICE}");
    let bob = format!("bob=Authorization: Bearer {BOB}");
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("palisade.toml");
    std::fs::write(&cfg, format!("[scan]\nidentity = [\"{alice}\", \"{bob}\"]\n")).unwrap();
    let cfg = cfg.to_string_lossy().into_owned();

    let (base, handle) = start(false).await;
    let flags = bo002(&palisade(args(&base, &["--identity", &alice, "--identity", &bob])).await);
    let file = bo002(&palisade(args(&base, &["--config", &cfg])).await);
    // One identity from the file proves nothing.
    let one = dir.path().join("one.toml");
    std::fs::write(&one, format!("[scan]\nidentity = [\"{alice}\"]\n")).unwrap();
    let single = bo002(&palisade(args(&base, &["--config", &one.to_string_lossy()])).await);
    handle.abort();

    assert_eq!(flags.len(), 2, "alice reads bob's doc and bob reads alice's: {flags:?}");
    assert!(flags.iter().all(|(ep, _)| ep == "GET /api/docs/{id}"), "{flags:?}");
    assert!(flags.iter().any(|(_, m)| m.contains("alice")) && flags.iter().any(|(_, m)| m.contains("bob")), "{flags:?}");
    assert_eq!(file, flags, "the config file gives the same BO002 findings as the flags");
    assert!(single.is_empty(), "{single:?}");

    let (base, handle) = start(true).await;
    let fixed = bo002(&palisade(args(&base, &["--config", &cfg])).await);
    handle.abort();
    assert!(fixed.is_empty(), "fixed server: {fixed:?}");
}
