//! [`Scanner`]: the one way to run a scan. The CLI, the tests, and later the
//! server and the MCP server all build one; none of them wires the phases,
//! the engine, redaction or scoring by hand.
//!
//! ```no_run
//! # async fn demo(target: palisade_http::Url, checks: Vec<std::sync::Arc<dyn palisade_engine::Check>>) {
//! use palisade_engine::{Scanner, ScanSettings, DiscoveryProfile};
//! let report = Scanner::new(target)
//!     .checks(checks, vec![])
//!     .settings(ScanSettings { discovery: DiscoveryProfile::Quick, ..ScanSettings::default() })
//!     .run()
//!     .await;
//! # }
//! ```

use crate::check::{Check, PassiveCheck};
use crate::content::DiscoveryProfile;
use crate::scan::{run_scan, ScanError, ScanOptions, SpecInput};
use palisade_core::{Report, ScanEvent};
use palisade_http::{Credentials, EngineConfig, Url};
use std::collections::{BTreeMap, HashSet};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;

/// What the checks need to know about a scan, beyond what the HTTP layer
/// enforces (that is [`EngineConfig`]).
/// Default of [`ScanSettings::max_identity_requests`]: every operation of a
/// 5,000-operation API, as each identity.
pub const DEFAULT_MAX_IDENTITY_REQUESTS: usize = 5_000;

#[derive(Clone, Debug)]
pub struct ScanSettings {
    /// What matters most for this API (`--context`); weighs the score.
    pub context: palisade_core::Context,
    /// Most operations the crawl calls, an optional cap under the request
    /// budget (default `usize::MAX`: no cap; the budget decides, see
    /// [`crate::coverage`]). Operations over it are skipped as over budget.
    pub crawl_limit: usize,
    /// Most operations the crawl calls as each identity after the first
    /// (`--max-identity-requests`, default [`DEFAULT_MAX_IDENTITY_REQUESTS`]),
    /// in crawl order; the first pass, the default identity's, is bounded by
    /// the request budget only.
    pub max_identity_requests: usize,
    /// How much content discovery to do (`--discovery`).
    pub discovery: DiscoveryProfile,
    /// Where the SSRF canary listener binds (`--oob-listen`); `None` = `127.0.0.1:0`.
    pub oob_listen: Option<SocketAddr>,
    /// Externally reachable base URL that forwards to the canary listener
    /// (`--oob-url`); embedded in SSRF payloads instead of the bound address.
    pub oob_url: Option<Url>,
    /// Send internal-address SSRF payloads (`--ssrf-internal`, SS003); off by default.
    pub ssrf_internal: bool,
    /// Largest spec accepted, fetched or read from a file (`--max-spec-bytes`,
    /// default 64 MiB); spec fetches read up to it, not up to the per-response body cap.
    pub max_spec_bytes: usize,
    /// Longest search for one HS* JWT's secret (`--jwt-crack-time`, AU003,
    /// default 3 s): the offline search runs on all cores and stops here.
    pub jwt_crack_time: std::time::Duration,
    /// Shown in the report's `tool` section.
    pub tool_version: String,
}

