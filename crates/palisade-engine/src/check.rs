//! The two kinds of check and the context they share.

use crate::soft404::Soft404;
use async_trait::async_trait;
use palisade_core::{Category, Endpoint, ExchangeId, Finding, Inventory, RuleMeta, ScanEvent};
use palisade_http::{Engine, HttpError, ProbeRequest, Response, Url};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Mutex;
use tokio::sync::mpsc::UnboundedSender;

/// Why a check could not finish. Reported in scan health, never as a finding.
#[derive(Debug, thiserror::Error)]
pub enum CheckFailure {
    #[error("{0}")]
    Http(#[from] HttpError),
    #[error("{0}")]
    Other(String),
}

/// A check that sends its own probes.
#[async_trait]
pub trait Check: Send + Sync {
    /// Stable name, e.g. `inventory/exposed-spec`.
    fn name(&self) -> &'static str;
    fn category(&self) -> Category;
    /// Rules this check can report.
    fn rules(&self) -> &'static [&'static RuleMeta];
    /// Rules that other checks judge from the traffic this check sends
    /// (DE008 from the key creation PA004 posts; AU008 from the 401s of
    /// AU001's anonymous requests). Selecting one of them runs this check
    /// too, with its own findings filtered out.
    fn feeds(&self) -> &'static [&'static RuleMeta] {
        &[]
    }
    async fn run(&self, ctx: &ScanContext) -> Result<(), CheckFailure>;
}

/// A check that only looks at responses the scan receives anyway. It sees
/// every distinct exchange exactly once and sends nothing.
pub trait PassiveCheck: Send + Sync {
    fn name(&self) -> &'static str;
    fn category(&self) -> Category;
    fn rules(&self) -> &'static [&'static RuleMeta];
    fn observe(&self, ctx: &ScanContext, request: &ProbeRequest, response: &Response);
}

/// Masks secrets in text that goes into a report (the detector's redaction).
pub type Redactor = std::sync::Arc<dyn Fn(&str) -> String + Send + Sync>;

/// Collects findings, dropping repeats (same fingerprint) and findings of
/// rules the user did not select. Every finding's message and excerpt pass
/// through its redactor here, once, whatever check reported it.
pub struct FindingSink {
    findings: Mutex<Vec<Finding>>,
    seen: Mutex<HashSet<String>>,
    selected: Option<HashSet<String>>,
    events: Option<UnboundedSender<ScanEvent>>,
    redact: Option<Redactor>,
}

impl FindingSink {
    pub fn new(selected: Option<HashSet<String>>, events: Option<UnboundedSender<ScanEvent>>) -> Self {
        FindingSink { findings: Mutex::new(Vec::new()), seen: Mutex::new(HashSet::new()), selected, events, redact: None }
    }

    /// `text` with the sink's redaction applied (unchanged when it has none).
    pub fn redact(&self, text: &str) -> String {
        match &self.redact {
            Some(redact) => redact(text),
            None => text.to_string(),
        }
    }

    /// Mask every finding's message and evidence excerpt with `redact`.
    pub fn redacting(mut self, redact: Redactor) -> Self {
        self.redact = Some(redact);
        self
    }

    pub fn push(&self, mut finding: Finding) {
        if let Some(sel) = &self.selected {
            if !sel.contains(&finding.rule) {
                return;
            }
        }
        if !self.seen.lock().unwrap().insert(finding.fingerprint.clone()) {
            return;
        }
        if let Some(redact) = &self.redact {
            finding.message = redact(&finding.message);
            finding.evidence.excerpt = redact(&finding.evidence.excerpt);
        }
        if let Some(tx) = &self.events {
            let _ = tx.send(ScanEvent::Finding { finding: Box::new(finding.clone()) });
        }
        self.findings.lock().unwrap().push(finding);
    }

    pub fn take(&self) -> Vec<Finding> {
        std::mem::take(&mut *self.findings.lock().unwrap())
    }

