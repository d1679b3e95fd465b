//! The orchestrator: phases, concurrency, events, and the final report.

use crate::check::{Check, FindingSink, PassiveCheck, ScanContext};
use crate::discovery::{self, Discovered};
use crate::soft404::Soft404;
use crate::triage;
use futures_util::future::join_all;
use palisade_core::report::{InventorySummary, ToolInfo, REPORT_SCHEMA_VERSION};
use palisade_core::{Category, CheckError, Finding, Inventory, Report, RuleMeta, ScanEvent, SkippedOperation};
use palisade_http::{Engine, EngineConfig, HttpError, ProbeRequest, Url};
use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::mpsc::UnboundedSender;

/// How long checks may keep running after the engine gave up on the target
/// before they are aborted (every send fails at once by then, so only a check
/// waiting on something else, such as an out-of-band callback, is still running).
const GIVE_UP_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

/// A spec handed to the scan by the user.
#[derive(Debug, Clone)]
pub enum SpecInput {
    /// Document bytes and where they came from (shown in the report).
    Bytes { bytes: Vec<u8>, source: String },
    /// A URL to fetch through the engine (so scope and bounds apply).
    Url(Url),
}

/// What [`crate::Scanner`] hands the orchestrator.
pub(crate) struct ScanOptions {
    pub target: Url,
    pub spec: Option<SpecInput>,
    pub engine: EngineConfig,
    /// Rule codes to report; `None` = all.
    pub selected_rules: Option<HashSet<String>>,
    pub settings: crate::ScanSettings,
    /// Fingerprints of accepted findings, dropped before scoring.
    pub baseline: HashSet<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("target unreachable: {0}")]
    Unreachable(String),
    #[error("could not load the spec: {0}")]
    Spec(String),
    #[error("invalid configuration: {0}")]
    Config(String),
}

/// Run a whole scan. `redact` masks secrets in body excerpts before they are
/// put in the report (the detector's redaction; the scanner never writes a
/// full secret).
/// The checks a rule selection needs: an active check runs when it reports
/// or [feeds](Check::feeds) a selected rule, a passive one when it reports
/// one. The finding sink still drops every other rule's findings.
pub(crate) fn select_checks(checks: &mut Vec<Arc<dyn Check>>, passive: &mut Vec<Arc<dyn PassiveCheck>>, selected: &HashSet<String>) {
    let wanted = |rules: &[&RuleMeta]| rules.iter().any(|r| selected.iter().any(|s| s.eq_ignore_ascii_case(r.code)));
    checks.retain(|c| wanted(c.rules()) || wanted(c.feeds()));
    passive.retain(|p| wanted(p.rules()));
}

