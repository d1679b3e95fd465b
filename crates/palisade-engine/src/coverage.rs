//! Coverage bookkeeping: which check category sent which request, the
//! crawl's plan (order and budget), and the report's [`Coverage`] section.
//!
//! # The crawl's budget rule
//!
//! Every safe operation (GET/HEAD/OPTIONS not refused by triage) is crawled
//! once as the default identity (anonymous when there is none), then once
//! more as each named identity (`--identity`). The crawl may spend what is
//! left of the scan's request budget when it starts, minus a quarter kept
//! for the checks ([`CHECK_SHARE`]); "left" is the smaller of
//! `--max-requests` minus the requests already sent and, when the rate is
//! bounded, `--rate` × the time left of `--max-time`. When the plan does
//! not fit, the first part of the crawl order is sent and the rest is
//! skipped as "over budget": the first identity pass comes before any
//! other identity's, and inside a pass operations with path parameters,
//! declared auth and sensitive names come first, taken round-robin across
//! resources (the first path segment after `api`/version prefixes) so a cut
//! never drops one whole resource.

use crate::check::Check;
use async_trait::async_trait;
use palisade_core::coverage::{CategoryCoverage, OperationIndex, SkipKind, SkippedCount};
use palisade_core::{Category, Coverage, Endpoint, EndpointSource, ParamLocation, RuleMeta};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex};

/// Share of the budget left at the crawl that the crawl leaves to the checks: 1/CHECK_SHARE.
pub const CHECK_SHARE: u64 = 4;

tokio::task_local! {
    /// The category of the check whose task is running.
    static CATEGORY: Category;
}

/// The category of the check running on this task, if any.
pub(crate) fn current_category() -> Option<Category> {
    CATEGORY.try_with(|c| *c).ok()
}

/// A check whose requests are counted under its category.
pub(crate) struct Attributed(pub Arc<dyn Check>);

#[async_trait]
impl Check for Attributed {
    fn name(&self) -> &'static str {
        self.0.name()
    }
    fn category(&self) -> Category {
        self.0.category()
    }
    fn rules(&self) -> &'static [&'static RuleMeta] {
        self.0.rules()
    }
    fn feeds(&self) -> &'static [&'static RuleMeta] {
        self.0.feeds()
    }
    async fn run(&self, ctx: &crate::ScanContext) -> Result<(), crate::CheckFailure> {
        CATEGORY.scope(self.0.category(), self.0.run(ctx)).await
    }
}

/// Requests answered for the scan (each distinct exchange once; cache hits
/// are not new requests): who asked (a check's category, or `None` for the
/// crawl and the orchestrator), method and URL path.
#[derive(Default)]
pub struct RequestLog {
    seen: Mutex<HashSet<(Option<Category>, String, String)>>,
}

impl RequestLog {
    pub(crate) fn record(&self, method: &str, path: &str) {
        let key = (current_category(), method.to_ascii_uppercase(), path.to_string());
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).insert(key);
    }

    fn entries(&self) -> Vec<(Option<Category>, String, String)> {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).iter().cloned().collect()
    }
}

/// Words in a path or operationId that make an operation worth crawling first.
const SENSITIVE: &[&str] = &[
    "admin",
    "account",
    "accounts",
    "auth",
    "billing",
    "card",
    "cards",
    "config",
    "credential",
    "credentials",
    "debug",
    "export",
    "internal",
    "invoice",
    "invoices",
    "key",
    "keys",
    "order",
    "orders",
    "password",
    "payment",
    "payments",
    "private",
    "profile",
    "role",
    "roles",
    "secret",
    "secrets",
    "session",
    "sessions",
    "settings",
    "token",
    "tokens",
    "user",
    "users",
    "wallet",
];

/// Higher first: path parameters (object access), declared auth, sensitive names, query parameters.
pub(crate) fn priority(ep: &Endpoint) -> u32 {
    let mut score = 0;
    if ep.has_path_params() || ep.parameters.iter().any(|p| p.location == ParamLocation::Path) {
        score += 4;
    }
    if ep.requires_auth() {
        score += 2;
    }
    let mut words = crate::triage::words(&ep.path);
    if let Some(id) = &ep.operation_id {
        words.extend(crate::triage::words(id));
    }
    if words.iter().any(|w| SENSITIVE.contains(&w.as_str())) {
        score += 3;
    }
    if ep.parameters.iter().any(|p| p.location == ParamLocation::Query) {
        score += 1;
    }
    score
}

/// The resource an operation belongs to: its first path segment after `api` and version prefixes.
fn resource(ep: &Endpoint) -> &str {
    let is_prefix = |s: &str| {
        s.eq_ignore_ascii_case("api") || (s.len() > 1 && s.starts_with(['v', 'V']) && s[1..].chars().all(|c| c.is_ascii_digit() || c == '.'))
    };
    ep.path.split('/').find(|s| !s.is_empty() && !is_prefix(s)).unwrap_or("")
}

