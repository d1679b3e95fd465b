//! `palisade detect` on logs, HAR captures, directories and stdin.

use serde_json::Value;
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn palisade(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_palisade")).args(args).env("NO_COLOR", "1").output().unwrap()
}

/// A 64-hex key like the seed's `os.urandom(32).hex()`, different every run.
fn fresh_hex_key() -> String {
    let mut s = String::new();
    let mut x = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1;
    while s.len() < 64 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.push_str(&format!("{:016x}", x));
    }
    s.truncate(64);
    s
}

fn findings(out: &Output) -> Vec<Value> {
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    v["findings"].as_array().unwrap().clone()
}

#[test]
fn finds_a_key_in_a_log_file_on_the_right_line() {
    let key = fresh_hex_key();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("app.log");
    let mut f = std::fs::File::create(&log).unwrap();
    for i in 0..500 {
        writeln!(f, "127.0.0.1 - - [29/Nov/2026:10:00:{:02} +0000] \"GET /api/v1/items?page={i} HTTP/1.1\" 200 512", i % 60).unwrap();
    }
    // Line 501: the seed's "logs become a reservoir".
    writeln!(f, "INFO api request body={{\"api_key\": \"{key}\", \"action\": \"list\"}}").unwrap();
    writeln!(f, "INFO done").unwrap();
    drop(f);

    let out = palisade(&["detect", log.to_str().unwrap(), "-f", "json"]);
    assert_eq!(out.status.code(), Some(1), "findings mean exit 1: {}", String::from_utf8_lossy(&out.stderr));
    let found = findings(&out);
    let hit = found.iter().find(|f| f["kind"] == "secret").expect("the planted key");
    assert_eq!(hit["line"], 501);
    assert!(hit["column"].as_u64().unwrap() > 20);
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&key), "the full key must never be printed");
}

#[test]
fn finds_keys_in_a_har_capture_with_the_entry_url_and_line() {
    let key = fresh_hex_key();
    let har = serde_json::json!({
        "log": {
            "version": "1.2",
            "creator": {"name": "test", "version": "1"},
            "entries": [
                {
                    "startedDateTime": "2026-11-29T10:00:00Z",
                    "request": {"method": "GET", "url": "http://127.0.0.1:8080/api/v1/health", "headers": [], "httpVersion": "HTTP/1.1"},
                    "response": {"status": 200, "headers": [], "content": {"mimeType": "application/json", "text": "{\"ok\": true}"}}
                },
                {
                    "startedDateTime": "2026-11-29T10:00:01Z",
                    "request": {"method": "POST", "url": "http://127.0.0.1:8080/api/v1/keys", "headers": [{"name": "Accept", "value": "application/json"}], "httpVersion": "HTTP/1.1"},
                    "response": {"status": 201, "headers": [{"name": "Content-Type", "value": "application/json"}],
                        "content": {"mimeType": "application/json", "text": format!("{{\"key\": \"{key}\", \"key_id\": \"ak_live_abc123\", \"message\": \"Key created successfully\"}}")}}
                }
            ]
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("capture.har");
    let text = serde_json::to_string_pretty(&har).unwrap();
    std::fs::write(&path, &text).unwrap();
    let expected_line = text.lines().position(|l| l.contains(&key)).unwrap() + 1;

    let out = palisade(&["detect", path.to_str().unwrap(), "-f", "json"]);
    let found = findings(&out);
    let hit = found.iter().find(|f| f["kind"] == "secret").unwrap_or_else(|| panic!("no secret in {found:?}"));
    assert_eq!(hit["url"], "http://127.0.0.1:8080/api/v1/keys");
    assert_eq!(hit["line"], expected_line as u64);
    assert!(!found.iter().any(|f| f["masked"].as_str().unwrap().contains("abc123")), "key_id is an id, not a secret");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&key));
}

#[test]
fn reads_stdin_and_clean_input_exits_0() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(["detect", "-", "-f", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"{\"status\": \"ok\", \"items\": [1, 2, 3]}\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(findings(&out).is_empty());
}

#[test]
fn baseline_suppresses_accepted_findings() {
    let key = fresh_hex_key();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.env");
    std::fs::write(&file, format!("API_KEY={key}\n")).unwrap();
    let first = palisade(&["detect", file.to_str().unwrap(), "-f", "json"]);
    assert_eq!(first.status.code(), Some(1));
    let baseline = dir.path().join("baseline.json");
    std::fs::write(&baseline, &first.stdout).unwrap();
    let second = palisade(&["detect", file.to_str().unwrap(), "-f", "json", "--baseline", baseline.to_str().unwrap()]);
    assert_eq!(second.status.code(), Some(0), "{}", String::from_utf8_lossy(&second.stdout));
}

#[test]
fn rules_check_passes() {
    let out = palisade(&["rules", "check"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 failed"));
}
