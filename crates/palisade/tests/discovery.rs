//! Do no harm on real specs, and find what the spec hides: the `palisade`
//! binary, default flags, against third-party-style fixtures on loopback
//! (Flask and FastAPI apps in `tests/fixtures/thirdparty/`, and an axum
//! catch-all here). Every claim is read from what the server received or
//! from the report the binary printed.

use palisade_testkit::PyFixture;
use serde_json::Value;
use std::process::{Command, Output};

fn palisade(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_palisade")).args(args).env("NO_COLOR", "1").output().expect("run palisade")
}

/// A JSON scan with the default flags plus `extra`; returns the report and its raw text.
fn scan(url: &str, extra: &[&str]) -> (Value, String) {
    let mut args = vec!["scan", url, "-f", "json", "--no-progress", "--max-time", "120"];
    args.extend_from_slice(extra);
    let out = palisade(&args);
    assert!(matches!(out.status.code(), Some(0 | 1)), "scan of {url} exited {:?}: {}", out.status.code(), String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    (serde_json::from_str(&text).expect("json report"), text)
}

fn findings<'a>(report: &'a Value, rule: &str) -> Vec<&'a Value> {
    report["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == rule).collect()
}

fn finding_at<'a>(report: &'a Value, rule: &str, endpoint: &str) -> Option<&'a Value> {
    findings(report, rule).into_iter().find(|f| f["endpoint"] == endpoint)
}

fn start(module: &str) -> PyFixture {
    PyFixture::start(module).unwrap_or_else(|e| panic!("fixture {module}: {e}"))
}

/// Requests whose path (before `?`) matches `pred`.
fn hits(fixture: &PyFixture, pred: impl Fn(&str) -> bool) -> Vec<(String, String)> {
    fixture.requests().into_iter().filter(|(_, target)| pred(target.split('?').next().unwrap_or(""))).collect()
}

/// The operations of `vampi_like.py` that change state when called with GET.
fn state_changing(path: &str) -> bool {
    let p = path.to_ascii_lowercase();
    let p = p.trim_end_matches('/');
    p == "/createdb"
        || p == "/api/v1/demo-data"
        || p == "/api/v1/admin/dropall"
        || p == "/api/v1/resetpassword"
        || (p.starts_with("/jobs/") && p.ends_with("/run-now"))
}

