//! Credential refresh for identities whose session expires mid-scan.
//!
//! When a request made with an identity's credentials gets 401 (or 419/440)
//! after that identity has had a success, the engine asks a
//! [`CredentialRefresher`] for a fresh `Header: value`, replaces that header
//! for the identity, and re-sends the failed request once. Callers (checks)
//! only ever see the retried response, so an expired session never becomes a
//! finding. Refreshes are serialised per identity (concurrent 401s wait and
//! reuse the new credential) and bounded per identity.
//!
//! The library never spawns anything itself: the refresher is supplied by the
//! caller (the CLI runs `--auth-command` with a time bound).

use crate::Credentials;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Statuses that mean "your session expired" (401, and 419/440 used by some frameworks).
pub const EXPIRED_STATUSES: [u16; 3] = [401, 419, 440];
/// Default most refreshes per identity over a scan.
pub const DEFAULT_MAX_REFRESHES: u32 = 3;
/// Upper bound the engine puts on one refresh, whatever the refresher does.
pub const REFRESH_TIMEOUT: Duration = Duration::from_secs(15);

/// A fresh credential header, `(name, value)`.
pub type FreshHeader = (String, String);

/// Supplies fresh credentials for an identity.
pub trait CredentialRefresher: Send + Sync {
    /// True when this refresher can refresh `identity` (an `EngineConfig::identities` key).
    fn covers(&self, identity: &str) -> bool;
    /// A fresh `Header: value` for `identity`. The error is shown to the user:
    /// it must not contain the credential.
    fn refresh<'a>(&'a self, identity: &'a str) -> Pin<Box<dyn Future<Output = Result<FreshHeader, String>> + Send + 'a>>;
}

/// The refresher an engine is configured with (`EngineConfig::credential_refresh`).
#[derive(Clone)]
pub struct RefreshHook {
    pub refresher: Arc<dyn CredentialRefresher>,
    /// Most refreshes per identity over the engine's life.
    pub max_per_identity: u32,
}

impl RefreshHook {
    pub fn new(refresher: Arc<dyn CredentialRefresher>) -> Self {
        RefreshHook { refresher, max_per_identity: DEFAULT_MAX_REFRESHES }
    }
}

impl std::fmt::Debug for RefreshHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RefreshHook").field("max_per_identity", &self.max_per_identity).finish_non_exhaustive()
    }
}

/// One refresh attempt, for the scan's log (never holds the credential).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefreshEvent {
    pub identity: String,
    /// The failed status that triggered it.
    pub status: u16,
    /// `Ok(header name)` replaced, or the error.
    pub outcome: Result<String, String>,
}

#[derive(Default)]
struct IdentityState {
    had_success: bool,
    /// Bumped on every successful refresh.
    generation: u64,
    refreshes: u32,
    current: Option<Credentials>,
}

/// What the engine does after a response.
pub(crate) enum Next {
    Keep,
    Retry(Credentials),
}

/// Per-engine refresh state.
#[derive(Default)]
pub(crate) struct RefreshState {
    refresher: Mutex<Option<(Arc<dyn CredentialRefresher>, u32)>>,
    identities: Mutex<HashMap<String, IdentityState>>,
    /// One lock per identity so refreshes never run in parallel for it.
    locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    events: Mutex<Vec<RefreshEvent>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// `base` with header `name` replaced (case-insensitive) or added.
pub(crate) fn with_header(base: &Credentials, name: &str, value: &str) -> Credentials {
    let mut c = base.clone();
    c.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
    c.headers.push((name.to_string(), value.to_string()));
    c
}

/// Parse one `Header: value` line (what an auth command prints).
pub fn parse_header_line(line: &str) -> Result<FreshHeader, String> {
    let line = line.trim_end_matches(['\r', '\n']);
    let (name, value) = line.split_once(':').ok_or("expected one line `Header: value`")?;
    let (name, value) = (name.trim(), value.trim());
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b)) {
        return Err("the header name is empty or not a valid token".into());
    }
    if value.is_empty() || value.chars().any(|c| c.is_control()) {
        return Err(format!("the value of header {name} is empty or has control characters"));
    }
    Ok((name.to_string(), value.to_string()))
}

