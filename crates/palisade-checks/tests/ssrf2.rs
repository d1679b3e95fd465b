//! `--oob-listen`/`--oob-url` (SS001 through a different spelling of the
//! listener) and `--ssrf-internal` (SS003) against the demo on loopback.
//!
//! Network rule: the scanner only talks to the demo on 127.0.0.1. The demo's
//! fetcher only connects to loopback and answers `169.254.169.254` from a
//! canned document without a connection; every test checks that it never
//! attempted a connection to a non-loopback address.

use palisade_checks::checks::ssrf::probes::{InternalSsrf, Ssrf, INTERNAL_CONTROL_URL};
use palisade_checks::{active_checks, passive_checks, Rule};
use palisade_core::{Confidence, Report, Severity};
use palisade_demo::{fetcher_stats, DemoConfig, DemoServer, RecordedRequest};
use palisade_engine::{Check, PassiveCheck, ScanSettings};
use palisade_http::Url;
use std::net::SocketAddr;
use std::sync::Arc;

mod finding_snap;
mod support;

async fn scan(base: &str, tweak: impl FnOnce(&mut ScanSettings), active: Vec<Arc<dyn Check>>, passive: Vec<Arc<dyn PassiveCheck>>) -> Report {
    support::run(support::scanner(base).settings_with(tweak).checks(active, passive)).await
}

/// The decoded `url` query values the demo's fetch endpoint received.
fn fetched_urls(requests: &[RecordedRequest]) -> Vec<String> {
    requests
        .iter()
        .filter(|r| r.uri.starts_with("/api/v1/fetch?"))
        .filter_map(|r| Url::parse(&format!("http://demo{}", r.uri)).ok())
        .flat_map(|u| u.query_pairs().filter(|(k, _)| k == "url").map(|(_, v)| v.into_owned()).collect::<Vec<_>>())
        .collect()
}

