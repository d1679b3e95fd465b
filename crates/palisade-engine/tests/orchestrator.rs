//! The orchestrator against the demo API on loopback, with small test checks.

use async_trait::async_trait;
use palisade_core::{Category, Evidence, Finding, RuleMeta, ScanEvent, Severity};
use palisade_demo::{DemoConfig, DemoServer};
use palisade_engine::{run_scan, Check, CheckFailure, ScanContext, ScanOptions};
use palisade_http::{EngineConfig, Scope, Url};
use std::sync::Arc;

const TEST_RULE: RuleMeta = RuleMeta {
    code: "IN999",
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

/// Reports one finding per crawled operation.
struct CountCrawled;

#[async_trait]
impl Check for CountCrawled {
    fn name(&self) -> &'static str {
        "test/count-crawled"
    }
    fn category(&self) -> Category {
        Category::InventoryManagement
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[&TEST_RULE]
    }
    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        let crawled = ctx.crawled.lock().unwrap().clone();
        for (ep, exchange) in crawled {
            ctx.report(
                Finding::new(&TEST_RULE, ep.label(), "crawled", "")
                    .evidence(Evidence { exchange: Some(exchange), location: "test".into(), ..Default::default() }),
            );
        }
        Ok(())
    }
}

/// Always fails.
struct Broken;

#[async_trait]
impl Check for Broken {
    fn name(&self) -> &'static str {
        "test/broken"
    }
    fn category(&self) -> Category {
        Category::Ssrf
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[]
    }
    async fn run(&self, _ctx: &ScanContext) -> Result<(), CheckFailure> {
        Err(CheckFailure::Other("deliberate failure".into()))
    }
}

fn options(base: &str) -> ScanOptions {
    let target = Url::parse(base).unwrap();
    ScanOptions {
        engine: EngineConfig { scope: Scope::for_target(&target), ..EngineConfig::default() },
        target,
        spec: None,
        context: Default::default(),
        selected_rules: None,
        crawl_limit: 200,
        discovery: palisade_engine::DiscoveryProfile::Off,
        tool_version: "test".into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_check_is_reported_and_does_not_abort_the_scan() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let server = DemoServer::start(DemoConfig::default()).await.unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let checks: Vec<Arc<dyn Check>> = vec![Arc::new(Broken), Arc::new(CountCrawled)];
    let report = run_scan(options(&server.base_url()), checks, vec![], Some(tx), &|s: &str| s.to_string()).await.unwrap();

    // The broken check is in scan health, its category not assessed, the other check's findings are there.
    assert_eq!(report.health.check_errors.len(), 1);
    assert_eq!(report.health.check_errors[0].check, "test/broken");
    let ssrf = report.categories.iter().find(|c| c.category == Category::Ssrf).unwrap();
    assert!(!ssrf.assessed);
    assert!(report.findings.len() >= 10, "crawl found {} operations", report.findings.len());
    assert_eq!(report.inventory.spec_source.as_deref(), Some(format!("{}/openapi.json", server.base_url()).as_str()));

    // State-changing operations were skipped, listed, and never requested.
    let skipped: Vec<_> = report.skipped.iter().map(|s| format!("{} {}", s.method, s.path)).collect();
    assert!(skipped.contains(&"GET /api/v1/cache/purge".to_string()), "{skipped:?}");
    assert!(skipped.contains(&"POST /api/v1/keys".to_string()), "{skipped:?}");
    let seen = server.requests();
    assert!(seen.iter().all(|r| ["GET", "HEAD", "OPTIONS"].contains(&r.method.as_str())));
    assert!(!seen.iter().any(|r| r.uri.starts_with("/api/v1/cache/purge")), "a state-changing GET was called");

    // Events: started first, finished last, one request event per request sent.
    let mut events = Vec::new();
    while let Ok(e) = rx.try_recv() {
        events.push(e);
    }
    assert!(matches!(events.first(), Some(ScanEvent::Started { .. })));
    assert!(matches!(events.last(), Some(ScanEvent::Finished { .. })));
    let requests = events.iter().filter(|e| matches!(e, ScanEvent::Request { .. })).count() as u64;
    assert_eq!(requests, report.health.requests_sent);
    assert!(events.iter().any(|e| matches!(e, ScanEvent::CheckFinished { check, error: Some(_), .. } if check == "test/broken")));
    server.shutdown().await;
}

#[tokio::test]
async fn an_unreachable_target_is_an_error_not_a_finding() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let result = run_scan(options(&format!("http://127.0.0.1:{port}/")), vec![], vec![], None, &|s: &str| s.to_string()).await;
    assert!(matches!(result, Err(palisade_engine::ScanError::Unreachable(_))));
}
