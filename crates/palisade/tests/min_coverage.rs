//! `--min-coverage`: a scan that tested less than the given share of the
//! API's operations fails its gate (exit 1) with a one-line reason; the
//! palisade.toml key `min-coverage` does the same.

use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::process::{Command, Output};

/// Three GET operations and one POST a read-only scan never sends: 75 % coverage.
fn spec() -> Value {
    let ok = json!({"200": {"description": "ok"}});
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Four operations", "version": "1"},
        "paths": {
            "/items": {"get": {"summary": "List items", "responses": ok}, "post": {"summary": "Add an item", "responses": ok}},
            "/items/{id}": {"get": {"summary": "Get an item", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}], "responses": ok}},
            "/status": {"get": {"summary": "Service status", "responses": ok}},
        }
    })
}

/// Serve the API on loopback from a background thread; returns its base URL.
fn serve() -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        rt.block_on(async move {
            let app = Router::new()
                .route("/openapi.json", get(|| async { Json(spec()) }))
                .route("/items", get(|| async { Json(json!([{"id": 1}])) }))
                .route("/items/{id}", get(|| async { Json(json!({"id": 1})) }))
                .route("/status", get(|| async { Json(json!({"ok": true})) }));
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(format!("http://{}", listener.local_addr().unwrap())).unwrap();
            let _ = axum::serve(listener, app).await;
        });
    });
    rx.recv().unwrap()
}

fn palisade(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_palisade")).args(args).env("NO_COLOR", "1").output().expect("run palisade")
}

fn scan(base: &str, extra: &[&str]) -> Output {
    let spec = format!("{base}/openapi.json");
    let mut args = vec!["scan", base, "--spec", &spec, "-f", "json", "--no-progress", "--discovery", "off", "--max-time", "60"];
    args.extend_from_slice(extra);
    palisade(&args)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn min_coverage_gates_on_the_share_of_operations_tested() {
    let base = serve();

    let failed = scan(&base, &["--min-coverage", "80"]);
    assert_eq!(failed.status.code(), Some(1), "{}", stderr(&failed));
    let report: Value = serde_json::from_slice(&failed.stdout).expect("the report is still written");
    let c = &report["coverage"];
    assert_eq!((c["operations"].as_u64(), c["tested"].as_u64()), (Some(4), Some(3)), "{c}");
    assert_eq!(c["skipped"], json!([{"reason": "needs_write", "operations": 1}]));
    let err = stderr(&failed);
    let reasons: Vec<&str> = err.lines().filter(|l| l.contains("gate failed")).map(str::trim).collect();
    assert_eq!(reasons, ["gate failed: coverage 75.0% is below 80%: 3 of 4 operations tested, 1 skipped: 1 needs write"]);

    let passed = scan(&base, &["--min-coverage", "75"]);
    assert_eq!(passed.status.code(), Some(0), "{}", stderr(&passed));
    assert!(!stderr(&passed).contains("gate failed"));

    // The config file key works like the flag, and the flag wins over it.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("palisade.toml");
    std::fs::write(&config, "[scan]\nmin-coverage = 90\n").unwrap();
    let config = config.to_str().unwrap();
    let from_file = scan(&base, &["--config", config]);
    assert_eq!(from_file.status.code(), Some(1), "{}", stderr(&from_file));
    assert!(stderr(&from_file).contains("coverage 75.0% is below 90%"), "{}", stderr(&from_file));
    let flag_wins = scan(&base, &["--config", config, "--min-coverage", "50"]);
    assert_eq!(flag_wins.status.code(), Some(0), "{}", stderr(&flag_wins));

    // The pretty report says it in one line.
    let pretty = palisade(&["scan", &base, "--spec", &format!("{base}/openapi.json"), "--no-progress", "--discovery", "off"]);
    let text = String::from_utf8_lossy(&pretty.stdout);
    assert!(text.contains("Coverage   3 of 4 operations tested, 1 skipped: 1 needs write"), "{text}");
}

#[test]
fn a_min_coverage_that_is_not_a_percentage_is_a_usage_error_before_any_request() {
    // Nothing listens on this port: a usage error must come before the scan tries to connect.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let out = palisade(&["scan", &format!("http://127.0.0.1:{port}/"), "--no-progress", "--min-coverage", "150"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--min-coverage 150 is not a percentage"), "{}", stderr(&out));
}
