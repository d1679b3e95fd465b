//! End-to-end tests of the `palisade` binary against real servers on loopback.

use palisade_demo::{DemoConfig, DemoServer};
use palisade_testkit::{FlaskApp, FlaskFixture};
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Output};

fn palisade(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_palisade")).args(args).env("NO_COLOR", "1").output().expect("run palisade")
}

fn json_scan(url: &str, extra: &[&str]) -> Value {
    let mut args = vec!["scan", url, "-f", "json", "--no-progress", "--max-time", "60"];
    args.extend_from_slice(extra);
    let out = palisade(&args);
    assert!(out.status.code() == Some(0), "scan of {url} exited {:?}: {}", out.status.code(), String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("json report")
}

fn rules_found(report: &Value) -> BTreeSet<String> {
    report["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap().to_string()).collect()
}

fn findings_of<'a>(report: &'a Value, rule: &str) -> Vec<&'a Value> {
    report["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == rule).collect()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap()
}

/// Plain HTTP/1.0 GET over a socket, so the test does not depend on our own client.
fn raw_get(base_url: &str, path: &str) -> String {
    let addr = base_url.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut buf = String::new();
    s.read_to_string(&mut buf).unwrap();
    buf
}

#[test]
fn demo_command_prints_a_report_with_findings_in_three_categories() {
    let out = palisade(&["demo", "-f", "json", "--no-progress"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let categories: BTreeSet<&str> = report["findings"].as_array().unwrap().iter().map(|f| f["category"].as_str().unwrap()).collect();
    assert!(categories.len() >= 3, "categories with findings: {categories:?}");
    assert!(categories.contains("data_exposure"));
    assert_ne!(report["grade"], "A");
}

#[test]
fn demo_pretty_report_shows_grade_and_findings() {
    let out = palisade(&["demo", "--no-progress"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("DE001"), "{text}");
    assert!(text.contains("Data Exposure"));
    assert!(!text.contains('\u{1b}'), "NO_COLOR and a pipe mean no ANSI colours");
}

#[test]
fn flask_remediated_app_scores_clearly_better_and_scans_only_read() {
    let vulnerable = FlaskFixture::start(FlaskApp::Vulnerable).expect("start vulnerable Flask app");
    let remediated = FlaskFixture::start(FlaskApp::Remediated).expect("start remediated Flask app");

    let v = json_scan(&vulnerable.base_url, &[]);
    let r = json_scan(&remediated.base_url, &[]);
    let (vs, rs) = (v["score"].as_u64().unwrap(), r["score"].as_u64().unwrap());
    assert!(rs >= vs + 20, "remediated {rs} ({}) should beat vulnerable {vs} ({}) clearly", r["grade"], v["grade"]);
    assert!(v["grade"].as_str().unwrap() > r["grade"].as_str().unwrap(), "grades: {} vs {}", v["grade"], r["grade"]);

    // The seed's cases: the raw key in a response, and the key echoed back / shown in a traceback.
    let raw_keys = findings_of(&v, "DE001");
    assert!(
        raw_keys.iter().any(|f| matches!(f["severity"].as_str(), Some("critical" | "high"))),
        "vulnerable app: no critical/high DE001 in {:?}",
        rules_found(&v)
    );
    let reflected = findings_of(&v, "DE006").len() + findings_of(&v, "DE003").len();
    assert!(reflected > 0, "vulnerable app: no reflected key or traceback in {:?}", rules_found(&v));
    for rule in ["DE001", "DE003", "DE006"] {
        assert!(findings_of(&r, rule).is_empty(), "remediated app reports {rule}: {:?}", findings_of(&r, rule));
    }

    // Default scans send nothing but GET, HEAD and OPTIONS: ask the servers.
    for fixture in [&vulnerable, &remediated] {
        let methods: BTreeSet<String> = fixture.requests().into_iter().map(|(m, _)| m).collect();
        assert!(!methods.is_empty());
        assert!(methods.iter().all(|m| ["GET", "HEAD", "OPTIONS"].contains(&m.as_str())), "methods seen by {}: {methods:?}", fixture.base_url);
    }
}

#[test]
fn no_output_format_contains_a_planted_secret() {
    let rt = runtime();
    let server = rt.block_on(DemoServer::start(DemoConfig::default())).unwrap();
    let base = server.base_url();

    // The demo's key list holds the planted secrets: collect every long string value.
    let raw = raw_get(&base, "/api/v1/keys");
    let body = &raw[raw.find("\r\n\r\n").unwrap() + 4..];
    let mut planted = Vec::new();
    collect_long_strings(&serde_json::from_str(body).unwrap(), &mut planted);
    let planted: Vec<String> = planted.into_iter().filter(|s| looks_secret(s)).collect();
    assert!(planted.len() >= 2, "expected planted secrets in {body}");

    let dir = tempfile::tempdir().unwrap();
    for format in ["pretty", "json", "sarif", "junit", "markdown", "html"] {
        let path = dir.path().join(format!("report.{format}"));
        let out = palisade(&["scan", &base, "-f", format, "-o", path.to_str().unwrap(), "--no-progress"]);
        assert_eq!(out.status.code(), Some(0), "{format}: {}", String::from_utf8_lossy(&out.stderr));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("DE001"), "{format} report lacks DE001");
        for secret in &planted {
            assert!(!text.contains(secret.as_str()), "{format} report contains a planted secret");
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        for secret in &planted {
            assert!(!stderr.contains(secret.as_str()), "stderr contains a planted secret");
        }
    }
    rt.block_on(server.shutdown());
}

fn collect_long_strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) if s.len() >= 20 => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| collect_long_strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| collect_long_strings(x, out)),
        _ => {}
    }
}