pub(crate) async fn run_scan(
    opts: ScanOptions,
    checks: Vec<Arc<dyn Check>>,
    passive: Vec<Arc<dyn PassiveCheck>>,
    events: Option<UnboundedSender<ScanEvent>>,
    redact: crate::check::Redactor,
) -> Result<Report, ScanError> {
    let started = Instant::now();
    let started_at = now_rfc3339();
    let (mut checks, mut passive) = (checks, passive);
    if let Some(selected) = &opts.selected_rules {
        select_checks(&mut checks, &mut passive, selected);
    }
    // Each check's requests are counted under its category (coverage).
    let checks: Vec<Arc<dyn Check>> = checks.into_iter().map(|c| Arc::new(crate::coverage::Attributed(c)) as Arc<dyn Check>).collect();
    let emit = |e: ScanEvent| {
        if let Some(tx) = &events {
            let _ = tx.send(e);
        }
    };
    let engine = Engine::new(opts.engine.clone()).map_err(|e| ScanError::Config(e.to_string()))?;
    if let Some(tx) = &events {
        engine.set_events(tx.clone());
    }
    let target = opts.target.clone();
    emit(ScanEvent::Started { target: palisade_core::mask::mask_url(target.as_str()), checks: checks.len() + passive.len() });

    // Reachability: one request to the target itself.
    emit(ScanEvent::Phase { name: "discovery".into() });
    let root_req = ProbeRequest::get(target.clone());
    let root = match engine.send(root_req.clone()).await {
        Ok(r) => r,
        Err(e @ (HttpError::Connect { .. } | HttpError::Timeout { .. })) => return Err(ScanError::Unreachable(e.to_string())),
        Err(e) => return Err(ScanError::Unreachable(e.to_string())),
    };

    let Discovered { mut inventory, spec_url, mut exchanges } =
        discovery::discover(&engine, &target, opts.spec.as_ref(), opts.settings.max_spec_bytes).await?;
    for ep in discovery::linked_endpoints(&root, &target) {
        if !inventory.endpoints.iter().any(|e| e.method == ep.method && e.path == ep.path) {
            inventory.endpoints.push(ep);
        }
    }
    if let Some(url) = &spec_url {
        inventory.spec_source = Some(palisade_core::mask::mask_url(url.as_str()));
    }

    // Triage before anything else is sent: what it refuses goes on the
    // engine's deny-list, so no check, probe or discovery can call it.
    let mut skipped = triage_inventory(&engine, &target, &inventory);

    emit(ScanEvent::Phase { name: "calibration".into() });
    let soft404 = Soft404::calibrate(&target, |r| engine.send(r)).await;

    emit(ScanEvent::Phase { name: "content discovery".into() });
    let found = crate::content::discover(&engine, &target, &inventory, Some(&root), &soft404, opts.settings.discovery).await;
    exchanges.push((root_req, root));
    skipped.extend(found.skipped);
    exchanges.extend(found.exchanges);
    let base_path = target.path().trim_end_matches('/').to_string();
    for hit in found.hits.iter().filter(|h| h.is_operation()) {
        // Inventory paths are relative to the target's base path.
        let Some(rel) = hit.path.strip_prefix(&base_path).filter(|r| r.starts_with('/')) else { continue };
        if !inventory.endpoints.iter().any(|e| e.method == "GET" && e.path == rel) {
            inventory.endpoints.push(palisade_core::Endpoint::discovered("GET", rel));
        }
    }

    let selected = opts.selected_rules.clone();
    let sink = FindingSink::new(selected, events.clone()).redacting(redact.clone());
    let ctx =
        Arc::new(ScanContext::new(engine.clone(), target.clone(), inventory, soft404, opts.settings.clone(), sink, passive.clone(), found.hits));
    for (req, resp) in &exchanges {
        ctx.observe(req, resp);
    }

    emit(ScanEvent::Phase { name: "crawl".into() });
    let (crawl_skipped, crawl_outcome) = crawl(&ctx, opts.settings.crawl_limit, opts.settings.max_identity_requests, started).await;
    skipped.extend(crawl_skipped);

    emit(ScanEvent::Phase { name: "checks".into() });
    let mut check_errors = Vec::new();
    let mut failed_categories = BTreeSet::new();
    // Each check runs in its own task: a panic on a malformed answer ends that
    // check only, and becomes a check error in scan health.
    let mut tasks = tokio::task::JoinSet::new();
    let mut names = std::collections::HashMap::new();
    for check in &checks {
        let (ctx, c, events) = (ctx.clone(), check.clone(), events.clone());
        let handle = tasks.spawn(async move {
            let send = |e: ScanEvent| {
                if let Some(tx) = &events {
                    let _ = tx.send(e);
                }
            };
            send(ScanEvent::CheckStarted { check: c.name().into() });
            let before = ctx.findings.len();
            let result = c.run(&ctx).await.map_err(|e| e.to_string());
            send(ScanEvent::CheckFinished {
                check: c.name().into(),
                findings: ctx.findings.len().saturating_sub(before),
                error: result.as_ref().err().cloned(),
            });
            result
        });
        names.insert(handle.id(), check.clone());
    }
    // Once the engine gives up on the target every send fails at once and the
    // checks end by themselves; a check still running GIVE_UP_GRACE later
    // (waiting on something other than the target) is aborted.
    let abandon = async {
        let reason = engine.wait_given_up().await;
        tokio::time::sleep(GIVE_UP_GRACE).await;
        reason
    };
    tokio::pin!(abandon);
    let mut abandoned: Option<String> = None;
    loop {
        let joined = tokio::select! {
            joined = tasks.join_next_with_id() => joined,
            reason = &mut abandon, if abandoned.is_none() => {
                tasks.abort_all();
                abandoned = Some(reason);
                continue;
            }
        };
        let Some(joined) = joined else { break };
        let (id, outcome) = match joined {
            Ok((id, result)) => (id, result),
            Err(e) => {
                let id = e.id();
                let why = if e.is_panic() {
                    format!("check panicked: {}", panic_message(e.into_panic()))
                } else if let Some(reason) = &abandoned {
                    format!("check stopped: the scan gave up on the target ({reason})")
                } else {
                    "check was cancelled".to_string()
                };
                (id, Err(why))
            }
        };
        let Some(c) = names.get(&id) else { continue };
        if let Err(message) = outcome {
            if message.starts_with("check panicked") {
                emit(ScanEvent::CheckFinished { check: c.name().into(), findings: 0, error: Some(message.clone()) });
            }
            check_errors.push(CheckError { check: c.name().to_string(), message });
            failed_categories.insert(c.category());
        }
    }
    check_errors.extend(ctx.passive_errors());
    check_errors.sort_by(|a, b| a.check.cmp(&b.check));

    // A category counts as assessed when at least one of its checks ran to the end.
    let mut assessed: BTreeSet<Category> = passive.iter().map(|p| p.category()).collect();
    for c in &checks {
        if !check_errors.iter().any(|e| e.check == c.name()) {
            assessed.insert(c.category());
        }
    }
    let assessed: Vec<Category> = assessed.into_iter().collect();

    let mut findings = ctx.findings.take();
    findings.retain(|f| !opts.baseline.contains(&f.fingerprint));
    findings.sort_by(Finding::report_order);
    let score = palisade_core::scoring::score(&findings, &assessed, opts.settings.context);

    let mut health = engine.health();
    health.check_errors = check_errors;
    health.notes.extend(ctx.rejected_identities.lock().unwrap().values().cloned());
    // The engine's own reason for giving up comes first (it is already in its health).
    if let Some(reason) = engine.given_up() {
        health.aborted.get_or_insert(reason);
    }
    if let Some(limit) = opts.engine.max_time {
        if started.elapsed() >= limit {
            health.aborted.get_or_insert_with(|| format!("scan time limit of {}s reached", limit.as_secs()));
        }
    }
    // An unhealthy scan always says why.
    if let Some(reason) = health.most_failed() {
        health.aborted.get_or_insert(reason);
    }

    let cited: BTreeSet<u64> = findings.iter().flat_map(|f| f.evidence.exchange.into_iter().chain(f.evidence.related.iter().copied())).collect();
    let exchanges = cited
        .into_iter()
        .filter_map(|id| engine.exchange(id))
        .map(|mut e| {
            e.body_excerpt = redact(&e.body_excerpt);
            e
        })
        .collect();

    let inv = &ctx.inventory;
    let report = Report {
        schema_version: REPORT_SCHEMA_VERSION.to_string(),
        tool: ToolInfo { name: "palisade".into(), version: opts.settings.tool_version.clone() },
        target: palisade_core::mask::mask_url(target.as_str()),
        started_at,
        duration_ms: started.elapsed().as_millis() as u64,
        context: opts.settings.context,
        score: score.score,
        grade: score.grade,
        categories: score.categories,
        findings,
        skipped,
        health,
        inventory: InventorySummary {
            endpoints: inv.endpoints.len(),
            spec_source: inv.spec_source.clone(),
            spec_version: inv.spec_version.clone(),
            title: inv.title.clone(),
        },
        coverage: crate::coverage::assemble(&inv.endpoints, &base_path, &crawl_outcome, &ctx.requests),
        exchanges,
    };
    emit(ScanEvent::Finished { report: Box::new(report.clone()) });
    Ok(report)
}