impl RefreshState {
    pub(crate) fn set(&self, refresher: Arc<dyn CredentialRefresher>, max_per_identity: u32) {
        *lock(&self.refresher) = Some((refresher, max_per_identity));
    }

    pub(crate) fn events(&self) -> Vec<RefreshEvent> {
        lock(&self.events).clone()
    }

    /// The identity's refreshed credentials, if any, and the generation they belong to.
    pub(crate) fn current(&self, identity: &str) -> (u64, Option<Credentials>) {
        let ids = lock(&self.identities);
        ids.get(identity).map_or((0, None), |s| (s.generation, s.current.clone()))
    }

    fn covers(&self, identity: &str) -> Option<(Arc<dyn CredentialRefresher>, u32)> {
        lock(&self.refresher).as_ref().filter(|(r, _)| r.covers(identity)).cloned()
    }

    /// Note a response that is not refreshed (the re-sent one): a success counts.
    pub(crate) fn observe(&self, identity: &str, status: u16) {
        if (200..300).contains(&status) && self.covers(identity).is_some() {
            lock(&self.identities).entry(identity.to_string()).or_default().had_success = true;
        }
    }

    /// Decide after a response to a request sent with `sent` (generation `generation`).
    pub(crate) async fn after(&self, identity: &str, status: u16, generation: u64, sent: &Credentials) -> Next {
        let Some((refresher, max)) = self.covers(identity) else { return Next::Keep };
        if (200..300).contains(&status) {
            lock(&self.identities).entry(identity.to_string()).or_default().had_success = true;
            return Next::Keep;
        }
        if !EXPIRED_STATUSES.contains(&status) {
            return Next::Keep;
        }
        let gate = lock(&self.locks).entry(identity.to_string()).or_default().clone();
        let _guard = gate.lock().await;
        {
            let ids = lock(&self.identities);
            let Some(state) = ids.get(identity).filter(|s| s.had_success) else { return Next::Keep };
            if state.generation > generation {
                // Another request refreshed while this one waited: reuse its credential.
                return state.current.clone().map_or(Next::Keep, Next::Retry);
            }
            if state.refreshes >= max {
                return Next::Keep;
            }
        }
        let outcome = match tokio::time::timeout(REFRESH_TIMEOUT, refresher.refresh(identity)).await {
            Ok(r) => r,
            Err(_) => Err(format!("no answer within {} s", REFRESH_TIMEOUT.as_secs())),
        };
        let mut ids = lock(&self.identities);
        let state = ids.entry(identity.to_string()).or_default();
        state.refreshes += 1;
        let next = match &outcome {
            Ok((name, value)) => {
                let fresh = with_header(state.current.as_ref().unwrap_or(sent), name, value);
                state.generation += 1;
                state.current = Some(fresh.clone());
                Next::Retry(fresh)
            }
            Err(_) => Next::Keep,
        };
        drop(ids);
        lock(&self.events).push(RefreshEvent { identity: identity.to_string(), status, outcome: outcome.map(|(n, _)| n) });
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lines_are_parsed_strictly() {
        assert_eq!(parse_header_line("Authorization: Bearer abc\n").unwrap(), ("Authorization".into(), "Bearer abc".into()));
        for bad in ["", "no colon", ": v", "Bad Name: v", "X-A:   ", "X-A: a\u{7}b"] {
            assert!(parse_header_line(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_fresh_header_replaces_the_old_one_case_insensitively() {
        let c = Credentials::new().bearer("old").header("X-Tenant", "t1");
        let n = with_header(&c, "authorization", "Bearer new");
        assert_eq!(n.headers, vec![("X-Tenant".to_string(), "t1".to_string()), ("authorization".to_string(), "Bearer new".to_string())]);
    }
}
