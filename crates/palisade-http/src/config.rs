//! Engine configuration: every bound has a default that is safe to run
//! against production.

use crate::{Credentials, MethodPolicy, Scope};
use std::collections::BTreeMap;
use std::time::Duration;
use url::Url;

/// How the engine sends: bounds, policy, scope and identities.
#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// Requests in flight at once (default 8).
    pub concurrency: usize,
    /// Requests started per second (default 50); `<= 0` or non-finite means unlimited.
    pub rate_per_sec: f64,
    /// Whole request, headers and body read (default 10 s).
    pub request_timeout: Duration,
    /// Whole-scan budget; after it every send returns `HttpError::Budget`.
    pub max_time: Option<Duration>,
    /// Most requests sent over the engine's life (each hop and retry counts).
    pub max_requests: Option<u64>,
    /// Decompressed body cap (default 2 MiB); the rest is discarded and `truncated` set.
    pub max_body_bytes: usize,
    /// Body excerpt kept in the recorded exchange (default 4096).
    pub excerpt_bytes: usize,
    /// Redirect hops followed (default 5), each scope-checked.
    pub max_redirects: usize,
    /// Longest Retry-After honoured (default 30 s).
    pub max_retry_after: Duration,
    /// `palisade/<version>`.
    pub user_agent: String,
    /// Default true: a scanner must reach self-signed targets; TLS problems
    /// are reported by checks, not by refusing to connect.
    pub accept_invalid_certs: bool,
    /// Extra trusted CA certificates (DER), e.g. from `--ca-cert`: trusted by
    /// the HTTP client and by the TLS inspection probe, next to the webpki roots.
    pub extra_roots: Vec<Vec<u8>>,
    pub policy: MethodPolicy,
    pub scope: Scope,
    /// Named credential sets. `"default"` is used unless a request asks otherwise.
    pub identities: BTreeMap<String, Credentials>,
    /// Refresh an identity's credential when its session expires mid-scan
    /// (`--auth-command`); `None`: a 401 is just a 401.
    pub credential_refresh: Option<crate::refresh::RefreshHook>,
    /// When to give up on a target that stopped answering (default: the
    /// thresholds of [`crate::give_up`]); `None` never gives up on failures.
    /// A `Retry-After` longer than the `max_time` left gives up either way.
    pub give_up: Option<crate::GiveUpPolicy>,
}

/// The request budget of a CLI scan when `--max-requests` is not given.
///
/// Sized by operations: the crawl sends one request per safe operation and
/// identity, and may spend three quarters of what is left when it starts
/// (the rest is kept for the checks, which sample operations: about 460
/// requests in all on a generated 1,000- or 5,000-operation API); discovery
/// sends at most 400. So 20,000 covers a 5,000-operation spec crawled as up to
/// three identities (14,700 crawl requests after standard discovery). At the
/// default `--rate` (50/s) and `--max-time` (300 s), time allows about 15,000
/// requests, which covers 5,000 operations as one identity.
pub const DEFAULT_MAX_REQUESTS: u64 = 20_000;

/// Name of the identity `AuthMode::Default` uses when it is configured
/// (`--bearer`, `--header`, ...); see [`EngineConfig::default_identity`].
pub const DEFAULT_IDENTITY: &str = "default";

/// Whether an identity's name says it holds elevated rights (`admin:`,
/// `root:`, ...): such an identity is never the one "the user" sends as.
pub fn is_privileged_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("admin") || matches!(n.as_str(), "root" | "superuser" | "super" | "staff" | "su" | "operator")
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            concurrency: 8,
            rate_per_sec: 50.0,
            request_timeout: Duration::from_secs(10),
            max_time: None,
            max_requests: None,
            max_body_bytes: 2 * 1024 * 1024,
            excerpt_bytes: 4096,
            max_redirects: 5,
            max_retry_after: Duration::from_secs(30),
            user_agent: format!("palisade/{}", env!("CARGO_PKG_VERSION")),
            accept_invalid_certs: true,
            extra_roots: Vec::new(),
            policy: MethodPolicy::read_only(),
            scope: Scope::default(),
            identities: BTreeMap::new(),
            credential_refresh: None,
            give_up: Some(crate::GiveUpPolicy::default()),
        }
    }
}

impl EngineConfig {
    /// The identity `AuthMode::Default` sends as: `"default"` when it is
    /// configured; otherwise, with only named identities (`--identity`), the
    /// first (by name) that is not privileged, else the first. A scan given
    /// identities and no `--bearer` is an authenticated scan: the crawl and
    /// every check (active writes included) run as a real user, the
    /// least-privileged one, so a function that answers it is a finding and
    /// an admin's answer is not mistaken for one. `None`: anonymous.
    pub fn default_identity(&self) -> Option<&str> {
        if self.identities.contains_key(DEFAULT_IDENTITY) {
            return Some(DEFAULT_IDENTITY);
        }
        let names = || self.identities.keys().map(String::as_str);
        names().find(|n| !is_privileged_name(n)).or_else(|| names().next())
    }

    /// Defaults with the scope set to `target`'s origin.
    pub fn for_target(target: &Url) -> Self {
        Self { scope: Scope::for_target(target), ..Self::default() }
    }
}
