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

    let Discovered { mut inventory, spec_url, mut exchanges } = discover(&engine, &target, opts.spec.as_ref()).await?;
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
    skipped.extend(crawl(&ctx, opts.settings.crawl_limit).await);

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
    while let Some(joined) = tasks.join_next_with_id().await {
        let (id, outcome) = match joined {
            Ok((id, result)) => (id, result),
            Err(e) => {
                let id = e.id();
                let why = if e.is_panic() { format!("check panicked: {}", panic_message(e.into_panic())) } else { "check was cancelled".to_string() };
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
    if let Some(limit) = opts.engine.max_time {
        if started.elapsed() >= limit {
            health.aborted.get_or_insert_with(|| format!("scan time limit of {}s reached", limit.as_secs()));
        }
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
        exchanges,
    };
    emit(ScanEvent::Finished { report: Box::new(report.clone()) });
    Ok(report)
}

async fn discover(engine: &Engine, target: &Url, spec: Option<&SpecInput>) -> Result<Discovered, ScanError> {
    let mut exchanges = Vec::new();
    let load = |bytes: &[u8], source: String| {
        let opts = palisade_spec::LoadOptions { source: Some(source), ..Default::default() };
        palisade_spec::load(bytes, &opts).map_err(|e| ScanError::Spec(e.to_string()))
    };
    match spec {
        Some(SpecInput::Bytes { bytes, source }) => Ok(Discovered { inventory: load(bytes, source.clone())?, spec_url: None, exchanges }),
        Some(SpecInput::Url(url)) => {
            let req = ProbeRequest::get(url.clone());
            let resp = engine.send(req.clone()).await.map_err(|e| ScanError::Spec(e.to_string()))?;
            if resp.status != 200 {
                return Err(ScanError::Spec(format!("{} answered HTTP {}", palisade_core::mask::mask_url(url.as_str()), resp.status)));
            }
            let inventory = load(&resp.body, palisade_core::mask::mask_url(url.as_str()))?;
            exchanges.push((req, resp));
            Ok(Discovered { inventory, spec_url: Some(url.clone()), exchanges })
        }
        None => {
            let found = discovery::find_spec(engine, target, &mut exchanges).await;
            let (inventory, spec_url) = match found {
                Some((inv, url)) => (inv, Some(url)),
                None => (Inventory::default(), None),
            };
            Ok(Discovered { inventory, spec_url, exchanges })
        }
    }
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

/// GET every safe operation once; return the operations over the crawl limit.
async fn crawl(ctx: &Arc<ScanContext>, limit: usize) -> Vec<SkippedOperation> {
    let mut skipped = Vec::new();
    let mut todo = Vec::new();
    for ep in &ctx.inventory.endpoints {
        if triage::judge(ep).is_some() {
            continue;
        }
        if ep.method != "GET" {
            continue;
        }
        if todo.len() >= limit {
            skipped.push(SkippedOperation {
                method: ep.method.clone(),
                path: ep.path.clone(),
                reason: format!("crawl limit of {limit} operations reached"),
            });
            continue;
        }
        todo.push(ep.clone());
    }
    let runs = todo.into_iter().map(|ep| {
        let ctx = ctx.clone();
        async move {
            let Ok(url) = ctx.endpoint_url(&triage::concrete_path(&ep)) else { return };
            if let Ok(resp) = ctx.send(ProbeRequest::get(url)).await {
                ctx.crawled.lock().unwrap().push((ep, resp.exchange_id));
            }
        }
    });
    join_all(runs).await;
    ctx.crawled.lock().unwrap().sort_by(|a, b| a.0.path.cmp(&b.0.path));
    skipped
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