/// Crawl order of `candidates` (indices into `endpoints`): priority tiers,
/// highest first; inside a tier round-robin across resources, each
/// resource's operations by path.
pub(crate) fn crawl_order(endpoints: &[Endpoint], candidates: &[usize]) -> Vec<usize> {
    let mut tiers: BTreeMap<std::cmp::Reverse<u32>, BTreeMap<&str, Vec<usize>>> = BTreeMap::new();
    for &i in candidates {
        let ep = &endpoints[i];
        tiers.entry(std::cmp::Reverse(priority(ep))).or_default().entry(resource(ep)).or_default().push(i);
    }
    let mut out = Vec::with_capacity(candidates.len());
    for (_, groups) in tiers {
        let mut groups: Vec<std::collections::VecDeque<usize>> = groups
            .into_values()
            .map(|mut v| {
                v.sort_by(|&a, &b| endpoints[a].path.cmp(&endpoints[b].path).then(endpoints[a].method.cmp(&endpoints[b].method)));
                v.into()
            })
            .collect();
        while !groups.is_empty() {
            for g in &mut groups {
                if let Some(i) = g.pop_front() {
                    out.push(i);
                }
            }
            groups.retain(|g| !g.is_empty());
        }
    }
    out
}

/// Requests the crawl may send: what is left of the budget, less the checks' share.
/// `None`: no bound.
pub(crate) fn crawl_budget(engine: &palisade_http::Engine, elapsed: std::time::Duration) -> Option<u64> {
    let cfg = engine.config();
    let used = engine.health().requests_sent;
    let by_requests = cfg.max_requests.map(|max| max.saturating_sub(used));
    let by_time = match cfg.max_time {
        Some(max) if cfg.rate_per_sec.is_finite() && cfg.rate_per_sec > 0.0 => {
            Some((max.saturating_sub(elapsed).as_secs_f64() * cfg.rate_per_sec).floor() as u64)
        }
        _ => None,
    };
    let left = match (by_requests, by_time) {
        (Some(a), Some(b)) => a.min(b),
        (a, b) => a.or(b)?,
    };
    Some(left - left / CHECK_SHARE)
}

/// What the crawl did, for the coverage section.
#[derive(Default)]
pub(crate) struct CrawlOutcome {
    /// Operations (indices into the inventory) the crawl got an answer from.
    pub answered: HashSet<usize>,
    /// Why the crawl did not reach an operation it meant to call.
    pub missed: HashMap<usize, SkipKind>,
    /// Who the crawl sent as.
    pub identities: Vec<String>,
    /// Requests sent (cache hits excluded).
    pub requests: u64,
}

/// The report's coverage section from the inventory, the crawl and every request the scan's checks sent.
pub(crate) fn assemble(endpoints: &[Endpoint], base_path: &str, crawl: &CrawlOutcome, log: &RequestLog) -> Coverage {
    let index = OperationIndex::new(endpoints);
    // The first of repeated (method, path) pairs stands for all of them.
    let mut unique = Vec::new();
    let mut keys = HashSet::new();
    for (i, ep) in endpoints.iter().enumerate() {
        if keys.insert((ep.method.to_ascii_uppercase(), ep.path.clone())) {
            unique.push(i);
        }
    }
    let mut tested: HashSet<usize> = crawl.answered.clone();
    let mut probed: BTreeMap<Category, BTreeSet<usize>> = BTreeMap::new();
    for (category, method, path) in log.entries() {
        let Some(rel) = path.strip_prefix(base_path) else { continue };
        let Some(op) = index.find(&method, rel) else { continue };
        tested.insert(op);
        if let Some(c) = category {
            probed.entry(c).or_default().insert(op);
        }
    }
    let mut skipped: BTreeMap<SkipKind, usize> = BTreeMap::new();
    for &i in unique.iter().filter(|i| !tested.contains(i)) {
        let kind = match crate::triage::judge(&endpoints[i]) {
            Some(v) if v.field == crate::triage::Field::Method => SkipKind::NeedsWrite,
            Some(_) => SkipKind::StateChanging,
            None => crawl.missed.get(&i).copied().unwrap_or(SkipKind::Failed),
        };
        *skipped.entry(kind).or_default() += 1;
    }
    let spec = unique.iter().filter(|&&i| endpoints[i].source == EndpointSource::Spec).count();
    Coverage {
        operations: spec,
        undocumented: unique.len() - spec,
        crawled: unique.iter().filter(|i| crawl.answered.contains(i)).count(),
        tested: unique.iter().filter(|i| tested.contains(i)).count(),
        probed: probed.into_iter().map(|(category, ops)| CategoryCoverage { category, operations: ops.len() }).collect(),
        skipped: skipped.into_iter().map(|(reason, operations)| SkippedCount { reason, operations }).collect(),
        identities: crawl.identities.clone(),
        crawl_requests: crawl.requests,
    }
}

