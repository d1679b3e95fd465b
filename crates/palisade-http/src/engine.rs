//! The engine: the one place a request leaves the process.

use crate::credentials::mask_credential;
use crate::error::describe;
use crate::give_up::{retry_after_beyond, Failure, Tracker};
use crate::limits::{parse_retry_after, RateLimiter};
use crate::{AuthMode, CheckedMethod, Credentials, EngineConfig, HttpError, ProbeRequest, Response, DEFAULT_IDENTITY};
use bytes::Bytes;
use futures_util::StreamExt;
use palisade_core::mask::{mask_named_value, mask_secret, mask_url};
use palisade_core::{Exchange, ExchangeId, HeaderList, ScanEvent, ScanHealth};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::{OnceCell, Semaphore};
use tokio::time::Instant;
use url::Url;

/// Sends every request of a scan. Cheap to clone: clones share bounds,
/// cache, exchange log and health counters.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("config", &self.inner.cfg).finish_non_exhaustive()
    }
}

struct Inner {
    cfg: EngineConfig,
    client: reqwest::Client,
    permits: Semaphore,
    limiter: RateLimiter,
    /// Set by Retry-After: no request of this engine starts before it.
    paused_until: Mutex<Option<Instant>>,
    started: Instant,
    /// Requests reserved against `max_requests`.
    attempts: AtomicU64,
    health: Mutex<ScanHealth>,
    exchanges: Mutex<Vec<Exchange>>,
    events: Mutex<Option<UnboundedSender<ScanEvent>>>,
    cache: Mutex<HashMap<CacheKey, Arc<OnceCell<Response>>>>,
    /// Body bytes held by the cache.
    cache_bytes: AtomicU64,
    /// URLs a read-only policy may still POST a small JSON body to, with the
    /// number of POSTs left (see [`Engine::permit_text_post`]).
    text_posts: Mutex<HashMap<String, u32>>,
    /// Credential refresh for expiring identities (see [`crate::refresh`]).
    refresh: crate::refresh::RefreshState,
    /// Operations judged state-changing: never sent, whatever asks (see [`crate::deny`]).
    deny: std::sync::RwLock<crate::DenyList>,
    /// Outcomes of the requests sent, to decide when to give up (see [`crate::give_up`]).
    tracker: Mutex<Tracker>,
    /// Why the engine gave up on the target, once it has: every later request fails at once.
    given_up: tokio::sync::watch::Sender<Option<String>>,
}

/// Most body bytes the cache keeps, so a long scan's memory stays bounded.
const CACHE_BYTES_LIMIT: u64 = 32 * 1024 * 1024;
/// Largest body the cache keeps: API answers are far smaller, and a target
/// that sends megabytes per answer must not fill the cache with them.
const CACHE_ENTRY_MAX_BYTES: u64 = 256 * 1024;

/// Everything that makes two requests the same request.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct CacheKey {
    method: String,
    url: String,
    identity: String,
    headers: HeaderList,
    body: Option<Bytes>,
    /// A response read under another body cap is another answer.
    max_body: Option<usize>,
}

/// Poisoned locks only mean another task panicked mid-update of a counter;
/// the data is still usable, and the engine must not panic in turn.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn masked(url: &Url) -> String {
    mask_url(url.as_str())
}