#[test]
fn no_state_changing_operation_is_ever_called_by_any_check() {
    let app = start("vampi_like");
    let (report, _) = scan(&app.base_url, &[]);
    let bad = hits(&app, state_changing);
    assert!(bad.is_empty(), "state-changing operations were called: {bad:?}");

    // Safe operations, nouns that look like verbs included, were crawled.
    for safe in ["/books/v1", "/api/v1/runs", "/users/v1", "/health"] {
        assert!(!hits(&app, |p| p == safe).is_empty(), "{safe} was never requested");
    }
    assert!(!hits(&app, |p| p.starts_with("/imports/")).is_empty(), "GET /imports/{{id}} was never requested");

    // The report says what was skipped and why: which field, which word.
    let skipped = report["skipped"].as_array().unwrap();
    let reason = |path: &str| -> String {
        skipped.iter().find(|s| s["path"] == path).unwrap_or_else(|| panic!("{path} not in skipped: {skipped:#?}"))["reason"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(reason("/createdb").contains("create"), "{}", reason("/createdb"));
    assert!(reason("/api/v1/demo-data").contains("description"), "{}", reason("/api/v1/demo-data"));
    assert!(reason("/api/v1/admin/dropall").contains("drop"), "{}", reason("/api/v1/admin/dropall"));
    assert!(reason("/jobs/{job_id}/run-now").contains("run"), "{}", reason("/jobs/{job_id}/run-now"));
    for safe in ["/api/v1/runs", "/imports/{import_id}", "/books/v1"] {
        assert!(!skipped.iter().any(|s| s["path"] == safe), "{safe} was skipped: {skipped:#?}");
    }
    // The built-in list is curated as safe reads: none of it is reported as skipped.
    let listed: Vec<_> = skipped.iter().filter(|s| s["reason"].as_str().unwrap_or("").contains("commonly exposed")).collect();
    assert!(listed.is_empty(), "{listed:#?}");
    // Checks did try to reach denied operations and were refused in the HTTP layer.
    assert!(report["health"]["refused"].as_u64().unwrap() > 0, "{:#?}", report["health"]);
}

#[test]
fn an_active_scan_still_never_calls_a_denied_operation() {
    let app = start("vampi_like");
    let host_port = app.base_url.trim_start_matches("http://").to_string();
    let _ = scan(&app.base_url, &["--active", "--confirm-target", &host_port, "--discovery", "quick"]);
    let bad = hits(&app, state_changing);
    assert!(bad.is_empty(), "state-changing operations were called under --active: {bad:?}");
}

#[test]
fn logs_named_in_robots_are_found_and_their_keys_reported_masked() {
    let app = start("vampi_like");
    let (report, text) = scan(&app.base_url, &[]);
    // `robots.txt` names `/createdb` too: triage refuses it, and it is never called.
    assert!(hits(&app, state_changing).is_empty());

    let listed = finding_at(&report, "DE005", "GET /internal-logs/api-2026-11-30.log")
        .unwrap_or_else(|| panic!("log from the listing not found: {:#?}", findings(&report, "DE005")));
    assert!(listed["message"].as_str().unwrap().contains("log"), "{listed:#?}");
    assert!(
        finding_at(&report, "DE005", "GET /var/archive/access.log").is_some(),
        "log in a refused folder not found: {:#?}",
        findings(&report, "DE005")
    );
    // The detector sees the logs: the keys inside are DE001 findings.
    let keys: Vec<_> = findings(&report, "DE001").into_iter().filter(|f| f["endpoint"].as_str().unwrap().contains(".log")).collect();
    assert!(!keys.is_empty(), "no secret reported in the logs: {:#?}", findings(&report, "DE001"));
    // Never the whole key: the log's keys appear nowhere in the report.
    let log = raw_get(&app.base_url, "/internal-logs/api-2026-11-30.log");
    let planted: Vec<&str> = log.split(|c: char| !c.is_ascii_alphanumeric() && c != '_').filter(|w| w.starts_with("vk_live_")).collect();
    assert!(!planted.is_empty(), "fixture log has no keys: {log}");
    for key in planted {
        assert!(!text.contains(key), "report leaks {key}");
    }
}

#[test]
fn a_hidden_debug_endpoint_is_found_and_its_password_masked() {
    let app = start("fastapi_env");
    let (report, text) = scan(&app.base_url, &[]);
    let debug = finding_at(&report, "DE005", "GET /debug").unwrap_or_else(|| panic!("/debug not found: {:#?}", report["findings"]));
    assert_eq!(debug["severity"], "high", "{debug:#?}");
    assert!(finding_at(&report, "IN007", "GET /debug").is_some(), "/debug not reported as undocumented");
    assert!(
        findings(&report, "DE001").iter().any(|f| f["endpoint"] == "GET /debug"),
        "the detector did not report the environment's secrets: {:#?}",
        findings(&report, "DE001")
    );
    let env = raw_get(&app.base_url, "/debug");
    let password = json_field(&env, "POSTGRES_PASSWORD");
    assert!(password.len() >= 12, "fixture password: {password}");
    assert!(!text.contains(&password), "report leaks the password");
    // A GET in the spec that rebuilds the index is triaged away.
    assert!(hits(&app, |p| p == "/admin/reindex").is_empty(), "GET /admin/reindex was called");
}

#[test]
fn catch_all_servers_yield_no_discovery_findings() {
    let app = start("catch_all");
    let (report, _) = scan(&app.base_url, &[]);
    assert_no_discovery_findings(&report, "catch_all.py");
    // It was really tried: discovery asked for many paths.
    assert!(app.requests().len() > 100, "only {} requests", app.requests().len());

    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let base = rt.block_on(axum_catch_all());
    let (report, _) = scan(&base, &[]);
    assert_no_discovery_findings(&report, "axum catch-all");
}

#[test]
fn the_hardened_twin_yields_no_discovery_findings() {
    let app = start("hardened_twin");
    let (report, _) = scan(&app.base_url, &[]);
    assert_no_discovery_findings(&report, "hardened_twin.py");
    assert!(findings(&report, "DE001").is_empty(), "{:#?}", findings(&report, "DE001"));
}

#[test]
fn a_default_scan_stays_within_its_request_budget() {
    let app = start("vampi_like");
    let (off, _) = scan(&app.base_url, &["--discovery", "off"]);
    let without = app.requests().len();
    let (on, _) = scan(&app.base_url, &[]);
    let with = app.requests().len() - without;
    assert!(with > without, "discovery sent nothing: {with} vs {without}");
    assert!(with - without <= 400, "discovery cost {} requests", with - without);
    for report in [&off, &on] {
        assert!(report["health"]["requests_sent"].as_u64().unwrap() <= 5000);
    }
    // Discovery is what finds the logs.
    assert!(finding_at(&off, "DE005", "GET /var/archive/access.log").is_none());
    assert!(finding_at(&on, "DE005", "GET /var/archive/access.log").is_some());
}

fn assert_no_discovery_findings(report: &Value, what: &str) {
    let noisy: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["message"].as_str().unwrap_or("").contains("content discovery") || ["DE005", "IN008"].contains(&f["rule"].as_str().unwrap_or(""))
        })
        .collect();
    assert!(noisy.is_empty(), "{what}: {noisy:#?}");
}

/// A catch-all written the axum way: 200 and a JSON echo for every path.
async fn axum_catch_all() -> String {
    use axum::{http::Uri, Json, Router};
    let app = Router::new()
        .fallback(|uri: Uri| async move { Json(serde_json::json!({"status": "ok", "path": uri.path(), "data": [], "version": "1.4.2"})) });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}

/// Plain HTTP/1.0 GET over a socket, so the test does not depend on our own client.
fn raw_get(base_url: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let addr = base_url.trim_start_matches("http://").trim_end_matches('/');
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut buf = String::new();
    s.read_to_string(&mut buf).unwrap();
    buf
}

/// A string value `"name": "value"` from a raw HTTP answer.
fn json_field(raw: &str, name: &str) -> String {
    let body = raw.split("\r\n\r\n").nth(1).unwrap_or("");
    let v: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    fn find(v: &Value, name: &str) -> Option<String> {
        match v {
            Value::Object(o) => o.get(name).and_then(|x| x.as_str().map(str::to_string)).or_else(|| o.values().find_map(|x| find(x, name))),
            Value::Array(a) => a.iter().find_map(|x| find(x, name)),
            _ => None,
        }
    }
    find(&v, name).unwrap_or_else(|| panic!("{name} not in {body}"))
}