/// Identities whose credentials the target does not accept, with why, from
/// the crawl's answers (`(pass, operation, status)`; `names[pass]` is the
/// identity a pass sent as, `None` for anonymous).
///
/// An identity is rejected when it got 401/403 on at least one operation
/// and 2xx on none that needs credentials, and either another identity got
/// 2xx where it got 401/403, or it got 401/403 on every operation (two or
/// more). An operation needs credentials when the spec declares security for
/// it or when some pass got 401/403 there. A wrong token on an API with
/// public operations is caught this way; a read-only user who is refused
/// admin operations but reads its own data is not.
pub(crate) fn rejected_identities(names: &[Option<String>], answers: &[(usize, usize, u16)], endpoints: &[Endpoint]) -> BTreeMap<String, String> {
    let denied = |s: u16| s == 401 || s == 403;
    let success = |s: u16| (200..300).contains(&s);
    let needs_credentials: HashSet<usize> = answers
        .iter()
        .filter(|(_, _, s)| denied(*s))
        .map(|(_, i, _)| *i)
        .chain((0..endpoints.len()).filter(|&i| !endpoints[i].security.is_empty()))
        .collect();
    let mut rejected = BTreeMap::new();
    for (pass, name) in names.iter().enumerate() {
        let Some(name) = name else { continue };
        let mine: Vec<(usize, u16)> = answers.iter().filter(|(p, _, _)| *p == pass).map(|(_, i, s)| (*i, *s)).collect();
        let refused: HashSet<usize> = mine.iter().filter(|(_, s)| denied(*s)).map(|(i, _)| *i).collect();
        let accepted = mine.iter().any(|(i, s)| success(*s) && needs_credentials.contains(i));
        if refused.is_empty() || accepted {
            continue;
        }
        let others_read = answers.iter().any(|(p, i, s)| *p != pass && names[*p].is_some() && success(*s) && refused.contains(i));
        let all_refused = mine.len() >= 2 && refused.len() == mine.iter().map(|(i, _)| *i).collect::<HashSet<_>>().len();
        if others_read || all_refused {
            let needing = mine.iter().filter(|(i, _)| needs_credentials.contains(i)).count();
            rejected.insert(
                name.clone(),
                format!(
                    "identity '{name}' is not accepted by the target: {} of {needing} operations that need credentials answered it 401/403 in the crawl; it was left out of the checks that compare identities",
                    refused.len()
                ),
            );
        }
    }
    rejected
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_puts_parameters_auth_and_sensitive_names_first_and_spreads_resources() {
        let eps: Vec<Endpoint> =
            ["/a", "/a/x", "/b", "/b/{id}", "/users", "/api/v1/c/{id}", "/api/v1/a/{id}"].iter().map(|p| Endpoint::discovered("GET", p)).collect();
        let all: Vec<usize> = (0..eps.len()).collect();
        let order: Vec<&str> = crawl_order(&eps, &all).into_iter().map(|i| eps[i].path.as_str()).collect();
        assert_eq!(order, ["/api/v1/a/{id}", "/b/{id}", "/api/v1/c/{id}", "/users", "/a", "/b", "/a/x"]);
    }

    #[test]
    fn an_identity_refused_where_another_reads_is_rejected_and_a_limited_user_is_not() {
        let eps: Vec<Endpoint> = ["/me", "/admin/users", "/public"].iter().map(|p| Endpoint::discovered("GET", p)).collect();
        let names = [Some("alice".to_string()), Some("mallory".to_string()), Some("user".to_string())];
        // alice reads everything; mallory (a bad token) is refused where alice reads;
        // user is refused the admin operation but reads its own profile.
        let answers = [(0, 0, 200), (0, 1, 200), (0, 2, 200), (1, 0, 401), (1, 1, 401), (1, 2, 200), (2, 0, 200), (2, 1, 403), (2, 2, 200)];
        let rejected = rejected_identities(&names, &answers, &eps);
        assert_eq!(rejected.keys().collect::<Vec<_>>(), ["mallory"], "{rejected:?}");
        assert!(rejected["mallory"].contains("2 of 2 operations that need credentials"), "{}", rejected["mallory"]);
        // One identity alone, refused everywhere: rejected; anonymous passes are never judged.
        let rejected = rejected_identities(&[None, Some("solo".into())], &[(0, 0, 401), (1, 0, 401), (1, 1, 403)], &eps);
        assert_eq!(rejected.keys().collect::<Vec<_>>(), ["solo"]);
    }
}
