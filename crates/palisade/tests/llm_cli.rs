//! `--llm-probes quick|standard|deep` (and `llm-probes` in `palisade.toml`)
//! through the binary, against the demo's mock LLM on loopback: a bad value is
//! a usage error before any request, and each profile's prompt count is
//! measured at the server.

use palisade_demo::{DemoConfig, DemoServer};
use serde_json::Value;
use std::process::{Command, Output};

fn palisade(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_palisade")).args(args).env("NO_COLOR", "1").output().expect("run palisade")
}

fn chat_posts(server: &DemoServer) -> usize {
    server.requests().iter().filter(|r| r.method == "POST" && r.uri == "/api/v1/chat").count()
}

fn ai004_detail(out: &Output) -> String {
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let f = findings.iter().find(|f| f["rule"] == "AI004" && f["endpoint"] == "POST /api/v1/chat").expect("AI004 on the chat endpoint");
    f["detail"].as_str().unwrap().to_string()
}

#[test]
fn llm_probe_profiles_from_flag_and_config_bound_the_prompts_per_endpoint() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let server = rt.block_on(DemoServer::start(DemoConfig { hardened: false })).unwrap();
    let url = server.base_url();
    let base = ["scan", url.as_str(), "-f", "json", "--no-progress", "--max-time", "60", "--checks", "llm_security"];

    let out = palisade(&[&base[..], &["--llm-probes", "loud"]].concat());
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown LLM probe profile"), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(server.requests().is_empty(), "usage errors come before any request");

    let out = palisade(&base);
    assert_eq!(ai004_detail(&out), "override");
    let quick = chat_posts(&server);
    assert_eq!(quick, 6, "default profile is quick");

    let out = palisade(&[&base[..], &["--llm-probes", "standard"]].concat());
    assert_eq!(ai004_detail(&out), "override,dan-jailbreak,base64,indirect");
    let standard = chat_posts(&server) - quick;
    assert_eq!(standard, 12);

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("palisade.toml");
    std::fs::write(&config, "[scan]\nllm-probes = \"deep\"\n").unwrap();
    let out = palisade(&[&base[..], &["--config", config.to_str().unwrap()]].concat());
    assert!(ai004_detail(&out).ends_with("rot13,token-smuggling,role-play"));
    let deep = chat_posts(&server) - quick - standard;
    assert!((18..=palisade_http::TEXT_POST_MAX_PER_URL_DEEP as usize).contains(&deep), "deep sent {deep}");
    // The flag wins over the file.
    let out = palisade(&[&base[..], &["--config", config.to_str().unwrap(), "--llm-probes", "quick"]].concat());
    assert_eq!(ai004_detail(&out), "override");
    assert_eq!(chat_posts(&server) - quick - standard - deep, 6);
    assert!(server.requests().iter().all(|r| ["GET", "HEAD", "OPTIONS"].contains(&r.method.as_str()) || r.uri == "/api/v1/chat"));
    drop(server);
}
