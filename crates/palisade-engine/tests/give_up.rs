//! The orchestrator when the HTTP engine gives up on a hopeless target, and
//! when most requests failed: the scan ends soon and `health.aborted` says why.
//! Fixtures are plain sockets on 127.0.0.1.

use async_trait::async_trait;
use palisade_core::{Category, RuleMeta, Severity};
use palisade_engine::{Check, CheckFailure, ScanContext, ScanSettings, Scanner};
use palisade_http::{ProbeRequest, Url};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const TEST_RULE: RuleMeta = RuleMeta {
    code: "IN998",
    name: "test-rule",
    title: "Test rule",
    category: Category::InventoryManagement,
    default_severity: Severity::Low,
    owasp: "API9:2023",
    cwe: &[200],
    pci_dss: "12.5.1",
    soc2: "CC7.1",
    what: "test",
    why: "test",
    example: "test",
    remediation: "test",
    references: &[],
    active: false,
};

/// Waits forever on something that is not the engine.
struct Stuck;

#[async_trait]
impl Check for Stuck {
    fn name(&self) -> &'static str {
        "test/stuck"
    }
    fn category(&self) -> Category {
        Category::InventoryManagement
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&TEST_RULE]
    }
    async fn run(&self, _ctx: &ScanContext) -> Result<(), CheckFailure> {
        std::future::pending::<()>().await;
        Ok(())
    }
}

/// Sends a dozen requests to the target, one at a time, ignoring errors.
struct Prober;

#[async_trait]
impl Check for Prober {
    fn name(&self) -> &'static str {
        "test/prober"
    }
    fn category(&self) -> Category {
        Category::InventoryManagement
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&TEST_RULE]
    }
    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        for i in 0..12 {
            let url = ctx.target.join(&format!("/probe/{i}")).unwrap();
            let _ = ctx.send(ProbeRequest::get(url)).await;
        }
        Ok(())
    }
}

/// Answers `/` with `root` (a raw HTTP answer) and never answers anything else.
async fn server(root: &'static str) -> Url {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(n) if n > 0 => head.extend_from_slice(&buf[..n]),
                        _ => return,
                    }
                }
                if String::from_utf8_lossy(&head).split_whitespace().nth(1) == Some("/") {
                    let _ = stream.write_all(root.as_bytes()).await;
                } else {
                    while stream.read(&mut buf).await.is_ok_and(|n| n > 0) {}
                }
            });
        }
    });
    url
}

fn scanner(target: &Url) -> Scanner {
    Scanner::new(target.clone()).settings(ScanSettings {
        discovery: palisade_engine::DiscoveryProfile::Off,
        tool_version: "test".into(),
        ..ScanSettings::default()
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_check_still_running_after_the_engine_gave_up_is_stopped() {
    let target = server("HTTP/1.1 429 Too Many Requests\r\nretry-after: 3600\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").await;
    let started = Instant::now();
    let report = scanner(&target)
        .engine_with(|e| e.max_time = Some(Duration::from_secs(300)))
        .checks(vec![Arc::new(Stuck), Arc::new(Prober)], vec![])
        .run()
        .await
        .unwrap();
    let took = started.elapsed();
    assert!(took < Duration::from_secs(15), "the scan took {took:?}");
    let aborted = report.health.aborted.clone().expect("aborted");
    assert!(aborted.starts_with("target asked to retry after 3600 s, longer than the 29"), "{aborted}");
    assert!(report.health.is_degraded());
    assert_eq!(report.health.requests_sent, 1, "nothing after the first answer: {:?}", report.health);
    let stuck = report.health.check_errors.iter().find(|e| e.check == "test/stuck").expect("the stuck check is reported");
    assert!(stuck.message.contains("gave up on the target"), "{}", stuck.message);
    assert!(!report.health.check_errors.iter().any(|e| e.check == "test/prober"), "the prober ended on its own: {:?}", report.health);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scan_where_most_requests_failed_says_so() {
    let target = server("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok").await;
    let report = scanner(&target)
        .engine_with(|e| {
            e.request_timeout = Duration::from_millis(200);
            e.rate_per_sec = 0.0;
            // Not given up on: the reason must come from the counts.
            e.give_up = None;
        })
        .checks(vec![Arc::new(Prober)], vec![])
        .run()
        .await
        .unwrap();
    let h = &report.health;
    assert!(h.is_degraded(), "{h:?}");
    assert!(h.timeouts * 2 > h.requests_sent, "{h:?}");
    assert_eq!(h.aborted, Some(format!("most requests failed: {} of {} timed out", h.timeouts, h.requests_sent)));
}
