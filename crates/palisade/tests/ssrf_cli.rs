//! `--oob-listen`, `--oob-url` and `--ssrf-internal` through the binary,
//! against the demo on loopback: bad values are usage errors before any
//! request, the canary is confirmed through the `--oob-url` spelling, and
//! `palisade.toml` can turn on internal-address payloads (SS003).

use palisade_demo::{DemoConfig, DemoServer};
use serde_json::Value;
use std::process::{Command, Output};

fn rules(report: &Value) -> Vec<String> {
    report["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap().to_string()).collect()
}

fn palisade(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_palisade")).args(args).env("NO_COLOR", "1").output().expect("run palisade")
}

fn free_loopback_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[test]
fn oob_and_ssrf_internal_flags_work_end_to_end_and_bad_values_are_usage_errors() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let server = rt.block_on(DemoServer::start(DemoConfig { hardened: false })).unwrap();
    let url = server.base_url();
    let base = ["scan", url.as_str(), "-f", "json", "--no-progress", "--max-time", "60"];

    for (bad, says) in [
        (vec!["--oob-listen", "localhost:8099"], "invalid --oob-listen"),
        (vec!["--oob-url", "http://localhost:8099/"], "needs --oob-listen with a fixed port"),
        (vec!["--oob-listen", "127.0.0.1:8099", "--oob-url", "gopher://x/"], "invalid --oob-url"),
    ] {
        let out = palisade(&[&base[..], &bad[..]].concat());
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stderr).contains(says), "{bad:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    assert!(server.requests().is_empty(), "usage errors come before any request");

    let port = free_loopback_port().to_string();
    let listen = format!("127.0.0.1:{port}");
    let public = format!("http://localhost:{port}/");
    let out = palisade(&[&base[..], &["--checks", "SS001", "--oob-listen", &listen, "--oob-url", &public]].concat());
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rules(&report), ["SS001"]);
    let spelled = format!("url=http%3A%2F%2Flocalhost%3A{port}%2Fpalisade-oob%2F");
    assert!(server.requests().iter().any(|r| r.uri.contains(&spelled)), "the payload carries the --oob-url spelling");

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("palisade.toml");
    std::fs::write(&config, "[scan]\nssrf-internal = true\n").unwrap();
    let out = palisade(&[&base[..], &["--checks", "SS003", "--config", config.to_str().unwrap()]].concat());
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rules(&report), ["SS003"]);
    assert_eq!(report["findings"][0]["severity"], "critical");
    assert_eq!(palisade_demo::fetcher_stats().connects_non_loopback, 0);
    drop(server);
}