fn free_loopback_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ss001_is_confirmed_through_the_oob_url_spelling_of_the_listener() {
    let server = DemoServer::start(DemoConfig { hardened: false }).await.unwrap();
    let port = free_loopback_port();
    let listen: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let public = Url::parse(&format!("http://localhost:{port}/")).unwrap();
    let report = scan(
        &server.base_url(),
        |s| {
            s.oob_listen = Some(listen);
            s.oob_url = Some(public.clone());
        },
        vec![Arc::new(Ssrf)],
        vec![],
    )
    .await;
    let ss001 = report.findings.iter().find(|f| f.rule == "SS001").unwrap_or_else(|| panic!("{:?} {:?}", report.findings, report.health));
    assert_eq!(ss001.severity, Severity::Critical, "the demo shows what it fetched: {}", ss001.message);
    assert!(ss001.evidence.excerpt.contains("/palisade-oob/pal_canary_ss_"), "{}", ss001.evidence.excerpt);
    assert!(ss001.message.contains("from 127.0.0.1:"), "the hit arrived at our listener: {}", ss001.message);

    // The payload the demo received used the --oob-url spelling, not the bound address.
    // (The crawl also calls the operation once with the spec's example value.)
    let urls: Vec<String> = fetched_urls(&server.requests()).into_iter().filter(|u| u.contains("/palisade-oob/")).collect();
    let prefix = format!("http://localhost:{port}/palisade-oob/pal_canary_ss_");
    assert!(!urls.is_empty());
    assert!(urls.iter().all(|u| u.starts_with(&prefix)), "{urls:?}");
    assert!(!urls.iter().any(|u| u.contains(&format!("127.0.0.1:{port}"))), "{urls:?}");
    assert_eq!(fetcher_stats().connects_non_loopback, 0);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oob_url_nobody_forwards_is_sent_but_never_confirmed() {
    // A public collaborator the demo will not fetch (it only fetches loopback):
    // the payload carries it, nothing reaches the listener, nothing is reported.
    let server = DemoServer::start(DemoConfig { hardened: false }).await.unwrap();
    let port = free_loopback_port();
    let report = scan(
        &server.base_url(),
        |s| {
            s.oob_listen = Some(format!("127.0.0.1:{port}").parse().unwrap());
            s.oob_url = Some(Url::parse("https://collab.palisade.example/c/").unwrap());
        },
        vec![Arc::new(Ssrf)],
        vec![],
    )
    .await;
    assert!(report.findings.iter().all(|f| f.rule != "SS001"), "{:?}", report.findings);
    let urls: Vec<String> = fetched_urls(&server.requests()).into_iter().filter(|u| u.contains("/palisade-oob/")).collect();
    assert!(!urls.is_empty() && urls.iter().all(|u| u.starts_with("https://collab.palisade.example/c/palisade-oob/")), "{urls:?}");
    assert_eq!(fetcher_stats().connects_non_loopback, 0);
    server.shutdown().await;

    // A listen address already taken is a check failure in scan health, not a silent skip.
    let server = DemoServer::start(DemoConfig { hardened: false }).await.unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap();
    let report = scan(&server.base_url(), |s| s.oob_listen = Some(addr), vec![Arc::new(Ssrf)], vec![]).await;
    assert!(report.findings.iter().all(|f| f.rule != "SS001"));
    let errors = format!("{:?}", report.health);
    assert!(errors.contains("out-of-band canary listener could not start"), "{errors}");
    server.shutdown().await;
}

/// Internal-address payloads are opt-in (`--ssrf-internal`) and the default
/// demo scan must not send them, so the demo snapshot cannot show SS003: the
/// vulnerable demo scanned with `ssrf_internal` (positive) and the hardened
/// twin likewise (negative).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ssrf_internal_finds_canned_metadata_on_the_vulnerable_demo_and_nothing_on_the_hardened_twin() {
    let before = fetcher_stats();
    let server = DemoServer::start(DemoConfig { hardened: false }).await.unwrap();
    let report = scan(&server.base_url(), |s| s.ssrf_internal = true, vec![Arc::new(InternalSsrf)], vec![]).await;
    let ss003 = support::assert_fires(&report, Rule::SS003);
    assert_eq!(ss003.len(), 1, "one finding per parameter: {:?}", report.findings);
    let f = ss003[0];
    assert_eq!(f.endpoint, "GET /api/v1/fetch");
    assert_eq!(f.severity, Severity::Critical, "{}", f.message);
    assert_eq!(f.confidence, Confidence::High);
    assert_eq!(f.detail.as_deref(), Some("aws-metadata"));
    assert!(f.message.contains("http://169.254.169.254/latest/meta-data/") && f.message.contains(INTERNAL_CONTROL_URL), "{}", f.message);
    // The pair of exchanges: the payload's and the control's, both in the report.
    let payload = f.evidence.exchange.expect("payload exchange");
    assert_eq!(f.evidence.related.len(), 1, "control exchange");
    let control = f.evidence.related[0];
    let cited: Vec<_> = report.exchanges.iter().map(|x| x.id).collect();
    assert!(cited.contains(&payload) && cited.contains(&control), "{cited:?}");
    let shown = |id| report.exchanges.iter().find(|x| x.id == id).map(|x| x.url.clone()).unwrap();
    assert!(shown(payload).contains("169.254.169.254"), "{}", shown(payload));
    assert!(shown(control).contains("palisade-control.invalid"), "{}", shown(control));
    let base = server.base_url();
    insta::assert_snapshot!("SS003_internal_metadata_fetched", finding_snap::render(&report.findings, "SS003", &[(base.as_str(), "<origin>")]));

    let urls = fetched_urls(&server.requests());
    for expected in ["http://169.254.169.254/latest/meta-data/", "http://0x7f000001/", "http://[::1]/", INTERNAL_CONTROL_URL] {
        assert!(urls.iter().any(|u| u == expected), "{expected} not sent: {urls:?}");
    }
    let after = fetcher_stats();
    assert!(after.metadata_canned > before.metadata_canned, "metadata answered from the canned document");
    assert!(after.refused > before.refused, "non-loopback payloads refused without a connection");
    assert_eq!(after.connects_non_loopback, 0, "no connection to a non-loopback address");
    server.shutdown().await;

    let hardened = DemoServer::start(DemoConfig { hardened: true }).await.unwrap();
    let report = scan(&hardened.base_url(), |s| s.ssrf_internal = true, vec![Arc::new(InternalSsrf)], vec![]).await;
    support::assert_quiet(&report, Rule::SS003);
    assert!(fetched_urls(&hardened.requests()).iter().any(|u| u.contains("169.254.169.254")), "the probes were sent and refused");
    assert_eq!(fetcher_stats().connects_non_loopback, 0);
    hardened.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn default_scans_send_no_internal_address_payloads() {
    let server = DemoServer::start(DemoConfig { hardened: false }).await.unwrap();
    let report = scan(&server.base_url(), |_| {}, active_checks(None), passive_checks(None)).await;
    support::assert_quiet(&report, Rule::SS003);
    assert!(report.findings.iter().any(|f| f.rule == "SS001"), "the SSRF checks did run");
    let requests = server.requests();
    assert!(requests.len() > 20);
    for r in &requests {
        let decoded = Url::parse(&format!("http://demo{}", r.uri))
            .map(|u| u.query_pairs().map(|(_, v)| v.into_owned()).collect::<Vec<_>>().join(" "))
            .unwrap_or_default();
        for internal in
            ["169.254.169.254", "metadata.google.internal", "2130706433", "0x7f000001", "0177.0.0.1", "0.0.0.0", "palisade-control.invalid"]
        {
            assert!(!decoded.contains(internal) && !r.uri.contains(internal), "default scan sent {internal}: {}", r.uri);
        }
    }
    server.shutdown().await;
}