    pub fn len(&self) -> usize {
        self.findings.lock().unwrap().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Most directory calibrations [`ScanContext::is_not_found_at`] makes.
const MAX_DIRECTORY_CALIBRATIONS: usize = 24;

/// Everything a check may use. Requests go through [`ScanContext::send`] so
/// that passive checks see every response.
pub struct ScanContext {
    pub engine: Engine,
    pub target: Url,
    pub inventory: Inventory,
    pub soft404: Soft404,
    pub context: palisade_core::Context,
    /// What the checks need to know beyond the HTTP layer's bounds.
    pub settings: crate::ScanSettings,
    pub findings: FindingSink,
    /// Operations the crawl called, with the exchange of their response.
    pub crawled: Mutex<Vec<(Endpoint, ExchangeId)>>,
    /// Every request answered through [`ScanContext::send`], by the category
    /// of the check that sent it, for the report's coverage section.
    pub requests: crate::coverage::RequestLog,
    /// What content discovery found, judged by content (see [`crate::content`]).
    pub discovered: Vec<crate::content::DiscoveryHit>,
    /// Identities whose credentials the target does not accept (every
    /// authenticated operation answered them 401/403 in the crawl), with why;
    /// set after the crawl. Checks that compare identities leave them out.
    pub rejected_identities: Mutex<BTreeMap<String, String>>,
    passive: Vec<std::sync::Arc<dyn PassiveCheck>>,
    observed: Mutex<HashSet<ExchangeId>>,
    /// Response bodies are not kept; only small facts checks ask for later.
    statuses: Mutex<HashMap<ExchangeId, u16>>,
    /// Passive checks that panicked (each once), for scan health.
    passive_errors: Mutex<Vec<palisade_core::CheckError>>,
    /// Soft-404 calibrations per directory and extension, made on first use
    /// by [`ScanContext::is_not_found_at`].
    directory_soft404: tokio::sync::Mutex<HashMap<(String, String), Soft404>>,
    /// The out-of-band canary listener, started on first use by [`ScanContext::oob`].
    oob: tokio::sync::OnceCell<Option<std::sync::Arc<crate::oob::OobListener>>>,
}

impl ScanContext {
    /// Named identities (`--identity`, and `default`) whose credentials the
    /// target accepted in the crawl, by name.
    pub fn usable_identities(&self) -> Vec<String> {
        let rejected = self.rejected_identities.lock().unwrap();
        self.engine.config().identities.keys().filter(|k| !rejected.contains_key(*k)).cloned().collect()
    }

    // One argument per shared piece of scan state; the Scanner builder (issue 10) will own this wiring.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        engine: Engine,
        target: Url,
        inventory: Inventory,
        soft404: Soft404,
        settings: crate::ScanSettings,
        findings: FindingSink,
        passive: Vec<std::sync::Arc<dyn PassiveCheck>>,
        discovered: Vec<crate::content::DiscoveryHit>,
    ) -> Self {
        ScanContext {
            engine,
            target,
            inventory,
            soft404,
            context: settings.context,
            settings,
            findings,
            crawled: Mutex::new(Vec::new()),
            requests: crate::coverage::RequestLog::default(),
            discovered,
            rejected_identities: Mutex::new(BTreeMap::new()),
            passive,
            observed: Mutex::new(HashSet::new()),
            statuses: Mutex::new(HashMap::new()),
            directory_soft404: tokio::sync::Mutex::new(HashMap::new()),
            passive_errors: Mutex::new(Vec::new()),
            oob: tokio::sync::OnceCell::new(),
        }
    }

    /// The scan's out-of-band canary listener (bound as `--oob-listen` says,
    /// `127.0.0.1:0` by default), started on first use and stopped with the
    /// context. `None` when it cannot bind.
    pub async fn oob(&self) -> Option<std::sync::Arc<crate::oob::OobListener>> {
        self.oob
            .get_or_init(|| async {
                let started = match crate::oob::OobConfig::new(self.settings.oob_listen, self.settings.oob_url.as_ref()) {
                    Ok(cfg) => crate::oob::OobListener::start(&cfg).await,
                    Err(e) => Err(e),
                };
                match started {
                    Ok(l) => Some(std::sync::Arc::new(l)),
                    Err(e) => {
                        tracing::warn!("out-of-band listener could not start: {e}");
                        None
                    }
                }
            })
            .await
            .clone()
    }

    /// True when `resp`, the answer to `path` (absolute on the origin), means
    /// "nothing here": by the target-wide calibration, or by a calibration of
    /// `path`'s own directory and extension (one random-path request, made once
    /// per directory and extension). Catch-alls often answer differently
    /// under `/api/` than at the root, so the root's calibration is not enough.
    pub async fn is_not_found_at(&self, path: &str, resp: &Response) -> bool {
        let token = path.trim_end_matches('/').rsplit('/').next().unwrap_or(path);
        if self.soft404.is_not_found(resp, token) {
            return true;
        }
        let key = crate::content::dir_and_ext(path);
        let mut cache = self.directory_soft404.lock().await;
        if !cache.contains_key(&key) {
            if cache.len() >= MAX_DIRECTORY_CALIBRATIONS {
                return false;
            }
            let random = format!("palisade-{:012x}", rand::random::<u64>() & 0xffff_ffff_ffff);
            let name = if key.1.is_empty() { random.clone() } else { format!("{random}.{}", key.1) };
            let calibration = match self.url_for(&format!("{}{name}", key.0)) {
                Ok(url) => match self.send(ProbeRequest::get(url).auth(palisade_http::AuthMode::Anonymous).no_redirects()).await {
                    Ok(answer) => Soft404::from_answer(&answer, &name),
                    Err(_) => Soft404::default(),
                },
                Err(_) => Soft404::default(),
            };
            cache.insert(key.clone(), calibration);
        }
        cache.get(&key).is_some_and(|cal| cal.is_not_found(resp, token))
    }

    /// Passive checks that panicked while observing, one error each.
    pub(crate) fn passive_errors(&self) -> Vec<palisade_core::CheckError> {
        self.passive_errors.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Send a request and show the response to every passive check once.
    pub async fn send(&self, request: ProbeRequest) -> Result<Response, HttpError> {
        let response = self.engine.send(request.clone()).await?;
        // A cache hit answers with an exchange already seen: not a new request.
        if !self.observed.lock().unwrap().contains(&response.exchange_id) {
            self.requests.record(&request.method, request.url.path());
        }
        self.observe(&request, &response);
        Ok(response)
    }

    pub(crate) fn observe(&self, request: &ProbeRequest, response: &Response) {
        if !self.observed.lock().unwrap().insert(response.exchange_id) {
            return;
        }
        self.statuses.lock().unwrap().insert(response.exchange_id, response.status);
        for p in &self.passive {
            // A passive check reads bytes the target controls: a panic in one
            // is that check's error, never the end of the scan.
            let observed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| p.observe(self, request, response)));
            if let Err(payload) = observed {
                let mut errors = self.passive_errors.lock().unwrap_or_else(|e| e.into_inner());
                if !errors.iter().any(|e| e.check == p.name()) {
                    errors.push(palisade_core::CheckError {
                        check: p.name().to_string(),
                        message: format!("check panicked: {}", crate::scan::panic_message(payload)),
                    });
                }
            }
        }
    }