impl Engine {
    /// Build an engine. Installs ring as the process-wide rustls provider
    /// unless one is installed already.
    pub fn new(cfg: EngineConfig) -> Result<Engine, HttpError> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let concurrency = cfg.concurrency.max(1);
        let mut builder = reqwest::Client::builder();
        for der in &cfg.extra_roots {
            let cert = reqwest::Certificate::from_der(der)
                .map_err(|e| HttpError::Other { reason: format!("cannot use an extra CA certificate: {}", describe(e)) })?;
            builder = builder.add_root_certificate(cert);
        }
        let client = builder
            // Redirects are followed by hand so that every hop is scope-checked and recorded.
            .redirect(reqwest::redirect::Policy::none())
            .tls_danger_accept_invalid_certs(cfg.accept_invalid_certs)
            .tls_danger_accept_invalid_hostnames(cfg.accept_invalid_certs)
            .user_agent(cfg.user_agent.clone())
            // An environment proxy would send scan traffic somewhere the scope never approved.
            .no_proxy()
            .connect_timeout(cfg.request_timeout)
            .pool_max_idle_per_host(concurrency)
            .build()
            .map_err(|e| HttpError::Other { reason: format!("cannot build the HTTP client: {}", describe(e)) })?;
        let refresh = crate::refresh::RefreshState::default();
        if let Some(hook) = &cfg.credential_refresh {
            refresh.set(hook.refresher.clone(), hook.max_per_identity);
        }
        let started = Instant::now();
        let tracker = Tracker::new(cfg.give_up.clone().unwrap_or_else(crate::GiveUpPolicy::never), started);
        Ok(Engine {
            inner: Arc::new(Inner {
                limiter: RateLimiter::new(cfg.rate_per_sec),
                permits: Semaphore::new(concurrency),
                cfg,
                client,
                paused_until: Mutex::new(None),
                started,
                attempts: AtomicU64::new(0),
                health: Mutex::new(ScanHealth::default()),
                exchanges: Mutex::new(Vec::new()),
                events: Mutex::new(None),
                cache: Mutex::new(HashMap::new()),
                cache_bytes: AtomicU64::new(0),
                text_posts: Mutex::new(HashMap::new()),
                refresh,
                deny: std::sync::RwLock::new(crate::DenyList::default()),
                tracker: Mutex::new(tracker),
                given_up: tokio::sync::watch::Sender::new(None),
            }),
        })
    }

    /// Send a request: method policy, scope, cache, bounds, redirects and
    /// Retry-After are all applied here and nowhere else.
    pub async fn send(&self, req: ProbeRequest) -> Result<Response, HttpError> {
        let mut req = req;
        let method = match CheckedMethod::check(&self.inner.cfg.policy, &req.method) {
            Ok(m) => m,
            Err(e) => match self.take_text_post(&mut req) {
                Ok(Some(m)) => m,
                Ok(None) => {
                    self.count(|h| h.refused += 1);
                    return Err(e);
                }
                Err(refusal) => {
                    self.count(|h| h.refused += 1);
                    return Err(refusal);
                }
            },
        };
        if !self.inner.cfg.scope.contains(&req.url) {
            self.count(|h| h.refused += 1);
            return Err(HttpError::OutOfScope { url: masked(&req.url) });
        }
        if let Some(refusal) = self.denial(&req.url) {
            return Err(refusal);
        }
        let (identity, credentials) = self.resolve_identity(&req.auth)?;
        let identity_name = identity.clone();
        if !(req.use_cache && method.is_read_only()) {
            return self.fetch_fresh(method, &req, &identity_name, credentials).await;
        }
        let key = CacheKey {
            method: method.as_str().to_string(),
            url: req.url.as_str().to_string(),
            identity,
            headers: req.headers.clone(),
            body: req.body.clone(),
            max_body: req.max_body,
        };
        let cell = lock(&self.inner.cache).entry(key.clone()).or_default().clone();
        let mut ran = false;
        let response = cell
            .get_or_try_init(|| {
                ran = true;
                self.fetch_fresh(method, &req, &identity_name, credentials)
            })
            .await?
            .clone();
        if !ran {
            self.count(|h| h.cache_hits += 1);
        } else {
            let size = response.body.len() as u64;
            let total = self.inner.cache_bytes.fetch_add(size, Ordering::SeqCst) + size;
            if total > CACHE_BYTES_LIMIT || size > CACHE_ENTRY_MAX_BYTES {
                // Past the limit new entries only coalesce concurrent requests; they are not kept.
                lock(&self.inner.cache).remove(&key);
                self.inner.cache_bytes.fetch_sub(response.body.len() as u64, Ordering::SeqCst);
            }
        }
        Ok(response)
    }

    /// Never send anything to `rule`'s path again, from any caller, with
    /// any method or query string (see [`crate::deny`]).
    pub fn deny(&self, rule: crate::DenyRule) {
        self.inner.deny.write().unwrap_or_else(|e| e.into_inner()).add(rule);
    }

    /// The operations this engine refuses to call.
    pub fn denied(&self) -> Vec<crate::DenyRule> {
        self.inner.deny.read().unwrap_or_else(|e| e.into_inner()).rules().to_vec()
    }

    /// The refusal for a URL on the deny-list (counted in health), if it is on it.
    fn denial(&self, url: &Url) -> Option<HttpError> {
        let deny = self.inner.deny.read().unwrap_or_else(|e| e.into_inner());
        let rule = deny.matching(url.path())?;
        let refusal = HttpError::Denied { url: masked(url), operation: rule.operation.clone() };
        drop(deny);
        self.count(|h| h.refused += 1);
        tracing::debug!(%refusal, "denied");
        Some(refusal)
    }

    /// Let a read-only policy send a few POSTs to exactly `url` (same scheme,
    /// host, port, path and query; no fragment): each must carry a JSON body
    /// of at most [`crate::TEXT_POST_MAX_BODY`] bytes, is never redirected,
    /// never cached, and at most [`crate::TEXT_POST_MAX_PER_URL`] are sent per
    /// URL over the engine's life (granting again does not add more). Scope,
    /// budgets and every other bound still apply. This is the one POST a
    /// default scan sends: the LLM check's prompt probes to detected AI endpoints.
    pub fn permit_text_post(&self, url: &Url) {
        let mut url = url.clone();
        url.set_fragment(None);
        lock(&self.inner.text_posts).entry(url.as_str().to_string()).or_insert(crate::TEXT_POST_MAX_PER_URL);
    }

    /// Like [`Engine::permit_text_post`] with an allowance of `count` POSTs,
    /// capped at [`crate::TEXT_POST_MAX_PER_URL_DEEP`]. Granting again never
    /// adds more: the first grant for a URL fixes its allowance.
    pub fn permit_text_posts(&self, url: &Url, count: u32) {
        let mut url = url.clone();
        url.set_fragment(None);
        lock(&self.inner.text_posts).entry(url.as_str().to_string()).or_insert(count.min(crate::TEXT_POST_MAX_PER_URL_DEEP));
    }

    /// POSTs still permitted to `url` under [`Engine::permit_text_post`].
    pub fn text_posts_left(&self, url: &Url) -> u32 {
        lock(&self.inner.text_posts).get(url.as_str()).copied().unwrap_or(0)
    }

    /// `Ok(Some)` when `req` is a POST the policy refused but a text-POST
    /// grant covers (one use of the grant is taken and the request is made
    /// safe: no redirects, no cache, JSON content type); `Ok(None)` when no
    /// grant applies; `Err` when a grant exists but the request breaks its terms.
    fn take_text_post(&self, req: &mut ProbeRequest) -> Result<Option<CheckedMethod>, HttpError> {
        if req.method != "POST" {
            return Ok(None);
        }
        let key = req.url.as_str().to_string();
        let mut grants = lock(&self.inner.text_posts);
        let Some(left) = grants.get_mut(&key) else {
            return Ok(None);
        };
        let refuse = |why: &str| HttpError::Other { reason: format!("text POST to {} refused: {why}", masked(&req.url)) };
        if *left == 0 {
            return Err(refuse("its probe allowance is used up"));
        }
        let body_ok =
            req.body.as_ref().is_some_and(|b| b.len() <= crate::TEXT_POST_MAX_BODY && serde_json::from_slice::<serde_json::Value>(b).is_ok());
        if !body_ok {
            return Err(refuse(&format!("the body must be JSON of at most {} bytes", crate::TEXT_POST_MAX_BODY)));
        }
        let content_type = req.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("content-type"));
        match content_type {
            Some((_, v)) if !v.trim().to_ascii_lowercase().starts_with("application/json") => {
                return Err(refuse("the content type must be application/json"));
            }
            Some(_) => {}
            None => req.headers.push(("content-type".into(), "application/json".into())),
        }
        *left -= 1;
        req.follow_redirects = false;
        req.use_cache = false;
        Ok(Some(CheckedMethod::permitted_text_post()))
    }

    /// Refresh identities' credentials with `refresher` when their session
    /// expires mid-scan (at most `max_per_identity` times each); see [`crate::refresh`].
    pub fn set_credential_refresher(&self, refresher: Arc<dyn crate::CredentialRefresher>, max_per_identity: u32) {
        self.inner.refresh.set(refresher, max_per_identity);
    }

    /// Every credential refresh attempted so far (never the credential itself).
    pub fn refresh_events(&self) -> Vec<crate::RefreshEvent> {
        self.inner.refresh.events()
    }

    /// [`Engine::fetch`] with the identity's current (possibly refreshed)
    /// credentials; an expired-session answer is refreshed and re-sent once,
    /// and only the re-sent answer is returned.
    async fn fetch_fresh(
        &self,
        method: CheckedMethod,
        req: &ProbeRequest,
        identity: &str,
        configured: Option<&Credentials>,
    ) -> Result<Response, HttpError> {
        let (generation, refreshed) = self.inner.refresh.current(identity);
        let credentials = refreshed.or_else(|| configured.cloned());
        let response = self.fetch(method.clone(), req, credentials.as_ref()).await?;
        let Some(sent) = credentials else { return Ok(response) };
        // A request that sets its own credential header is testing that header: never refreshed.
        if sent.headers.iter().any(|(k, _)| req.headers.iter().any(|(h, _)| h.eq_ignore_ascii_case(k))) {
            return Ok(response);
        }
        match self.inner.refresh.after(identity, response.status, generation, &sent).await {
            crate::refresh::Next::Keep => Ok(response),
            crate::refresh::Next::Retry(fresh) => {
                let retried = self.fetch(method, req, Some(&fresh)).await?;
                self.inner.refresh.observe(identity, retried.status);
                Ok(retried)
            }
        }
    }

    /// Emit `ScanEvent::Request` for every recorded exchange from now on.
    pub fn set_events(&self, tx: UnboundedSender<ScanEvent>) {
        *lock(&self.inner.events) = Some(tx);
    }

    /// Every recorded exchange, masked, in order.
    pub fn exchanges(&self) -> Vec<Exchange> {
        lock(&self.inner.exchanges).clone()
    }

    /// One recorded exchange.
    pub fn exchange(&self, id: ExchangeId) -> Option<Exchange> {
        let index = usize::try_from(id).ok()?;
        lock(&self.inner.exchanges).get(index).cloned()
    }

    /// Scan health counters so far.
    pub fn health(&self) -> ScanHealth {
        lock(&self.inner.health).clone()
    }

    /// Why the engine gave up on the target, if it has (see [`crate::give_up`]).
    pub fn given_up(&self) -> Option<String> {
        self.inner.given_up.borrow().clone()
    }

    /// Wait until the engine gives up on the target (forever if it never
    /// does); returns the reason.
    pub async fn wait_given_up(&self) -> String {
        let mut rx = self.inner.given_up.subscribe();
        let reason = rx.wait_for(Option::is_some).await.ok().and_then(|r| r.clone());
        match reason {
            Some(reason) => reason,
            // The sender lives as long as the engine: not reached.
            None => std::future::pending().await,
        }
    }

    /// Give up on the target: the first reason wins, becomes
    /// `health.aborted`, and every later request fails with [`HttpError::GivenUp`].
    fn give_up(&self, reason: String) {
        let first = self.inner.given_up.send_if_modified(|state| {
            if state.is_some() {
                return false;
            }
            *state = Some(reason.clone());
            true
        });
        if first {
            tracing::warn!(%reason, "giving up on the target");
            self.count(|h| {
                h.aborted.get_or_insert(reason);
            });
        }
    }

    /// The fast failure of a request after the engine gave up.
    fn given_up_error(&self) -> Option<HttpError> {
        self.given_up().map(|reason| HttpError::GivenUp { reason })
    }

    /// Note a request that got no answer; give up when that was one too many.
    fn note_failure(&self, failure: Failure) {
        let verdict = lock(&self.inner.tracker).failed(failure, Instant::now());
        if let Some(reason) = verdict {
            self.give_up(reason);
        }
    }

    /// Note an answer (any status).
    fn note_answer(&self) {
        lock(&self.inner.tracker).answered(Instant::now());
    }

    /// The configuration this engine runs with.
    pub fn config(&self) -> &EngineConfig {
        &self.inner.cfg
    }

    pub(crate) fn count(&self, f: impl FnOnce(&mut ScanHealth)) {
        f(&mut lock(&self.inner.health));
    }

    /// The cache identity name and the credentials for `auth`.
    fn resolve_identity(&self, auth: &AuthMode) -> Result<(String, Option<&Credentials>), HttpError> {
        let identities = &self.inner.cfg.identities;
        match auth {
            AuthMode::Anonymous => Ok(("\0anonymous".to_string(), None)),
            AuthMode::Default => match self.inner.cfg.default_identity() {
                // Named like the identity, so both share cache entries and refreshes.
                Some(name) => Ok((name.to_string(), identities.get(name))),
                None => Ok((DEFAULT_IDENTITY.to_string(), None)),
            },
            AuthMode::Identity(name) => match identities.get(name) {
                Some(c) => Ok((name.clone(), Some(c))),
                None => Err(HttpError::Other { reason: format!("unknown identity {name:?}") }),
            },
        }
    }

    /// Send one logical request, following in-scope redirects by hand.
    async fn fetch(&self, method: CheckedMethod, req: &ProbeRequest, credentials: Option<&Credentials>) -> Result<Response, HttpError> {
        let cfg = &self.inner.cfg;
        let mut method = method;
        let mut url = req.url.clone();
        let mut body = req.body.clone();
        let mut redirects: Vec<Url> = Vec::new();
        loop {
            let cap = req.max_body.unwrap_or(cfg.max_body_bytes);
            let mut response = self.send_with_retry(&method, &url, &req.headers, body.clone(), credentials, cap).await?;
            response.redirects = redirects.clone();
            if !req.follow_redirects || !matches!(response.status, 301 | 302 | 303 | 307 | 308) {
                return Ok(response);
            }
            let Some(mut next) = response.header("location").and_then(|loc| url.join(loc).ok()) else {
                return Ok(response);
            };
            next.set_fragment(None);
            if !cfg.scope.contains(&next) {
                tracing::debug!(from = %masked(&url), to = %masked(&next), "redirect leaves the scope; not followed");
                self.count(|h| h.refused += 1);
                return Ok(response);
            }
            // A redirect must not lead to an operation judged state-changing either.
            if self.denial(&next).is_some() {
                return Ok(response);
            }
            if next == req.url || redirects.contains(&next) {
                return Err(HttpError::RedirectLoop { url: masked(&next) });
            }
            if redirects.len() >= cfg.max_redirects {
                return Err(HttpError::TooManyRedirects { url: masked(&req.url) });
            }
            // Browsers turn these into GETs; a scanner follows suit so a redirect never repeats a write.
            let to_get = (response.status == 303 && method.as_str() != "HEAD") || (matches!(response.status, 301 | 302) && method.as_str() == "POST");
            if to_get {
                method = CheckedMethod::check(&cfg.policy, "GET").inspect_err(|_| self.count(|h| h.refused += 1))?;
                body = None;
            }
            redirects.push(next.clone());
            url = next;
        }
    }

    /// One hop; a 429/503 with Retry-After pauses the engine and is retried once.
    async fn send_with_retry(
        &self,
        method: &CheckedMethod,
        url: &Url,
        headers: &HeaderList,
        body: Option<Bytes>,
        credentials: Option<&Credentials>,
        cap: usize,
    ) -> Result<Response, HttpError> {
        let mut retried = false;
        loop {
            let response = self.send_once(method, url, headers, body.clone(), credentials, cap).await?;
            if !matches!(response.status, 429 | 503) {
                return Ok(response);
            }
            let wait = response.header("retry-after").and_then(|v| parse_retry_after(v, SystemTime::now()));
            if response.status == 429 || wait.is_some() {
                self.count(|h| h.rate_limited += 1);
            }
            if let Some(reason) = wait.and_then(|w| self.retry_after_beyond_scan(w)) {
                // Waiting would outlast the scan: give up now instead of sleeping until max_time.
                self.give_up(reason);
                return Ok(response);
            }
            match wait {
                Some(wait) if !retried => {
                    self.pause_for(wait);
                    retried = true;
                }
                _ => return Ok(response),
            }
        }
    }

    /// The reason to give up when `wait` is longer than the scan time left.
    fn retry_after_beyond_scan(&self, wait: Duration) -> Option<String> {
        let max_time = self.inner.cfg.max_time?;
        retry_after_beyond(wait, max_time.saturating_sub(self.inner.started.elapsed()))
    }

    /// Stop every request of this engine from starting before `wait` has passed,
    /// capped by `max_retry_after` and the remaining scan time.
    fn pause_for(&self, wait: Duration) {
        let cfg = &self.inner.cfg;
        let mut wait = wait.min(cfg.max_retry_after);
        if let Some(max_time) = cfg.max_time {
            wait = wait.min(max_time.saturating_sub(self.inner.started.elapsed()));
        }
        let until = Instant::now() + wait;
        let mut paused = lock(&self.inner.paused_until);
        if paused.is_none_or(|p| p < until) {
            *paused = Some(until);
        }
    }

    /// Fail with `Budget` when max time or max requests is reached; with
    /// `reserve`, also take one request from the budget.
    fn check_budget(&self, reserve: bool) -> Result<(), HttpError> {
        let cfg = &self.inner.cfg;
        let refusal = if cfg.max_time.is_some_and(|max| self.inner.started.elapsed() >= max) {
            Some(format!("max time of {:.1}s reached", cfg.max_time.unwrap_or_default().as_secs_f64()))
        } else if let Some(max) = cfg.max_requests {
            let used = if reserve { self.inner.attempts.fetch_add(1, Ordering::SeqCst) } else { self.inner.attempts.load(Ordering::SeqCst) };
            (used >= max).then(|| format!("max requests of {max} reached"))
        } else {
            None
        };
        match refusal {
            Some(reason) => {
                self.count(|h| h.dropped += 1);
                Err(HttpError::Budget { reason })
            }
            None => Ok(()),
        }
    }

    /// The gates every connection of this engine passes before it opens
    /// (HTTP requests and TLS probes alike): the time and request budgets, a
    /// concurrency permit (held by the caller until the exchange is over),
    /// a Retry-After pause, a rate-limiter slot, and then one request taken
    /// from `max_requests`.
    ///
    /// Once the engine has given up on the target, fails at once with
    /// [`HttpError::GivenUp`] (counted as dropped), also for callers already
    /// waiting at one of the gates.
    pub(crate) async fn admit(&self) -> Result<tokio::sync::SemaphorePermit<'_>, HttpError> {
        let gates = async {
            self.check_budget(false)?;
            let permit = self.inner.permits.acquire().await.map_err(|_| HttpError::Other { reason: "engine is shut down".into() })?;
            let paused = *lock(&self.inner.paused_until);
            if let Some(until) = paused {
                tokio::time::sleep_until(until).await;
            }
            self.inner.limiter.wait().await;
            // Giving up may have happened while this caller waited.
            if let Some(e) = self.given_up_error() {
                return Err(e);
            }
            self.check_budget(true)?;
            Ok(permit)
        };
        let admitted = match self.given_up_error() {
            Some(e) => Err(e),
            None => tokio::select! {
                biased;
                reason = self.wait_given_up() => Err(HttpError::GivenUp { reason }),
                admitted = gates => admitted,
            },
        };
        if matches!(admitted, Err(HttpError::GivenUp { .. })) {
            self.count(|h| h.dropped += 1);
        }
        admitted
    }

    /// The request timeout, shortened to what is left of `max_time`.
    pub(crate) fn bounded_timeout(&self) -> Duration {
        let cfg = &self.inner.cfg;
        match cfg.max_time {
            Some(max) => cfg.request_timeout.min(max.saturating_sub(self.inner.started.elapsed())),
            None => cfg.request_timeout,
        }
    }

    /// Send exactly one HTTP request within every bound, and record it;
    /// at most `cap` body bytes are read.
    async fn send_once(
        &self,
        method: &CheckedMethod,
        url: &Url,
        headers: &HeaderList,
        body: Option<Bytes>,
        credentials: Option<&Credentials>,
        cap: usize,
    ) -> Result<Response, HttpError> {
        let cfg = &self.inner.cfg;
        let _permit = self.admit().await?;

        let (request, sent_headers, recorded_url) = self.build(method, url, headers, body, credentials)?;
        self.count(|h| h.requests_sent += 1);
        let started = Instant::now();
        let client = &self.inner.client;
        let exchange = tokio::time::timeout(cfg.request_timeout, async move {
            let response = client.execute(request).await?;
            let status = response.status().as_u16();
            let headers: HeaderList =
                response.headers().iter().map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned())).collect();
            let (body, truncated, read_error) = read_capped(response, cap).await;
            Ok::<_, reqwest::Error>((status, headers, body, truncated, read_error))
        });
        // A request in flight when the engine gives up is abandoned, so the scan ends now, not a timeout later.
        let outcome = tokio::select! {
            outcome = exchange => Some(outcome),
            _ = self.wait_given_up() => None,
        };
        let duration = started.elapsed();

        let mut record = Exchange {
            id: 0,
            method: method.as_str().to_string(),
            url: recorded_url,
            request_headers: sent_headers,
            status: None,
            response_headers: Vec::new(),
            duration_ms: u64::try_from(duration.as_millis()).unwrap_or(u64::MAX),
            body_len: 0,
            truncated: false,
            body_excerpt: String::new(),
            error: None,
        };
        let result = match outcome {
            None => Err(HttpError::GivenUp { reason: self.given_up().unwrap_or_default() }),
            Some(Err(_elapsed)) => {
                self.count(|h| h.timeouts += 1);
                self.note_failure(Failure::Timeout);
                Err(HttpError::Timeout { url: masked(url) })
            }
            Some(Ok(Err(e))) if e.is_timeout() => {
                self.count(|h| h.timeouts += 1);
                self.note_failure(Failure::Timeout);
                Err(HttpError::Timeout { url: masked(url) })
            }
            Some(Ok(Err(e))) => {
                self.count(|h| h.connection_errors += 1);
                self.note_failure(Failure::Connect);
                Err(HttpError::Connect { url: masked(url), reason: describe(e) })
            }
            Some(Ok(Ok((status, response_headers, body, truncated, read_error)))) => {
                self.note_answer();
                if status >= 500 {
                    self.count(|h| h.server_errors += 1);
                }
                record.status = Some(status);
                record.response_headers = response_headers.iter().map(|(k, v)| (k.clone(), mask_named_value(k, v))).collect();
                record.body_len = body.len() as u64;
                record.truncated = truncated;
                record.body_excerpt = String::from_utf8_lossy(&body[..body.len().min(cfg.excerpt_bytes)]).into_owned();
                record.error = read_error;
                Ok(Response { exchange_id: 0, status, headers: response_headers, body, truncated, url: url.clone(), redirects: Vec::new(), duration })
            }
        };
        if let Err(e) = &result {
            record.error = Some(e.to_string());
        }
        let id = self.record(record);
        result.map(|mut r| {
            r.exchange_id = id;
            r
        })
    }

    /// The wire request, and its headers as they will be recorded (masked).
    fn build(
        &self,
        method: &CheckedMethod,
        url: &Url,
        headers: &HeaderList,
        body: Option<Bytes>,
        credentials: Option<&Credentials>,
    ) -> Result<(reqwest::Request, HeaderList, String), HttpError> {
        let mut wire_url = url.clone();
        let mut recorded_url = masked(url);
        let mut recorded = vec![("user-agent".to_string(), self.inner.cfg.user_agent.clone())];
        let mut map = http::HeaderMap::new();
        let mut add = |name: &str, value: &str, credential: bool| -> Result<(), HttpError> {
            let header_name = http::HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| HttpError::Other { reason: format!("invalid header name {:?}", name.chars().take(64).collect::<String>()) })?;
            let header_value =
                http::HeaderValue::from_str(value).map_err(|_| HttpError::Other { reason: format!("invalid value for header {header_name}") })?;
            map.append(header_name, header_value);
            let shown = if credential { mask_credential(name, value) } else { mask_named_value(name, value) };
            recorded.push((name.to_string(), shown));
            Ok(())
        };
        if let Some(c) = credentials {
            // A header the request sets itself replaces the identity's header of that name.
            for (k, v) in c.headers.iter().filter(|(k, _)| !headers.iter().any(|(h, _)| h.eq_ignore_ascii_case(k))) {
                add(k, v, true)?;
            }
        }
        for (k, v) in headers {
            add(k, v, false)?;
        }
        if let Some(c) = credentials.filter(|c| !c.query.is_empty()) {
            let mut pairs = wire_url.query_pairs_mut();
            for (k, v) in &c.query {
                pairs.append_pair(k, v);
                // Credential values are masked whatever the parameter is called.
                recorded_url.push(if recorded_url.contains('?') { '&' } else { '?' });
                recorded_url.push_str(&url::form_urlencoded::byte_serialize(k.as_bytes()).collect::<String>());
                recorded_url.push('=');
                recorded_url.push_str(&mask_secret(v));
            }
        }
        let mut request = reqwest::Request::new(method.to_http(), wire_url);
        *request.headers_mut() = map;
        if let Some(b) = body {
            *request.body_mut() = Some(reqwest::Body::from(b));
        }
        Ok((request, recorded, recorded_url))
    }

    /// Append to the exchange log and emit the event; returns the id.
    pub(crate) fn record(&self, mut exchange: Exchange) -> ExchangeId {
        let id = {
            let mut log = lock(&self.inner.exchanges);
            let id = log.len() as ExchangeId;
            exchange.id = id;
            log.push(exchange.clone());
            id
        };
        if let Some(tx) = lock(&self.inner.events).as_ref() {
            let _ = tx.send(ScanEvent::Request {
                method: exchange.method,
                url: exchange.url,
                status: exchange.status,
                duration_ms: exchange.duration_ms,
            });
        }
        id
    }
}

