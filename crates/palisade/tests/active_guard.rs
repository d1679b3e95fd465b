//! The `--active` guard and the read-only default, proven against the demo
//! server's own request log, and role identities (flags and palisade.toml)
//! reaching BF003 (loopback servers only).

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use palisade_demo::{DemoConfig, DemoServer};
use std::process::{Command, Output};

/// Run the binary off the async runtime so the in-process demo keeps serving.
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
    let mut a: Vec<String> = ["scan", base, "-f", "json", "--no-progress", "--max-time", "60"].iter().map(|s| s.to_string()).collect();
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn active_without_confirmation_is_refused_before_any_request() {
    let server = DemoServer::start(DemoConfig { hardened: false }).await.unwrap();
    let base = server.base_url();
    let port = server.addr.port();

    for extra in [vec!["--active"], vec!["--allow-method", "POST"], vec!["--allow-method", "delete", "--allow-method", "GET"]] {
        let out = palisade(args(&base, &extra)).await;
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {err}");
        assert!(err.contains("needs --confirm-target"), "{err}");
        assert!(err.contains(&format!("hint: only against a target you own: add --confirm-target 127.0.0.1:{port}")), "{err}");
        assert_eq!(err.lines().filter(|l| l.starts_with("error:")).count(), 1, "one-line error: {err}");
        assert!(out.stdout.is_empty());
    }

    // A wrong target (other port, other host) is refused too.
    for wrong in [format!("127.0.0.1:{}", port.wrapping_add(1)), format!("localhost:{port}")] {
        let out = palisade(args(&base, &["--active", "--confirm-target", &wrong])).await;
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{wrong}: {err}");
        assert!(err.contains("does not match the target"), "{err}");
    }

    let log = server.requests();
    server.shutdown().await;
    assert!(log.is_empty(), "a refused scan sent requests: {:?}", log.iter().map(|r| format!("{} {}", r.method, r.uri)).collect::<Vec<_>>());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn active_with_the_right_target_runs_with_a_warning() {
    let server = DemoServer::start(DemoConfig { hardened: true }).await.unwrap();
    let base = server.base_url();
    let confirm = format!("127.0.0.1:{}", server.addr.port());
    let out = palisade(args(&base, &["--active", "--confirm-target", &confirm, "--checks", "IN001"])).await;
    let log = server.requests();
    server.shutdown().await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let warnings: Vec<&str> = err.lines().filter(|l| l.starts_with("warning: active scan of")).collect();
    assert_eq!(warnings.len(), 1, "{err}");
    assert!(warnings[0].contains(&confirm) && warnings[0].contains("POST"), "{err}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json report");
    assert!(report["findings"].is_array());
    assert!(!log.is_empty(), "the accepted scan did run");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_default_scan_of_the_demo_sends_only_read_only_methods() {
    let server = DemoServer::start(DemoConfig { hardened: false }).await.unwrap();
    let out = palisade(args(&server.base_url(), &[])).await;
    let log = server.requests();
    server.shutdown().await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("warning: active scan"), "{err}");
    assert!(log.len() > 50, "the scan ran: {} requests", log.len());
    let writes: Vec<String> = log
        .iter()
        .filter(|r| !matches!(r.method.as_str(), "GET" | "HEAD" | "OPTIONS"))
        // The documented exception: LLM probes POST short text to the chat endpoint.
        .filter(|r| !(r.method == "POST" && r.uri.split('?').next() == Some("/api/v1/chat")))
        .map(|r| format!("{} {}", r.method, r.uri))
        .collect();
    assert!(writes.is_empty(), "a default scan sent state-changing requests: {writes:?}");
}

// ---- Role identities from flags and from palisade.toml reach BF003 ----

const ADMIN_TOKEN: &str = "tok-admin-5d1e07";
const USER_TOKEN: &str = "tok-user-93ac2f";

async fn admin_users(headers: HeaderMap) -> Response {
    match headers.get("authorization").and_then(|v| v.to_str().ok()) {
        Some(v) if v == format!("Bearer {ADMIN_TOKEN}") || v == format!("Bearer {USER_TOKEN}") => {
            Json(serde_json::json!({"users": [{"id": 1, "name": "Root", "role": "admin"}]})).into_response()
        }
        _ => (StatusCode::UNAUTHORIZED, [("www-authenticate", "Bearer")], "no").into_response(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn role_identities_from_flags_and_config_file_find_bf003_without_printing_tokens() {
    let app = Router::new().route("/", get(|| async { Json(serde_json::json!({"ok": true})) })).route("/admin/users", get(admin_users));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });

    let admin = format!("admin:root=Authorization: Bearer {ADMIN_TOKEN}");
    let user = format!("user:alice=Authorization: Bearer {USER_TOKEN}");
    let flags = palisade(args(&base, &["--checks", "BF003", "--identity", &admin, "--identity", &user])).await;

    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("palisade.toml");
    std::fs::write(&cfg, format!("[scan]\nidentity = [\"{admin}\", \"{user}\"]\n")).unwrap();
    let cfg = cfg.to_string_lossy().into_owned();
    let file = palisade(args(&base, &["--checks", "BF003", "--config", &cfg])).await;
    server.abort();

    for (how, out) in [("flags", &flags), ("config file", &file)] {
        assert_eq!(out.status.code(), Some(0), "{how}: {}", stderr(out));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(!stdout.contains(ADMIN_TOKEN) && !stdout.contains(USER_TOKEN) && !stderr(out).contains(USER_TOKEN), "{how}: token printed");
        let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        let bf: Vec<&serde_json::Value> = report["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == "BF003").collect();
        assert_eq!(bf.len(), 1, "{how}: {stdout}");
        assert_eq!(bf[0]["endpoint"], "GET /admin/users");
    }
}