/// Key-like: no spaces, paths, e-mails or timestamps; mixed letters and digits.
fn looks_secret(s: &str) -> bool {
    !s.contains(' ')
        && !s.contains('/')
        && !s.contains('@')
        && !s.contains(':')
        && s.chars().any(|c| c.is_ascii_digit())
        && s.chars().any(|c| c.is_ascii_alphabetic())
}

#[test]
fn json_report_validates_against_the_published_schema() {
    let rt = runtime();
    let server = rt.block_on(DemoServer::start(DemoConfig::default())).unwrap();
    let report = json_scan(&server.base_url(), &[]);
    rt.block_on(server.shutdown());
    let schema_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/report-schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(&report).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "schema errors: {errors:#?}");
}

#[test]
fn gates_set_the_exit_code() {
    let rt = runtime();
    let server = rt.block_on(DemoServer::start(DemoConfig::default())).unwrap();
    let base = server.base_url();
    let fail_on = palisade(&["scan", &base, "-f", "json", "--no-progress", "--fail-on", "high"]);
    assert_eq!(fail_on.status.code(), Some(1));
    let fail_under = palisade(&["scan", &base, "-f", "json", "--no-progress", "--fail-under", "A"]);
    assert_eq!(fail_under.status.code(), Some(1));
    let passes = palisade(&["scan", &base, "-f", "json", "--no-progress", "--fail-under", "0"]);
    assert_eq!(passes.status.code(), Some(0));
    rt.block_on(server.shutdown());
}

#[test]
fn unreachable_target_exits_3_with_one_line_and_a_hint() {
    // Bind, learn the port, close: nothing listens there any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let out = palisade(&["scan", &format!("http://127.0.0.1:{port}/"), "--no-progress", "--timeout", "2"]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: target unreachable"), "{err}");
    assert!(err.contains("hint:"));
    assert!(!err.contains("panicked"));
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        vec!["scan", "not a url"],
        vec!["scan", "ftp://127.0.0.1/"],
        vec!["scan", "http://127.0.0.1:1/", "--checks", "XX999"],
        vec!["scan", "http://127.0.0.1:1/", "--fail-on", "urgent"],
        vec!["scan", "http://127.0.0.1:1/", "--spec", "/nonexistent/openapi.json"],
        vec!["scan", "--bogus-flag"],
    ] {
        let out = palisade(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    }
}

#[test]
fn rules_doc_is_generated_from_the_registry() {
    let out = palisade(&["checks", "--markdown"]);
    assert_eq!(out.status.code(), Some(0));
    let generated = String::from_utf8(out.stdout).unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules.md");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(generated == committed, "docs/rules.md is stale: run `cargo run -q -- checks --markdown > docs/rules.md`");
}

#[test]
fn credentials_are_never_printed() {
    let rt = runtime();
    let server = rt.block_on(DemoServer::start(DemoConfig::default())).unwrap();
    let token = "tok_e2e_5f1c9a7b3d2e8f6a4c0b1d9e7f3a5c8b";
    let out = palisade(&["scan", &server.base_url(), "-f", "json", "--no-progress", "--bearer", token]);
    rt.block_on(server.shutdown());
    assert_eq!(out.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&out.stdout).contains(token));
    assert!(!String::from_utf8_lossy(&out.stderr).contains(token));
}

#[test]
fn a_baseline_suppresses_accepted_findings_and_rescores() {
    let rt = runtime();
    let server = rt.block_on(DemoServer::start(DemoConfig::default())).unwrap();
    let base = server.base_url();
    let dir = tempfile::tempdir().unwrap();
    let first_path = dir.path().join("first.json");
    let first = palisade(&["scan", &base, "-f", "json", "-o", first_path.to_str().unwrap(), "--no-progress"]);
    assert_eq!(first.status.code(), Some(0));
    let first: Value = serde_json::from_str(&std::fs::read_to_string(&first_path).unwrap()).unwrap();
    assert!(!findings_of(&first, "DE001").is_empty());

    // Everything accepted: the same scan again finds nothing new, and the gate passes.
    let second = palisade(&["scan", &base, "-f", "json", "--no-progress", "--baseline", first_path.to_str().unwrap(), "--fail-on", "high"]);
    let report: Value = serde_json::from_slice(&second.stdout).unwrap();
    assert!(findings_of(&report, "DE001").is_empty(), "accepted DE001 findings came back");
    assert!(report["findings"].as_array().unwrap().len() < first["findings"].as_array().unwrap().len());
    assert!(report["score"].as_u64() > first["score"].as_u64());
    let high_left = report["findings"].as_array().unwrap().iter().any(|f| matches!(f["severity"].as_str(), Some("high" | "critical")));
    assert_eq!(second.status.code(), Some(if high_left { 1 } else { 0 }));
    rt.block_on(server.shutdown());
}
