//! Coverage as a result: on a well-behaved generated API of 1,000 and 5,000
//! operations (`coverage_api`), every safe operation gets a request as each
//! identity (read from the server's own log), no write operation is ever
//! called, the report's coverage section counts what happened, and the
//! number of requests grows linearly with the number of operations.

mod coverage_api;
mod support;

use coverage_api::GeneratedApi;
use palisade_core::coverage::SkipKind;
use palisade_core::Report;
use palisade_engine::SpecInput;
use palisade_http::{Credentials, Url};
use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

const IDENTITIES: [&str; 2] = ["alice", "bob"];

struct Run {
    report: Report,
    api: GeneratedApi,
    wall: Duration,
}

/// A full scan (every check) of a generated API of `n` operations with two
/// identities, under the CLI's default request budget and an unlimited rate.
async fn scan(n: usize, max_requests: u64) -> Run {
    let api = GeneratedApi::start(n).await;
    let identities: BTreeMap<String, Credentials> = IDENTITIES.iter().map(|name| (name.to_string(), Credentials::default().bearer(name))).collect();
    let spec = SpecInput::Url(Url::parse(&format!("{}/openapi.json", api.base)).unwrap());
    let started = Instant::now();
    let report = support::run(support::scanner(&api.base).spec(spec).identities(identities).engine_with(|e| {
        e.rate_per_sec = 0.0;
        e.concurrency = 32;
        e.max_requests = Some(max_requests);
    }))
    .await;
    Run { report, api, wall: started.elapsed() }
}

/// The generated API's safe operations that the server saw no request for from `who`.
fn unrequested(run: &Run, who: &str) -> Vec<String> {
    let log = run.api.log();
    let hit: HashSet<usize> = log
        .iter()
        .filter(|l| l.who == who)
        .flat_map(|l| run.api.ops.iter().enumerate().filter(|(_, op)| op.matches(&l.method, &l.path)).map(|(i, _)| i).take(1))
        .collect();
    run.api
        .ops
        .iter()
        .enumerate()
        .filter(|(i, op)| !op.is_write() && !hit.contains(i))
        .map(|(_, op)| format!("{} {}", op.method, op.template))
        .collect()
}

