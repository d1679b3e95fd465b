//! The orchestrator against the demo API on loopback, with small test checks.

use async_trait::async_trait;
use palisade_core::{Category, Evidence, Finding, RuleMeta, ScanEvent, Severity};
use palisade_demo::{DemoConfig, DemoServer};
use palisade_engine::{Check, CheckFailure, ScanContext, ScanSettings, Scanner};
use palisade_http::Url;
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
            ctx.report(Finding::new(&TEST_RULE, ep.label(), "crawled", "").evidence(Evidence {
                exchange: Some(exchange),
                location: "test".into(),
                ..Default::default()
            }));
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

/// A scan of `base` with the engine scoped to it (the builder's default), no
/// checks yet, discovery off and tool version `"test"`.
fn scanner(base: &str) -> Scanner {
    let target = Url::parse(base).unwrap();
    Scanner::new(target).settings(ScanSettings {
        discovery: palisade_engine::DiscoveryProfile::Off,
        tool_version: "test".into(),
        ..ScanSettings::default()
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_check_is_reported_and_does_not_abort_the_scan() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let server = DemoServer::start(DemoConfig::default()).await.unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let checks: Vec<Arc<dyn Check>> = vec![Arc::new(Broken), Arc::new(CountCrawled)];
    let report = scanner(&server.base_url()).checks(checks, vec![]).on_event(tx).run().await.unwrap();

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
    let result = scanner(&format!("http://127.0.0.1:{port}/")).run().await;
    assert!(matches!(result, Err(palisade_engine::ScanError::Unreachable(_))));
}

/// Panics on purpose, as a check would on a malformed answer.
struct Panicking;

#[async_trait]
impl Check for Panicking {
    fn name(&self) -> &'static str {
        "test/panicking"
    }
    fn category(&self) -> Category {
        Category::Bola
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[]
    }
    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure> {
        let crawled = ctx.crawled.lock().unwrap().len();
        let ids: Vec<u64> = Vec::new();
        // Indexing past the end: the kind of bug a hostile answer triggers.
        panic!("index {} out of range for {} ids", crawled, ids.len());
    }
}

/// A passive check that panics on every JSON answer it sees.
struct PanickingObserver;

impl palisade_engine::PassiveCheck for PanickingObserver {
    fn name(&self) -> &'static str {
        "test/panicking-observer"
    }
    fn category(&self) -> Category {
        Category::DataExposure
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        &[]
    }
    fn observe(&self, _ctx: &ScanContext, _request: &palisade_http::ProbeRequest, response: &palisade_http::Response) {
        if response.json().is_some() {
            panic!("malformed answer");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_check_or_observer_is_a_health_error_and_the_scan_completes() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let server = DemoServer::start(DemoConfig::default()).await.unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let checks: Vec<Arc<dyn Check>> = vec![Arc::new(Panicking), Arc::new(CountCrawled)];
    let passive: Vec<Arc<dyn palisade_engine::PassiveCheck>> = vec![Arc::new(PanickingObserver)];
    let report = scanner(&server.base_url()).checks(checks, passive).on_event(tx).run().await.unwrap();

    let errors: Vec<(&str, &str)> = report.health.check_errors.iter().map(|e| (e.check.as_str(), e.message.as_str())).collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0].0, "test/panicking");
    assert!(errors[0].1.contains("check panicked: index"), "{errors:?}");
    assert_eq!(errors[1], ("test/panicking-observer", "check panicked: malformed answer"));
    // Every other check's findings are there, and the panicking check's category is not assessed.
    assert!(report.findings.len() >= 10, "crawl found {} operations", report.findings.len());
    assert!(!report.categories.iter().find(|c| c.category == Category::Bola).unwrap().assessed);
    let mut finished = false;
    while let Ok(e) = rx.try_recv() {
        finished |= matches!(e, ScanEvent::CheckFinished { ref check, error: Some(_), .. } if check == "test/panicking");
    }
    assert!(finished, "no CheckFinished event for the panicking check");
    server.shutdown().await;
}