    /// GET a path relative to the target's origin (the path replaces the target's path).
    pub async fn get_path(&self, path: &str) -> Result<Response, HttpError> {
        let url = self.url_for(path)?;
        self.send(ProbeRequest::get(url)).await
    }

    /// Absolute URL for a path on the target's origin.
    pub fn url_for(&self, path: &str) -> Result<Url, HttpError> {
        self.target.join(path).map_err(|e| HttpError::InvalidUrl { url: path.to_string(), reason: e.to_string() })
    }

    /// Absolute URL for an operation's path under the target's base path.
    pub fn endpoint_url(&self, path: &str) -> Result<Url, HttpError> {
        let base = self.target.as_str().trim_end_matches('/');
        let joined = format!("{base}{path}");
        Url::parse(&joined).map_err(|e| HttpError::InvalidUrl { url: joined, reason: e.to_string() })
    }

    pub fn report(&self, finding: Finding) {
        self.findings.push(finding);
    }

    /// `text` masked by the scan's redactor, the one the finding sink applies
    /// to every message and excerpt. Call it only where text is cut or
    /// searched after masking (a clipped secret no longer matches its
    /// pattern, so redaction must come before any cut); the sink
    /// covers everything else.
    pub fn redact(&self, text: &str) -> String {
        self.findings.redact(text)
    }

    /// The origin, `http://127.0.0.1:8080`, used as the endpoint of target-wide findings.
    pub fn origin(&self) -> String {
        self.target.origin().ascii_serialization()
    }
}
