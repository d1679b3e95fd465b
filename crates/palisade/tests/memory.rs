//! Memory is bounded by design, measured on the real process: a target that
//! answers every request with an endless chunked body (every answer is cut
//! at `--max-body`) must not make the scan hold one body per request. Peak
//! RSS is read from `/proc/<pid>/status` (`VmHWM`, the high-water mark) while
//! the scan runs.

#![cfg(target_os = "linux")]

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The design bound: 64 MiB for the process plus one `--max-body` per
/// request in flight, at default flags (`--concurrency 8`, `--max-body` 2 MiB).
/// That is 80 MiB, inside the 100 MB the issue asks of an endless body.
const MAX_PEAK_RSS_KIB: u64 = 64 * 1024 + 8 * 2 * 1024;

/// A loopback server answering every request `200` with a JSON array that never ends.
async fn endless_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 8192];
                if tcp.read(&mut request).await.unwrap_or(0) == 0 {
                    return;
                }
                let head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
                if tcp.write_all(head).await.is_err() {
                    return;
                }
                let mut data = b"[".to_vec();
                data.extend(br#"{"id": 1, "name": "item", "tags": ["a", "b"]},"#.repeat(1500));
                let chunk = [format!("{:x}\r\n", data.len()).into_bytes(), data, b"\r\n".to_vec()].concat();
                while tcp.write_all(&chunk).await.is_ok() {}
            });
        }
    });
    base
}

fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_chunked_body_at_default_flags_stays_within_64_mib_plus_concurrency_times_max_body() {
    let base = endless_server().await;
    let out = std::env::temp_dir().join(format!("palisade-memory-{}.json", std::process::id()));
    let mut child = Command::new(env!("CARGO_BIN_EXE_palisade"))
        .args(["scan", &base, "-f", "json", "-o", out.to_str().unwrap(), "--no-progress", "--max-time", "90"])
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run palisade");
    let pid = child.id();
    let started = Instant::now();
    let mut peak = 0;
    let status = loop {
        if let Some(kib) = peak_rss_kib(pid) {
            peak = peak.max(kib);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(240), "the scan did not end");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).expect("a report was written")).unwrap();
    let _ = std::fs::remove_file(&out);
    let sent = report["health"]["requests_sent"].as_u64().unwrap_or(0);
    eprintln!("peak RSS {peak} KiB over {sent} requests, {:?}, exit {status}", started.elapsed());
    assert!(sent >= 50, "the scan must really read many endless bodies: {sent} requests");
    assert!(peak > 0, "VmHWM was read");
    assert!(peak < MAX_PEAK_RSS_KIB, "peak RSS {peak} KiB over {sent} requests of 2 MiB bodies");
}