fn check(run: &Run) -> f64 {
    let n = run.api.ops.len();
    let writes = run.api.ops.iter().filter(|o| o.is_write()).count();
    let safe = n - writes;
    let log = run.api.log();
    // Every safe operation received a request as every identity (the
    // first, alice, is also the default identity: no anonymous crawl pass).
    for who in ["alice", "bob"] {
        let missing = unrequested(run, who);
        assert!(missing.is_empty(), "{} of {safe} safe operations got no request as {who}: {:?}", missing.len(), &missing[..missing.len().min(5)]);
    }
    // No write was ever received.
    let written: Vec<_> = log.iter().filter(|l| !matches!(l.method.as_str(), "GET" | "HEAD" | "OPTIONS")).collect();
    assert!(written.is_empty(), "the server received writes: {:?}", &written[..written.len().min(5)]);

    let c = &run.report.coverage;
    assert_eq!(c.operations, n, "{c:?}");
    assert_eq!(c.undocumented, 0);
    assert_eq!(c.crawled, safe);
    assert_eq!(c.tested, safe);
    assert_eq!(c.skipped_total(), writes);
    assert_eq!(c.skipped.iter().find(|s| s.reason == SkipKind::NeedsWrite).map(|s| s.operations), Some(writes), "{:?}", c.skipped);
    assert!(!c.skipped.iter().any(|s| s.reason == SkipKind::OverBudget), "{:?}", c.skipped);
    assert_eq!(c.identities, ["alice", "bob"]);
    assert_eq!(c.crawl_requests, 2 * safe as u64);
    assert!(!c.probed.is_empty(), "some check probed an operation");
    assert!(c.probed.iter().all(|p| p.operations <= safe));
    let t = palisade_core::coverage::thousands;
    assert_eq!(c.summary(), format!("{} of {} operations tested, {} skipped: {} needs write", t(safe), t(n), t(writes), t(writes)));
    assert!(run.report.health.aborted.is_none(), "{:?}", run.report.health.aborted);
    let requests = log.len() as f64;
    eprintln!(
        "N={n}: {} requests received ({:.2} per operation), {} sent by the scanner, {} crawl, wall {:.1}s, {}; probed: {}",
        log.len(),
        requests / n as f64,
        run.report.health.requests_sent,
        c.crawl_requests,
        run.wall.as_secs_f64(),
        c.summary(),
        c.probed.iter().map(|p| format!("{} {}", p.category.id(), p.operations)).collect::<Vec<_>>().join(", ")
    );
    requests / n as f64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_safe_operation_is_crawled_as_every_identity_and_requests_grow_linearly() {
    let budget = std::env::var("COV_BUDGET").ok().and_then(|v| v.parse().ok()).unwrap_or(palisade_http::DEFAULT_MAX_REQUESTS);
    let small = scan(1000, budget).await;
    let per_op_small = check(&small);
    drop(small);
    let large = scan(5000, budget).await;
    let per_op_large = check(&large);
    let ratio = per_op_large / per_op_small;
    assert!((0.67..=1.5).contains(&ratio), "requests per operation: {per_op_small:.2} at 1,000 vs {per_op_large:.2} at 5,000");
}

/// A budget too small for the crawl: what is left is skipped as over budget,
/// the higher-priority operations (path parameters, declared auth) first.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_small_budget_skips_the_rest_as_over_budget() {
    let run = scan(700, 400).await;
    let c = &run.report.coverage;
    let safe = run.api.ops.iter().filter(|o| !o.is_write()).count();
    let over = c.skipped.iter().find(|s| s.reason == SkipKind::OverBudget).map_or(0, |s| s.operations);
    assert!(over > 0, "{c:?}");
    assert_eq!(c.tested + over, safe, "{c:?}");
    assert_eq!(c.total(), c.tested + c.skipped_total());
    assert!(c.summary().contains("over budget"), "{}", c.summary());
    assert!(run.report.skipped.iter().any(|s| s.reason.starts_with("over budget")));
    // Never more requests than the budget, and the server never saw a write.
    assert!(run.api.log().len() <= 400 + 1, "{}", run.api.log().len());
    assert!(run.api.log().iter().all(|l| l.method == "GET" || l.method == "HEAD" || l.method == "OPTIONS"));
    // The list operations (no parameters, no auth) are the ones cut first.
    let list_cut = run.report.skipped.iter().filter(|s| s.reason.starts_with("over budget") && !s.path.contains('{')).count();
    let detail_cut = run.report.skipped.iter().filter(|s| s.reason.starts_with("over budget") && s.path.contains('{')).count();
    assert!(list_cut > detail_cut, "lists {list_cut}, details {detail_cut}");
    assert!(c.percent() < 100.0);
}

/// `--max-identity-requests`: the default identity's pass covers every safe
/// operation; each other identity's pass stops at the cap, highest priority first.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_further_identity_is_crawled_up_to_max_identity_requests() {
    let api = GeneratedApi::start(700).await;
    let identities: BTreeMap<String, Credentials> = IDENTITIES.iter().map(|name| (name.to_string(), Credentials::default().bearer(name))).collect();
    let spec = SpecInput::Url(Url::parse(&format!("{}/openapi.json", api.base)).unwrap());
    let report = support::run(
        support::scanner(&api.base)
            .spec(spec)
            .identities(identities)
            .select_rules(["IN006"])
            .settings_with(|s| s.max_identity_requests = 50)
            .engine_with(|e| e.rate_per_sec = 0.0),
    )
    .await;
    let safe = api.ops.iter().filter(|o| !o.is_write()).count();
    let run = Run { report, api, wall: Duration::ZERO };
    assert!(unrequested(&run, "alice").is_empty(), "alice (the default identity) covers everything");
    let bob_missing = unrequested(&run, "bob").len();
    assert_eq!(bob_missing, safe - 50, "bob's pass is cut at 50 operations");
    assert_eq!(run.report.coverage.crawl_requests, (safe + 50) as u64);
    assert_eq!(run.report.coverage.tested, safe);
}