/// Read the (already decompressed) body as a stream, keeping at most `cap`
/// bytes; stops reading at the cap so a huge or endless body costs nothing more.
async fn read_capped(response: reqwest::Response, cap: usize) -> (Bytes, bool, Option<String>) {
    let mut stream = response.bytes_stream();
    let mut buf = Vec::new();
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(chunk) => {
                let room = cap - buf.len();
                let take = chunk.len().min(room);
                grow_within(&mut buf, take, cap);
                buf.extend_from_slice(&chunk[..take]);
                if chunk.len() > room {
                    return (exact(buf), true, None);
                }
            }
            // Keep what arrived: a half-read body is still evidence.
            Err(e) => return (exact(buf), true, Some(format!("body read failed: {}", describe(e)))),
        }
    }
    (exact(buf), false, None)
}

/// Make room for `more` bytes, doubling as a `Vec` does but never past
/// `cap`: a doubling buffer cut at a 2 MiB cap would otherwise hold 4 MiB
/// while the body is read.
fn grow_within(buf: &mut Vec<u8>, more: usize, cap: usize) {
    let needed = buf.len() + more;
    if needed > buf.capacity() {
        let target = needed.max(buf.capacity() * 2).max(8 * 1024).min(cap).max(needed);
        buf.reserve_exact(target - buf.len());
    }
}

/// The bytes of `buf` in an allocation of their own size when growth left
/// much spare capacity: bodies live on in the cache and in checks, and what
/// they hold is what the scan's memory is.
fn exact(mut buf: Vec<u8>) -> Bytes {
    if buf.capacity() > buf.len() + buf.len() / 8 + 4096 {
        buf.shrink_to_fit();
    }
    Bytes::from(buf)
}
