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

/// Many files with many planted keys (more findings than the reorder buffer
/// holds, so workers ahead of the file being written must wait): the output
/// is the same with 1 and 4 worker threads, in path then line order, with
/// every planted key on its own line, and the counts and exit codes agree.
#[test]
fn streamed_output_is_identical_across_thread_counts_and_counts_are_right() {
    let dir = tempfile::tempdir().unwrap();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next_hex = || {
        let mut s = String::new();
        while s.len() < 64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            s.push_str(&format!("{x:016x}"));
        }
        s.truncate(64);
        s
    };
    let mut planted: Vec<(String, usize, String)> = Vec::new();
    // Sizes vary so files finish out of order; one clean file in between.
    for (f, keys) in [(0usize, 2500usize), (1, 40), (2, 0), (3, 3000), (4, 7), (5, 1800)] {
        let name = format!("svc_{f}.log");
        let mut text = String::new();
        let mut line = 0;
        for k in 0..keys.max(50) {
            line += 1;
            text.push_str(&format!("2026-11-29T10:00:00Z INFO request_id={k:08} route=/api/v1/items status=200\n"));
            if k < keys {
                let key = next_hex();
                line += 1;
                text.push_str(&format!("2026-11-29T10:00:01Z DEBUG body={{\"api_key\": \"{key}\"}}\n"));
                planted.push((name.clone(), line, key));
            }
        }
        std::fs::write(dir.path().join(&name), text).unwrap();
    }
    let run = |threads: &str, format: &str| {
        Command::new(env!("CARGO_BIN_EXE_palisade"))
            .args(["detect", dir.path().to_str().unwrap(), "-f", format])
            .env("NO_COLOR", "1")
            .env("PALISADE_DETECT_THREADS", threads)
            .output()
            .unwrap()
    };
    for format in ["json", "sarif", "pretty"] {
        let one = run("1", format);
        let four = run("4", format);
        assert_eq!(one.status.code(), Some(1), "{format}: {}", String::from_utf8_lossy(&one.stderr));
        assert_eq!(four.status.code(), Some(1));
        assert!(one.stdout == four.stdout, "{format}: output differs between 1 and 4 threads");
        let text = String::from_utf8_lossy(&one.stdout);
        for (_, _, key) in planted.iter().step_by(97) {
            assert!(!text.contains(key.as_str()), "{format}: a full key was written");
        }
        match format {
            "json" => {
                let v: Value = serde_json::from_slice(&one.stdout).expect("valid JSON");
                let found = v["findings"].as_array().unwrap();
                let got: Vec<(String, u64)> = found
                    .iter()
                    .map(|f| {
                        let p = f["path"].as_str().unwrap();
                        (p.rsplit('/').next().unwrap().to_string(), f["line"].as_u64().unwrap())
                    })
                    .collect();
                let want: Vec<(String, u64)> = planted.iter().map(|(n, l, _)| (n.clone(), *l as u64)).collect();
                assert_eq!(got.len(), want.len(), "one finding per planted key");
                assert!(got == want, "findings in path then line order, on the planted lines");
                assert_eq!(v["files_scanned"], 6);
            }
            "sarif" => {
                let v: Value = serde_json::from_slice(&one.stdout).expect("valid SARIF JSON");
                let run = &v["runs"][0];
                let results = run["results"].as_array().unwrap();
                assert_eq!(results.len(), planted.len());
                let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
                for r in results.iter().step_by(101) {
                    let i = r["ruleIndex"].as_u64().unwrap() as usize;
                    assert_eq!(rules[i]["id"], r["ruleId"], "ruleIndex points at the rule");
                }
            }
            _ => {
                let last = text.lines().last().unwrap();
                assert_eq!(
                    last,
                    format!("{} finding(s) in 6 file(s), {} bytes scanned.", planted.len(), {
                        (0..6).map(|f| std::fs::metadata(dir.path().join(format!("svc_{f}.log"))).unwrap().len()).sum::<u64>()
                    })
                );
            }
        }
    }
    // --fail-on: the planted keys' severity decides the exit code.
    let v: Value = serde_json::from_slice(&run("2", "json").stdout).unwrap();
    let severities =
        v["findings"].as_array().unwrap().iter().map(|f| f["severity"].as_str().unwrap().to_string()).collect::<std::collections::HashSet<_>>();
    let order = ["info", "low", "medium", "high", "critical"];
    let max = order.iter().rposition(|s| severities.contains(*s)).unwrap();
    for (i, sev) in order.iter().enumerate() {
        let out = Command::new(env!("CARGO_BIN_EXE_palisade"))
            .args(["detect", dir.path().to_str().unwrap(), "-f", "json", "--fail-on", sev])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(if i <= max { 1 } else { 0 }), "--fail-on {sev}");
    }
}

/// The report file may sit inside the scanned directory: it is not scanned.
#[test]
fn output_file_inside_the_scanned_directory_is_not_scanned() {
    let key = fresh_hex_key();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("app.env"), format!("API_KEY={key}\n")).unwrap();
    let report = dir.path().join("report.txt");
    for _ in 0..2 {
        let out = palisade(&["detect", dir.path().to_str().unwrap(), "-o", report.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1));
        let text = std::fs::read_to_string(&report).unwrap();
        assert!(text.contains("1 finding(s) in 1 file(s)"), "{text}");
    }
}
