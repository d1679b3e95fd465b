//! `--max-spec-bytes` end to end (issue 16): the `palisade` binary against a
//! loopback server publishing a generated 5,000-operation spec (~2.5 MB, more
//! than the 2 MiB `--max-body`) at `/openapi.json`.

#[path = "../../palisade-spec/tests/support/big_spec.rs"]
mod big_spec;

use axum::routing::get;
use axum::Router;
use std::process::{Command, Output};
use std::sync::Arc;

fn palisade(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_palisade")).args(args).env("NO_COLOR", "1").output().expect("run palisade")
}

/// A runtime serving `spec` at `/openapi.json`; keep the runtime alive while the binary runs.
fn serve(spec: &str) -> (tokio::runtime::Runtime, String) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let spec = Arc::new(spec.to_string());
    let base = rt.block_on(async move {
        let app = Router::new()
            .route("/", get(|| async { "ok" }))
            .route("/openapi.json", get(move || async move { ([("content-type", "application/json")], spec.as_str().to_owned()) }))
            .fallback(|| async { (axum::http::StatusCode::NOT_FOUND, "not found") });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        format!("http://{addr}/")
    });
    (rt, base)
}

const QUICK: &[&str] = &["--no-progress", "--discovery", "off", "--rate", "1000", "--max-requests", "400", "--max-time", "60"];

#[test]
fn a_default_scan_reads_a_spec_larger_than_max_body() {
    let spec = big_spec::openapi_spec(5_000);
    assert!(spec.len() > 2 * 1024 * 1024);
    let (_rt, base) = serve(&spec);
    let mut args = vec!["scan", base.as_str(), "-f", "json"];
    args.extend_from_slice(QUICK);
    let out = palisade(&args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("could not load the spec"), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("json report ({e}); stderr: {stderr}"));
    assert_eq!(report["inventory"]["endpoints"], 5_000, "stderr: {stderr}");
}

/// stderr of a scan that must fail on the spec: exit 2, one error line and one hint.
fn spec_failure(args: &[&str]) -> (String, String) {
    let out = palisade(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(out.stdout.is_empty(), "no report is written");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    (lines[0].to_string(), lines[1].to_string())
}

#[test]
fn a_spec_over_max_spec_bytes_fails_with_one_clear_line() {
    let spec = big_spec::openapi_spec(5_000);
    let size = format!("{:.1} MB", spec.len() as f64 / 1e6);
    let (_rt, base) = serve(&spec);

    // The flag, for the spec found at a well-known location.
    let mut args = vec!["scan", base.as_str(), "--max-spec-bytes", "1048576"];
    args.extend_from_slice(QUICK);
    let (error, hint) = spec_failure(&args);
    assert_eq!(error, format!("error: could not load the spec: {base}openapi.json: spec is {size}, over --max-spec-bytes 1 MiB"));
    assert!(hint.starts_with("hint: raise the limit, e.g. --max-spec-bytes "), "{hint}");

    // The same key in palisade.toml, and an explicit --spec URL.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("palisade.toml");
    std::fs::write(&config, "[scan]\nmax-spec-bytes = 1048576\n").unwrap();
    let spec_url = format!("{base}openapi.json");
    let mut args = vec!["scan", base.as_str(), "--config", config.to_str().unwrap(), "--spec", spec_url.as_str()];
    args.extend_from_slice(QUICK);
    let (error, _) = spec_failure(&args);
    assert_eq!(error, format!("error: could not load the spec: {spec_url}: spec is {size}, over --max-spec-bytes 1 MiB"));

    // A spec file obeys the same limit, checked before the file is read.
    let file = dir.path().join("big.json");
    std::fs::write(&file, &spec).unwrap();
    let mut args = vec!["scan", base.as_str(), "--spec", file.to_str().unwrap(), "--max-spec-bytes", "1048576"];
    args.extend_from_slice(QUICK);
    let (error, _) = spec_failure(&args);
    assert_eq!(error, format!("error: could not load the spec: {}: spec is {size}, over --max-spec-bytes 1 MiB", file.display()));
}

#[test]
fn max_spec_bytes_is_documented_in_help() {
    let out = palisade(&["scan", "--help"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("--max-spec-bytes <BYTES>"));
}