/// Judge every operation; deny the read-only ones whose words say they
/// change state, and return every operation the scan will not call.
///
/// Only operations with a read-only method go on the deny-list: other
/// methods are kept from a default scan by the method policy, and `--active`
/// exists to send them. A denied path is denied for every method.
fn triage_inventory(engine: &Engine, target: &Url, inventory: &Inventory) -> Vec<SkippedOperation> {
    let base = target.path().trim_end_matches('/');
    let mut skipped = Vec::new();
    for ep in &inventory.endpoints {
        let Some(verdict) = triage::judge(ep) else { continue };
        if verdict.field != triage::Field::Method {
            engine.deny(palisade_http::DenyRule::new(ep.label(), &format!("{base}{}", ep.path), verdict.reason.clone()));
        }
        skipped.push(SkippedOperation { method: ep.method.clone(), path: ep.path.clone(), reason: verdict.reason });
    }
    skipped
}

/// Call every safe operation (GET, HEAD, OPTIONS not refused by triage)
/// once as the default identity, then once as each named identity, in
/// [`crate::coverage::crawl_order`], within the request budget
/// ([`crate::coverage::crawl_budget`]; the budget rule is in
/// [`crate::coverage`]). Returns the operations left out (over budget or
/// over `crawl_limit`) and what the crawl reached.
async fn crawl(
    ctx: &Arc<ScanContext>,
    limit: usize,
    per_identity: usize,
    started: Instant,
) -> (Vec<SkippedOperation>, crate::coverage::CrawlOutcome) {
    use crate::coverage::CrawlOutcome;
    use palisade_core::coverage::SkipKind;
    use palisade_http::AuthMode;
    let endpoints = &ctx.inventory.endpoints;
    let mut seen = HashSet::new();
    let safe: Vec<usize> = (0..endpoints.len())
        .filter(|&i| {
            let ep = &endpoints[i];
            triage::judge(ep).is_none() && seen.insert((ep.method.to_ascii_uppercase(), ep.path.clone()))
        })
        .collect();
    let order = crate::coverage::crawl_order(endpoints, &safe);
    let config = ctx.engine.config();
    // The first pass is the default identity's (the least-privileged named
    // identity when only `--identity` was given), then every other identity's.
    let default = config.default_identity();
    let mut passes = vec![(AuthMode::Default, default.unwrap_or("anonymous").to_string())];
    passes.extend(config.identities.keys().filter(|k| Some(k.as_str()) != default).map(|k| (AuthMode::Identity(k.clone()), k.clone())));
    let budget = crate::coverage::crawl_budget(&ctx.engine, started.elapsed()).map_or(usize::MAX, |b| usize::try_from(b).unwrap_or(usize::MAX));
    let first_pass = order.len().min(limit);
    let mut outcome = CrawlOutcome { identities: passes.iter().map(|(_, name)| name.clone()).collect(), ..CrawlOutcome::default() };
    let mut skipped = Vec::new();
    let cut = |i: usize, why: String, outcome: &mut CrawlOutcome, skipped: &mut Vec<SkippedOperation>| {
        outcome.missed.insert(i, SkipKind::OverBudget);
        skipped.push(SkippedOperation { method: endpoints[i].method.clone(), path: endpoints[i].path.clone(), reason: why });
    };
    for &i in &order[first_pass..] {
        cut(i, format!("over budget: crawl limit of {limit} operations reached"), &mut outcome, &mut skipped);
    }
    for &i in order[..first_pass].iter().skip(budget) {
        cut(i, format!("over budget: the request budget left {budget} crawl requests for {} operations", order.len()), &mut outcome, &mut skipped);
    }
    // The plan: every operation of the first pass, then each other identity's pass.
    // Passes after the first call at most `per_identity` operations each.
    let plan: Vec<(usize, usize)> = (0..passes.len())
        .flat_map(|p| order[..first_pass].iter().take(if p == 0 { first_pass } else { per_identity }).map(move |&i| (p, i)))
        .take(budget)
        .collect();
    // Nothing else sends while the crawl runs: the difference is the crawl's.
    let sent_before = ctx.engine.health().requests_sent;
    let runs = plan.into_iter().map(|(pass, i)| {
        let (ctx, auth) = (ctx.clone(), passes[pass].0.clone());
        async move {
            let ep = &ctx.inventory.endpoints[i];
            let Ok(url) = ctx.endpoint_url(&triage::concrete_path(ep)) else { return Err((i, SkipKind::Failed)) };
            match ctx.send(ProbeRequest::new(&ep.method, url).auth(auth)).await {
                Ok(resp) => Ok((pass, i, resp.exchange_id, resp.status)),
                Err(HttpError::Budget { .. }) => Err(SkipKind::OverBudget),
                Err(HttpError::Denied { .. }) => Err(SkipKind::StateChanging),
                Err(_) => Err(SkipKind::Failed),
            }
            .map_err(|kind| (i, kind))
        }
    });
    let mut answers = Vec::new();
    for result in join_all(runs).await {
        match result {
            Ok((pass, i, exchange, status)) => {
                answers.push((pass, i, status));
                outcome.answered.insert(i);
                outcome.missed.remove(&i);
                // Checks read the first pass's GET answers (one per operation).
                if pass == 0 && endpoints[i].method.eq_ignore_ascii_case("GET") {
                    ctx.crawled.lock().unwrap().push((endpoints[i].clone(), exchange));
                }
            }
            Err((i, kind)) if !outcome.answered.contains(&i) => {
                outcome.missed.entry(i).or_insert(kind);
            }
            Err(_) => {}
        }
    }
    outcome.requests = ctx.engine.health().requests_sent.saturating_sub(sent_before);
    ctx.crawled.lock().unwrap().sort_by(|a, b| a.0.path.cmp(&b.0.path));
    let names: Vec<Option<String>> = passes
        .iter()
        .map(|(auth, _)| match auth {
            AuthMode::Identity(n) => Some(n.clone()),
            _ => default.map(str::to_string),
        })
        .collect();
    *ctx.rejected_identities.lock().unwrap() = crate::coverage::rejected_identities(&names, &answers, endpoints);
    (skipped, outcome)
}

/// The text of a panic payload (`panic!("…")` gives a `&str` or a `String`).
pub(crate) fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    let text = match payload.downcast::<String>() {
        Ok(s) => *s,
        Err(payload) => payload.downcast_ref::<&str>().map(|s| s.to_string()).unwrap_or_else(|| "unknown cause".into()),
    };
    // Panic messages can quote target bytes: keep them one short line.
    text.chars().filter(|c| !c.is_control()).take(200).collect()
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_else(|_| "1970-01-01T00:00:00Z".into())
}