impl Default for ScanSettings {
    fn default() -> Self {
        ScanSettings {
            context: palisade_core::Context::default(),
            crawl_limit: usize::MAX,
            max_identity_requests: DEFAULT_MAX_IDENTITY_REQUESTS,
            discovery: DiscoveryProfile::default(),
            oob_listen: None,
            oob_url: None,
            ssrf_internal: false,
            max_spec_bytes: palisade_spec::DEFAULT_MAX_SPEC_BYTES,
            jwt_crack_time: std::time::Duration::from_secs(3),
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

use crate::check::Redactor;

/// A scan to run: target, optional spec, the HTTP layer's bounds, the checks,
/// the settings, and who listens to its events.
pub struct Scanner {
    target: Url,
    spec: Option<SpecInput>,
    engine: EngineConfig,
    checks: Vec<Arc<dyn Check>>,
    passive: Vec<Arc<dyn PassiveCheck>>,
    selected_rules: Option<HashSet<String>>,
    settings: ScanSettings,
    events: Option<UnboundedSender<ScanEvent>>,
    redact: Redactor,
    baseline: HashSet<String>,
}

impl Scanner {
    /// A scan of `target` with safe defaults: the engine scoped to the
    /// target's origin, no checks, default settings, no redaction hook
    /// (set one with [`Scanner::redact_with`]; `palisade_checks::scanner`
    /// sets the detector's).
    pub fn new(target: Url) -> Scanner {
        Scanner {
            engine: EngineConfig::for_target(&target),
            target,
            spec: None,
            checks: Vec::new(),
            passive: Vec::new(),
            selected_rules: None,
            settings: ScanSettings::default(),
            events: None,
            redact: Arc::new(|s: &str| s.to_string()),
            baseline: HashSet::new(),
        }
    }

    /// The spec to scan against (file bytes or a URL fetched in scope).
    pub fn spec(mut self, spec: SpecInput) -> Self {
        self.spec = Some(spec);
        self
    }

    /// The HTTP layer's configuration: bounds, policy, scope, identities.
    pub fn engine(mut self, engine: EngineConfig) -> Self {
        self.engine = engine;
        self
    }

    /// Change the HTTP layer's configuration in place.
    pub fn engine_with(mut self, tweak: impl FnOnce(&mut EngineConfig)) -> Self {
        tweak(&mut self.engine);
        self
    }

    /// Named credential sets (`--identity`); `"default"` is used unless a probe asks otherwise.
    pub fn identities(mut self, identities: BTreeMap<String, Credentials>) -> Self {
        self.engine.identities.extend(identities);
        self
    }

    /// The checks to run.
    pub fn checks(mut self, active: Vec<Arc<dyn Check>>, passive: Vec<Arc<dyn PassiveCheck>>) -> Self {
        self.checks = active;
        self.passive = passive;
        self
    }

    /// Only these rule codes: checks that declare none of them do not run.
    pub fn select_rules<I, S>(mut self, rules: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.selected_rules = Some(rules.into_iter().map(Into::into).collect());
        self
    }

    /// Rule selection as an option (`None` = every rule).
    pub fn selected_rules(mut self, rules: Option<HashSet<String>>) -> Self {
        self.selected_rules = rules;
        self
    }

    pub fn settings(mut self, settings: ScanSettings) -> Self {
        self.settings = settings;
        self
    }

    /// Change the settings in place.
    pub fn settings_with(mut self, tweak: impl FnOnce(&mut ScanSettings)) -> Self {
        tweak(&mut self.settings);
        self
    }

    /// Publish the scan's [`ScanEvent`]s on `tx` (progress, server, database, webhooks).
    pub fn on_event(mut self, tx: UnboundedSender<ScanEvent>) -> Self {
        self.events = Some(tx);
        self
    }

    /// Mask secrets in body excerpts before they go into the report.
    pub fn redact_with(mut self, redact: impl Fn(&str) -> String + Send + Sync + 'static) -> Self {
        self.redact = Arc::new(redact);
        self
    }

    /// Findings already accepted (by fingerprint, `--baseline`): dropped
    /// before scoring, so the score and the gates see only new ones.
    pub fn baseline(mut self, accepted: HashSet<String>) -> Self {
        self.baseline = accepted;
        self
    }

    /// Run the scan to its report.
    pub async fn run(self) -> Result<Report, ScanError> {
        let opts = ScanOptions {
            target: self.target,
            spec: self.spec,
            engine: self.engine,
            selected_rules: self.selected_rules,
            settings: self.settings,
            baseline: self.baseline,
        };
        run_scan(opts, self.checks, self.passive, self.events, self.redact).await
    }
}
